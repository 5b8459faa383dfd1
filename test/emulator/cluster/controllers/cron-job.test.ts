import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, uid } from '../fixtures.ts';
import type { Job } from './job.ts';
import { jobFromCronJob, parseSchedule, reconcileCronJob, type CronJob } from './cron-job.ts';

function cronJob(spec: Partial<CronJob['spec']> = {}, lastScheduleTime?: string): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name: 'nightly',
      namespace: 'default',
      uid: uid(),
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: {
        metadata: { labels: { team: 'sec' } },
        spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }] } } },
      },
      ...spec,
    },
    ...(lastScheduleTime ? { status: { lastScheduleTime } } : {}),
  };
}

function finishedJob(cj: CronJob, name: string, type: 'Complete' | 'Failed', at: string): Job {
  const j = jobFromCronJob(cj, name, T0);
  j.status = { conditions: [{ type, status: 'True', lastTransitionTime: at }] };
  return j;
}

test('a due schedule creates a Job named by its scheduled minute, owned by the CronJob', () => {
  const cj = cronJob();
  const now = T0 + 7 * 60_000;
  const plan = reconcileCronJob(cj, [], now);
  const created = plan.create[0]!.object as Job;
  const due = T0 + 5 * 60_000;
  assert.equal(created.metadata.name, `nightly-${due / 60_000}`);
  assert.equal(created.metadata.labels!['team'], 'sec');
  assert.equal(
    created.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp'],
    '2026-01-01T00:05:00Z',
  );
  assert.equal(created.metadata.ownerReferences![0]!.uid, cj.metadata.uid);
  assert.equal(
    (plan.status[0]!.object['status'] as { lastScheduleTime: string }).lastScheduleTime,
    '2026-01-01T00:05:00Z',
  );
  assert.equal(plan.requeueAfterMs, 3 * 60_000 + 10, 'wakes up for the next run');
});

test('nothing runs before the first schedule, when suspended, or past startingDeadlineSeconds', () => {
  assert.deepEqual(reconcileCronJob(cronJob(), [], T0 + 60_000).create, []);
  assert.deepEqual(reconcileCronJob(cronJob({ suspend: true }), [], T0 + 7 * 60_000).create, []);
  assert.deepEqual(
    reconcileCronJob(cronJob({ startingDeadlineSeconds: 60 }), [], T0 + 7 * 60_000).create,
    [],
  );
  assert.deepEqual(
    reconcileCronJob(cronJob({}, '2026-01-01T00:05:00Z'), [], T0 + 7 * 60_000).create,
    [],
    'already ran',
  );
});

test('Forbid skips while a Job runs; Replace deletes the running one', () => {
  const running = jobFromCronJob(cronJob(), 'nightly-1', T0);
  const forbid = cronJob({ concurrencyPolicy: 'Forbid' });
  assert.deepEqual(reconcileCronJob(forbid, [running], T0 + 7 * 60_000).create, []);
  const replace = cronJob({ concurrencyPolicy: 'Replace' });
  const plan = reconcileCronJob(replace, [running], T0 + 7 * 60_000);
  assert.equal(plan.create.length, 1);
  assert.deepEqual(
    plan.delete.map((d) => d.name),
    ['nightly-1'],
  );
});

test('finished Jobs beyond the history limits are deleted oldest first; the newest success is recorded', () => {
  const cj = cronJob({ successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }, '2026-01-01T00:05:00Z');
  const jobs = [
    finishedJob(cj, 'ok-1', 'Complete', '2026-01-01T00:01:00Z'),
    finishedJob(cj, 'ok-2', 'Complete', '2026-01-01T00:02:00Z'),
    finishedJob(cj, 'bad-1', 'Failed', '2026-01-01T00:03:00Z'),
    finishedJob(cj, 'bad-2', 'Failed', '2026-01-01T00:04:00Z'),
  ];
  const plan = reconcileCronJob(cj, jobs, T0 + 6 * 60_000);
  assert.deepEqual(plan.delete.map((d) => d.name).sort(), ['bad-1', 'ok-1']);
  assert.equal(
    (plan.status[0]!.object['status'] as { lastSuccessfulTime: string }).lastSuccessfulTime,
    '2026-01-01T00:02:00Z',
  );
});

test('schedules: five fields, macros and a TZ prefix are accepted; others are not', () => {
  assert.ok(parseSchedule('@hourly'));
  assert.ok(parseSchedule('TZ=Europe/Paris 0 3 * * *'));
  assert.equal(parseSchedule('0 0 3 * * *'), undefined, 'seconds are not Kubernetes cron');
  assert.equal(parseSchedule('not a schedule'), undefined);
  assert.equal(
    parseSchedule('TZ=Europe/Paris 0 3 * * *')!.nextRun(new Date(T0))!.toISOString(),
    '2026-01-01T02:00:00.000Z',
  );
});

test('a manual run is annotated as kubectl create job --from does', () => {
  const manual = jobFromCronJob(cronJob(), 'nightly-manual-abc', undefined);
  assert.equal(manual.metadata.annotations!['cronjob.kubernetes.io/instantiate'], 'manual');
});
