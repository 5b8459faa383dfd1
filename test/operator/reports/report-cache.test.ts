import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadClusterConnection } from '../../../src/operator/kube/kube-config.ts';
import { KubeClient } from '../../../src/operator/kube/client.ts';
import { ownerLabels, RESOURCE_NAME_HASH_LABEL } from '../../../src/operator/reports/labels.ts';
import { ReportCache } from '../../../src/operator/reports/report-cache.ts';
import type { VulnerabilityReport } from '../../../src/operator/reports/types.ts';
import { silentLogger } from '../../../src/util/logger.ts';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { waitUntil } from '../../emulator/testing.ts';
import { vulnerabilityReport } from '../metrics/report-fixtures.ts';

const run = promisify(execFile);
const crds = join(import.meta.dirname, '../../../deploy/helm/crds');
const vulnerabilityReports = {
  group: 'aquasecurity.github.io',
  version: 'v1alpha1',
  resource: 'vulnerabilityreports',
};
const image = { registry: 'index.docker.io', repository: 'library/nginx', tag: '1.25', digest: 'sha256:aaa' };
const longName = `web-${'x'.repeat(70)}`;

const report = (namespace: string, owner: string, container: string): VulnerabilityReport => {
  const made = vulnerabilityReport({ namespace, kind: 'ReplicaSet', name: owner, container }, image, []);
  // An owner name too long for a label value is labelled with its hash, as the operator labels it.
  const labels = { ...made.metadata.labels, ...ownerLabels({ kind: 'ReplicaSet', name: owner, namespace }) };
  if (owner.length > 63) delete labels['trivy-operator.resource.name'];
  return {
    ...made,
    metadata: { ...made.metadata, name: `replicaset-${owner.slice(0, 20)}-${container}`, labels },
  };
};
const names = (reports: readonly { metadata: { namespace?: string; name?: string } }[]) =>
  reports.map((found) => `${found.metadata.namespace}/${found.metadata.name}`).sort();

/**
 * The report cache answers "which reports does this owner have" on every reconcile: from an index by owner, which
 * must follow every change the watch brings (new reports, relabelled ones, deletions).
 */
describe('ReportCache.select', () => {
  let emulator: Emulator;
  let client: KubeClient;
  let cache: ReportCache;

  before(async () => {
    emulator = await startEmulator();
    await run('kubectl', ['--kubeconfig', emulator.kubeconfigPath, 'apply', '-f', crds]);
    await run('kubectl', [
      '--kubeconfig',
      emulator.kubeconfigPath,
      'wait',
      '--for=condition=Established',
      'crd',
      '--all',
    ]);
    for (const name of ['shop', 'cache']) {
      emulator.store.create(
        { group: '', version: 'v1', resource: 'namespaces' },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      );
    }
    for (const [namespace, owner, container] of [
      ['shop', 'web-1', 'app'],
      ['shop', 'web-1', 'sidecar'],
      ['shop', 'web-2', 'app'],
      ['cache', 'web-1', 'app'],
      ['shop', longName, 'app'],
    ] as const) {
      emulator.store.create(vulnerabilityReports, report(namespace, owner, container) as never);
    }
    client = new KubeClient(loadClusterConnection({ kubeconfig: emulator.kubeconfigPath }));
    cache = new ReportCache({
      client,
      kinds: ['VulnerabilityReport'],
      namespaces: undefined,
      logger: silentLogger,
      keep: { vulnerabilities: false, secrets: false, checks: false },
    });
    await cache.start();
  });
  after(async () => {
    await cache?.stop();
    await client?.close();
    await emulator?.close();
  });

  const ofOwner = (name: string, namespace: string) =>
    names(
      cache.select('VulnerabilityReport', ownerLabels({ kind: 'ReplicaSet', name, namespace }), namespace),
    );

  it('returns the reports of one owner, not those of a namesake in another namespace or of another owner', () => {
    assert.deepEqual(ofOwner('web-1', 'shop'), [
      'shop/replicaset-web-1-app',
      'shop/replicaset-web-1-sidecar',
    ]);
    assert.deepEqual(ofOwner('web-1', 'cache'), ['cache/replicaset-web-1-app']);
    assert.deepEqual(ofOwner('web-2', 'shop'), ['shop/replicaset-web-2-app']);
    assert.deepEqual(ofOwner('web-3', 'shop'), []);
  });

  it('finds owners labelled with a hash of their name', () => {
    const labels = ownerLabels({ kind: 'ReplicaSet', name: longName, namespace: 'shop' });
    assert.ok(labels[RESOURCE_NAME_HASH_LABEL], 'the long name is labelled by hash');
    assert.deepEqual(ofOwner(longName, 'shop'), [`shop/replicaset-${longName.slice(0, 20)}-app`]);
  });

  it('narrows by any further label, and answers queries that name no owner', () => {
    const sidecars = cache.select('VulnerabilityReport', {
      ...ownerLabels({ kind: 'ReplicaSet', name: 'web-1', namespace: 'shop' }),
      'trivy-operator.container.name': 'sidecar',
    });
    assert.deepEqual(names(sidecars), ['shop/replicaset-web-1-sidecar']);
    const apps = cache.select('VulnerabilityReport', { 'trivy-operator.container.name': 'app' });
    assert.equal(apps.length, 4);
  });

  it('follows reports created, relabelled to another owner, and deleted after it started', async () => {
    emulator.store.create(vulnerabilityReports, report('shop', 'web-2', 'sidecar') as never);
    await waitUntil(() => ofOwner('web-2', 'shop').length === 2, 10_000, 'the new report indexed');

    const moved = emulator.store.get(vulnerabilityReports, 'shop', 'replicaset-web-1-sidecar')!;
    const labels = { ...moved.metadata.labels, 'trivy-operator.resource.name': 'web-9' };
    emulator.store.update(vulnerabilityReports, { ...moved, metadata: { ...moved.metadata, labels } });
    await waitUntil(() => ofOwner('web-9', 'shop').length === 1, 10_000, 'the relabelled report moved');
    assert.deepEqual(ofOwner('web-1', 'shop'), ['shop/replicaset-web-1-app']);

    emulator.store.delete(vulnerabilityReports, 'shop', 'replicaset-web-2-app');
    await waitUntil(() => ofOwner('web-2', 'shop').length === 1, 10_000, 'the deleted report gone');
    assert.deepEqual(ofOwner('web-2', 'shop'), ['shop/replicaset-web-2-sidecar']);
    assert.equal(cache.get('VulnerabilityReport', 'replicaset-web-2-app', 'shop'), undefined);
  });
});
