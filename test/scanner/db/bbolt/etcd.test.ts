import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BoltDb, type BoltCursor } from '../../../../src/scanner/db/bbolt/index.ts';
import {
  type EtcdFixture,
  buildEtcdFixture,
  decodeEtcdKeyValue,
  etcdRevisionKey,
} from '../../../support/etcd.ts';

/** The key a cursor move landed on (a copy), or undefined when it ran off the end. */
function keyAfter(cursor: BoltCursor, moved: boolean): Buffer | undefined {
  return moved ? cursor.key() : undefined;
}
/** Proof against Go's bbolt: etcd writes the file, our reader must return exactly what etcd acknowledged. */
describe('bbolt reader on a file written by etcd', { timeout: 60_000 }, () => {
  let dir: string;
  let fixture: EtcdFixture;
  let db: BoltDb;
  /** Revision keys of all writes, in byte order, with what was written under each. */
  let expected: { revKey: Buffer; key: Buffer; value: Buffer; revision: number }[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bbolt-etcd-'));
    fixture = await buildEtcdFixture(join(dir, 'etcd'));
    expected = fixture.writes
      .map((w) => ({
        revKey: etcdRevisionKey(w.revision, w.sub),
        key: w.key,
        value: w.value,
        revision: w.revision,
      }))
      .sort((a, b) => Buffer.compare(a.revKey, b.revKey));
    db = BoltDb.open(fixture.boltPath);
  });

  after(() => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('etcd stopped cleanly and its range read agrees with the acknowledged writes', () => {
    assert.equal(fixture.exit.signal ?? `code ${fixture.exit.code}`, 'SIGTERM');
    assert.equal(fixture.ranged.size, fixture.writes.length);
    for (const write of fixture.writes) {
      const ranged = fixture.ranged.get(write.key.toString('hex'));
      assert.ok(ranged, `range read lacks ${write.key.toString('hex')}`);
      assert.equal(ranged.modRevision, write.revision);
      assert.deepEqual(ranged.value, write.value);
    }
  });

  it('selects a valid meta page', () => {
    assert.equal(db.pageSize, 4096);
    assert.ok(db.txid > 0);
  });

  it('iterates bucket `key` in revision order with every key and value etcd returned', () => {
    const keyBucket = db.root().bucket('key');
    assert.ok(keyBucket);
    const seen: Buffer[] = [];
    for (const { key, value } of keyBucket.entries()) {
      assert.ok(value, 'the key bucket holds no nested buckets');
      const kv = decodeEtcdKeyValue(value);
      const ranged = fixture.ranged.get(kv.key.toString('hex'));
      assert.ok(ranged, `unexpected key ${kv.key.toString('hex')}`);
      assert.equal(kv.modRevision, ranged.modRevision);
      assert.equal(kv.createRevision, ranged.createRevision);
      assert.equal(kv.version, ranged.version);
      assert.deepEqual(kv.value, ranged.value);
      assert.equal(key.readBigUInt64BE(0), BigInt(kv.modRevision));
      seen.push(key);
    }
    assert.deepEqual(
      seen.map((k) => k.toString('hex')),
      expected.map((e) => e.revKey.toString('hex')),
    );
  });

  it('read branch pages and overflow pages (values of 5, 40 and 200 KiB)', () => {
    const stats = db.pageLoadStats();
    assert.ok(stats.branchPages > 0, `branch pages read: ${stats.branchPages}`);
    assert.ok(stats.overflowPages >= 50, `overflow pages read: ${stats.overflowPages}`);
    const big = db
      .root()
      .bucket('key')!
      .get(expected.find((e) => e.key.toString() === '/blobs/200k')!.revKey);
    assert.ok(big);
    assert.equal(decodeEtcdKeyValue(big).value.length, 200 * 1024);
  });

  it('gets every key and misses absent ones', () => {
    const keyBucket = db.root().bucket('key')!;
    for (const e of expected) {
      const value = keyBucket.get(e.revKey);
      assert.ok(value, `get ${e.revKey.toString('hex')}`);
      const kv = decodeEtcdKeyValue(value);
      assert.deepEqual(kv.key, e.key);
      assert.deepEqual(kv.value, e.value);
    }
    const last = expected.at(-1)!;
    assert.equal(keyBucket.get(etcdRevisionKey(last.revision + 1, 0)), undefined);
    assert.equal(keyBucket.get(etcdRevisionKey(fixture.txnRevisions[0]!, fixture.putsPerTxn)), undefined);
    assert.equal(keyBucket.get(expected[0]!.revKey.subarray(0, 16)), undefined);
    assert.equal(keyBucket.get(Buffer.alloc(0)), undefined);
    assert.equal(keyBucket.bucket(expected[0]!.revKey), undefined, 'a plain value is not a bucket');
  });

  it('seeks to exact keys, between keys, before the first and past the last', () => {
    const cursor = db.root().bucket('key')!.cursor();
    for (let i = 0; i < expected.length; i += 37) {
      const e = expected[i]!;
      assert.deepEqual(keyAfter(cursor, cursor.seek(e.revKey)), e.revKey);
      // Just after key i (key + one 0x00 byte) lands on key i + 1.
      const between = Buffer.concat([e.revKey, Buffer.from([0])]);
      assert.deepEqual(keyAfter(cursor, cursor.seek(between)), expected[i + 1]?.revKey);
      assert.deepEqual(keyAfter(cursor, cursor.next()), expected[i + 2]?.revKey);
    }
    assert.deepEqual(keyAfter(cursor, cursor.seek(Buffer.alloc(0))), expected[0]!.revKey);
    assert.equal(cursor.seek(Buffer.alloc(17, 0xff)), false);
    assert.equal(cursor.next(), false);
    assert.deepEqual(keyAfter(cursor, cursor.first()), expected[0]!.revKey);
  });

  it('walks the whole bucket with next() across leaves', () => {
    const cursor = db.root().bucket('key')!.cursor();
    let count = 0;
    let previous: Buffer | undefined;
    for (let on = cursor.first(); on; on = cursor.next()) {
      const key = cursor.key();
      if (previous) assert.ok(Buffer.compare(previous, key) < 0, 'keys ascend');
      previous = key;
      count++;
    }
    assert.equal(count, expected.length);
  });

  it('reads the same through a page cache of two pages (frames reused, large values read on their own)', () => {
    const small = BoltDb.open(fixture.boltPath, { pageCacheBytes: 2 * 4096 });
    try {
      const keyBucket = small.root().bucket('key')!;
      const walked = [...keyBucket.entries()];
      assert.deepEqual(
        walked.map((e) => e.key.toString('hex')),
        expected.map((e) => e.revKey.toString('hex')),
      );
      for (const [i, e] of expected.entries()) {
        assert.deepEqual(decodeEtcdKeyValue(walked[i]!.value!).value, e.value);
        if (i % 50 === 0 || e.value.length > 4096) {
          assert.deepEqual(decodeEtcdKeyValue(keyBucket.get(e.revKey)!).value, e.value);
        }
      }
      assert.ok(small.cacheStats().bytes <= 2 * 4096);
      assert.ok(small.pageLoadStats().overflowPages >= 50);
    } finally {
      small.close();
    }
  });

  it('iterates a prefix: the puts of one transaction share its 8-byte main revision', () => {
    const keyBucket = db.root().bucket('key')!;
    for (const revision of [fixture.txnRevisions[0]!, fixture.txnRevisions.at(-1)!]) {
      const prefix = etcdRevisionKey(revision, 0).subarray(0, 8);
      const got = [...keyBucket.entries(prefix)].map((e) => e.key.toString('hex'));
      const want = expected.filter((e) => e.revision === revision).map((e) => e.revKey.toString('hex'));
      assert.equal(want.length, fixture.putsPerTxn);
      assert.deepEqual(got, want);
    }
    assert.deepEqual([...keyBucket.entries(Buffer.from([0xff]))], []);
  });

  it('lists the top-level buckets, page-rooted and inline, and reads the inline `members` bucket', () => {
    const root = db.root();
    const names = [...root.buckets()].map(([name]) => name.toString());
    assert.ok(names.includes('key') && names.includes('meta') && names.includes('members'), names.join(','));
    assert.deepEqual(names, [...names].sort());
    assert.deepEqual(
      [...root.entries()].map((e) => [e.key.toString(), e.value]),
      names.map((n) => [n, null]),
    );
    assert.equal(root.get('key'), undefined, 'get on a bucket name is undefined');
    assert.equal(root.bucket('no-such-bucket'), undefined);
    assert.ok(root.bucket('key')!.rootPageId !== undefined);
    const members = root.bucket('members')!;
    assert.equal(members.rootPageId, undefined, 'members is an inline bucket');
    const memberValues = [...members.entries()].map((e) => e.value?.toString() ?? '');
    assert.equal(memberValues.length, 1);
    assert.ok(memberValues[0]!.includes(fixture.peerUrl), memberValues[0]);
    assert.deepEqual(
      [...root.buckets('mem')].map(([name]) => name.toString()),
      names.filter((n) => n.startsWith('mem')),
    );
    const consistentIndex = root.bucket('meta')!.get('consistent_index');
    assert.equal(consistentIndex?.length, 8);
  });
});
