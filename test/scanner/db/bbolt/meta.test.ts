import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BoltDb, BoltFormatError } from '../../../../src/scanner/db/bbolt/index.ts';
import { fnv1a64 } from '../../../../src/scanner/db/bbolt/meta.ts';
import { fnv1a64 as writerFnv, writeBoltTree } from '../../../support/bbolt-writer.ts';

describe('FNV-1a 64', () => {
  it('matches the published test vectors', () => {
    assert.equal(fnv1a64(Buffer.from('')), 0xcbf29ce484222325n);
    assert.equal(fnv1a64(Buffer.from('a')), 0xaf63dc4c8601ec8cn);
    assert.equal(fnv1a64(Buffer.from('foobar')), 0x85944171f73967e8n);
  });
});

describe('meta page selection', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bbolt-meta-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const tree = { b: { k: 'v' } };

  for (const txid of [7, 8]) {
    it(`picks the higher txid whether it is in meta ${txid % 2} (txid ${txid})`, () => {
      const { path } = writeBoltTree(join(dir, `tx${txid}.db`), tree, { txid });
      const db = BoltDb.open(path);
      try {
        assert.equal(db.txid, txid);
        assert.equal(db.root().bucket('b')?.get('k')?.toString(), 'v');
      } finally {
        db.close();
      }
    });
  }

  for (const pageSize of [1024, 8192, 65536]) {
    it(`probes the page size (${pageSize}) from meta 1 when meta 0 is damaged`, () => {
      const { path } = writeBoltTree(join(dir, `ps${pageSize}.db`), tree, { pageSize, txid: 4 });
      const buf = readFileSync(path);
      buf.writeUInt32LE(0x12345678, 16); // meta 0 magic
      writeFileSync(path, buf);
      const db = BoltDb.open(path);
      try {
        assert.equal(db.pageSize, pageSize);
        assert.equal(db.txid, 3, 'meta 1 holds the older txid');
        assert.equal(db.root().bucket('b')?.get('k')?.toString(), 'v');
      } finally {
        db.close();
      }
    });
  }

  it('rejects an implausible page size even with a valid checksum', () => {
    const { path } = writeBoltTree(join(dir, 'odd.db'), tree);
    const buf = readFileSync(path);
    for (const at of [16, 4096 + 16]) {
      buf.writeUInt32LE(3000, at + 8);
      buf.writeBigUInt64LE(writerFnv(buf.subarray(at, at + 56)), at + 56);
    }
    writeFileSync(path, buf);
    assert.throws(
      () => BoltDb.open(path),
      (error: unknown) =>
        error instanceof BoltFormatError && /implausible page size 3000/.test(error.message),
    );
  });
});
