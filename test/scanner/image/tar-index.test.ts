import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { indexTar, TarIndexError } from '../../../src/scanner/image/tar-index.ts';

const run = promisify(execFile);

describe('tar index', () => {
  let scratch: string;
  const longDir = `${'d'.repeat(120)}/${'e'.repeat(90)}`;
  const longName = `${longDir}/layer.tar`;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-tarindex-'));
    const root = join(scratch, 'root');
    await mkdir(join(root, longDir), { recursive: true });
    await writeFile(join(root, longName), 'layer bytes');
    await writeFile(join(root, 'manifest.json'), '[]');
    await writeFile(join(root, 'empty'), '');
    await symlink('manifest.json', join(root, 'link'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  for (const format of ['gnu', 'pax', 'ustar']) {
    it(`finds every member's data by offset in a GNU tar ${format} archive`, async () => {
      const archive = join(scratch, `${format}.tar`);
      const members = format === 'ustar' ? ['manifest.json', 'empty', 'link'] : ['.'];
      await run('tar', ['-c', `--format=${format}`, '-f', archive, '-C', join(scratch, 'root'), ...members]);
      const index = await indexTar(archive);
      const bytes = await readFile(archive);
      const manifest = index.get('manifest.json');
      assert.equal(
        bytes.toString('utf8', manifest?.offset, (manifest?.offset ?? 0) + (manifest?.size ?? 0)),
        '[]',
      );
      assert.equal(index.get('empty')?.size, 0);
      assert.deepEqual([index.get('link')?.type, index.get('link')?.linkName], ['symlink', 'manifest.json']);
      if (format !== 'ustar') {
        const layer = index.get(longName);
        assert.equal(
          bytes.toString('utf8', layer?.offset, (layer?.offset ?? 0) + (layer?.size ?? 0)),
          'layer bytes',
        );
      }
    });
  }

  it('rejects a truncated archive and a file that is not a tar', async () => {
    const archive = join(scratch, 'cut.tar');
    await run('tar', ['-c', '-f', archive, '-C', join(scratch, 'root'), '.']);
    await truncate(archive, (await stat(archive)).size - 5000);
    await assert.rejects(indexTar(archive), TarIndexError);
    const garbage = join(scratch, 'garbage.tar');
    await writeFile(garbage, Buffer.alloc(4096, 0x41));
    await assert.rejects(indexTar(garbage), /bad header checksum/);
  });
});
