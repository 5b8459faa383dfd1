import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { BoltDb, type BoltBucket } from '../../src/scanner/db/bbolt/index.ts';
import {
  BoltFileWriter,
  BoltTreeBucket,
  BoltWriterError,
  fnv1a64,
  writeBoltTree,
  type BoltTree,
} from './bbolt-writer.ts';

const run = promisify(execFile);

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bbolt-writer-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function withDb<T>(path: string, use: (db: BoltDb) => T): T {
  const db = BoltDb.open(path);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

function keysOf(bucket: BoltBucket): string[] {
  return [...bucket.entries()].map((entry) => entry.key.toString('hex'));
}

/** CRC-32C (Castagnoli), the hash `etcdctl snapshot status` prints. */
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(parts: Iterable<Uint8Array>): number {
  let crc = 0xffffffff;
  for (const part of parts) {
    for (const byte of part) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Go's bbolt (vendored in etcdctl 3.4, from apt package etcd-client) opens the file read-only and runs tx.Check(). */
async function goBboltStatus(path: string): Promise<{ hash: number; totalKey: number; totalSize: number }> {
  const { stdout } = await run('etcdctl', ['snapshot', 'status', path, '-w', 'json'], {
    env: { ...process.env, ETCDCTL_API: '3' },
  });
  return JSON.parse(stdout) as { hash: number; totalKey: number; totalSize: number };
}

describe('bbolt writer', () => {
  it('round-trips nested, inline, page-rooted and empty buckets with binary keys', () => {
    const binary = new Map<Uint8Array, string>([
      [Uint8Array.of(0xff, 0x00), 'high'],
      [Uint8Array.of(0x00), 'zero'],
      [Uint8Array.of(0x00, 0x00), 'zero-zero'],
      [Uint8Array.of(0x7f), 'mid'],
    ]);
    const tree: BoltTree = {
      pkgs: {
        openssl: { 'CVE-2024-1': '{"FixedVersion":"1"}', 'CVE-2023-9': '{}' },
        zlib: { 'CVE-2022-3': 'x' },
      },
      binary,
      'empty inline': {},
      'empty paged': new BoltTreeBucket({}, { inline: false }),
      'small paged': new BoltTreeBucket({ a: 'b' }, { inline: false, sequence: 42 }),
      'grows out of inline': Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'.repeat(30)]),
      ),
    };
    const summary = writeBoltTree(join(dir, 'small.db'), tree);
    // inline: openssl, zlib, binary, empty inline; paged: pkgs (has sub-buckets), the two forced, the large one.
    assert.equal(summary.inlineBuckets, 4);
    assert.equal(summary.pageBuckets, 4);
    assert.equal(statSync(summary.path).size, summary.fileSize);

    withDb(summary.path, (db) => {
      assert.equal(db.pageSize, 4096);
      assert.equal(db.txid, 2);
      const root = db.root();
      assert.deepEqual(
        [...root.entries()].map((entry) => [entry.key.toString(), entry.value]),
        [
          ['binary', null],
          ['empty inline', null],
          ['empty paged', null],
          ['grows out of inline', null],
          ['pkgs', null],
          ['small paged', null],
        ],
      );
      const pkgs = root.bucket('pkgs')!;
      assert.equal(pkgs.get('openssl'), undefined, 'a bucket key has no value');
      assert.equal(pkgs.bucket('openssl')!.get('CVE-2024-1')!.toString(), '{"FixedVersion":"1"}');
      assert.deepEqual(
        [...pkgs.bucket('openssl')!.entries()].map((entry) => entry.key.toString()),
        ['CVE-2023-9', 'CVE-2024-1'],
      );
      assert.equal(pkgs.bucket('zlib')!.get('CVE-2022-3')!.toString(), 'x');
      assert.deepEqual(keysOf(root.bucket('binary')!), ['00', '0000', '7f', 'ff00']);
      assert.equal(root.bucket('binary')!.get(Uint8Array.of(0xff, 0x00))!.toString(), 'high');
      assert.deepEqual(keysOf(root.bucket('empty inline')!), []);
      assert.deepEqual(keysOf(root.bucket('empty paged')!), []);
      assert.equal(root.bucket('small paged')!.get('a')!.toString(), 'b');
      const grown = root.bucket('grows out of inline')!;
      assert.equal([...grown.entries()].length, 40);
      assert.equal(grown.get('k39')!.toString(), 'v'.repeat(30));
    });
  });

  it('streams a large bucket into a multi-level tree with overflow values and 32 KiB keys', () => {
    const path = join(dir, 'large.db');
    const writer = BoltFileWriter.create(path);
    const count = 60_000;
    const key = (i: number) => `pkg-${String(i).padStart(7, '0')}`;
    const value = (i: number) => `{"FixedVersion":"${i}.0-${i % 97}","Pad":"${'p'.repeat(i % 200)}"}`;
    writer.beginBucket('big');
    for (let i = 0; i < count; i++) writer.put(key(i), value(i));
    writer.endBucket();
    writer.beginBucket('huge keys');
    for (let i = 0; i < 24; i++) writer.put(Buffer.alloc(32768, i + 1), `value ${i}`);
    writer.endBucket();
    writer.beginBucket('overflow');
    for (let i = 0; i < 5; i++) writer.put(`blob-${i}`, Buffer.alloc(10_000 + i * 50_000, i + 1));
    writer.endBucket();
    const summary = writer.finish();
    assert.ok(summary.maxTreeHeight >= 3, `tree height ${summary.maxTreeHeight}`);
    assert.ok(summary.overflowPages > 50, `overflow pages ${summary.overflowPages}`);
    assert.equal(summary.values, count + 24 + 5);

    withDb(path, (db) => {
      const big = db.root().bucket('big')!;
      for (let n = 0; n < 2000; n++) {
        const i = (n * 7919) % count;
        assert.equal(big.get(key(i))?.toString(), value(i));
      }
      assert.equal(big.get('pkg-'), undefined);
      assert.equal(big.get(key(count)), undefined);
      let seen = 0;
      for (const entry of big.entries()) {
        assert.equal(entry.key.toString(), key(seen));
        seen++;
      }
      assert.equal(seen, count);
      assert.equal([...big.entries('pkg-00012')].length, 100);

      const huge = db.root().bucket('huge keys')!;
      const hugeKeys = [...huge.entries()];
      assert.equal(hugeKeys.length, 24);
      assert.ok(hugeKeys.every((entry, i) => entry.key.length === 32768 && entry.key[0] === i + 1));
      assert.equal(huge.get(Buffer.alloc(32768, 13))!.toString(), 'value 12');

      const overflow = db.root().bucket('overflow')!;
      for (let i = 0; i < 5; i++)
        assert.deepEqual(overflow.get(`blob-${i}`), Buffer.alloc(10_000 + i * 50_000, i + 1));
    });
  });

  it('writes meta pages with FNV-1a checksums, txid ordering, the high-water mark and the freelist', () => {
    for (const freelist of ['page', 'none'] as const) {
      const path = join(dir, `meta-${freelist}.db`);
      const summary = writeBoltTree(path, { a: { b: 'c' } }, { txid: 7, freelist });
      const bytes = readFileSync(path);
      const metas = [0, 1].map((page) => bytes.subarray(page * 4096 + 16, page * 4096 + 80));
      for (const [page, meta] of metas.entries()) {
        assert.equal(bytes.readBigUInt64LE(page * 4096), BigInt(page));
        assert.equal(bytes.readUInt16LE(page * 4096 + 8), 0x04);
        assert.equal(meta.readUInt32LE(0), 0xed0cdaed);
        assert.equal(meta.readUInt32LE(4), 2);
        assert.equal(meta.readUInt32LE(8), 4096);
        assert.equal(meta.readBigUInt64LE(32), freelist === 'page' ? 2n : 0xffff_ffff_ffff_ffffn);
        assert.equal(meta.readBigUInt64LE(40), BigInt(bytes.length / 4096));
        assert.equal(meta.readBigUInt64LE(56), fnv1a64(meta.subarray(0, 56)));
      }
      assert.equal(metas[1]!.readBigUInt64LE(48), 7n, 'txid 7 lives on page 7 mod 2');
      assert.equal(metas[0]!.readBigUInt64LE(48), 6n);
      if (freelist === 'page') assert.equal(bytes.readUInt16LE(2 * 4096 + 8), 0x10);
      assert.equal(summary.pageCount, bytes.length / 4096);
      withDb(path, (db) => {
        assert.equal(db.txid, 7);
        assert.equal(db.root().bucket('a')!.get('b')!.toString(), 'c');
      });
    }
  });

  it("is opened by Go's bbolt with tx.Check() passing (etcdctl snapshot status)", async () => {
    const buckets: [string, [Buffer, Buffer][]][] = [
      [
        'advisories',
        Array.from({ length: 30_000 }, (_, i) => [Buffer.from(`k${i}`), Buffer.from(`v${i}`.repeat(i % 9))]),
      ],
      ['blobs', [[Buffer.from('big'), Buffer.alloc(70_000, 7)]]],
      ['nested', []],
    ];
    for (const [, entries] of buckets) entries.sort((a, b) => Buffer.compare(a[0], b[0]));
    for (const freelist of ['page', 'none'] as const) {
      const path = join(dir, `go-${freelist}.db`);
      const writer = BoltFileWriter.create(path, { freelist, fillPercent: 0.7 });
      for (const [name, entries] of buckets) {
        writer.beginBucket(name);
        for (const [key, value] of entries) writer.put(key, value);
        if (name === 'nested') {
          for (let i = 0; i < 300; i++) {
            writer.beginBucket(`pkg${String(i).padStart(3, '0')}`);
            writer.put('CVE-1', 'x');
            writer.endBucket();
          }
        }
        writer.endBucket();
      }
      const summary = writer.finish();
      const status = await goBboltStatus(path);
      assert.equal(status.totalSize, summary.fileSize);
      assert.equal(status.totalKey, 30_000 + 1 + 300);
      // The hash covers each bucket name, then each key and value (nothing for a nested bucket's value).
      const parts: Buffer[] = [];
      for (const [name, entries] of buckets) {
        parts.push(Buffer.from(name));
        for (const [key, value] of entries) parts.push(key, value);
        if (name === 'nested')
          for (let i = 0; i < 300; i++) parts.push(Buffer.from(`pkg${String(i).padStart(3, '0')}`));
      }
      assert.equal(status.hash, crc32c(parts));
    }
  });

  it('packs pages to the fill factor', () => {
    const sizes = [1, 0.5].map((fillPercent) => {
      const writer = BoltFileWriter.create(join(dir, `fill-${fillPercent}.db`), { fillPercent });
      writer.beginBucket('b');
      for (let i = 0; i < 5000; i++) writer.put(`key-${String(i).padStart(5, '0')}`, 'v'.repeat(40));
      writer.endBucket();
      return writer.finish().leafPages;
    });
    assert.ok(sizes[1]! >= sizes[0]! * 1.8, `leaf pages at 100%: ${sizes[0]}, at 50%: ${sizes[1]}`);
  });

  it('rejects input bbolt cannot hold and deletes the partial file on abort', () => {
    const path = join(dir, 'bad.db');
    const writer = BoltFileWriter.create(path);
    assert.throws(() => writer.put('k', 'v'), BoltWriterError, 'values at the root');
    assert.throws(() => writer.endBucket(), BoltWriterError);
    writer.beginBucket('b');
    writer.put('m', '1');
    assert.throws(() => writer.put('a', '2'), /ascending/);
    assert.throws(() => writer.put('m', '2'), /unique and ascending/);
    assert.throws(() => writer.put('', '2'), /empty key/);
    assert.throws(() => writer.put(Buffer.alloc(32769, 0x7a), '2'), /32768-byte limit/);
    assert.throws(() => writer.finish(), /still open/);
    writer.abort();
    assert.equal(existsSync(path), false);
    assert.throws(() => writer.put('z', '1'), /already finished/);
    assert.throws(() => BoltFileWriter.create(join(dir, 'x.db'), { pageSize: 3000 }), /power of two/);
    assert.throws(() => BoltFileWriter.create(join(dir, 'x.db'), { fillPercent: 0 }), /fillPercent/);
    assert.throws(
      () =>
        writeBoltTree(join(dir, 'dup.db'), {
          b: new Map<string | Uint8Array, string>([
            ['a', 'x'],
            [Buffer.from('a'), 'y'],
          ]),
        }),
      /unique/,
    );
    assert.equal(existsSync(join(dir, 'dup.db')), false);
  });
});
