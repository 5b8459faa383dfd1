import { Cron } from 'croner';
import type { KubeObject } from '../../api.ts';
import type { PodTemplateSpec } from '../kube-types.ts';
import { emptyPlan, requeueSooner, type Plan } from '../plan.ts';
import { Resources, clone, controllerRef, jsonEqual, namespaceOf, nameOf, timestamp } from '../resources.ts';
import { jobFinishedCondition, type Job } from './job.ts';

export interface CronJob extends KubeObject {
  spec: {
    schedule: string;
    timeZone?: string;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
    suspend?: boolean;
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    jobTemplate: {
      metadata?: KubeObject['metadata'];
      spec: { template: PodTemplateSpec; [key: string]: unknown };
    };
  };
  status?: { active?: unknown[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
}

const SCHEDULED_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** Parses a Kubernetes cron schedule (5 fields or a @macro, optional `TZ=`/`CRON_TZ=` prefix); undefined if invalid. */
export function parseSchedule(schedule: string, timeZone?: string): Cron | undefined {
  let pattern = schedule.trim();
  let zone = timeZone ?? 'UTC';
  const tz = /^(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(pattern);
  if (tz?.[1] && tz[2]) {
    zone = tz[1];
    pattern = tz[2];
  }
  if (!pattern.startsWith('@') && pattern.split(/\s+/).length !== 5) return undefined;
  try {
    return new Cron(pattern, { timezone: zone, paused: true, legacyMode: true });
  } catch {
    return undefined;
  }
}

/** A Job as the CronJob controller (scheduled) or `kubectl create job --from=cronjob/NAME` (manual) makes it. */
export function jobFromCronJob(cronJob: CronJob, name: string, scheduledMs: number | undefined): Job {
  const template = clone(cronJob.spec.jobTemplate);
  const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
  if (scheduledMs === undefined) annotations['cronjob.kubernetes.io/instantiate'] = 'manual';
  else annotations[SCHEDULED_ANNOTATION] = timestamp(scheduledMs);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: namespaceOf(cronJob),
      labels: { ...(template.metadata?.labels ?? {}) },
      annotations,
      ownerReferences: [controllerRef(cronJob)],
    },
    spec: template.spec,
  };
}

function finishedAt(job: Job): number {
  return Date.parse(jobFinishedCondition(job)?.lastTransitionTime ?? '') || 0;
}

/**
 * CronJob → Jobs named `<cronjob>-<scheduled time in minutes since the epoch>`. Only the most recent missed
 * schedule runs (within startingDeadlineSeconds); concurrencyPolicy Forbid skips while a Job runs and Replace
 * deletes the running ones; finished Jobs beyond the history limits are deleted, oldest first.
 */
export function reconcileCronJob(cronJob: CronJob, ownedJobs: Job[], nowMs: number): Plan {
  const plan = emptyPlan();
  if (cronJob.metadata.deletionTimestamp) return plan;
  const spec = cronJob.spec;
  const live = ownedJobs.filter((j) => !j.metadata.deletionTimestamp);
  const running = live.filter((j) => !jobFinishedCondition(j));
  const deleteJob = (job: Job): void => {
    plan.delete.push({
      resource: Resources.jobs,
      namespace: namespaceOf(job),
      name: nameOf(job),
      options: { propagationPolicy: 'Background' },
    });
  };
  const status = clone(cronJob.status ?? {});
  let active = running;

  const cron = parseSchedule(spec.schedule, spec.timeZone);
  if (cron && spec.suspend !== true) {
    const since = Date.parse(status.lastScheduleTime ?? cronJob.metadata.creationTimestamp ?? '') || nowMs;
    const due = cron.previousRuns(1, new Date(nowMs + 1))[0]?.getTime();
    const next = cron.nextRun(new Date(nowMs))?.getTime();
    if (next !== undefined) requeueSooner(plan, next - nowMs + 10);
    const tooLate =
      due !== undefined &&
      spec.startingDeadlineSeconds !== undefined &&
      nowMs - due > spec.startingDeadlineSeconds * 1000;
    if (due !== undefined && due > since && !tooLate) {
      const name = `${nameOf(cronJob)}-${Math.floor(due / 60000)}`;
      const exists = live.some((j) => nameOf(j) === name);
      const blocked = spec.concurrencyPolicy === 'Forbid' && running.length > 0;
      if (!exists && !blocked) {
        if (spec.concurrencyPolicy === 'Replace') {
          running.forEach(deleteJob);
          active = [];
        }
        plan.create.push({ resource: Resources.jobs, object: jobFromCronJob(cronJob, name, due) });
      }
      if (!blocked) status.lastScheduleTime = timestamp(due);
    }
  }

  const succeeded = live
    .filter((j) => jobFinishedCondition(j)?.type === 'Complete')
    .sort((a, b) => finishedAt(a) - finishedAt(b));
  const failed = live
    .filter((j) => jobFinishedCondition(j)?.type === 'Failed')
    .sort((a, b) => finishedAt(a) - finishedAt(b));
  succeeded
    .slice(0, Math.max(0, succeeded.length - (spec.successfulJobsHistoryLimit ?? 3)))
    .forEach(deleteJob);
  failed.slice(0, Math.max(0, failed.length - (spec.failedJobsHistoryLimit ?? 1))).forEach(deleteJob);

  const lastSuccess = succeeded.at(-1);
  if (lastSuccess) status.lastSuccessfulTime = timestamp(finishedAt(lastSuccess));
  if (active.length > 0) {
    status.active = active.map((j) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: nameOf(j),
      namespace: namespaceOf(j),
      uid: j.metadata.uid,
      resourceVersion: j.metadata.resourceVersion,
    }));
  } else delete status.active;
  if (!jsonEqual(cronJob.status ?? {}, status))
    plan.status.push({ resource: Resources.cronJobs, object: { ...cronJob, status } });
  return plan;
}
