import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { type BoltBucket, BoltDb, BoltFormatError } from '../../../../src/scanner/db/bbolt/index.ts';
import { fnv1a64, writeBoltTree } from '../../../support/bbolt-writer.ts';
import { buildEtcdFixture } from '../../../support/etcd.ts';
import { RawBolt } from './raw-pages.ts';

/** Reads every entry of every bucket (recursively), then gets each key again: reaches every page of the tree. */
function walk(bucket: BoltBucket, depth = 0): number {
  let n = 0;
  for (const entry of bucket.entries()) {
    n++;
    if (entry.value === null) n += walk(bucket.bucket(entry.key)!, depth + 1);
    else assert.ok(bucket.get(entry.key));
  }
  return n;
}

function withKeyBucket<T>(path: string, fn: (bucket: BoltBucket) => T): T {
  const db = BoltDb.open(path);
  try {
    return fn(db.root().bucket('key')!);
  } finally {
    db.close();
  }
}

function rewriteChecksum(buf: Buffer, metaAt: number): void {
  buf.writeBigUInt64LE(fnv1a64(buf.subarray(metaAt, metaAt + 56)), metaAt + 56);
}

interface Case {
  name: string;
  /** Damages `buf` (a copy of the etcd file) in place, or returns a Buffer to write instead (truncation). */
  damage: (raw: RawBolt, buf: Buffer) => unknown;
  message: RegExp;
  /** Page id the error must name; null means the error names no page. */
  pageId: (raw: RawBolt) => number | null;
  /** What triggers the error; default: open and walk everything. */
  trigger?: (path: string) => void;
}

