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
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences: { kind: string; name: string; controller: boolean; blockOwnerDeletion: boolean }[];
  };
  report: {
    artifact: { repository: string; tag?: string; digest?: string };
    registry: { server: string };
    summary: Record<string, number>;
    vulnerabilities?: { vulnerabilityID: string; resource: string; severity: string; fixedVersion: string }[];
    secrets?: { ruleID: string; severity: string; target: string; match: string }[];
    components?: { components?: { name: string }[] };
  };
}

const githubToken = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';

/**
 * The operator in Job mode against the emulator: every workload kind the contract names, one analysis per image
 * digest however many workloads and containers run it, and the report surface users query with kubectl.
 */
describe('operator: image reports for every workload kind, one scan per digest (Job mode)', () => {
  let world: World;
  let operator: Operator;
  let appV1: { ref: string; digest: string };
  let appV2: { ref: string; digest: string };
  let sidecar: { ref: string; digest: string };
  let tools: { ref: string; digest: string };
  const jobsCreated: string[] = [];

  const reports = (kind: string, namespace = 'default') => getItems<Report>(world, kind, namespace);
  const reportNamed = async (kind: string, name: string, namespace = 'default') =>
    (await reports(kind, namespace)).find((report) => report.metadata.name === name);

  before(async () => {
    world = await startWorld();
    appV1 = await world.pushImage(
      'shop/app:1.0',
      debianImage(
        [
          { name: 'libssl3', version: '3.0.11-1~deb12u2', source: 'openssl' },
          { name: 'bash', version: '5.2.15-2+b2' },
        ],
        {
          'srv/node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '4.17.20' }),
          'srv/.env': `GITHUB_TOKEN=${githubToken}\n`,
        },
      ),
    );
    appV2 = await world.pushImage(
      'shop/app:2.0',
      debianImage([
        { name: 'libssl3', version: '3.0.14-1~deb12u1', source: 'openssl' },
        { name: 'bash', version: '5.2.15-2+b2' },
      ]),
    );
    sidecar = await world.pushImage(
      'sidecar:1.0',
      debianImage([{ name: 'zlib1g', version: '1:1.2.13.dfsg-1', source: 'zlib' }]),
    );
    tools = await world.pushImage('tools:1.0', debianImage([{ name: 'bash', version: '5.2.15-2+b2' }]));
    await world.pushDb(fixtureDb());
    await applyTrivyConfig(world, trivyConfigData(world));
    world.emulator.store.subscribe((event) => {
      if (
        event.resource.resource === 'jobs' &&
        event.type === 'ADDED' &&
        event.object.metadata?.namespace === operatorNamespace
      ) {
        jobsCreated.push(event.object.metadata.name ?? '');
      }
    });
    operator = await startOperator(world, operatorEnv(world, { OPERATOR_SCAN_MODE: 'Job' }));
  });
  after(async () => {
    await operator?.stop();
    await world?.close();
  });

  it('a Deployment with two containers gets vulnerability, secret and SBOM reports on its ReplicaSet', async () => {
    await world.apply(deployment('web', { app: appV1.ref, sidecar: sidecar.ref }));
    const vulns = await eventually(
      'two vulnerability reports',
      async () => {
        const found = (await reports('vulnerabilityreports')).filter((report) =>
          report.metadata.name.startsWith('replicaset-web-'),
        );
        return found.length === 2 ? found : undefined;
      },
      120_000,
    );
    const app = vulns.find((report) => report.metadata.labels['trivy-operator.container.name'] === 'app');
    assert.ok(app, 'a report for container app');
    const replicaSet = app.metadata.labels['trivy-operator.resource.name']!;
    assert.equal(app.metadata.name, `replicaset-${replicaSet}-app`);
    assert.equal(app.metadata.labels['trivy-operator.resource.kind'], 'ReplicaSet');
    assert.equal(app.metadata.labels['trivy-operator.resource.namespace'], 'default');
    assert.equal(app.metadata.labels['app.kubernetes.io/managed-by'], 'trivy-operator');
    assert.ok(app.metadata.labels['resource-spec-hash']);
    assert.deepEqual(
      app.metadata.ownerReferences.map(({ kind, name, controller, blockOwnerDeletion }) => ({
        kind,
        name,
        controller,
        blockOwnerDeletion,
      })),
      [{ kind: 'ReplicaSet', name: replicaSet, controller: true, blockOwnerDeletion: false }],
    );
    assert.deepEqual(app.report.artifact, { repository: 'shop/app', tag: '1.0', digest: appV1.digest });
    assert.equal(app.report.registry.server, world.registry.host);
    assert.deepEqual(
      app.report.vulnerabilities
        ?.map((vuln) => `${vuln.vulnerabilityID}:${vuln.resource}:${vuln.severity}`)
        .sort(),
      ['CVE-2021-23337:lodash:HIGH', 'CVE-2022-3715:bash:LOW', 'CVE-2024-5535:libssl3:HIGH'],
    );
    assert.deepEqual(app.report.summary, {
      criticalCount: 0,
      highCount: 2,
      mediumCount: 0,
      lowCount: 1,
      unknownCount: 0,
    });
    const side = vulns.find(
      (report) => report.metadata.labels['trivy-operator.container.name'] === 'sidecar',
    );
    assert.deepEqual(side?.report.summary, {
      criticalCount: 1,
      highCount: 0,
      mediumCount: 0,
      lowCount: 0,
      unknownCount: 0,
    });

    const secrets = await eventually('the exposed-secret report', () =>
      reportNamed('exposedsecretreports', `replicaset-${replicaSet}-app`),
    );
    assert.equal(secrets.report.secrets?.length, 1);
    assert.equal(secrets.report.secrets?.[0]?.ruleID, 'github-pat');
    assert.equal(secrets.report.secrets?.[0]?.target, '/srv/.env');
    assert.ok(!secrets.report.secrets?.[0]?.match.includes(githubToken), 'the secret is redacted');
    const sbom = await eventually('the SBOM report', () =>
      reportNamed('sbomreports', `replicaset-${replicaSet}-app`),
    );
    const names = (sbom.report.components?.components ?? []).map((component) => component.name);
    for (const name of ['libssl3', 'bash', 'lodash']) assert.ok(names.includes(name), `SBOM lists ${name}`);
  });

  it('kubectl get vulns -o wide shows the upstream columns with the counts', async () => {
    const table = await world.kubectl(['get', 'vulns', '-n', 'default', '-o', 'wide']);
    const [header, ...rows] = table.trim().split('\n');
    assert.match(
      header ?? '',
      /^NAME\s+REPOSITORY\s+TAG\s+SCANNER\s+AGE\s+CRITICAL\s+HIGH\s+MEDIUM\s+LOW\s+UNKNOWN$/,
    );
    const app = rows.find((row) => /^replicaset-web-\S+-app\s/.test(row));
    assert.match(app ?? '', /\sshop\/app\s+1\.0\s+Trivy\s+\S+\s+0\s+2\s+0\s+1\s+0$/);
  });

  it("a rollout to a new image reports on the new ReplicaSet and removes the old revision's reports", async () => {
    const before = (await reports('vulnerabilityreports')).find((report) =>
      report.metadata.name.endsWith('-app'),
    )!;
    const oldReplicaSet = before.metadata.labels['trivy-operator.resource.name'];
    await world.apply(deployment('web', { app: appV2.ref, sidecar: sidecar.ref }));
    const current = await eventually(
      'reports of the new revision only',
      async () => {
        const all = (await reports('vulnerabilityreports')).filter((report) =>
          report.metadata.name.startsWith('replicaset-web-'),
        );
        const app = all.find((report) => report.metadata.name.endsWith('-app'));
        const stale = all.some(
          (report) => report.metadata.labels['trivy-operator.resource.name'] === oldReplicaSet,
        );
        return app && app.report.artifact.tag === '2.0' && !stale && all.length === 2 ? app : undefined;
      },
      120_000,
    );
    assert.deepEqual(
      current.report.vulnerabilities?.map((vuln) => vuln.vulnerabilityID),
      ['CVE-2022-3715'],
    );
    assert.equal(
      (await reports('exposedsecretreports')).filter(
        (report) => report.metadata.labels['trivy-operator.resource.name'] === oldReplicaSet,
      ).length,
      0,
    );
  });

  it('a CronJob between runs is reported under its own name, its digest resolved through the registry', async () => {
    await world.apply({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'default' },
      spec: {
        schedule: '0 3 1 1 *',
        jobTemplate: {
          spec: {
            template: {
              spec: { restartPolicy: 'Never', containers: [{ name: 'backup', image: tools.ref }] },
            },
          },
        },
      },
    });
    const report = await eventually(
      'cronjob-nightly-backup',
      () => reportNamed('vulnerabilityreports', 'cronjob-nightly-backup'),
      120_000,
    );
    assert.equal(report.metadata.labels['trivy-operator.resource.kind'], 'CronJob');
    assert.equal(report.report.artifact.digest, tools.digest);
    assert.deepEqual(
      report.report.vulnerabilities?.map((vuln) => vuln.vulnerabilityID),
      ['CVE-2022-3715'],
    );
  });

  it('a bare Pod owns its reports; ten containers on one image need no new analysis', async () => {
    const analysesBefore = jobsCreated.length;
    await world.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'fanout', namespace: 'default' },
      spec: {
        containers: Array.from({ length: 10 }, (_, index) => ({ name: `c${index}`, image: sidecar.ref })),
      },
    });
    const found = await eventually(
      'ten pod reports',
      async () => {
        const all = (await reports('vulnerabilityreports')).filter((report) =>
          report.metadata.name.startsWith('pod-fanout-'),
        );
        return all.length === 10 ? all : undefined;
      },
      120_000,
    );
    assert.deepEqual(
      found.map((report) => report.metadata.name).sort(),
      Array.from({ length: 10 }, (_, index) => `pod-fanout-c${index}`).sort(),
    );
    assert.ok(found.every((report) => report.report.summary.criticalCount === 1));
    assert.equal(jobsCreated.length, analysesBefore, 'the sidecar image was analysed once already');
  });

  it('20 Deployments sharing 3 images cost exactly one analysis per image', async () => {
    const images = [appV1.ref, sidecar.ref, tools.ref];
    await world.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } },
      ...Array.from({ length: 20 }, (_, index) =>
        deployment(`svc-${index}`, { main: images[index % 3]! }, { namespace: 'team' }),
      ),
    );
    await eventually(
      '20 reports in team',
      async () => {
        const all = await reports('vulnerabilityreports', 'team');
        return all.length === 20 ? all : undefined;
      },
      180_000,
    );
    const digests = new Set([appV1.digest, appV2.digest, sidecar.digest, tools.digest]);
    assert.equal(
      jobsCreated.length,
      digests.size,
      `one scan Job per image digest (${[...jobsCreated].join(', ')})`,
    );
    assert.equal(operator.queue?.completed, digests.size);
    const jobs = await getItems(world, 'jobs', operatorNamespace);
    assert.equal(jobs.length, 0, 'every scan Job is deleted once read');
  });

  it('the status view lists every image as done', async () => {
    const response = await fetch(`http://127.0.0.1:${operator.healthPort}/status`);
    const view = (await response.json()) as {
      images: { counts: Record<string, number> };
      coverage: { ratio: number };
    };
    assert.equal(view.images.counts.done, 4);
    assert.equal(view.images.counts.failed, 0);
    assert.equal(view.coverage.ratio, 1);
  });
});
