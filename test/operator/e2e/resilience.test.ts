import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Operator } from '../../../src/operator/operator.ts';
import { buildOciImage } from '../../support/oci-image.ts';
import { startRegistry, type RunningRegistry } from '../../support/registry.ts';
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

const run = promisify(execFile);

interface Report {
  metadata: {
    name: string;
    uid: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
  report: {
    vulnerabilities: { vulnerabilityID: string; severity: string }[];
    summary: { criticalCount: number; highCount: number; mediumCount: number; lowCount: number };
  };
}

const budget = 16 * 1024;
const bloatedPackages = 400;

/**
 * What must not break the operator: reports larger than etcd should hold, private registries, API conflicts and
 * dropped watches, and being killed in the middle of a scan.
 */
describe('operator: budget, private registries, API faults and restarts (Job mode)', () => {
  let world: World;
  let privateRegistry: RunningRegistry;
  let operator: Operator;
  let env: Record<string, string>;
  let trivyConfig: Record<string, string>;
  const jobsAdded: string[] = [];
  const vulnReports = (namespace = 'default') => getItems<Report>(world, 'vulnerabilityreports', namespace);

  before(async () => {
    world = await startWorld();
    privateRegistry = await startRegistry({ htpasswd: { username: 'robot', password: 's3cret-pass' } });
    await world.pushDb(
      fixtureDb((fixture) => {
        for (let index = 0; index < bloatedPackages; index++) {
          const id = `CVE-2024-${String(10000 + index)}`;
          fixture
            .addAdvisory('npm::GitHub Security Advisory npm', `pkg-${index}`, id, {
              VulnerableVersions: ['<2.0.0'],
              PatchedVersions: ['2.0.0'],
            })
            .addVulnerability(id, {
              Title: `pkg-${index}: a flaw with a long enough title to take some room in the report`,
              VendorSeverity: { ghsa: (index % 4) + 1 },
            });
        }
      }),
    );
    trivyConfig = trivyConfigData(world, { 'trivy.nonSslRegistry.private': privateRegistry.host });
    await applyTrivyConfig(world, trivyConfig);
    world.emulator.store.subscribe((event) => {
      if (event.resource.resource === 'jobs' && event.type === 'ADDED')
        jobsAdded.push(event.object.metadata?.name ?? '');
    });
    env = operatorEnv(world, { OPERATOR_SCAN_MODE: 'Job', OPERATOR_REPORT_MAX_BYTES: String(budget) });
    operator = await startOperator(world, env);
  });
  after(async () => {
    await operator?.stop();
    await privateRegistry?.stop();
    await world?.close();
  });

  it('keeps a report with more findings than the budget under it, most severe first, counts true', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < bloatedPackages; index++) {
      files[`app/node_modules/pkg-${index}/package.json`] = JSON.stringify({
        name: `pkg-${index}`,
        version: '1.0.0',
      });
    }
    const image = await world.pushImage('bloated:1.0', debianImage([], files));
    await world.apply(deployment('bloated', { app: image.ref }));
    const report = await eventually(
      'the truncated report',
      async () =>
        (await vulnReports()).find((found) => found.metadata.name.startsWith('replicaset-bloated-')),
      120_000,
    );
    const json = await world.kubectl([
      'get',
      'vulnerabilityreport',
      report.metadata.name,
      '-n',
      'default',
      '-o',
      'json',
    ]);
    const stored = JSON.parse(json) as Report & { metadata: { managedFields?: unknown } };
    delete stored.metadata.managedFields;
    assert.ok(
      Buffer.byteLength(JSON.stringify(stored)) <= budget + 1024,
      'within the budget (plus server metadata)',
    );
    const kept = report.report.vulnerabilities.length;
    assert.ok(kept > 10 && kept < bloatedPackages, `some but not all findings kept (${kept})`);
    assert.equal(
      report.metadata.annotations?.['trivy-ts.aquasecurity.github.io/truncated'],
      `${kept}/${bloatedPackages}`,
    );
    const { summary } = report.report;
    assert.equal(
      summary.criticalCount + summary.highCount + summary.mediumCount + summary.lowCount,
      bloatedPackages,
    );
    assert.equal(summary.criticalCount, bloatedPackages / 4);
    const rank = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1 } as Record<string, number>;
    const lowestKept = Math.min(...report.report.vulnerabilities.map((vuln) => rank[vuln.severity] ?? 0));
    assert.ok(lowestKept >= 3, 'the kept findings are the most severe ones');
  });

  it("scans an image from a private registry with the workload's pull secret", async () => {
    const layout = join(world.scratch, 'private-layout');
    const built = await buildOciImage(layout, 'app', debianImage([{ name: 'bash', version: '5.2.15-2+b2' }]));
    const ref = `${privateRegistry.host}/team/app:1.0`;
    await run('skopeo', [
      'copy',
      '--quiet',
      '--insecure-policy',
      '--dest-tls-verify=false',
      '--dest-creds',
      'robot:s3cret-pass',
      `oci:${built.reference}`,
      `docker://${ref}`,
    ]);
    const head = await fetch(`${privateRegistry.url}/v2/team/app/manifests/1.0`, {
      method: 'HEAD',
      headers: {
        accept: 'application/vnd.oci.image.manifest.v1+json',
        authorization: `Basic ${Buffer.from('robot:s3cret-pass').toString('base64')}`,
      },
    });
    world.cluster.setImageDigest(ref, head.headers.get('docker-content-digest') ?? '');
    const dockerConfig = {
      auths: { [privateRegistry.host]: { auth: Buffer.from('robot:s3cret-pass').toString('base64') } },
    };
    await world.apply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'regcred', namespace: 'default' },
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': Buffer.from(JSON.stringify(dockerConfig)).toString('base64') },
      },
      (() => {
        const manifest = deployment('private', { app: ref });
        (manifest.spec.template.spec as Record<string, unknown>).imagePullSecrets = [{ name: 'regcred' }];
        return manifest;
      })(),
    );
    const report = await eventually(
      'a report for the private image',
      async () =>
        (await vulnReports()).find((found) => found.metadata.name.startsWith('replicaset-private-')),
      120_000,
    );
    assert.deepEqual(
      report.report.vulnerabilities.map((vuln) => vuln.vulnerabilityID),
      ['CVE-2022-3715'],
    );
    const leftovers = await getItems<{ metadata: { name: string } }>(world, 'secrets', operatorNamespace);
    assert.deepEqual(
      leftovers.filter((secret) => secret.metadata.name.endsWith('-regcred')),
      [],
      'the per-Job credentials Secret went with its Job',
    );
  });

  it('converges through 409s, 429s, dropped watches and an API server restart', async () => {
    const faults = world.emulator.faults;
    faults.failRequest({ method: 'PUT', path: '/vulnerabilityreports/', status: 409, times: 3 });
    faults.failRequest({ method: 'GET', path: '/vulnerabilityreports', status: 429, times: 2 });
    await applyTrivyConfig(world, { ...trivyConfig, 'trivy.severity': 'CRITICAL' });
    faults.dropWatches();
    await faults.restart();
    const reports = await eventually('every report re-evaluated to CRITICAL only', async () => {
      const all = await vulnReports();
      // A truncated report keeps its most severe findings, so before the re-evaluation its list may already hold
      // CRITICAL ones only: the summary tells the re-evaluated report apart.
      const done =
        all.length >= 2 &&
        all.every(
          (report) =>
            report.report.vulnerabilities.every((vuln) => vuln.severity === 'CRITICAL') &&
            !report.report.summary.highCount,
        );
      return done ? all : undefined;
    });
    const bloated = reports.find((report) => report.metadata.name.startsWith('replicaset-bloated-'));
    const kept = bloated?.report.vulnerabilities.length ?? 0;
    assert.equal(
      bloated?.metadata.annotations?.['trivy-ts.aquasecurity.github.io/truncated'],
      `${kept}/${bloatedPackages / 4}`,
      'the annotation and the summary count the filtered list',
    );
    assert.equal(bloated?.report.summary.criticalCount, bloatedPackages / 4);
    assert.equal(bloated?.report.summary.highCount, 0);
  });

  it('killed in the middle of a scan: the next run adopts the Job; no duplicate, lost or orphan', async () => {
    await applyTrivyConfig(world, trivyConfig);
    const image = await world.pushImage(
      'midscan:1.0',
      debianImage([{ name: 'libssl3', version: '3.0.11-1~deb12u2', source: 'openssl' }]),
    );
    const before = jobsAdded.length;
    const jobSeen = eventually('the scan Job of the new image', () => jobsAdded.length > before, 60_000);
    await world.apply(deployment('midscan', { app: image.ref }));
    await jobSeen;
    await operator.stop();
    operator = await startOperator(world, env);
    const report = await eventually(
      'the report of the adopted scan',
      async () =>
        (await vulnReports()).find((found) => found.metadata.name.startsWith('replicaset-midscan-')),
      120_000,
    );
    assert.deepEqual(
      report.report.vulnerabilities.map((vuln) => vuln.vulnerabilityID),
      ['CVE-2024-5535'],
    );
    assert.equal(jobsAdded.length, before + 1, 'the scan was not started twice');
    await eventually(
      'no scan Job left behind',
      async () => (await getItems(world, 'jobs', operatorNamespace)).length === 0,
    );
    const names = (await vulnReports()).map((found) => found.metadata.name);
    assert.equal(names.length, new Set(names).size);
  });

  it('a restart does not rescan what is already analysed', async () => {
    const before = jobsAdded.length;
    await operator.stop();
    operator = await startOperator(world, env);
    await eventually('the operator ready', () => operator.ready);
    await operator.workQueue!.idle();
    assert.equal(jobsAdded.length, before);
    assert.equal(operator.queue?.completed, 0);
  });
});
