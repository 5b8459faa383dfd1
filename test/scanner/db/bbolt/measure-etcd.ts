/**
 * Quick throughput measurement (not a test): builds an etcd bbolt file (or uses the bbolt file given as argument
 * with a `key` bucket, or any file: then it measures the largest top-level bucket) and reports random `get`
 * throughput on a warm cache and full-iteration speed.
 *
 *   node test/scanner/db/bbolt/measure-etcd.ts [file.db]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BoltBucket, BoltDb } from '../../../../src/scanner/db/bbolt/index.ts';
import { buildEtcdFixture } from '../../../support/etcd.ts';

function largestBucket(db: BoltDb): [string, BoltBucket] {
  let best: [string, BoltBucket, number] | undefined;
  for (const [name, bucket] of db.root().buckets()) {
    let n = 0;
    for (const _ of bucket.entries()) n++;
    if (!best || n > best[2]) best = [name.toString(), bucket, n];
  }
  if (!best) throw new Error('no buckets');
  return [best[0], best[1]];
}

let dir: string | undefined;
let path = process.argv[2];
if (path === undefined) {
  dir = mkdtempSync(join(tmpdir(), 'bbolt-measure-'));
  path = (await buildEtcdFixture(join(dir, 'etcd'), 60, 100)).boltPath;
}
try {
  const db = BoltDb.open(path);
  const [name, bucket] = largestBucket(db);
  const keys: Buffer[] = [];
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  for (const e of bucket.entries()) {
    keys.push(e.key);
    bytes += e.key.length + (e.value?.length ?? 0);
  }
  const iterMs = Number(process.hrtime.bigint() - t0) / 1e6;

  const rounds = 500_000;
  const order = Array.from({ length: rounds }, (_, i) => keys[(i * 2654435761) % keys.length]!);
  for (let i = 0; i < 50_000; i++) bucket.get(order[i]!); // warm up JIT and cache
  const before = db.cacheStats();
  const cpu0 = process.cpuUsage();
  const t1 = process.hrtime.bigint();
  let found = 0;
  for (const key of order) if (bucket.get(key) !== undefined) found++;
  const getSec = Number(process.hrtime.bigint() - t1) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const getCpuSec = (cpu.user + cpu.system) / 1e6;
  const after = db.cacheStats();

  const t2 = process.hrtime.bigint();
  const cpu2 = process.cpuUsage();
  let n2 = 0;
  for (let r = 0; r < 20; r++) for (const _ of bucket.entries()) n2++;
  const warmIterMs = Number(process.hrtime.bigint() - t2) / 1e6;
  const iterCpu = process.cpuUsage(cpu2);
  const iterCpuSec = (iterCpu.user + iterCpu.system) / 1e6;

  console.log(`file ${path}: ${(db.fileSize / 1e6).toFixed(1)} MB, page size ${db.pageSize}`);
  console.log(`bucket ${name}: ${keys.length} entries, ${(bytes / 1e6).toFixed(1)} MB of keys+values`);
  console.log(
    `cold full iteration: ${iterMs.toFixed(1)} ms (${Math.round(keys.length / (iterMs / 1000))} entries/s); ` +
      `warm (20 passes): ${Math.round(n2 / (warmIterMs / 1000))} entries/s, ${Math.round(n2 / iterCpuSec)} per CPU-second`,
  );
  console.log(
    `random get, warm: ${Math.round(rounds / getSec)} lookups/s (${((getSec / rounds) * 1e9).toFixed(0)} ns each), ` +
      `${Math.round(rounds / getCpuSec)} per CPU-second, found ${found}/${rounds}, cache hits ${after.hits - before.hits}, misses ${after.misses - before.misses}, ` +
      `${(after.bytes / 1e6).toFixed(1)} MB cached`,
  );
  const base = new Map(keys.map((k) => [k.toString('latin1'), k]));
  const names = order.map((k) => k.toString('latin1'));
  const cpu1 = process.cpuUsage();
  for (const name of names) base.get(name);
  const baseCpu = process.cpuUsage(cpu1);
  console.log(
    `machine baseline: JS Map.get over the same keys ${(((baseCpu.user + baseCpu.system) / rounds) * 1000).toFixed(0)} ns CPU each`,
  );
  db.close();
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
