import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { loadClusterConnection } from '../../../src/operator/kube/kube-config.ts';
import { KubeApiError, KubeClient } from '../../../src/operator/kube/client.ts';
import { Informer, type InformerEvent } from '../../../src/operator/kube/informer.ts';
import { builtin } from '../../../src/operator/kube/resource-types.ts';
import { startEmulator, type Emulator } from '../../emulator/index.ts';

async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const configMap = (name: string, value: string): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { value },
});

/** The operator's REST client and informer against the API emulator (real HTTPS, real watch streams). */
describe('KubeClient and Informer', () => {
  let emulator: Emulator;
  let client: KubeClient;
  before(async () => {
    emulator = await startEmulator();
    client = new KubeClient(loadClusterConnection({ kubeconfig: emulator.kubeconfigPath }));
  });
  after(async () => {
    await client?.close();
    await emulator?.close();
  });

  it('creates, replaces with optimistic concurrency, lists in pages and deletes', async () => {
    for (let index = 0; index < 7; index++)
      await client.create(builtin.configMap, configMap(`page-${index}`, 'x'));
    const listed = await client.list<V1ConfigMap>(builtin.configMap, { namespace: 'default', limit: 3 });
    assert.equal(listed.items.filter((item) => item.metadata?.name?.startsWith('page-')).length, 7);
    assert.equal(listed.items[0]?.kind, 'ConfigMap', 'list items get their kind back');
    const current = (await client.get<V1ConfigMap>(builtin.configMap, 'page-0', 'default'))!;
    await client.replace(builtin.configMap, { ...current, data: { value: 'y' } });
    await assert.rejects(
      client.replace(builtin.configMap, { ...current, data: { value: 'z' } }),
      (error: unknown) =>
        error instanceof KubeApiError && error.status === 409 && error.reason === 'Conflict',
    );
    assert.equal(await client.delete(builtin.configMap, 'page-0', 'default'), true);
    assert.equal(await client.delete(builtin.configMap, 'page-0', 'default'), false);
    assert.equal(await client.get(builtin.configMap, 'page-0', 'default'), undefined);
  });

  it('retries throttled requests (429 with Retry-After) and reads through 500s', async () => {
    emulator.faults.failRequest({ method: 'GET', path: '/configmaps/page-1', status: 429, times: 2 });
    emulator.faults.failRequest({ method: 'GET', path: '/configmaps/page-2', status: 500, times: 2 });
    assert.equal((await client.get<V1ConfigMap>(builtin.configMap, 'page-1', 'default'))?.data?.value, 'x');
    assert.equal((await client.get<V1ConfigMap>(builtin.configMap, 'page-2', 'default'))?.data?.value, 'x');
    emulator.faults.failRequest({ method: 'POST', path: '/configmaps', status: 500, times: 1 });
    await assert.rejects(client.create(builtin.configMap, configMap('not-retried', 'x')), /500/);
  });

  it('long-lived watches never starve ordinary requests of connections', async () => {
    const informers = Array.from(
      { length: 40 },
      (_, index) =>
        new Informer<V1ConfigMap>(client, {
          type: builtin.configMap,
          namespaces: ['default'],
          labelSelector: `n=${index}`,
        }),
    );
    await Promise.all(informers.map((informer) => informer.start()));
    try {
      const answer = await Promise.race([
        client.get(builtin.configMap, 'page-3', 'default'),
        sleep(10_000).then(() => 'no connection left for requests'),
      ]);
      assert.notEqual(answer, 'no connection left for requests');
      assert.ok(answer);
    } finally {
      await Promise.all(informers.map((informer) => informer.stop()));
    }
  });

  it('an informer converges through dropped watches, restarts and expired history, reporting what it missed', async () => {
    const events: InformerEvent<V1ConfigMap>[] = [];
    const informer = new Informer<V1ConfigMap>(client, {
      type: builtin.configMap,
      namespaces: ['default'],
      transform: (object) => ({ ...object, data: {} }),
    });
    informer.on((event) => events.push(event));
    await informer.start();
    assert.ok(informer.get('page-4', 'default'));
    assert.deepEqual(informer.get('page-4', 'default')?.data, {}, 'the transform runs before caching');

    await client.create(builtin.configMap, configMap('live', 'x'));
    await until('the live add', () => informer.get('live', 'default') !== undefined);

    emulator.faults.dropWatches();
    await client.delete(builtin.configMap, 'page-4', 'default');
    await until('the deletion after a dropped watch', () => informer.get('page-4', 'default') === undefined);

    await emulator.faults.restart();
    emulator.store.compact();
    await client.delete(builtin.configMap, 'page-5', 'default');
    await client.create(builtin.configMap, configMap('after-restart', 'x'));
    await until(
      'convergence after a restart and compaction',
      () =>
        informer.get('page-5', 'default') === undefined &&
        informer.get('after-restart', 'default') !== undefined,
    );
    const deleted = events
      .filter((event) => event.type === 'deleted')
      .map((event) => event.object.metadata?.name);
    assert.deepEqual(deleted.sort(), ['page-4', 'page-5']);
    await informer.stop();
  });
});
