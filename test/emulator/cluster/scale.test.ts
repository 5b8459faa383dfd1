import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api.ts';
import { startEmulator } from '../index.ts';
import { MemoryClusterStore } from '../server/store.ts';
import { waitUntil } from '../testing.ts';
import { SimulatedCluster } from './cluster.ts';

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const PODS = { group: '', version: 'v1', resource: 'pods' };

/** CPU milliseconds the simulated cluster needs to bring `count` one-replica Deployments to Running Pods. */
async function settle(count: number): Promise<number> {
  const emulator = await startEmulator({
    extensions: [new SimulatedCluster({ nodes: [{ name: 'n1' }, { name: 'n2' }, { name: 'n3' }] })],
  });
  try {
    const before = process.cpuUsage();
    for (let i = 0; i < count; i++) {
      emulator.store.create(DEPLOYMENTS, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `app-${i}`, namespace: 'default' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: `app-${i}` } },
          template: {
            metadata: { labels: { app: `app-${i}` } },
            spec: { containers: [{ name: 'c', image: `registry.local/image-${i % 50}:1` }] },
          },
        },
      } as KubeObject);
    }
    await waitUntil(
      () => emulator.store.list(PODS, 'default', { fieldSelector: 'status.phase=Running' }).length === count,
      120_000,
      `${count} running pods`,
    );
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  } finally {
    await emulator.close();
  }
}

// The operator's benchmarks run 1,000 workloads on the emulator: the cluster must cost time in proportion to what
// it holds, not to its square (controllers and the scheduler look up only what they own).
test('the simulated cluster settles Deployments in time linear in their number', async (t) => {
  await settle(50); // warm-up: compile the hot paths before measuring
  const small = await settle(100);
  const large = await settle(400);
  const ratio = large / small;
  t.diagnostic(`CPU: 100 Deployments ${Math.round(small)} ms, 400 Deployments ${Math.round(large)} ms`);
  assert.ok(
    ratio < 8,
    `4x the Deployments took ${ratio.toFixed(1)}x the CPU (${Math.round(small)} ms → ${Math.round(large)} ms)`,
  );
});

/** CPU milliseconds to store `count` owned objects, one per turn of the event loop as HTTP requests arrive. */
async function storeOwned(count: number): Promise<number> {
  const store = new MemoryClusterStore();
  const configMaps = { group: '', version: 'v1', resource: 'configmaps' };
  const owners = Array.from({ length: 20 }, (_, i) =>
    store.create(DEPLOYMENTS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `owner-${i}`, namespace: 'default' },
      spec: {},
    }),
  );
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const owner = owners[i % owners.length]!;
    store.create(configMaps, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `report-${i}`,
        namespace: 'default',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: owner.metadata.name!, uid: owner.metadata.uid! },
        ],
      },
    });
    await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

// Reports are owned by workloads, and the operator writes them one request at a time: the garbage collector
// must look at what changed, not walk every stored object after each write.
test('storing owned objects one request at a time costs time linear in their number', async (t) => {
  await storeOwned(500); // warm-up
  // Best of three: these runs are short, and a pause of the JavaScript collector would skew a single one.
  const best = async (count: number) =>
    Math.min(...[await storeOwned(count), await storeOwned(count), await storeOwned(count)]);
  const small = await best(1000);
  const large = await best(4000);
  const ratio = large / small;
  t.diagnostic(`CPU: 1,000 owned objects ${Math.round(small)} ms, 4,000 ${Math.round(large)} ms`);
  assert.ok(
    ratio < 8,
    `4x the objects took ${ratio.toFixed(1)}x the CPU (${Math.round(small)} ms → ${Math.round(large)} ms)`,
  );
});
