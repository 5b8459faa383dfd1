import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, pod, uid } from '../fixtures.ts';
import type { Condition, Pod } from '../kube-types.ts';
import { jobPodLabels, reconcileJob, type Job } from './job.ts';

const timing = { nowMs: T0, backoffBaseMs: 1000 };

function job(spec: Partial<Job['spec']> = {}): Job {
  const id = uid();
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'scan', namespace: 'default', uid: id, generation: 1 },
    spec: {
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': id } },
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } },
      ...spec,
    },
  };
}

function statusOf(plan: ReturnType<typeof reconcileJob>): NonNullable<Job['status']> {
  return plan.status[0]!.object['status'] as NonNullable<Job['status']>;
}

function condition(plan: ReturnType<typeof reconcileJob>, type: string): Condition | undefined {
  return statusOf(plan).conditions?.find((c) => c.type === type);
}

test('a new Job gets a Pod labelled like the real controller, owned by the Job, and a startTime', () => {
  const j = job();
  const plan = reconcileJob(j, [], timing);
  assert.equal(plan.create.length, 1);
  const created = plan.create[0]!.object as Pod;
  assert.deepEqual(created.metadata.labels, jobPodLabels(j));
  assert.equal(created.metadata.labels!['job-name'], 'scan');
  assert.equal(created.metadata.ownerReferences![0]!.kind, 'Job');
  assert.equal(created.metadata.ownerReferences![0]!.uid, j.metadata.uid);
  assert.equal(statusOf(plan).startTime, '2026-01-01T00:00:00Z');
  assert.equal(statusOf(plan).active, undefined, 'the Pod is counted once it exists');
});

test('a succeeded Pod completes the Job with Complete and a completionTime', () => {
  const j = job();
  const plan = reconcileJob(j, [pod('scan-1', j, { phase: 'Succeeded' })], timing);
  assert.equal(condition(plan, 'Complete')?.status, 'True');
  assert.equal(statusOf(plan).succeeded, 1);
  assert.ok(statusOf(plan).completionTime);
  assert.deepEqual(plan.create, []);
});

test('failed Pods are replaced after an exponential back-off until backoffLimit is exceeded', () => {
  const j = job({ backoffLimit: 1 });
  const failedAt = new Date(T0 - 200).toISOString();
  const first = pod('scan-1', j, { phase: 'Failed', finishedAt: failedAt });
  const waiting = reconcileJob(j, [first], timing);
  assert.deepEqual(waiting.create, []);
  assert.equal(waiting.requeueAfterMs, 800);
  const retried = reconcileJob(j, [first], { ...timing, nowMs: T0 + 900 });
  assert.equal(retried.create.length, 1);

  const second = pod('scan-2', j, { phase: 'Failed', finishedAt: failedAt });
  const failed = reconcileJob(j, [first, second], timing);
  assert.equal(condition(failed, 'Failed')?.reason, 'BackoffLimitExceeded');
  assert.equal(condition(failed, 'Failed')?.message, 'Job has reached the specified backoff limit');
  assert.equal(statusOf(failed).failed, 2);
  assert.deepEqual(failed.create, []);
});

test('restarts count as failures under restartPolicy OnFailure', () => {
  const j = job({ backoffLimit: 2 });
  j.spec.template.spec.restartPolicy = 'OnFailure';
  const plan = reconcileJob(j, [pod('scan-1', j, { restartCount: 3 })], timing);
  assert.equal(condition(plan, 'Failed')?.reason, 'BackoffLimitExceeded');
  assert.deepEqual(
    plan.delete.map((d) => d.name),
    ['scan-1'],
  );
});

test('activeDeadlineSeconds fails the Job with DeadlineExceeded and deletes its running Pods', () => {
  const j = job({ activeDeadlineSeconds: 5 });
  j.status = { startTime: '2026-01-01T00:00:00Z' };
  const running = pod('scan-1', j);
  const early = reconcileJob(j, [running], { ...timing, nowMs: T0 + 2000 });
  assert.equal(early.requeueAfterMs, 3000);
  assert.deepEqual(early.delete, []);
  const late = reconcileJob(j, [running], { ...timing, nowMs: T0 + 5000 });
  assert.equal(condition(late, 'Failed')?.reason, 'DeadlineExceeded');
  assert.deepEqual(
    late.delete.map((d) => d.name),
    ['scan-1'],
  );
});

test('parallelism and completions bound the active Pods', () => {
  const j = job({ parallelism: 2, completions: 3 });
  const plan = reconcileJob(
    j,
    [pod('a', j, { phase: 'Succeeded' }), pod('b', j, { phase: 'Succeeded' })],
    timing,
  );
  assert.equal(plan.create.length, 1, 'one completion left');
  assert.equal(reconcileJob(j, [], timing).create.length, 2);
});

test('a finished Job is deleted once ttlSecondsAfterFinished has passed', () => {
  const j = job({ ttlSecondsAfterFinished: 10 });
  j.status = {
    conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }],
  };
  assert.equal(reconcileJob(j, [], { ...timing, nowMs: T0 + 4000 }).requeueAfterMs, 6000);
  const expired = reconcileJob(j, [], { ...timing, nowMs: T0 + 10_000 });
  assert.deepEqual(
    expired.delete.map((d) => [d.resource.resource, d.name, d.options?.propagationPolicy]),
    [['jobs', 'scan', 'Background']],
  );
});
