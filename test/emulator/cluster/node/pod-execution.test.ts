import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { pod } from '../fixtures.ts';
import type { Container, Pod, Volume } from '../kube-types.ts';
import type { ConfigSource } from './env.ts';
import { PodExecution, isExecutedPod, type ExecutionDeps, type ExecutionSnapshot } from './pod-execution.ts';
import { PodLogStore } from './pod-logs.ts';
import { ProcessPool } from './process-pool.ts';

const OWN = 'ghcr.io/trivy-ts/trivy-ts:dev';
const CLI = fileURLToPath(new URL('../../../../bin/trivy-ts', import.meta.url));
let workRoot: string;
let pool: ProcessPool;
const configMaps = new Map<string, Record<string, string>>();
const config: ConfigSource = (kind, _ns, name) => (kind === 'ConfigMap' ? configMaps.get(name) : undefined);

before(async () => {
  workRoot = await mkdtemp(join(tmpdir(), 'pod-execution-test-'));
  await mkdir(join(workRoot, 'bin'));
  await symlink(CLI, join(workRoot, 'bin', 'trivy-ts'));
  pool = new ProcessPool(2);
});

after(async () => {
  await pool.close();
  await rm(workRoot, { recursive: true, force: true });
});

function deps(logs: PodLogStore): ExecutionDeps {
  return {
    pool,
    logs,
    rules: { ownImage: OWN, cliPath: CLI, hostCommands: { sh: '/bin/sh' } },
    digests: {},
    config,
    workRoot,
    shimDir: join(workRoot, 'bin'),
    restartBackoffMs: 50,
    killGraceMs: 200,
    configRetryMs: 50,
    onChange: () => {},
  };
}

function shPod(name: string, containers: Container[], extra: Partial<Pod['spec']> = {}): Pod {
  const p = pod(name, undefined);
  p.spec = { restartPolicy: 'Never', containers, ...extra };
  delete p.status;
  return p;
}

const sh = (name: string, script: string, more: Partial<Container> = {}): Container => ({
  name,
  image: OWN,
  command: ['sh', '-c', script],
  ...more,
});

