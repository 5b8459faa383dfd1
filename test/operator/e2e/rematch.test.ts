import type { V1Job } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Operator } from '../../../src/operator/operator.ts';
import {
  IMAGE_DIGEST_ANNOTATION,
  IMAGE_PLATFORM_ANNOTATION,
} from '../../../src/operator/reports/report-writer.ts';
import { imageKey } from '../../../src/operator/store/image-store.ts';
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
  metadata: { name: string; uid: string; creationTimestamp: string; annotations?: Record<string, string> };
  report: {
    vulnerabilities: { vulnerabilityID: string; severity: string }[];
    summary: Record<string, number>;
  };
}

/**
 * What makes a report change after it was first written: a new vulnerability DB and a new trivy config are matched
 * against the stored inventory (no image pull, no Job); a deleted or expired report makes the image be analysed
 * again, once.
 */
describe('operator: re-matching and rescans', () => {
  let world: World;
  let operator: Operator;
  let env: Record<string, string>;
  /** Scan Jobs the operator created, with the arguments of their container. */
  const jobs: { name: string; args: string[] }[] = [];
  /** Called once when the next scan Job is created (its analysis has started). */
  let onNextJob: (() => void) | undefined;
  const vulnIds = (report: Report) =>
    report.report.vulnerabilities.map((vuln) => vuln.vulnerabilityID).sort();
  const webReport = async () =>
    (await getItems<Report>(world, 'vulnerabilityreports', 'default')).find((report) =>
      report.metadata.name.startsWith('replicaset-web-'),
    );

  before(async () => {
    world = await startWorld();
    const image = await world.pushImage(
      'app:1.0',
      debianImage([
        { name: 'libssl3', version: '3.0.11-1~deb12u2', source: 'openssl' },
        { name: 'bash', version: '5.2.15-2+b2' },
      ]),
    );
    await world.pushDb(fixtureDb());
    await applyTrivyConfig(world, trivyConfigData(world));
    world.emulator.store.subscribe((event) => {
      if (event.resource.resource !== 'jobs' || event.type !== 'ADDED') return;
      const job = event.object as V1Job;
      jobs.push({
        name: job.metadata?.name ?? '',
        args: job.spec?.template.spec?.containers[0]?.args ?? [],
      });
      const hook = onNextJob;
      onNextJob = undefined;
      hook?.();
    });
    env = operatorEnv(world, { OPERATOR_SCAN_MODE: 'Job' });
    operator = await startOperator(world, env);
    await world.apply(deployment('web', { app: image.ref }));
    await eventually('the first report', webReport, 120_000);
    assert.equal(jobs.length, 1);
  });
  after(async () => {
    await operator?.stop();
    await world?.close();
  });

  it('a new vulnerability DB updates the reports with zero Jobs and zero pulls', async () => {
    await world.pushDb(
      fixtureDb((fixture) =>
        fixture
          .addAdvisory('debian 12', 'openssl', 'CVE-2025-0001', { FixedVersion: '3.0.15-1~deb12u1' })
          .addVulnerability('CVE-2025-0001', { Title: 'openssl: new flaw', VendorSeverity: { debian: 4 } }),
      ),
    );
    // Time passes: the local DB reaches its NextUpdate (Trivy's rule), then the periodic check runs.
    const metadataPath = join(env.OPERATOR_CACHE_DIR!, 'db', 'metadata.json');
    const metadata = JSON.parse(await readFile(metadataPath, 'utf8')) as Record<string, string>;
    const past = new Date(Date.now() - 3 * 3600_000).toISOString();
    await writeFile(metadataPath, JSON.stringify({ ...metadata, NextUpdate: past, DownloadedAt: past }));
    const writesBefore = operator.client.stats.requests.PUT ?? 0;
    await operator.db!.check();
    const report = await eventually('the new CVE in the report', async () => {
      const found = await webReport();
      return found && vulnIds(found).includes('CVE-2025-0001') ? found : undefined;
    });
    assert.deepEqual(vulnIds(report), ['CVE-2022-3715', 'CVE-2024-5535', 'CVE-2025-0001']);
    assert.equal(report.report.summary.criticalCount, 1);
    assert.equal(jobs.length, 1, 'no scan Job ran for the DB update');
    assert.equal(operator.queue?.completed, 1, 'no analysis ran for the DB update');
    assert.equal(
      (operator.client.stats.requests.PUT ?? 0) - writesBefore,
      1,
      'only the changed report was written',
    );
  });

  it('a trivy config change (severity) re-evaluates reports without scanning', async () => {
    await applyTrivyConfig(world, trivyConfigData(world, { 'trivy.severity': 'HIGH,CRITICAL' }));
    const report = await eventually('LOW findings gone', async () => {
      const found = await webReport();
      return found && !vulnIds(found).includes('CVE-2022-3715') ? found : undefined;
    });
    assert.deepEqual(vulnIds(report), ['CVE-2024-5535', 'CVE-2025-0001']);
    assert.equal(report.report.summary.lowCount, 0);
    assert.equal(jobs.length, 1);
  });

  it('a deleted report comes back from a fresh analysis of its image, once', async () => {
    const before = (await webReport())!;
    await world.kubectl(['delete', 'vulnerabilityreport', before.metadata.name, '-n', 'default']);
    const recreated = await eventually('the report recreated', async () => {
      const found = await webReport();
      return found && found.metadata.uid !== before.metadata.uid ? found : undefined;
    });
    assert.deepEqual(vulnIds(recreated), vulnIds(before));
    assert.equal(jobs.length, 2, 'the image was analysed again, once');
    assert.equal((await getItems(world, 'jobs', operatorNamespace)).length, 0);
  });

  it('a trivy.skipDirs change analyses the image again, with the scan Job told what to skip', async () => {
    await applyTrivyConfig(
      world,
      trivyConfigData(world, { 'trivy.severity': 'HIGH,CRITICAL', 'trivy.skipDirs': '/var/lib/dpkg' }),
    );
    const report = await eventually('the report without the dpkg packages', async () => {
      const found = await webReport();
      return found && vulnIds(found).length === 0 ? found : undefined;
    });
    assert.deepEqual([report.report.summary.highCount, report.report.summary.criticalCount], [0, 0]);
    assert.equal(jobs.length, 3, 'the image was analysed again, once');
    const args = jobs.at(-1)?.args ?? [];
    assert.equal(args[args.indexOf('--skip-dirs') + 1], '/var/lib/dpkg', args.join(' '));

    // Back to no skipping: analysed again, the packages are back.
    await applyTrivyConfig(world, trivyConfigData(world, { 'trivy.severity': 'HIGH,CRITICAL' }));
    await eventually('the dpkg findings back', async () => {
      const found = await webReport();
      return found && vulnIds(found).length > 0 ? found : undefined;
    });
    assert.equal(jobs.length, 4);
  });

  it('an analysis asked for while one runs follows it under the same Job name, and both succeed', async () => {
    const current = (await webReport())!;
    const annotations = current.metadata.annotations ?? {};
    const key = imageKey(
      annotations[IMAGE_DIGEST_ANNOTATION] ?? '',
      annotations[IMAGE_PLATFORM_ANNOTATION] ?? '',
    );
    const queue = operator.queue!;
    const failures = () => [...queue.failures.values()].reduce((sum, count) => sum + count, 0);
    const [jobsBefore, completedBefore, failuresBefore] = [jobs.length, queue.completed, failures()];
    // A fresh analysis is asked for and the report deleted, which starts it; as soon as its Job exists, a second one is
    // asked for. It starts when the first ends, while the first Job (of the same name) is still being read and deleted.
    operator.store?.requestRescan(key, Date.now());
    onNextJob = () => operator.store?.requestRescan(key, Date.now());
    await world.kubectl(['delete', 'vulnerabilityreport', current.metadata.name, '-n', 'default']);
    await eventually('two analyses settled', () =>
      queue.completed + failures() >= completedBefore + failuresBefore + 2 ? true : undefined,
    );
    assert.equal(failures(), failuresBefore, 'neither analysis failed');
    assert.equal(queue.completed, completedBefore + 2);
    assert.deepEqual(
      jobs.slice(jobsBefore).map((job) => job.name),
      [jobs[jobsBefore]?.name, jobs[jobsBefore]?.name],
      'one Job each, under the image’s name',
    );
    await eventually('the report recreated', async () => {
      const found = await webReport();
      return found && found.metadata.uid !== current.metadata.uid ? found : undefined;
    });
    assert.equal(operator.store?.get(key)?.state, 'done');
  });

  it('reports past OPERATOR_SCANNER_REPORT_TTL are deleted and made again', async () => {
    await operator.stop();
    operator = await startOperator(world, { ...env, OPERATOR_SCANNER_REPORT_TTL: '6s' });
    const annotated = await eventually('a report carrying report-ttl', async () => {
      const found = await webReport();
      return found?.metadata.annotations?.['trivy-operator.aquasecurity.github.io/report-ttl'] === '6s'
        ? found
        : undefined;
    });
    const renewed = await eventually(
      'the report replaced after its TTL',
      async () => {
        const found = await webReport();
        return found && found.metadata.uid !== annotated.metadata.uid ? found : undefined;
      },
      60_000,
    );
    assert.ok(new Date(renewed.metadata.creationTimestamp) > new Date(annotated.metadata.creationTimestamp));
    assert.equal(renewed.metadata.annotations?.['trivy-operator.aquasecurity.github.io/report-ttl'], '6s');
  });
});
