import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DbArchiveError, extractDbArchive } from '../../../../src/scanner/db/download/archive.ts';
import { gzipTar, type TarMember } from './db-artifact.ts';

let root: string;
let dest: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'trivy-ts-archive-'));
  dest = join(root, 'out');
  await mkdir(dest);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const db = { name: 'trivy.db', content: Buffer.from('bolt bytes') };
const meta = { name: 'metadata.json', content: Buffer.from('{"Version":2}') };

async function extract(
  members: TarMember[],
  limits?: { maxDbBytes: number; maxMetadataBytes: number },
): Promise<void> {
  // each extraction gets an empty destination, as the staging dir of a download is
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest);
  await extractDbArchive(Readable.from([await gzipTar(members)]), dest, limits);
}

async function rejects(members: TarMember[], pattern: RegExp): Promise<void> {
  await assert.rejects(extract(members), (error: unknown) => {
    assert.ok(error instanceof DbArchiveError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
  assert.deepEqual((await readdir(root)).sort(), ['out'], 'nothing may be written outside the destination');
}

describe('extractDbArchive', () => {
  it('extracts exactly trivy.db and metadata.json (also with a ./ prefix)', async () => {
    await extract([{ ...db, name: './trivy.db' }, meta]);
    assert.deepEqual((await readdir(dest)).sort(), ['metadata.json', 'trivy.db']);
    assert.equal(await readFile(join(dest, 'trivy.db'), 'utf8'), 'bolt bytes');
    assert.equal(await readFile(join(dest, 'metadata.json'), 'utf8'), '{"Version":2}');
  });

  it('rejects path traversal and nested paths', async () => {
    await rejects(
      [{ name: '../trivy.db', content: Buffer.from('x') }, meta],
      /unexpected member "\.\.\/trivy\.db"/,
    );
    await rejects([db, { name: 'sub/metadata.json', content: Buffer.from('{}') }], /unexpected member/);
    await rejects([db, meta, { name: '/etc/passwd', content: Buffer.from('x') }], /unexpected member/);
  });

  it('rejects extra members, links, directories and duplicates', async () => {
    await rejects(
      [db, meta, { name: 'evil.sh', content: Buffer.from('#!/bin/sh') }],
      /unexpected member "evil\.sh"/,
    );
    await rejects(
      [{ name: 'trivy.db', type: 'symlink', linkname: '/etc/passwd' }, meta],
      /symlink, not a regular file/,
    );
    await rejects(
      [db, { name: 'metadata.json', type: 'link', linkname: 'trivy.db' }],
      /link, not a regular file/,
    );
    await rejects([{ name: 'trivy.db', type: 'directory' }, meta], /directory, not a regular file/);
    await rejects([db, meta, db], /trivy\.db twice/);
  });

  it('rejects members over the size limits and archives missing a file', async () => {
    await assert.rejects(
      extract([db, meta], { maxDbBytes: 5, maxMetadataBytes: 100 }),
      /more than the 5 allowed/,
    );
    await rejects([db], /has no metadata\.json/);
  });

  it("rejects data that is not a gzip'd tar", async () => {
    await assert.rejects(
      extractDbArchive(Readable.from([Buffer.from('not gzip at all')]), dest),
      DbArchiveError,
    );
    const gzipOfJunk = gzipSync(Buffer.alloc(1024, 7));
    await assert.rejects(extractDbArchive(Readable.from([gzipOfJunk]), dest), DbArchiveError);
  });
});
