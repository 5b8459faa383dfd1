import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Operator } from '../../../src/operator/operator.ts';
import {
  applyTrivyConfig,
  debianImage,
  deployment,
  eventually,
  fixtureDb,
  getItems,
  operatorEnv,
  operatorNamespace,
  startOperator,
  startWorld,
  trivyConfigData,
  type World,
} from '../harness.ts';

interface Report {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  report: { summary: Record<string, number> };
}

/**
 * What gets a report and what does not (Inline mode): every controller kind, init containers, namespace
 * exclusions, skip labels and excluded images; and how a scan that cannot succeed is made visible.
 */
describe('operator: what is scanned, and failures made visible (Inline mode)', () => {
  let world: World;
  let operator: Operator;
  let image: { ref: string; digest: string };
  let excluded: { ref: string; digest: string };
  const names = async (namespace: string) =>
    (await getItems<Report>(world, 'vulnerabilityreports', namespace))
      .map((report) => report.metadata.name)
      .sort();

  before(async () => {
    world = await startWorld();
    image = await world.pushImage('base:1.0', debianImage([{ name: 'bash', version: '5.2.15-2+b2' }]));
    excluded = await world.pushImage(
      'vendor/excluded:1.0',
      debianImage([{ name: 'bash', version: '5.2.15-2+b2' }]),
    );
    await world.pushDb(fixtureDb());
    await applyTrivyConfig(world, trivyConfigData(world));
    await world.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'trivy-operator', namespace: operatorNamespace },
      data: { 'scanJob.excludeImages': '*/vendor/excluded:*', skipResourceByLabels: 'example.com/no-scan' },
    });
    operator = await startOperator(
      world,
      operatorEnv(world, { OPERATOR_SCAN_MODE: 'Inline', OPERATOR_EXCLUDE_NAMESPACES: 'kube-*,scratch-*' }),
    );
  });
  after(async () => {
    await operator?.stop();
    await world?.close();
  });

  it('reports StatefulSets (with init containers), DaemonSets and standalone Jobs under their own names', async () => {
    const podSpec = (container: string) => ({
      initContainers: [{ name: 'setup', image: image.ref }],
      containers: [{ name: container, image: image.ref }],
    });
    await world.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: 'default' },
        spec: {
          serviceName: 'db',
          replicas: 1,
          selector: { matchLabels: { app: 'db' } },
          template: { metadata: { labels: { app: 'db' } }, spec: podSpec('main') },
        },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent', namespace: 'default' },
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: {
            metadata: { labels: { app: 'agent' } },
            spec: { containers: [{ name: 'agent', image: image.ref }] },
          },
        },
      },
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'migrate', namespace: 'default' },
        spec: {
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: image.ref }] } },
        },
      },
    );
    const expected = [
      'daemonset-agent-agent',
      'job-migrate-run',
      'statefulset-db-main',
      'statefulset-db-setup',
    ];
    const found = await eventually('reports of every kind', async () => {
      const all = await names('default');
      return expected.every((name) => all.includes(name)) ? all : undefined;
    });
    assert.deepEqual(found, expected);
  });

  it('skips excluded namespaces, skip-labelled workloads and excluded images, without looking stuck', async () => {
    await world.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-extra' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
      deployment('hidden', { main: image.ref }, { namespace: 'kube-extra' }),
      deployment(
        'optout',
        { main: image.ref },
        { namespace: 'apps', labels: { 'example.com/no-scan': 'true' } },
      ),
      deployment('mixed', { main: image.ref, vendor: excluded.ref }, { namespace: 'apps' }),
    );
    await eventually('the mixed workload reported', async () => (await names('apps')).length > 0);
    await operator.workQueue!.idle();
    const apps = await names('apps');
    assert.equal(apps.length, 1);
    assert.match(apps[0] ?? '', /^replicaset-mixed-[a-z0-9]+-main$/);
    assert.deepEqual(await names('kube-extra'), []);
    const view = (await (await fetch(`http://127.0.0.1:${operator.healthPort}/status`)).json()) as {
      workloadsNotDone: { workload: string }[];
    };
    assert.deepEqual(
      view.workloadsNotDone.filter((entry) => entry.workload.includes('mixed')),
      [],
      'an excluded image does not keep its workload pending',
    );
  });

  it('a scan that fails is visible in the status view, as an Event on the workload, and in metrics', async () => {
    // The pod reports a digest the registry does not have (a deleted image): the analysis fails with a reason.
    await world.apply(deployment('ghost', { app: `${world.registry.host}/ghost:1.0` }));
    const failure = await eventually('the failed image in the status view', async () => {
      const view = (await (await fetch(`http://127.0.0.1:${operator.healthPort}/status`)).json()) as {
        images: { items: { repository: string; state: string; reason?: string; workloads: string[] }[] };
        workloadsNotDone: { workload: string; state: string; reason?: string }[];
      };
      const image = view.images.items.find((item) => item.repository.endsWith('/ghost'));
      return image?.state === 'failed' ? { image, view } : undefined;
    });
    assert.match(failure.image.reason ?? '', /^ImageNotFound: /);
    assert.ok(failure.image.workloads.some((workload) => workload.startsWith('ReplicaSet/default/ghost-')));
    // Before its pod runs, the workload's tag is looked up in the registry (404 too); once the pod reports a
    // digest, the analysis of that digest fails. Both are Events; the one naming the analysis reason must come.
    const event = await eventually('a ScanFailed Event on the ReplicaSet naming the reason', async () => {
      const items = await getItems<{
        reason: string;
        involvedObject: { kind: string; name: string };
        message: string;
      }>(world, 'events', 'default');
      return items.find((item) => item.reason === 'ScanFailed' && /ImageNotFound/.test(item.message));
    });
    assert.equal(event.involvedObject.kind, 'ReplicaSet');
    assert.match(event.involvedObject.name, /^ghost-/);
    const metrics = await (await fetch(`http://127.0.0.1:${operator.metricsPort}/metrics`)).text();
    assert.match(metrics, /^trivy_ts_scan_failures_total\{reason="ImageNotFound"\} [1-9]/m);
    assert.match(metrics, /^trivy_ts_images\{state="failed"\} 1$/m);
    assert.match(metrics, /^trivy_image_vulnerabilities\{.*container_name="main".*severity="Low"\} 1$/m);
    assert.deepEqual(await names('default').then((all) => all.filter((name) => name.includes('ghost'))), []);
  });
});
