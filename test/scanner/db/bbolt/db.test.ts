import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type BoltBucket,
  type BoltCursor,
  BoltDb,
  BoltIoError,
} from '../../../../src/scanner/db/bbolt/index.ts';
import { type BoltTree, BoltTreeBucket, writeBoltTree } from '../../../support/bbolt-writer.ts';

let dir: string;
let fileNo = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bbolt-db-'));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function write(tree: BoltTree, options: Parameters<typeof writeBoltTree>[2] = {}) {
  const path = join(dir, `f${fileNo++}.db`);
  return writeBoltTree(path, tree, options);
}

function withDb<T>(path: string, fn: (db: BoltDb) => T, pageCacheBytes?: number): T {
  const db = BoltDb.open(path, pageCacheBytes === undefined ? {} : { pageCacheBytes });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** The key a cursor move landed on (a copy), or undefined when it ran off the end. */
function keyAfter(cursor: BoltCursor, moved: boolean): Buffer | undefined {
  return moved ? cursor.key() : undefined;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A flat bucket of `n` keys with values of varying sizes, some large enough to need overflow pages. */
function flatBucket(n: number, seed: number, bigEvery = 0, bigSize = 0): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (let i = 0; i < n; i++) {
    const size = bigEvery > 0 && i % bigEvery === 0 ? bigSize : 10 + ((i * 7 + seed) % 90);
    m.set(`k/${String(i).padStart(6, '0')}`, Buffer.alloc(size, (i + seed) % 251));
  }
  return m;
}

describe('BoltDb on files from the test bbolt writer', () => {
  for (const pageSize of [1024, 4096, 16384, 65536]) {
    it(`reads nested, inline, multi-level and overflowing buckets with ${pageSize}-byte pages`, () => {
      const flat = flatBucket(3000, pageSize, 500, pageSize * 3 + 17);
      const tree: BoltTree = {
        flat,
        empty: {},
        emptyPaged: new BoltTreeBucket({}, { inline: false }),
        outer: new BoltTreeBucket(
          {
            'a-value': 'plain',
            inner: new BoltTreeBucket({ deep: { x: '1', y: '2' }, z: 'zz' }, { inline: false }),
            tiny: { only: 'one' },
          },
          { inline: false },
        ),
      };
      const summary = write(tree, { pageSize, txid: 7 });
      assert.ok(summary.inlineBuckets > 0 && summary.overflowPages > 0);
      withDb(summary.path, (db) => {
        assert.equal(db.pageSize, pageSize);
        assert.equal(db.txid, 7);
        const root = db.root();
        assert.deepEqual(
          [...root.buckets()].map(([k]) => k.toString()),
          ['empty', 'emptyPaged', 'flat', 'outer'],
        );
        const got = [...root.bucket('flat')!.entries()];
        assert.deepEqual(
          got.map((e) => e.key.toString()),
          [...flat.keys()],
        );
        for (const e of got) assert.deepEqual(e.value, flat.get(e.key.toString()));
        for (const [k, v] of flat) assert.deepEqual(root.bucket('flat')!.get(k), v);
        assert.equal([...root.bucket('empty')!.entries()].length, 0);
        assert.equal(root.bucket('empty')!.cursor().first(), false);
        assert.equal(root.bucket('emptyPaged')!.cursor().seek('a'), false);
        const outer = root.bucket('outer')!;
        assert.deepEqual(
          [...outer.entries()].map((e) => [e.key.toString(), e.value?.toString() ?? null]),
          [
            ['a-value', 'plain'],
            ['inner', null],
            ['tiny', null],
          ],
        );
        assert.equal(outer.get('inner'), undefined);
        assert.equal(outer.bucket('a-value'), undefined);
        assert.deepEqual(
          [...outer.buckets()].map(([k]) => k.toString()),
          ['inner', 'tiny'],
        );
        const inner = outer.bucket('inner')!;
        assert.equal(inner.get('z')?.toString(), 'zz');
        assert.equal(inner.bucket('deep')!.rootPageId, undefined);
        assert.equal(inner.bucket('deep')!.get('y')?.toString(), '2');
        assert.equal(outer.bucket('tiny')!.get('only')?.toString(), 'one');
        if (pageSize === 1024) assert.ok(db.pageLoadStats().branchPages > 1);
      });
    });
  }

  it('reads a tree three branch levels deep (1 KiB pages, 30 000 keys)', () => {
    const flat = flatBucket(30_000, 3);
    const summary = write({ flat }, { pageSize: 1024 });
    assert.ok(summary.maxTreeHeight >= 4, `height ${summary.maxTreeHeight}`);
    withDb(summary.path, (db) => {
      const bucket = db.root().bucket('flat')!;
      let n = 0;
      for (const e of bucket.entries()) {
        assert.deepEqual(e.value, flat.get(e.key.toString()));
        n++;
      }
      assert.equal(n, flat.size);
      assert.deepEqual(bucket.get('k/012345'), flat.get('k/012345'));
      assert.deepEqual(
        [...bucket.entries('k/0123')].map((e) => e.key.toString()),
        [...flat.keys()].filter((k) => k.startsWith('k/0123')),
      );
    });
  });

  it('handles an empty database, a freelist that is not persisted, and UTF-8 string keys', () => {
    const empty = write({}, { freelist: 'none' });
    withDb(empty.path, (db) => {
      assert.deepEqual([...db.root().entries()], []);
      assert.equal(db.root().bucket('x'), undefined);
    });
    const utf8 = write({ bücher: { schlüssel: 'wert', ключ: 'значение' } });
    withDb(utf8.path, (db) => {
      const b = db.root().bucket('bücher')!;
      assert.equal(b.get('ключ')?.toString(), 'значение');
      assert.equal(b.get(Buffer.from('schlüssel'))?.toString(), 'wert');
      assert.deepEqual(
        [...b.entries('schl')].map((e) => e.key.toString()),
        ['schlüssel'],
      );
    });
  });

  it('next() on a fresh cursor starts at the first entry', () => {
    const summary = write({ b: { a: '1', b: '2' } });
    withDb(summary.path, (db) => {
      const c = db.root().bucket('b')!.cursor();
      assert.equal(keyAfter(c, c.next())?.toString(), 'a');
      assert.equal(keyAfter(c, c.next())?.toString(), 'b');
      assert.equal(c.next(), false);
      assert.equal(c.next(), false);
      assert.throws(() => c.key(), /not on an entry/);
    });
  });
});

describe('page cache', () => {
  let path: string;
  let flat: Map<string, Buffer>;
  before(() => {
    flat = flatBucket(4000, 11, 97, 6000);
    path = write({ flat }).path;
  });

  it('stays within a small byte budget, and Buffers returned before eviction stay intact', () => {
    const budget = 64 * 1024;
    withDb(
      path,
      (db) => {
        const kept: [string, Buffer][] = [];
        for (const e of db.root().bucket('flat')!.entries()) {
          kept.push([e.key.toString(), e.value!]);
          assert.ok(db.cacheStats().bytes <= budget);
        }
        const firstPass = db.cacheStats().misses;
        // A second pass must reload evicted pages into fresh memory; values kept from the first pass stay intact.
        for (const [k] of kept) db.root().bucket('flat')!.get(k);
        assert.ok(db.cacheStats().misses > firstPass, 'pages were evicted and read again');
        for (const [k, v] of kept) assert.deepEqual(v, flat.get(k));
        const bytes = db.cacheStats().bytes;
        assert.ok(bytes > budget / 2 && bytes <= budget, `${bytes} bytes cached`);
      },
      budget,
    );
  });

  it('serves repeated lookups from the cache', () => {
    withDb(path, (db) => {
      const bucket = db.root().bucket('flat')!;
      for (const k of flat.keys()) bucket.get(k);
      const warm = db.cacheStats();
      for (const k of flat.keys()) assert.ok(bucket.get(k));
      const after = db.cacheStats();
      assert.equal(after.misses, warm.misses);
      assert.ok(after.hits >= warm.hits + flat.size);
    });
  });

  it('works with the cache disabled', () => {
    withDb(
      path,
      (db) => {
        const bucket = db.root().bucket('flat')!;
        assert.deepEqual(bucket.get('k/000100'), flat.get('k/000100'));
        assert.deepEqual(bucket.get('k/000100'), flat.get('k/000100'));
        const stats = db.cacheStats();
        assert.equal(stats.hits, 0);
        assert.equal(stats.bytes, 0);
        assert.ok(stats.misses >= 4);
      },
      0,
    );
  });

  it('rejects a negative budget', () => {
    assert.throws(() => BoltDb.open(path, { pageCacheBytes: -1 }), RangeError);
  });

  it('keeps returned Buffers after close, and refuses further reads', () => {
    const db = BoltDb.open(path);
    const bucket = db.root().bucket('flat')!;
    const value = bucket.get('k/000001')!;
    db.close();
    db.close();
    assert.deepEqual(value, flat.get('k/000001'));
    assert.throws(() => bucket.get('k/000002'), /closed/);
  });
});

describe('opening files that are not databases', () => {
  it('reports a missing file as BoltIoError with a hint to download the DB', () => {
    assert.throws(
      () => BoltDb.open(join(dir, 'missing.db')),
      (error: unknown) =>
        error instanceof BoltIoError && /ENOENT/.test(error.message) && /db update/.test(error.hint ?? ''),
    );
  });

  it('reports a directory as BoltIoError', () => {
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    assert.throws(
      () => BoltDb.open(sub),
      (error: unknown) => error instanceof BoltIoError && /not a regular file/.test(error.message),
    );
  });
});

describe('agrees with a sorted-map model (property)', () => {
  const keyArb = fc
    .uint8Array({ minLength: 0, maxLength: 12 })
    .map((k) => (k.length === 0 ? Uint8Array.of(0) : k));

  it('get, seek, prefix iteration and full iteration match the model', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(keyArb, fc.uint8Array({ maxLength: 700 })), {
          minLength: 0,
          maxLength: 400,
          selector: ([k]) => hex(k),
        }),
        fc.array(keyArb, { minLength: 1, maxLength: 20 }),
        fc.constantFrom(1024, 4096),
        (pairs, probes, pageSize) => {
          const model = pairs
            .map(([k, v]) => [Buffer.from(k), Buffer.from(v)] as const)
            .sort((a, b) => Buffer.compare(a[0], b[0]));
          const tree = new Map<Uint8Array, Buffer>(model.map(([k, v]) => [k, v]));
          const summary = write(
            { b: new BoltTreeBucket(tree, { inline: pairs.length % 2 === 0 }) },
            { pageSize },
          );
          try {
            withDb(summary.path, (db) => {
              const bucket: BoltBucket = db.root().bucket('b')!;
              assert.deepEqual(
                [...bucket.entries()].map((e) => [hex(e.key), hex(e.value!)]),
                model.map(([k, v]) => [hex(k), hex(v)]),
              );
              const cursor = bucket.cursor();
              for (const probe of [...probes, ...model.slice(0, 5).map(([k]) => k)]) {
                const p = Buffer.from(probe);
                const exact = model.find(([k]) => k.equals(p));
                assert.equal(hex(bucket.get(p) ?? Buffer.alloc(0)), hex(exact?.[1] ?? Buffer.alloc(0)));
                if (!exact) assert.equal(bucket.get(p), undefined);
                const at = model.findIndex(([k]) => Buffer.compare(k, p) >= 0);
                assert.equal(
                  hex(keyAfter(cursor, cursor.seek(p)) ?? Buffer.alloc(0)),
                  at < 0 ? '' : hex(model[at]![0]),
                );
                if (at >= 0)
                  assert.equal(
                    keyAfter(cursor, cursor.next())?.toString('hex'),
                    model[at + 1]?.[0].toString('hex'),
                  );
                const prefix = p.subarray(0, 1);
                assert.deepEqual(
                  [...bucket.entries(prefix)].map((e) => hex(e.key)),
                  model.filter(([k]) => k.subarray(0, prefix.length).equals(prefix)).map(([k]) => hex(k)),
                );
              }
            });
          } finally {
            rmSync(summary.path, { force: true });
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('page frames are reused safely (property)', () => {
  /** Everything in the file, read depth-first with one cursor per bucket: nested reads evict the outer pages. */
  function snapshot(db: BoltDb): string[] {
    const out: string[] = [];
    const visit = (bucket: BoltBucket, path: string): void => {
      const cursor = bucket.cursor();
      for (let on = cursor.first(); on; on = cursor.next()) {
        const key = cursor.key();
        if (cursor.isBucket()) {
          visit(bucket.bucket(key)!, `${path}/${hex(key)}`);
          // The cursor must still stand on the same entry after the nested walk reused its frames.
          assert.deepEqual(cursor.key(), key);
        } else {
          const value = cursor.value()!;
          assert.equal(cursor.valueText(), value.toString('utf8'));
          assert.deepEqual(bucket.get(key), value);
          out.push(`${path}/${hex(key)}=${hex(value)}`);
        }
      }
    };
    visit(db.root(), '');
    return out;
  }

  /** Two cursors over one bucket, moved in turns, with point lookups in between. */
  function interleaved(db: BoltDb, name: Uint8Array): string[] {
    const bucket = db.root().bucket(name)!;
    const a = bucket.cursor();
    const b = bucket.cursor();
    const out: string[] = [];
    let onA = a.first();
    let onB = b.first() && b.next();
    while (onA || onB) {
      if (onA) {
        out.push(`a:${hex(a.key())}`);
        onA = a.next();
      }
      if (onB) {
        out.push(`b:${hex(b.key())}`);
        if (!b.isBucket()) bucket.get(b.key());
        onB = b.next() && b.next();
      }
    }
    return out;
  }

  const valueArb = fc.oneof(
    { weight: 5, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1500, maxLength: 9000 }) },
  );
  const keyArb = fc.string({ minLength: 1, maxLength: 40 });
  const leafBucketArb = fc.dictionary(
    keyArb,
    valueArb.map((v) => Buffer.from(v)),
    { maxKeys: 120 },
  );
  const treeArb = fc.dictionary(
    keyArb,
    fc.tuple(leafBucketArb, fc.dictionary(keyArb, leafBucketArb, { maxKeys: 4 }), fc.boolean()),
    { minKeys: 1, maxKeys: 5 },
  );

  it('a tiny or disabled page cache reads exactly what a large one reads', () => {
    fc.assert(
      fc.property(treeArb, fc.constantFrom(1024, 4096), (spec, pageSize) => {
        const tree: BoltTree = {};
        for (const [name, [values, nested, inline]] of Object.entries(spec)) {
          const content: BoltTree = { ...values };
          for (const [nestedName, nestedValues] of Object.entries(nested)) {
            content[`~${nestedName}`] = new BoltTreeBucket(nestedValues, {
              inline: nestedName.length % 2 === 0,
            });
          }
          tree[name] = new BoltTreeBucket(content, { inline });
        }
        const summary = write(tree, { pageSize });
        try {
          const firstBucket = Buffer.from(Object.keys(spec).sort()[0]!);
          const expected = withDb(
            summary.path,
            (db) => [snapshot(db), interleaved(db, firstBucket)],
            64 << 20,
          );
          for (const budget of [0, pageSize, pageSize * 3, pageSize * 8]) {
            const got = withDb(summary.path, (db) => [snapshot(db), interleaved(db, firstBucket)], budget);
            assert.deepEqual(got, expected, `page cache of ${budget} bytes`);
          }
        } finally {
          rmSync(summary.path, { force: true });
        }
      }),
      { numRuns: 40 },
    );
  });
});
