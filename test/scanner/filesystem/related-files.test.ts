import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readBounded } from '../../../src/scanner/filesystem/bounded-read.ts';
import { relatedFileReader, resolveInside } from '../../../src/scanner/filesystem/related-files.ts';

describe('related files of a directory scan', () => {
  it('resolves paths against the asking file’s directory, never outside the root', () => {
    for (const [dir, relative, expected] of [
      ['app', '../pom.xml', 'pom.xml'],
      ['app/core', '../../build/parent/pom.xml', 'build/parent/pom.xml'],
      ['app', 'core/./pom.xml', 'app/core/pom.xml'],
      ['app', '..\\parent\\pom.xml', 'parent/pom.xml'],
      ['app', 'core/', 'app/core'],
      ['.', 'pom.xml', 'pom.xml'],
      ['.', '../pom.xml', undefined],
      ['app', '../../pom.xml', undefined],
      ['app', 'a/../../../etc/passwd', undefined],
      ['app', '/etc/passwd', undefined],
      ['app', 'C:\\parent\\pom.xml', undefined],
      ['app', '', undefined],
      ['app', 'x\0y', undefined],
      ['.', '.git/config', undefined],
      ['app', '../.git/pom.xml', undefined],
      ['.', 'proc/self/environ', undefined],
      ['app', 'proc/pom.xml', 'app/proc/pom.xml'],
    ] as const)
      assert.equal(resolveInside(dir, relative), expected, `${dir} + ${relative}`);
  });

  let root: string;
  before(async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-related-'));
    root = join(scratch, 'root');
    await mkdir(join(root, 'app'), { recursive: true });
    await writeFile(join(root, 'pom.xml'), 'parent');
    await writeFile(join(root, 'big.xml'), 'x'.repeat(100));
    await writeFile(join(scratch, 'secret.xml'), 'outside');
    await mkdir(join(scratch, 'elsewhere'));
    await writeFile(join(scratch, 'elsewhere', 'pom.xml'), 'elsewhere');
    await symlink(join(scratch, 'secret.xml'), join(root, 'linked.xml'));
    await symlink(join(scratch, 'elsewhere'), join(root, 'linked-dir'));
  });
  after(async () => {
    await rm(join(root, '..'), { recursive: true, force: true });
  });

  it('reads regular files only, within the size limit, and follows no symbolic link', async () => {
    const read = relatedFileReader(root, 'app/pom.xml', 50);
    assert.equal((await read('../pom.xml'))?.toString(), 'parent');
    assert.equal(await read('../../secret.xml'), undefined, 'outside the root');
    assert.equal(await read('../linked.xml'), undefined, 'a link to a file');
    assert.equal(await read('../linked-dir/pom.xml'), undefined, 'through a linked directory');
    assert.equal(await read('../big.xml'), undefined, 'over the limit');
    assert.equal(await read('..'), undefined, 'a directory');
    assert.equal(await read('missing.xml'), undefined);
  });

  it('reads whole files whatever size was expected, and never past the limit', async () => {
    const big = join(root, 'grown.bin');
    const bytes = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 5 }, (_, i) => i % 251));
    await writeFile(big, bytes);
    await writeFile(join(root, 'empty'), '');
    // A file that grew since it was listed (expected 10 bytes), one listed right, an empty one.
    assert.ok((await readBounded(big, 4 * 1024 * 1024, 10)).equals(bytes));
    assert.ok((await readBounded(big, 4 * 1024 * 1024, bytes.length)).equals(bytes));
    assert.equal((await readBounded(join(root, 'empty'), 100, 0)).length, 0);
    await assert.rejects(readBounded(big, 1024 * 1024, 10), /grew past the 1048576-byte analysis limit/);
    await assert.rejects(readBounded(join(root, 'linked.xml'), 100), /ELOOP/);
  });
});
