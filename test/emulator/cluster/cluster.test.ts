import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import type { KubeObject } from '../api.ts';
import { startEmulator, type Emulator } from '../index.ts';
import { SimulatedCluster } from './cluster.ts';

const run = promisify(execFile);
// kubectl's JSON output is read field by field; a typed model of every kind would add nothing to these tests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const OWN_IMAGE = 'ghcr.io/trivy-ts/trivy-ts:dev';
const NGINX_DIGEST = `sha256:${'ab'.repeat(32)}`;
const packageVersion = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8'))
  .version as string;

let emulator: Emulator;
let cluster: SimulatedCluster;
let dir: string;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('/usr/bin/kubectl', ['--kubeconfig', emulator.kubeconfigPath, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    // A scratch discovery cache: nothing written under $HOME, nothing carried over from another run.
    env: { ...process.env, KUBECACHEDIR: join(dir, 'kube-cache') },
  });
  return stdout;
}

async function apply(...objects: object[]): Promise<void> {
  const file = join(dir, `manifest-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, objects.map((o) => stringify(o)).join('---\n'));
  await kubectl('apply', '-f', file);
}

async function getJson<T = KubeObject & { items: (KubeObject & Record<string, Json>)[] }>(
  ...args: string[]
): Promise<T> {
  return JSON.parse(await kubectl('get', ...args, '-o', 'json')) as T;
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const PODS = { group: '', version: 'v1', resource: 'pods' };

/** Pods read straight from the store: cheap enough to poll, where spawning kubectl every time is not. */
function storePods(labelSelector: string): Array<KubeObject & Record<string, Json>> {
  return emulator.store.list(PODS, 'default', { labelSelector });
}

function running(labelSelector: string): KubeObject[] {
  return storePods(labelSelector).filter((p) => p.status?.phase === 'Running');
}

/** Running, not a zombie waiting for a reaper (a container's PID 1 may never reap orphans). */
function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function deployment(name: string, image: string, replicas: number): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image }] } },
    },
  };
}

function job(
  name: string,
  spec: Record<string, unknown>,
  container: Record<string, unknown>,
  podSpec: Record<string, unknown> = {},
): object {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      ...spec,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'main', image: OWN_IMAGE, ...container }],
          ...podSpec,
        },
      },
    },
  };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cluster-test-'));
  cluster = new SimulatedCluster({
    nodes: [
      { name: 'node-a' },
      { name: 'node-b' },
      { name: 'node-c', architecture: 'arm64', labels: { pool: 'arm' } },
    ],
    imageDigests: { 'nginx:1.25': NGINX_DIGEST },
    hostCommands: { sleep: '/bin/sleep', sh: '/bin/sh' },
    jobBackoffBaseMs: 100,
    killGraceMs: 300,
  });
  emulator = await startEmulator({ extensions: [cluster] });
});

after(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('workload controllers through kubectl', () => {
  test('Deployment → ReplicaSet → Pods carry controller ownerReferences, hash labels and image IDs', async () => {
    await apply(deployment('web', 'nginx:1.25', 2));
    const out = await kubectl('rollout', 'status', 'deployment/web', '--timeout=30s');
    assert.match(out, /successfully rolled out/);
    const deploy = await getJson<KubeObject>('deployment', 'web');
    const sets = (await getJson('replicasets', '-l', 'app=web')).items;
    assert.equal(sets.length, 1);
    const rs = sets[0]!;
    const hash = rs.metadata.labels!['pod-template-hash']!;
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.equal(rs.metadata.annotations!['deployment.kubernetes.io/revision'], '1');
    assert.equal(deploy.metadata.annotations!['deployment.kubernetes.io/revision'], '1');
    assert.deepEqual(rs.metadata.ownerReferences, [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid: deploy.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    const pods = (await getJson('pods', '-l', `app=web,pod-template-hash=${hash}`)).items;
    assert.equal(pods.length, 2);
    for (const pod of pods) {
      assert.equal(pod.metadata.ownerReferences![0]!.uid, rs.metadata.uid);
      assert.equal(pod.metadata.ownerReferences![0]!.kind, 'ReplicaSet');
      assert.equal(pod.metadata.ownerReferences![0]!.blockOwnerDeletion, true);
      assert.equal(pod.status.phase, 'Running');
      assert.ok(pod.spec.nodeName);
      const status = pod.status.containerStatuses[0];
      assert.equal(status.imageID, `docker.io/library/nginx@${NGINX_DIGEST}`);
      assert.equal(status.image, 'docker.io/library/nginx:1.25');
      assert.equal(status.ready, true);
      assert.ok(status.state.running.startedAt);
    }
    const status = (deploy as Json).status;
    assert.equal(status.observedGeneration, deploy.metadata.generation);
    assert.equal(status.availableReplicas, 2);
    const progressing = status.conditions.find((c: { type: string }) => c.type === 'Progressing');
    assert.equal(progressing.reason, 'NewReplicaSetAvailable');
  });

  test('a template change rolls out a new ReplicaSet and scales the old one to zero', async () => {
    await kubectl('set', 'image', 'deployment/web', 'web=nginx:1.26');
    assert.match(
      await kubectl('rollout', 'status', 'deployment/web', '--timeout=30s'),
      /successfully rolled out/,
    );
    const sets = (await getJson('replicasets', '-l', 'app=web')).items;
    assert.equal(sets.length, 2);
    const byRevision = new Map(
      sets.map((rs) => [rs.metadata.annotations!['deployment.kubernetes.io/revision'], rs]),
    );
    assert.equal(byRevision.get('1')!.spec.replicas, 0);
    assert.equal(byRevision.get('2')!.spec.replicas, 2);
    assert.equal(byRevision.get('2')!.spec.template.spec.containers[0].image, 'nginx:1.26');
    await eventually('old pods gone', () => (storePods('app=web').length === 2 ? true : undefined));
    const pods = (await getJson('pods', '-l', 'app=web')).items;
    const newHash = byRevision.get('2')!.metadata.labels!['pod-template-hash'];
    assert.ok(pods.every((p) => p.metadata.labels!['pod-template-hash'] === newHash));
    assert.match(await kubectl('rollout', 'history', 'deployment/web'), /\n2\s/);
  });

  test('a DaemonSet runs one Pod per matching node', async () => {
    const ds = (name: string, nodeSelector?: Record<string, string>): object => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { nodeSelector, containers: [{ name: 'agent', image: 'busybox:1.36' }] },
        },
      },
    });
    await apply(ds('everywhere'), ds('arm-only', { 'kubernetes.io/arch': 'arm64' }));
    assert.match(
      await kubectl('rollout', 'status', 'daemonset/everywhere', '--timeout=30s'),
      /successfully rolled out/,
    );
    await eventually('3 daemon pods', () => (running('app=everywhere').length === 3 ? true : undefined));
    const pods = (await getJson('pods', '-l', 'app=everywhere')).items;
    assert.deepEqual(pods.map((p) => p.spec.nodeName).sort(), ['node-a', 'node-b', 'node-c']);
    const arm = await getJson<Json>('node', 'node-c');
    assert.equal(arm.metadata.labels['kubernetes.io/arch'], 'arm64');
    assert.equal(arm.status.nodeInfo.architecture, 'arm64');
    assert.equal(arm.status.conditions.find((c: Json) => c.type === 'Ready').status, 'True');
    const dsStatus = (await getJson<Json>('daemonset', 'everywhere')).status;
    assert.equal(dsStatus.desiredNumberScheduled, 3);
    assert.equal(dsStatus.numberReady, 3);
    await eventually('arm daemon pod', () => (running('app=arm-only').length === 1 ? true : undefined));
    const armPods = (await getJson('pods', '-l', 'app=arm-only')).items;
    assert.deepEqual(
      armPods.map((p) => [p.spec.nodeName, p.status.phase]),
      [['node-c', 'Running']],
    );
  });

  test('a StatefulSet names its Pods by ordinal', async () => {
    await apply({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        replicas: 3,
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'db', image: 'postgres:16' }] },
        },
      },
    });
    assert.match(
      await kubectl('rollout', 'status', 'statefulset/db', '--timeout=30s'),
      /roll out complete|rolling update complete/,
    );
    const pods = (await getJson('pods', '-l', 'app=db')).items;
    assert.deepEqual(pods.map((p) => p.metadata.name).sort(), ['db-0', 'db-1', 'db-2']);
    assert.ok(
      pods.every((p) => p.metadata.labels!['statefulset.kubernetes.io/pod-name'] === p.metadata.name),
    );
  });
});

describe('kubectl delete through the controllers', () => {
  const RS = { group: 'apps', version: 'v1', resource: 'replicasets' };
  const replicaSets = (app: string) => emulator.store.list(RS, 'default', { labelSelector: `app=${app}` });

  before(async () => {
    await apply(
      deployment('cascade-fg', 'nginx:1.25', 2),
      deployment('cascade-bg', 'nginx:1.25', 2),
      deployment('cascade-or', 'nginx:1.25', 2),
    );
    for (const name of ['cascade-fg', 'cascade-bg', 'cascade-or']) {
      await kubectl('rollout', 'status', `deployment/${name}`, '--timeout=60s');
    }
  });

  test('foreground: kubectl returns once the ReplicaSet and its Pods are gone', async () => {
    assert.equal(storePods('app=cascade-fg').length, 2);
    await kubectl('delete', 'deployment', 'cascade-fg', '--cascade=foreground', '--timeout=60s');
    assert.deepEqual([replicaSets('cascade-fg').length, storePods('app=cascade-fg').length], [0, 0]);
  });

  test('background: the Deployment goes at once, its ReplicaSet and Pods after it', async () => {
    await kubectl('delete', 'deployment', 'cascade-bg', '--cascade=background');
    await eventually('dependents collected', () =>
      replicaSets('cascade-bg').length === 0 && storePods('app=cascade-bg').length === 0 ? true : undefined,
    );
  });

  test('orphan: the ReplicaSet and its Pods stay, freed of their owner, and keep running', async () => {
    await kubectl('delete', 'deployment', 'cascade-or', '--cascade=orphan', '--timeout=60s');
    const [rs] = replicaSets('cascade-or');
    assert.ok(rs, 'the ReplicaSet survives');
    assert.equal(rs.metadata.ownerReferences, undefined);
    assert.equal(running('app=cascade-or').length, 2);
    assert.ok(
      storePods('app=cascade-or').every((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid),
    );
    await kubectl('delete', 'replicaset', rs.metadata.name!, '--timeout=60s');
    await eventually('the freed Pods go with their ReplicaSet', () =>
      storePods('app=cascade-or').length === 0 ? true : undefined,
    );
  });
});

describe('Jobs whose Pods run our CLI', () => {
  test('a Job running `trivy-ts --version` completes and kubectl logs prints the output', async () => {
    await apply(job('version', { backoffLimit: 0 }, { command: ['trivy-ts', '--version'] }));
    await kubectl('wait', '--for=condition=complete', 'job/version', '--timeout=60s');
    assert.equal((await kubectl('logs', 'job/version')).trim(), packageVersion);
    const pod = (await getJson('pods', '-l', 'job-name=version')).items[0]!;
    assert.equal((await kubectl('logs', pod.metadata.name!)).trim(), packageVersion);
    assert.equal(pod.status.phase, 'Succeeded');
    const terminated = pod.status.containerStatuses[0].state.terminated;
    assert.equal(terminated.exitCode, 0);
    assert.equal(terminated.reason, 'Completed');
    const status = (await getJson<Json>('job', 'version')).status;
    assert.equal(status.succeeded, 1);
    assert.ok(status.completionTime);
  });

  test('env from ConfigMaps and Secrets and mounted volumes reach the process', async () => {
    await apply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings' },
        data: { level: 'HIGH', 'trivy.yaml': 'severity: HIGH\n' },
      },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, stringData: { token: 's3cret' } },
      job(
        'wiring',
        { backoffLimit: 0 },
        {
          command: ['sh', '-c'],
          args: [
            'echo "$LEVEL $TOKEN $level"; cat /etc/trivy/trivy.yaml /creds/token; echo; trivy-ts --version',
          ],
          env: [
            { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'level' } } },
            { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
          ],
          envFrom: [{ configMapRef: { name: 'settings' } }],
          volumeMounts: [
            { name: 'config', mountPath: '/etc/trivy' },
            { name: 'creds', mountPath: '/creds', readOnly: true },
          ],
        },
        {
          volumes: [
            { name: 'config', configMap: { name: 'settings' } },
            { name: 'creds', secret: { secretName: 'creds' } },
          ],
        },
      ),
    );
    await kubectl('wait', '--for=condition=complete', 'job/wiring', '--timeout=60s');
    assert.deepEqual((await kubectl('logs', 'job/wiring')).trim().split('\n'), [
      'HIGH s3cret HIGH',
      'severity: HIGH',
      's3cret',
      packageVersion,
    ]);
  });

  test('a failing command with backoffLimit 1 makes two Pods and fails the Job with BackoffLimitExceeded', async () => {
    await apply(job('broken', { backoffLimit: 1 }, { command: ['trivy-ts', '--no-such-flag'] }));
    await kubectl('wait', '--for=condition=failed', 'job/broken', '--timeout=60s');
    const failed = (await getJson<Json>('job', 'broken')).status.conditions.find(
      (c: { type: string }) => c.type === 'Failed',
    );
    assert.equal(failed.reason, 'BackoffLimitExceeded');
    const pods = (await getJson('pods', '-l', 'job-name=broken')).items;
    assert.equal(pods.length, 2);
    for (const pod of pods) {
      assert.equal(pod.status.phase, 'Failed');
      assert.notEqual(pod.status.containerStatuses[0].state.terminated.exitCode, 0);
    }
    assert.match(await kubectl('logs', pods[0]!.metadata.name!), /no-such-flag/);
  });

  // `$$` is the kubelet's escape for `$` in command and args, so `$$$$` reaches the shell as `$$`.
  test('activeDeadlineSeconds kills a long runner and fails the Job with DeadlineExceeded', async () => {
    await apply(
      job(
        'slow',
        { backoffLimit: 0, activeDeadlineSeconds: 2 },
        { command: ['sh', '-c', 'echo pid=$$$$; exec sleep 60'] },
      ),
    );
    const pid = await eventually('the runner to report its pid', () => {
      const log = cluster.logs.read('default', storePods('job-name=slow')[0]?.metadata.name ?? '');
      const match = /pid=(\d+)/.exec(log ?? '');
      return match ? Number(match[1]) : undefined;
    });
    assert.ok(pidAlive(pid));
    await kubectl('wait', '--for=condition=failed', 'job/slow', '--timeout=30s');
    const failed = (await getJson<Json>('job', 'slow')).status.conditions.find(
      (c: { type: string }) => c.type === 'Failed',
    );
    assert.equal(failed.reason, 'DeadlineExceeded');
    await eventually('the process to be killed', () => (pidAlive(pid) ? undefined : true), 5000);
  });

  test('no more than maxProcesses containers run at once; the others wait in ContainerCreating', async () => {
    await apply(job('fanout', { parallelism: 3, completions: 3 }, { command: ['sh', '-c', 'sleep 1'] }));
    let maxRunning = 0;
    let sawQueued = false;
    const done = await eventually('the fan-out to finish', () => {
      const pods = emulator.store
        .list({ group: '', version: 'v1', resource: 'pods' }, 'default', { labelSelector: 'job-name=fanout' })
        .map((p) => (p as Json).status?.containerStatuses?.[0]?.state ?? {});
      maxRunning = Math.max(maxRunning, pods.filter((state) => state.running).length);
      sawQueued ||= pods.some((state) => state.waiting?.reason === 'ContainerCreating');
      const succeeded = pods.filter((state) => state.terminated?.exitCode === 0).length;
      return succeeded === 3 ? true : undefined;
    });
    assert.ok(done);
    assert.equal(maxRunning, 2);
    assert.ok(sawQueued);
    await kubectl('wait', '--for=condition=complete', 'job/fanout', '--timeout=30s');
  });

  test('a CronJob run creates a Job it owns', async () => {
    await apply({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: {
          spec: {
            backoffLimit: 0,
            template: {
              spec: {
                restartPolicy: 'Never',
                containers: [{ name: 'scan', image: OWN_IMAGE, args: ['--version'] }],
              },
            },
          },
        },
      },
    });
    const created = cluster.runCronJob('default', 'nightly');
    await kubectl('wait', '--for=condition=complete', `job/${created.metadata.name}`, '--timeout=60s');
    const jobObj = await getJson<KubeObject>('job', created.metadata.name!);
    const cronJob = await getJson<KubeObject>('cronjob', 'nightly');
    assert.equal(jobObj.metadata.ownerReferences![0]!.uid, cronJob.metadata.uid);
    assert.equal(jobObj.metadata.ownerReferences![0]!.kind, 'CronJob');
    assert.equal((await kubectl('logs', `job/${created.metadata.name}`)).trim(), packageVersion);
  });
});

test('stopping the cluster kills every process it started', async () => {
  const own = new SimulatedCluster({ hostCommands: { sh: '/bin/sh' } });
  const second = await startEmulator({ extensions: [own] });
  try {
    second.store.create({ group: 'batch', version: 'v1', resource: 'jobs' }, {
      ...job('forever', {}, { command: ['sh', '-c', 'echo pid=$$$$; exec sleep 60'] }),
      metadata: { name: 'forever', namespace: 'default' },
    } as KubeObject);
    const pid = await eventually('the runner to start', () => {
      const pod = second.store.list({ group: '', version: 'v1', resource: 'pods' })[0];
      const match = /pid=(\d+)/.exec(own.logs.read('default', pod?.metadata.name ?? '') ?? '');
      return match ? Number(match[1]) : undefined;
    });
    assert.ok(pidAlive(pid));
    await second.close();
    assert.equal(pidAlive(pid), false);
  } finally {
    await second.close();
  }
});
