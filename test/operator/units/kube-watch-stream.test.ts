import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { loadClusterConnection } from '../../../src/operator/kube/kube-config.ts';
import { KubeClient, type WatchEvent } from '../../../src/operator/kube/client.ts';
import { builtin } from '../../../src/operator/kube/resource-types.ts';
import { startEmulator, type Emulator } from '../../emulator/index.ts';

/**
 * Watch events are lines of JSON that arrive in TLS-record-sized chunks: a report of a few hundred KiB spans dozens
 * of them, and a multi-byte character can be cut between two.
 */
describe('KubeClient.watch stream', () => {
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

  it('delivers large objects with multi-byte text intact, each event once and in order', async () => {
    // 1-, 2-, 3- and 4-byte UTF-8 characters, so chunk boundaries fall inside characters somewhere.
    const text = (seed: number) => `a${'é€😀'.repeat(20_000 + seed)}z`;
    const { resourceVersion } = await client.list(builtin.configMap, { namespace: 'default' });
    const events: WatchEvent<V1ConfigMap>[] = [];
    const abort = new AbortController();
    const watching = client
      .watch<V1ConfigMap>(
        builtin.configMap,
        { namespace: 'default', resourceVersion },
        (event) => {
          events.push(event);
          if (events.length === 3) abort.abort();
        },
        abort.signal,
      )
      .catch((error: unknown) => {
        if (!abort.signal.aborted) throw error;
      });
    for (let seed = 0; seed < 3; seed++) {
      await client.create(builtin.configMap, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `big-${seed}`, namespace: 'default' },
        data: { value: text(seed) },
      });
    }
    await watching;
    assert.deepEqual(
      events.map((event) => [event.type, event.object.metadata?.name]),
      [
        ['ADDED', 'big-0'],
        ['ADDED', 'big-1'],
        ['ADDED', 'big-2'],
      ],
    );
    events.forEach((event, seed) => assert.ok(event.object.data?.value === text(seed), `big-${seed} intact`));
  });
});
