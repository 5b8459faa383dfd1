/**
 * What the operator does against an API server, done here with `@kubernetes/client-node` and kubectl against the
 * emulator and the simulated cluster: the project's own CRDs and reports, scan Jobs of our own image whose pod log
 * carries the result, Events, and leader election on a Lease. A gap found here is a gap the operator would hit.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  Log,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { V1Lease } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import type { KubeObject, ResourceRef } from './api.ts';
import { SimulatedCluster } from './cluster/cluster.ts';
import { startEmulator } from './index.ts';
import type { Emulator } from './index.ts';
import { waitUntil } from './testing.ts';

const run = promisify(execFile);
const CRD_DIR = fileURLToPath(new URL('../../deploy/helm/crds/', import.meta.url));
const OWN_IMAGE = 'ghcr.io/trivy-ts/trivy-ts:dev';
const GROUP = 'aquasecurity.github.io';
const VERSION = 'v1alpha1';
const VULNS: ResourceRef = { group: GROUP, version: VERSION, resource: 'vulnerabilityreports' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods' };
const RS: ResourceRef = { group: 'apps', version: 'v1', resource: 'replicasets' };
const SECRETS: ResourceRef = { group: '', version: 'v1', resource: 'secrets' };

interface PrinterColumn {
  name: string;
  jsonPath: string;
  priority?: number;
}

/** The printer columns the project's VulnerabilityReport CRD declares: what `kubectl get vulns` must show. */
function vulnerabilityReportColumns(): PrinterColumn[] {
  const file = readdirSync(CRD_DIR).find((name) => name.includes('_vulnerabilityreports.'));
  assert.ok(file, `no VulnerabilityReport CRD in ${CRD_DIR}`);
  const crd = parseYaml(readFileSync(join(CRD_DIR, file), 'utf8')) as {
    spec: { versions: Array<{ name: string; additionalPrinterColumns?: PrinterColumn[] }> };
  };
  return crd.spec.versions.find((v) => v.name === VERSION)?.additionalPrinterColumns ?? [];
}

function header(stdout: string): string[] {
  return (stdout.split('\n')[0] ?? '').trim().split(/\s{2,}/);
}

function firstRow(stdout: string): string[] {
  return (stdout.trim().split('\n')[1] ?? '').trim().split(/\s{2,}/);
}

/** An ApiException from client-node, with the Status body the server sent. */
function apiError(code: number, message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ApiException, `expected an ApiException, got ${String(error)}`);
    assert.equal(error.code, code);
    const body = (typeof error.body === 'string' ? JSON.parse(error.body) : error.body) as {
      message: string;
    };
    assert.match(body.message, message);
    return true;
  };
}

function report(name: string, owner: KubeObject, vulnerabilities: unknown[] = []): KubeObject {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'VulnerabilityReport',
    metadata: {
      name,
      namespace: 'default',
      labels: {
        'trivy-operator.resource.kind': 'ReplicaSet',
        'trivy-operator.resource.name': owner.metadata.name!,
        'trivy-operator.resource.namespace': 'default',
        'trivy-operator.container.name': 'web',
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: owner.metadata.name!,
          uid: owner.metadata.uid!,
          controller: true,
          blockOwnerDeletion: false,
        },
      ],
    },
    report: {
      updateTimestamp: '2025-01-02T03:04:05Z',
      scanner: { name: 'Trivy', vendor: 'Aqua Security', version: '0.1.0' },
      registry: { server: 'index.docker.io' },
      artifact: { repository: 'library/nginx', tag: '1.25' },
      os: { family: 'debian', name: '12.5' },
      summary: { criticalCount: 1, highCount: 2, mediumCount: 3, lowCount: 4, unknownCount: 0 },
      vulnerabilities,
    },
  };
}