async function finished(execution: PodExecution, timeoutMs = 20_000): Promise<ExecutionSnapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const snap = execution.snapshot();
    if (snap.phase === 'Succeeded' || snap.phase === 'Failed') return snap;
    if (Date.now() > deadline) throw new Error(`pod still ${snap.phase}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('init containers complete first; volumes are shared; other images in the pod are simulated', async () => {
  const logs = new PodLogStore(1 << 20);
  const volumes: Volume[] = [{ name: 'shared', emptyDir: {} }];
  const mount = [{ name: 'shared', mountPath: '/shared' }];
  const p = shPod('ordered', [sh('main', 'cat /shared/ready; trivy-ts --version', { volumeMounts: mount })], {
    initContainers: [
      sh('prepare', 'echo prepared > /shared/ready', { volumeMounts: mount }),
      { name: 'copy', image: 'busybox:1.36' },
    ],
    volumes,
  });
  assert.ok(isExecutedPod(p, OWN));
  const execution = new PodExecution(p, Date.now(), deps(logs));
  try {
    const snap = await finished(execution);
    assert.equal(snap.phase, 'Succeeded');
    assert.deepEqual(
      snap.initContainerStatuses.map((s) => s.state.terminated?.reason),
      ['Completed', 'Completed'],
    );
    const main = snap.containerStatuses[0]!;
    assert.equal(main.state.terminated?.exitCode, 0);
    assert.ok(
      Date.parse(main.state.terminated!.startedAt!) >=
        Date.parse(snap.initContainerStatuses[0]!.state.terminated!.finishedAt!),
    );
    assert.match(main.imageID, /^ghcr\.io\/trivy-ts\/trivy-ts@sha256:[0-9a-f]{64}$/);
    assert.match(logs.read('default', 'ordered') ?? '', /^prepared\n\d+\.\d+\.\d+/);
  } finally {
    await execution.stop();
  }
});

test('a failure keeps its exit code; the termination message comes from the file or, on error, the log tail', async () => {
  const logs = new PodLogStore(1 << 20);
  const p = shPod('failing', [
    sh('writes', 'echo custom > /dev/termination-log; exit 0'),
    sh('falls-back', 'echo line1; echo boom >&2; exit 7', {
      terminationMessagePolicy: 'FallbackToLogsOnError',
    }),
  ]);
  const execution = new PodExecution(p, Date.now(), deps(logs));
  try {
    const snap = await finished(execution);
    assert.equal(snap.phase, 'Failed');
    const [writes, fallsBack] = snap.containerStatuses;
    assert.equal(writes!.state.terminated?.message, 'custom\n');
    assert.equal(fallsBack!.state.terminated?.exitCode, 7);
    assert.equal(fallsBack!.state.terminated?.reason, 'Error');
    assert.equal(fallsBack!.state.terminated?.message, 'line1\nboom');
  } finally {
    await execution.stop();
  }
});

test('a missing ConfigMap holds the container in CreateContainerConfigError until it appears', async () => {
  const logs = new PodLogStore(1 << 20);
  const p = shPod('waits', [
    sh('main', 'echo $LEVEL', {
      env: [{ name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'late', key: 'level' } } }],
    }),
  ]);
  const execution = new PodExecution(p, Date.now(), deps(logs));
  try {
    for (
      let i = 0;
      i < 100 &&
      execution.snapshot().containerStatuses[0]!.state.waiting?.reason !== 'CreateContainerConfigError';
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(
      execution.snapshot().containerStatuses[0]!.state.waiting?.message,
      'configmap "late" not found',
    );
    configMaps.set('late', { level: 'CRITICAL' });
    assert.equal((await finished(execution)).phase, 'Succeeded');
    assert.equal(logs.read('default', 'waits'), 'CRITICAL\n');
  } finally {
    configMaps.delete('late');
    await execution.stop();
  }
});

test('restartPolicy OnFailure restarts a failed container and counts the restart', async () => {
  const logs = new PodLogStore(1 << 20);
  const p = shPod(
    'retry',
    [
      sh('main', 'if [ -f /scratch/once ]; then exit 0; fi; touch /scratch/once; exit 2', {
        volumeMounts: [{ name: 's', mountPath: '/scratch' }],
      }),
    ],
    {
      restartPolicy: 'OnFailure',
      volumes: [{ name: 's', emptyDir: {} }],
    },
  );
  const execution = new PodExecution(p, Date.now(), deps(logs));
  try {
    const snap = await finished(execution);
    assert.equal(snap.phase, 'Succeeded');
    const status = snap.containerStatuses[0]!;
    assert.equal(status.restartCount, 1);
    assert.equal(status.lastState.terminated?.exitCode, 2);
  } finally {
    await execution.stop();
  }
});

test('the pod activeDeadlineSeconds kills it with DeadlineExceeded; an unknown command is a StartError', async () => {
  const logs = new PodLogStore(1 << 20);
  const slow = new PodExecution(
    shPod('slow', [sh('main', 'exec sleep 30')], { activeDeadlineSeconds: 1 }),
    Date.now(),
    deps(logs),
  );
  const broken = new PodExecution(
    shPod('broken', [{ name: 'main', image: OWN, command: ['/bin/bash', '-c', 'true'] }]),
    Date.now(),
    deps(logs),
  );
  try {
    const snap = await finished(slow);
    assert.deepEqual([snap.phase, snap.reason], ['Failed', 'DeadlineExceeded']);
    const failed = await finished(broken);
    assert.equal(failed.containerStatuses[0]!.state.terminated?.reason, 'StartError');
    assert.equal(failed.containerStatuses[0]!.state.terminated?.exitCode, 128);
  } finally {
    await slow.stop();
    await broken.stop();
  }
});
