import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig, makeInformer } from '@kubernetes/client-node';
import type { Informer, ObjectCache, V1ConfigMap } from '@kubernetes/client-node';
import type { KubeObject, ResourceRef } from './api.ts';
import { startEmulator } from './index.ts';
import type { Emulator } from './index.ts';
import { waitUntil } from './testing.ts';

const CM: ResourceRef = { group: '', version: 'v1', resource: 'configmaps' };

/**
 * `@kubernetes/client-node` informers against the emulator: they must survive dropped watches, a server
 * restart and 410 Gone after compaction, and converge to the store's true state every time.
 */
describe('client-node informers', () => {
  let emulator: Emulator;
  let informer: Informer<V1ConfigMap> & ObjectCache<V1ConfigMap>;
  let stopped = false;
  const errors: unknown[] = [];
  let counter = 0;
  let lists = 0;

  before(async () => {
    emulator = await startEmulator({ historySize: 1000, bookmarkIntervalMs: 200 });
    const kc = new KubeConfig();
    kc.loadFromFile(emulator.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    informer = makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: 'default' });
    });
    // The documented client-node pattern: an informer stops on a connection error; restart it after a pause.
    informer.on('error', (error) => {
      errors.push(error);
      if (!stopped) setTimeout(() => void informer.start().catch(() => undefined), 100);
    });
    await informer.start();
  });

  after(async () => {
    stopped = true;
    await informer.stop();
    await emulator.close();
  });

  const snapshot = (items: ReadonlyArray<{ metadata?: { name?: string; resourceVersion?: string } }>) =>
    items
      .map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`)
      .sort()
      .join(' ');

  const converged = () =>
    snapshot(informer.list('default')) === snapshot(emulator.store.list(CM, 'default') as KubeObject[]);

  /** Creates, updates and deletes a few ConfigMaps straight in the store. */
  const churn = () => {
    const created = emulator.store.create(CM, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `cm-${++counter}`, namespace: 'default' },
      data: { n: String(counter) },
    });
    emulator.store.update(CM, { ...created, data: { n: `${counter}-changed` } });
    const victim = emulator.store.list(CM, 'default')[0];
    if (victim && counter % 2 === 0) emulator.store.delete(CM, 'default', victim.metadata.name!);
    emulator.store.create(CM, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `cm-${++counter}`, namespace: 'default' },
    });
  };

  it('lists and follows changes', async () => {
    churn();
    await waitUntil(converged, 10000, 'informer to converge');
    assert.ok(informer.list('default').length >= 2);
  });

  it('survives dropped watches, resuming from its resourceVersion without relisting', async () => {
    const listsBefore = lists;
    for (let round = 0; round < 3; round++) {
      emulator.faults.dropWatches();
      churn();
      await waitUntil(converged, 15000, `convergence after drop ${round}`);
    }
    assert.equal(lists, listsBefore);
    assert.ok(errors.length >= 3, 'each drop reached the informer as an error');
  });

  it('survives a server restart with changes made while it was down', async () => {
    const restarting = emulator.faults.restart();
    churn();
    await restarting;
    churn();
    await waitUntil(converged, 15000, 'convergence after restart');
  });

  it('gets through 500 and 429 answers to its re-watch and relist', async () => {
    const errorsBefore = errors.length;
    // The watch and the list share the collection path: two failures for whichever comes first.
    emulator.faults.failRequest({
      method: 'GET',
      path: '/namespaces/default/configmaps',
      status: 500,
      times: 2,
    });
    emulator.faults.dropWatches();
    churn();
    await waitUntil(converged, 20000, 'convergence after 500s');
    emulator.faults.failRequest({ method: 'GET', path: '/namespaces/default/configmaps', status: 429 });
    emulator.faults.dropWatches();
    emulator.faults.compact();
    churn();
    await waitUntil(converged, 20000, 'convergence after a 429');
    const codes = errors
      .slice(errorsBefore)
      .map((e) => (e as { statusCode?: number; code?: number }).statusCode ?? (e as { code?: number }).code);
    assert.deepEqual(
      codes.filter((c) => c === 500 || c === 429),
      [500, 500, 429],
      'each injected answer reached the informer',
    );
  });

  it('relists after 410 Gone when its resourceVersion was compacted away', async () => {
    const listsBefore = lists;
    // Drop the watch, change things and compact, so the informer's resume point is gone.
    emulator.faults.dropWatches();
    churn();
    const deleted = emulator.store.list(CM, 'default')[0]!;
    emulator.store.delete(CM, 'default', deleted.metadata.name!);
    emulator.faults.compact();
    churn();
    await waitUntil(converged, 20000, 'convergence after 410');
    assert.equal(
      informer.get(deleted.metadata.name!, 'default'),
      undefined,
      'deletion seen through the relist',
    );
    assert.ok(lists > listsBefore, 'the 410 made the informer relist');
  });
});