function vulnerability(index: number): Record<string, unknown> {
  return {
    vulnerabilityID: `CVE-2024-${String(index).padStart(5, '0')}`,
    resource: 'libexample',
    installedVersion: '1.0.0',
    fixedVersion: '1.0.1',
    publishedDate: '2024-01-01T00:00:00Z',
    lastModifiedDate: '2024-02-01T00:00:00Z',
    severity: 'HIGH',
    title: 'x'.repeat(200),
    primaryLink: `https://avd.aquasec.com/nvd/cve-2024-${index}`,
    links: [],
  };
}

describe('operator flows through @kubernetes/client-node', () => {
  let emulator: Emulator;
  let dir: string;
  let kc: KubeConfig;

  const kubectl = async (...args: string[]): Promise<string> => {
    const { stdout } = await run('kubectl', args, {
      env: { ...process.env, KUBECONFIG: emulator.kubeconfigPath, KUBECACHEDIR: join(dir, 'cache') },
      timeout: 60_000,
    });
    return stdout;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'emulator-operator-flows-'));
    emulator = await startEmulator({
      extensions: [
        new SimulatedCluster({
          imageDigests: { 'nginx:1.25': `sha256:${'cd'.repeat(32)}` },
          killGraceMs: 300,
        }),
      ],
    });
    kc = new KubeConfig();
    kc.loadFromFile(emulator.kubeconfigPath);
    assert.ok(existsSync(CRD_DIR), `the project's CRDs are expected in ${CRD_DIR}`);
    await kubectl('apply', '-f', CRD_DIR);
    await kubectl('wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s');
  });

  after(async () => {
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the project CRDs: reports are created, patched, printed and collected with their owner', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
          },
        },
      },
    });
    await waitUntil(() => emulator.store.list(RS, 'default').length === 1, 20000, 'the ReplicaSet');
    const rs = emulator.store.list(RS, 'default')[0]!;
    const name = `replicaset-${rs.metadata.name}-web`;

    const created = (await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: 'default',
      plural: 'vulnerabilityreports',
      body: report(name, rs),
    })) as KubeObject;
    assert.equal(created.metadata.ownerReferences?.[0]?.uid, rs.metadata.uid);

    // kubectl prints the columns the CRD declares: priority-1 columns only with -o wide.
    const columns = vulnerabilityReportColumns();
    assert.ok(
      columns.some((c) => c.priority === 1),
      'the CRD has -o wide columns',
    );
    const plain = await kubectl('get', 'vulnerabilityreports');
    assert.deepEqual(header(plain), [
      'NAME',
      ...columns.filter((c) => !c.priority).map((c) => c.name.toUpperCase()),
    ]);
    assert.equal(firstRow(plain)[0], name);
    const wide = await kubectl('get', 'vulnerabilityreports', '-A', '-o', 'wide');
    assert.deepEqual(header(wide), ['NAMESPACE', 'NAME', ...columns.map((c) => c.name.toUpperCase())]);

    // Merge patch (what an operator sends to update a report) through the generated client.
    const patched = (await custom.patchNamespacedCustomObject(
      {
        group: GROUP,
        version: VERSION,
        namespace: 'default',
        plural: 'vulnerabilityreports',
        name,
        body: { report: { summary: { criticalCount: 7 } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as KubeObject & { report: { summary: Record<string, number> } };
    assert.deepEqual(patched.report.summary, {
      criticalCount: 7,
      highCount: 2,
      mediumCount: 3,
      lowCount: 4,
      unknownCount: 0,
    });
    assert.ok(Number(patched.metadata.resourceVersion) > Number(created.metadata.resourceVersion));

    // The generic client finds the type through discovery and reads the object back.
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const read = (await objects.read({
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'VulnerabilityReport',
      metadata: { name, namespace: 'default' },
    })) as KubeObject & { report: { summary: Record<string, number> } };
    assert.equal(read.report.summary.criticalCount, 7);

    // A stale write is refused with the real conflict.
    await assert.rejects(
      custom.replaceNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: 'default',
        plural: 'vulnerabilityreports',
        name,
        body: { ...created, report: { ...(created.report as object), artifact: { repository: 'x' } } },
      }),
      apiError(
        409,
        /^Operation cannot be fulfilled on vulnerabilityreports.aquasecurity.github.io ".+": the object has been modified/,
      ),
    );

    // Findings past etcd's limit: the error an operator must handle (and avoid by truncating).
    const huge = report(
      'replicaset-huge-web',
      rs,
      Array.from({ length: 5000 }, (_, i) => vulnerability(i)),
    );
    assert.ok(Buffer.byteLength(JSON.stringify(huge)) > 1.5 * 1024 * 1024);
    await assert.rejects(
      custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: 'default',
        plural: 'vulnerabilityreports',
        body: huge,
      }),
      apiError(500, /^etcdserver: request is too large$/),
    );

    // Reports follow their owner: deleting the Deployment takes the ReplicaSet, then the report.
    await apps.deleteNamespacedDeployment({
      name: 'web',
      namespace: 'default',
      propagationPolicy: 'Background',
    });
    await waitUntil(
      () => emulator.store.get(VULNS, 'default', name) === undefined,
      20000,
      'the report to be collected with its ReplicaSet',
    );
  });

  it('runs a scan Job of our own image for real and serves its output as the pod log', async () => {
    const batch = kc.makeApiClient(BatchV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    // Shaped like the operator's scan Jobs (contract §3.3): backoffLimit 0, a deadline, linux affinity, no token,
    // registry credentials from a Secret created after the Job and owned by it.
    const job = await batch.createNamespacedJob({
      namespace: 'default',
      body: {
        metadata: {
          name: 'scan-vulnerabilityreport-abc',
          labels: { 'app.kubernetes.io/managed-by': 'trivy-ts' },
        },
        spec: {
          backoffLimit: 0,
          completions: 1,
          activeDeadlineSeconds: 300,
          template: {
            metadata: { labels: { 'app.kubernetes.io/managed-by': 'trivy-ts' } },
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              affinity: {
                nodeAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [
                      { matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] },
                    ],
                  },
                },
              },
              containers: [
                {
                  name: 'web',
                  image: OWN_IMAGE,
                  command: ['trivy-ts', 'scan-job'],
                  args: ['--help'],
                  terminationMessagePolicy: 'FallbackToLogsOnError',
                  env: [
                    {
                      name: 'TRIVY_USERNAME',
                      valueFrom: { secretKeyRef: { name: 'scan-vulnerabilityreport-abc', key: 'username' } },
                    },
                  ],
                },
              ],
            },
          },
        },
      },
    });
    await core.createNamespacedSecret({
      namespace: 'default',
      body: {
        metadata: {
          name: 'scan-vulnerabilityreport-abc',
          ownerReferences: [
            { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata!.name!, uid: job.metadata!.uid! },
          ],
        },
        stringData: { username: 'reader' },
      },
    });

    await waitUntil(
      async () => {
        const status = (
          await batch.readNamespacedJobStatus({ name: job.metadata!.name!, namespace: 'default' })
        ).status;
        return (status?.conditions ?? []).some((c) => c.type === 'Complete' && c.status === 'True');
      },
      60000,
      'the scan Job to complete',
    );
    const pods = await core.listNamespacedPod({
      namespace: 'default',
      labelSelector: `job-name=${job.metadata!.name}`,
    });
    assert.equal(pods.items.length, 1);
    const pod = pods.items[0]!;
    assert.equal(pod.status?.phase, 'Succeeded');
    assert.equal(pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
    const log = await core.readNamespacedPodLog({
      name: pod.metadata!.name!,
      namespace: 'default',
      container: 'web',
    });
    assert.match(log, /^Usage: trivy-ts/, 'the pod log is what our CLI printed');

    // client-node's streaming reader (follow) gets the same text and ends with the container.
    const sink = new PassThrough();
    let streamed = '';
    sink.on('data', (chunk: Buffer) => (streamed += chunk.toString('utf8')));
    const ended = new Promise((resolve) => sink.on('end', resolve));
    await new Log(kc).log('default', pod.metadata!.name!, 'web', sink, { follow: true });
    await ended;
    assert.equal(streamed, log);

    await batch.deleteNamespacedJob({
      name: job.metadata!.name!,
      namespace: 'default',
      propagationPolicy: 'Background',
    });
    await waitUntil(
      () =>
        emulator.store.get(PODS, 'default', pod.metadata!.name!) === undefined &&
        emulator.store.get(SECRETS, 'default', 'scan-vulnerabilityreport-abc') === undefined,
      20000,
      'the Job pod and its credentials Secret to be collected',
    );
  });

  it('records Events that field selectors find and kubectl prints', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const involved = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'web-6d4cf56db6',
      namespace: 'default',
    };
    for (const [reason, type] of [
      ['ScanJobFailed', 'Warning'],
      ['ReportUpdated', 'Normal'],
    ] as const) {
      await core.createNamespacedEvent({
        namespace: 'default',
        body: {
          metadata: { generateName: `${involved.name}.` },
          involvedObject: involved,
          reason,
          type,
          message: `${reason} for container web`,
          source: { component: 'trivy-ts' },
          count: 1,
          firstTimestamp: new Date('2025-01-01T00:00:00Z'),
          lastTimestamp: new Date('2025-01-01T00:00:00Z'),
        },
      });
    }
    const warnings = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: `involvedObject.kind=ReplicaSet,involvedObject.name=${involved.name},type=Warning`,
    });
    assert.deepEqual(
      warnings.items.map((e) => e.reason),
      ['ScanJobFailed'],
    );
    const printed = await kubectl('get', 'events', '--field-selector', 'reason=ScanJobFailed');
    assert.deepEqual(header(printed), ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    assert.deepEqual(firstRow(printed).slice(1), [
      'Warning',
      'ScanJobFailed',
      `replicaset/${involved.name}`,
      'ScanJobFailed for container web',
    ]);
  });

  it('lets one candidate hold a Lease: the other gets AlreadyExists, then Conflict on a stale takeover', async () => {
    const coordination = kc.makeApiClient(CoordinationV1Api);
    const lease = (holder: string, resourceVersion?: string): V1Lease => ({
      metadata: {
        name: 'trivy-ts-lock',
        namespace: 'default',
        ...(resourceVersion ? { resourceVersion } : {}),
      },
      spec: {
        holderIdentity: holder,
        leaseDurationSeconds: 15,
        acquireTime: new Date(),
        renewTime: new Date(),
        leaseTransitions: 0,
      },
    });
    const held = await coordination.createNamespacedLease({
      namespace: 'default',
      body: lease('operator-a'),
    });
    await assert.rejects(
      coordination.createNamespacedLease({ namespace: 'default', body: lease('operator-b') }),
      apiError(409, /^leases.coordination.k8s.io "trivy-ts-lock" already exists$/),
    );
    const seenByB = await coordination.readNamespacedLease({ name: 'trivy-ts-lock', namespace: 'default' });
    const renewed = await coordination.replaceNamespacedLease({
      name: 'trivy-ts-lock',
      namespace: 'default',
      body: lease('operator-a', held.metadata!.resourceVersion),
    });
    assert.equal(renewed.spec?.holderIdentity, 'operator-a');
    assert.ok(Number(renewed.metadata!.resourceVersion) > Number(held.metadata!.resourceVersion));
    await assert.rejects(
      coordination.replaceNamespacedLease({
        name: 'trivy-ts-lock',
        namespace: 'default',
        body: lease('operator-b', seenByB.metadata!.resourceVersion),
      }),
      apiError(409, /^Operation cannot be fulfilled on leases.coordination.k8s.io "trivy-ts-lock"/),
    );
    const now = await coordination.readNamespacedLease({ name: 'trivy-ts-lock', namespace: 'default' });
    assert.equal(now.spec?.holderIdentity, 'operator-a');
  });
});