describe('corrupt bbolt files fail with BoltFormatError', { timeout: 60_000 }, () => {
  let dir: string;
  let pristine: Buffer;
  let raw: RawBolt;
  let total: number;
  /** Page ids of interest, found by the naive parser in raw-pages.ts. */
  let keyRoot: number;
  let keyLeaf: number;
  let bigLeaf: number;
  let bigRevKey: Buffer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bbolt-corrupt-'));
    const fixture = await buildEtcdFixture(join(dir, 'etcd'), 20, 100);
    pristine = readFileSync(fixture.boltPath);
    raw = new RawBolt(pristine);
    const keyBucket = raw.topLevelBucket('key');
    keyRoot = Number(pristine.readBigUInt64LE(keyBucket.valueOffset));
    assert.equal(raw.header(keyRoot).flags, 0x01, 'the key bucket root is a branch page');
    const big = fixture.writes.find((w) => w.key.toString() === '/blobs/200k')!;
    bigRevKey = Buffer.alloc(17);
    bigRevKey.writeBigUInt64BE(BigInt(big.revision), 0);
    bigRevKey[8] = 0x5f;
    const bigPath = raw.pathTo(keyRoot, bigRevKey);
    bigLeaf = bigPath.at(-1)!;
    assert.ok(raw.header(bigLeaf).overflow >= 50, 'the 200 KiB value sits on a page with overflow');
    keyLeaf = raw.pathTo(keyRoot, Buffer.alloc(17)).at(-1)!;
    assert.equal(raw.header(keyLeaf).flags, 0x02);
    const db = BoltDb.open(fixture.boltPath);
    try {
      total = walk(db.root());
    } finally {
      db.close();
    }
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const bothMetas = (fn: (buf: Buffer, at: number) => void) => (r: RawBolt, buf: Buffer) => {
    fn(buf, r.metaOffset(0));
    fn(buf, r.metaOffset(1));
  };
  const getBig = (path: string) => {
    const db = BoltDb.open(path);
    try {
      db.root().bucket('key')!.get(bigRevKey);
    } finally {
      db.close();
    }
  };
  const memberElement = (r: RawBolt) => r.topLevelBucket('members');

  const cases: Case[] = [
    {
      name: 'bad magic on both meta pages',
      damage: bothMetas((buf, at) => buf.writeUInt32LE(0xdeadbeef, at)),
      message: /neither meta page is valid \(meta 0: bad magic.*meta 1: no valid copy/,
      pageId: () => null,
    },
    {
      name: 'wrong version on both meta pages',
      damage: (r, buf) => {
        for (const which of [0, 1] as const) {
          buf.writeUInt32LE(3, r.metaOffset(which) + 4);
          rewriteChecksum(buf, r.metaOffset(which));
        }
      },
      message: /meta 0: unsupported version 3/,
      pageId: () => null,
    },
    {
      name: 'bad checksum on both meta pages',
      damage: (r, buf) => {
        for (const at of [r.metaOffset(0) + 48, r.metaOffset(1) + 48])
          buf.writeUInt8(buf.readUInt8(at) ^ 0x40, at);
      },
      message: /meta 0: checksum mismatch/,
      pageId: () => null,
    },
    {
      name: 'meta root page outside the pages in use (checksums recomputed)',
      damage: (r, buf) => {
        for (const which of [0, 1] as const) {
          buf.writeBigUInt64LE(BigInt(r.meta(which).pgid + 3), r.metaOffset(which) + 16);
          rewriteChecksum(buf, r.metaOffset(which));
        }
      },
      message: /root page \d+ outside the \d+ pages in use/,
      pageId: () => null,
    },
    {
      name: 'file truncated to half',
      damage: (_r, buf) => buf.subarray(0, buf.length >> 1),
      message: /truncated: it has \d+ bytes but its meta page says/,
      pageId: () => null,
    },
    {
      name: 'file shorter than a meta page',
      damage: (_r, buf) => buf.subarray(0, 50),
      message: /only 50 bytes/,
      pageId: () => null,
    },
    {
      name: 'page header id mismatch',
      damage: (r, buf) => buf.writeBigUInt64LE(BigInt(keyLeaf + 1), r.pageOffset(keyLeaf)),
      message: /page header says it is page/,
      pageId: () => keyLeaf,
    },
    {
      name: 'freelist page where a leaf was expected',
      damage: (r, buf) => buf.writeUInt16LE(0x10, r.pageOffset(keyLeaf) + 8),
      message: /found a freelist page where a branch or leaf page was expected/,
      pageId: () => keyLeaf,
    },
    {
      name: 'page with unknown flags where a leaf was expected',
      damage: (r, buf) => buf.writeUInt16LE(0x80, r.pageOffset(keyLeaf) + 8),
      message: /found a page with unknown flags 0x80 where a branch or leaf page was expected/,
      pageId: () => keyLeaf,
    },
    {
      name: 'branch child pointing at a meta page',
      damage: (r, buf) => buf.writeBigUInt64LE(1n, r.branchElements(keyRoot)[0]!.offset + 8),
      message: /found a meta page where a branch or leaf page was expected/,
      pageId: () => 1,
    },
    {
      name: 'branch child past the high-water mark',
      damage: (r, buf) =>
        buf.writeBigUInt64LE(BigInt(r.current().pgid + 7), r.branchElements(keyRoot)[0]!.offset + 8),
      message: /past the last page in use/,
      pageId: (r) => r.current().pgid + 7,
    },
    {
      name: 'branch child pointing at its own page (cycle), via get()',
      damage: (r, buf) => buf.writeBigUInt64LE(BigInt(keyRoot), r.branchElements(keyRoot).at(-1)!.offset + 8),
      message: /own ancestor.*loops/,
      pageId: () => keyRoot,
      trigger: getBig,
    },
    {
      name: 'branch child pointing at its own page (cycle), via iteration',
      damage: (r, buf) => buf.writeBigUInt64LE(BigInt(keyRoot), r.branchElements(keyRoot)[0]!.offset + 8),
      message: /own ancestor.*loops/,
      pageId: () => keyRoot,
    },
    {
      name: 'branch page with no elements',
      damage: (r, buf) => buf.writeUInt16LE(0, r.pageOffset(keyRoot) + 10),
      message: /branch page has no elements/,
      pageId: () => keyRoot,
    },
    {
      name: 'branch key size beyond the page',
      damage: (r, buf) => buf.writeUInt32LE(0xfffffff0, r.branchElements(keyRoot)[1]!.offset + 4),
      message: /branch page element 1 key spans bytes/,
      pageId: () => keyRoot,
    },
    {
      name: 'leaf element pos beyond the page',
      damage: (r, buf) => buf.writeUInt32LE(0xffffffff, r.leafElements(keyLeaf)[0]!.offset + 4),
      message: /leaf page element 0 points to bytes/,
      pageId: () => keyLeaf,
    },
    {
      name: 'leaf element count larger than the page holds',
      damage: (r, buf) => buf.writeUInt16LE(0xffff, r.pageOffset(keyLeaf) + 10),
      message: /claims 65535 elements/,
      pageId: () => keyLeaf,
    },
    {
      name: 'value size running past the overflow span',
      damage: (r, buf) => {
        const element = r.leafElements(bigLeaf).find((e) => e.key.equals(bigRevKey))!;
        buf.writeUInt32LE(element.vsize + (r.header(bigLeaf).overflow + 1) * r.pageSize, element.offset + 12);
      },
      message: /points to bytes \d+\.\.\d+, beyond its \d+ bytes/,
      pageId: () => bigLeaf,
      trigger: getBig,
    },
    {
      name: 'overflow count running past the last page',
      damage: (r, buf) => buf.writeUInt32LE(0xfffffff0, r.pageOffset(bigLeaf) + 12),
      message: /overflow pages run past the last page in use/,
      pageId: () => bigLeaf,
      trigger: getBig,
    },
    {
      name: 'nested bucket value shorter than a bucket header',
      damage: (r, buf) => buf.writeUInt32LE(8, r.topLevelBucket('key').offset + 12),
      message: /nested bucket value has 8 bytes, fewer than the 16-byte bucket header/,
      pageId: (r) => r.current().root,
    },
    {
      name: 'inline bucket value too short for its page header',
      damage: (r, buf) => buf.writeUInt32LE(20, memberElement(r).offset + 12),
      message: /inline bucket value has 20 bytes, too short/,
      pageId: (r) => r.current().root,
    },
    {
      name: 'inline bucket holding a branch page',
      damage: (r, buf) => buf.writeUInt16LE(0x01, memberElement(r).valueOffset + 16 + 8),
      message: /inline bucket holds a branch page/,
      pageId: (r) => r.current().root,
    },
    {
      name: 'inline bucket element count beyond its value',
      damage: (r, buf) => buf.writeUInt16LE(300, memberElement(r).valueOffset + 16 + 10),
      message: /inline bucket page claims 300 elements/,
      pageId: (r) => r.current().root,
    },
    {
      name: 'inline bucket element pointing outside its value',
      damage: (r, buf) => {
        const [element] = r.leafElementsAt(memberElement(r).valueOffset + 16);
        buf.writeUInt32LE(element!.vsize + 40, element!.offset + 12);
      },
      message: /inline bucket page element 0 points to bytes/,
      pageId: (r) => r.current().root,
    },
    {
      name: 'nested bucket rooted at the root page (buckets loop)',
      damage: (r, buf) => buf.writeBigUInt64LE(BigInt(r.current().root), r.topLevelBucket('key').valueOffset),
      message: /root of a bucket enclosing it/,
      pageId: (r) => r.current().root,
    },
  ];

  for (const c of cases) {
    it(c.name, { timeout: 10_000 }, () => {
      const buf = Buffer.from(pristine);
      const result = c.damage(new RawBolt(buf), buf);
      const damaged = Buffer.isBuffer(result) ? result : buf;
      assert.notDeepEqual(damaged, pristine, 'the case changed the file');
      const path = join(dir, 'damaged.db');
      writeFileSync(path, damaged);
      const trigger =
        c.trigger ??
        ((p: string) => {
          const db = BoltDb.open(p);
          try {
            walk(db.root());
          } finally {
            db.close();
          }
        });
      assert.throws(
        () => trigger(path),
        (error: unknown) => {
          assert.ok(error instanceof BoltFormatError, `expected BoltFormatError, got ${String(error)}`);
          assert.match(error.message, c.message);
          assert.match(error.message, /trivy-ts db update/);
          assert.equal(error.path, path);
          assert.equal(error.pageId ?? null, c.pageId(raw));
          return true;
        },
      );
    });
  }

  it('falls back to meta 1 (found by probing the page size) when meta 0 is damaged', () => {
    const buf = Buffer.from(pristine);
    buf.writeUInt32LE(0, raw.metaOffset(0));
    const path = join(dir, 'meta0.db');
    writeFileSync(path, buf);
    const db = BoltDb.open(path);
    try {
      assert.equal(db.pageSize, 4096);
      assert.equal(db.txid, raw.meta(1).txid);
      assert.equal(walk(db.root()) > 0, true);
    } finally {
      db.close();
    }
  });

  it('falls back to the older meta page when the newer one fails its checksum', () => {
    const buf = Buffer.from(pristine);
    const newer = raw.current().which;
    const at = raw.metaOffset(newer) + 50;
    buf.writeUInt8(buf.readUInt8(at) ^ 0x01, at);
    const path = join(dir, 'older.db');
    writeFileSync(path, buf);
    const db = BoltDb.open(path);
    try {
      const older = raw.meta(newer === 0 ? 1 : 0);
      assert.equal(db.txid, older.txid);
      assert.ok(db.txid < raw.current().txid);
      const n = walk(db.root());
      assert.ok(n > 0 && n <= total, `${n} entries in the older snapshot, ${total} in the newer`);
    } finally {
      db.close();
    }
  });

  it('random damage to pages in use yields BoltFormatError or a clean read, never another error', () => {
    const pageCount = raw.current().pgid;
    const path = join(dir, 'fuzzed.db');
    const mutation = fc.record({
      page: fc.integer({ min: 2, max: pageCount - 1 }),
      // Mostly headers and element tables (where structure lives), sometimes anywhere in the page.
      offset: fc.oneof(
        fc.integer({ min: 0, max: 16 + 16 * 12 - 1 }),
        fc.integer({ min: 0, max: raw.pageSize - 1 }),
      ),
      byte: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const buf = Buffer.from(pristine);
        for (const m of mutations) buf[m.page * raw.pageSize + m.offset] = m.byte;
        writeFileSync(path, buf);
        try {
          const db = BoltDb.open(path);
          try {
            const visit = (bucket: BoltBucket): void => {
              for (const entry of bucket.entries()) {
                if (entry.value === null) {
                  const nested = bucket.bucket(entry.key);
                  if (nested) visit(nested);
                } else {
                  bucket.get(entry.key);
                }
              }
            };
            visit(db.root());
          } finally {
            db.close();
          }
        } catch (error) {
          if (!(error instanceof BoltFormatError)) throw error;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('skips an empty leaf page when iterating and seeking (not an error)', () => {
    const buf = Buffer.from(pristine);
    const r = new RawBolt(buf);
    const leaves = r
      .branchElements(keyRoot)
      .flatMap((e) =>
        r.header(e.child).flags === 0x01 ? r.branchElements(e.child).map((c) => c.child) : [e.child],
      );
    const emptied = leaves[Math.floor(leaves.length / 2)]!;
    const removed = r.leafElements(emptied).map((e) => Buffer.from(e.key));
    const pathBefore = join(dir, 'before-empty.db');
    writeFileSync(pathBefore, buf);
    const all = withKeyBucket(pathBefore, (bucket) => [...bucket.entries()].map((e) => Buffer.from(e.key)));
    buf.writeUInt16LE(0, r.pageOffset(emptied) + 10);
    const path = join(dir, 'empty-leaf.db');
    writeFileSync(path, buf);
    withKeyBucket(path, (bucket) => {
      const remaining = all.filter((k) => !removed.some((x) => x.equals(k)));
      assert.equal(remaining.length, all.length - removed.length);
      assert.deepEqual(
        [...bucket.entries()].map((e) => e.key.toString('hex')),
        remaining.map((k) => k.toString('hex')),
      );
      const after = all[all.findIndex((k) => k.equals(removed.at(-1)!)) + 1]!;
      const cursor = bucket.cursor();
      assert.ok(cursor.seek(removed[0]!));
      assert.deepEqual(cursor.key(), after);
      assert.equal(bucket.get(removed[0]!), undefined);
    });
  });

  it('a file truncated while open fails with BoltFormatError when a missing page is read', () => {
    const path = join(dir, 'shrinking.db');
    writeFileSync(path, pristine);
    const db = BoltDb.open(path, { pageCacheBytes: 0 });
    try {
      const bucket = db.root().bucket('key')!;
      truncateSync(path, 4 * raw.pageSize);
      assert.throws(
        () => walk(bucket),
        (error: unknown) =>
          error instanceof BoltFormatError &&
          /the file ended in the middle of the page \(truncated while open\?\)/.test(error.message) &&
          error.pageId !== undefined,
      );
    } finally {
      db.close();
    }
  });

  it('uses the meta page with the higher txid', () => {
    const path = join(dir, 'pristine.db');
    writeFileSync(path, pristine);
    const db = BoltDb.open(path);
    try {
      assert.equal(db.txid, raw.current().txid);
      assert.equal(walk(db.root()), total);
    } finally {
      db.close();
    }
  });
});

/** Deep trees need long keys: with 1 KiB pages and 300-byte keys a branch page holds only three children. */
describe(
  'corrupt deep trees (built by the test writer) fail with BoltFormatError',
  { timeout: 60_000 },
  () => {
    let dir: string;
    let pristine: Buffer;
    let raw: RawBolt;
    let root: number;
    let firstKey: Buffer;

    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'bbolt-deep-'));
      const keys = new Map<string, string>();
      for (let i = 0; i < 3000; i++) keys.set(`${String(i).padStart(6, '0')}${'k'.repeat(294)}`, `v${i}`);
      const summary = writeBoltTree(join(dir, 'deep.db'), { deep: keys }, { pageSize: 1024 });
      assert.ok(summary.maxTreeHeight >= 6, `tree height ${summary.maxTreeHeight}`);
      pristine = readFileSync(summary.path);
      raw = new RawBolt(pristine);
      root = Number(pristine.readBigUInt64LE(raw.topLevelBucket('deep').valueOffset));
      firstKey = Buffer.from([...keys.keys()][0]!);
    });

    after(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** Branch pages from the bucket root down the leftmost path (leaf excluded). */
    const leftmostBranches = (r: RawBolt): number[] => r.pathTo(root, firstKey).slice(0, -1);

    function damagedDb(damage: (r: RawBolt, buf: Buffer) => void): BoltDb {
      const buf = Buffer.from(pristine);
      damage(new RawBolt(buf), buf);
      const path = join(dir, 'damaged.db');
      writeFileSync(path, buf);
      return BoltDb.open(path);
    }

    it('a loop two levels long (a grandchild pointing back at the bucket root), via iteration and get()', () => {
      const [, child, grandchild] = leftmostBranches(raw);
      assert.ok(grandchild !== undefined && raw.header(grandchild).flags === 0x01, 'three branch levels');
      const db = damagedDb((r, buf) =>
        buf.writeBigUInt64LE(BigInt(root), r.branchElements(grandchild)[0]!.offset + 8),
      );
      try {
        const isLoop = (error: unknown) =>
          error instanceof BoltFormatError &&
          /own ancestor.*loops/.test(error.message) &&
          error.pageId === root;
        assert.throws(() => walk(db.root()), isLoop);
        assert.throws(() => db.root().bucket('deep')!.get(firstKey), isLoop);
        assert.ok(child !== undefined);
      } finally {
        db.close();
      }
    });

    it('a DAG (the lowest left branch pointing into the right subtree) stops before the work multiplies', () => {
      const bottom = leftmostBranches(raw).at(-1)!;
      const right = raw.branchElements(root)[1]!.child;
      assert.equal(raw.header(right).flags, 0x01, 'the right subtree starts with a branch page');
      const db = damagedDb((r, buf) => {
        for (const element of r.branchElements(bottom))
          buf.writeBigUInt64LE(BigInt(right), element.offset + 8);
      });
      try {
        const started = performance.now();
        assert.throws(
          () => walk(db.root()),
          (error: unknown) =>
            error instanceof BoltFormatError && /reaches the same pages more than once/.test(error.message),
        );
        assert.ok(performance.now() - started < 5_000, 'stopped early, not after walking the whole DAG');
      } finally {
        db.close();
      }
    });
  },
);
