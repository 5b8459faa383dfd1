import { setCondition } from '../conditions.ts';
import type { Condition, LabelSelector, Pod, PodTemplateSpec } from '../kube-types.ts';
import type { KubeObject } from '../../api.ts';
import { emptyPlan, requeueSooner, type Plan } from '../plan.ts';
import { isPodActive, isPodReady } from '../pod-state.ts';
import { podFromTemplate } from '../pod-template.ts';
import { Resources, clone, isTerminating, jsonEqual, namespaceOf, nameOf, timestamp } from '../resources.ts';

export interface Job extends KubeObject {
  spec: {
    template: PodTemplateSpec;
    selector?: LabelSelector;
    parallelism?: number;
    completions?: number;
    backoffLimit?: number;
    activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number;
    suspend?: boolean;
    manualSelector?: boolean;
    [key: string]: unknown;
  };
  status?: {
    conditions?: Condition[];
    startTime?: string;
    completionTime?: string;
    active?: number;
    succeeded?: number;
    failed?: number;
    [key: string]: unknown;
  };
}

export interface JobTiming {
  nowMs: number;
  /** Delay before re-creating a Pod after the first failure; doubles per failure (the real controller uses 10 s). */
  backoffBaseMs: number;
}

const MAX_BACKOFF_MS = 6 * 60 * 1000;

/** The labels the API server gives a Job's selector and pod template at creation. */
export function jobPodLabels(job: Job): Record<string, string> {
  const uid = job.metadata.uid ?? '';
  return {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': nameOf(job),
    'controller-uid': uid,
    'job-name': nameOf(job),
  };
}

export function jobFinishedCondition(job: Job): Condition | undefined {
  return job.status?.conditions?.find(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
}

function failureTime(pod: Pod): number {
  const finished = (pod.status?.containerStatuses ?? [])
    .map((s) => Date.parse(s.state.terminated?.finishedAt ?? ''))
    .filter(Number.isFinite);
  return finished.length > 0 ? Math.max(...finished) : Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
}

/**
 * Job → Pods until `completions` succeed. Failed Pods are replaced after an exponential back-off; more than
 * `backoffLimit` failures (restarts count under OnFailure) fail the Job with BackoffLimitExceeded, running past
 * `activeDeadlineSeconds` fails it with DeadlineExceeded; either way its active Pods are deleted (which kills
 * their processes). A finished Job with `ttlSecondsAfterFinished` is deleted when that has passed.
 */
export function reconcileJob(job: Job, ownedPods: Pod[], timing: JobTiming): Plan {
  const plan = emptyPlan();
  if (job.metadata.deletionTimestamp) return plan;
  const { nowMs } = timing;
  const now = timestamp(nowMs);
  const spec = job.spec;
  const labels = jobPodLabels(job);

  const finished = jobFinishedCondition(job);
  if (finished) {
    // Stragglers of a failed Job (e.g. still terminating) are removed; a finished Job only waits for its TTL.
    for (const pod of ownedPods.filter(isPodActive)) {
      plan.delete.push({ resource: Resources.pods, namespace: namespaceOf(pod), name: nameOf(pod) });
    }
    if (spec.ttlSecondsAfterFinished !== undefined) {
      const finishedAt = Date.parse(finished.lastTransitionTime ?? '') || nowMs;
      const expiresAt = finishedAt + spec.ttlSecondsAfterFinished * 1000;
      if (expiresAt <= nowMs) {
        plan.delete.push({
          resource: Resources.jobs,
          namespace: namespaceOf(job),
          name: nameOf(job),
          options: { propagationPolicy: 'Background' },
        });
      } else requeueSooner(plan, expiresAt - nowMs);
    }
    return plan;
  }

  const status = clone(job.status ?? {});
  const active = ownedPods.filter(isPodActive);
  const succeeded = Math.max(
    status.succeeded ?? 0,
    ownedPods.filter((p) => p.status?.phase === 'Succeeded').length,
  );
  const failedPods = ownedPods.filter((p) => p.status?.phase === 'Failed');
  const restarts =
    spec.template.spec.restartPolicy === 'OnFailure'
      ? active.reduce(
          (sum, p) =>
            sum + (p.status?.containerStatuses ?? []).reduce((s, c) => s + (c.restartCount ?? 0), 0),
          0,
        )
      : 0;
  const failed = Math.max(status.failed ?? 0, failedPods.length);
  const backoffLimit = spec.backoffLimit ?? 6;
  const parallelism = Math.max(0, spec.parallelism ?? 1);
  const completions = spec.completions;
  const clock = { now, style: 'job' as const };
  const deleteActive = (): void => {
    for (const pod of active)
      plan.delete.push({ resource: Resources.pods, namespace: namespaceOf(pod), name: nameOf(pod) });
  };

  let conditions = status.conditions;
  let failure: { reason: string; message: string } | undefined;
  if (spec.suspend === true) {
    deleteActive();
    conditions = setCondition(
      conditions,
      { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' },
      clock,
    );
  } else {
    status.startTime ??= now;
    if (conditions?.some((c) => c.type === 'Suspended' && c.status === 'True')) {
      conditions = setCondition(
        conditions,
        { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' },
        clock,
      );
    }
    const startedMs = Date.parse(status.startTime) || nowMs;
    if (failed + restarts > backoffLimit) {
      failure = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    } else if (spec.activeDeadlineSeconds !== undefined) {
      const deadline = startedMs + spec.activeDeadlineSeconds * 1000;
      if (deadline <= nowMs)
        failure = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
      else requeueSooner(plan, deadline - nowMs);
    }
  }

  const done = completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0;
  if (failure) {
    deleteActive();
    conditions = setCondition(conditions, { type: 'FailureTarget', status: 'True', ...failure }, clock);
    conditions = setCondition(conditions, { type: 'Failed', status: 'True', ...failure }, clock);
  } else if (done) {
    conditions = setCondition(
      conditions,
      {
        type: 'SuccessCriteriaMet',
        status: 'True',
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
      },
      clock,
    );
    conditions = setCondition(
      conditions,
      {
        type: 'Complete',
        status: 'True',
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
      },
      clock,
    );
    status.completionTime = now;
  } else if (spec.suspend !== true) {
    const remaining = completions !== undefined ? completions - succeeded : succeeded > 0 ? 0 : parallelism;
    const wanted = Math.min(parallelism, Math.max(0, remaining));
    if (active.length < wanted) {
      const lastFailure = Math.max(0, ...failedPods.map(failureTime));
      const delay = failed > 0 ? Math.min(MAX_BACKOFF_MS, timing.backoffBaseMs * 2 ** (failed - 1)) : 0;
      const allowedAt = lastFailure + delay;
      if (failed > 0 && allowedAt > nowMs) requeueSooner(plan, allowedAt - nowMs);
      else {
        for (let i = active.length; i < wanted; i++) {
          plan.create.push({
            resource: Resources.pods,
            object: podFromTemplate(job, spec.template, { labels }),
          });
        }
      }
    } else if (active.length > wanted) {
      for (const pod of active.slice(wanted)) {
        plan.delete.push({ resource: Resources.pods, namespace: namespaceOf(pod), name: nameOf(pod) });
      }
    }
  }

  const next: NonNullable<Job['status']> = { ...status, conditions, succeeded, failed };
  const stillActive = failure || done ? 0 : active.length;
  next.active = stillActive;
  next['ready'] = failure || done ? 0 : active.filter(isPodReady).length;
  next['terminating'] = ownedPods.filter(
    (p) => isTerminating(p) && !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''),
  ).length;
  next['uncountedTerminatedPods'] = {};
  for (const key of ['active', 'succeeded', 'failed'] as const) if (next[key] === 0) delete next[key];
  if (!conditions || conditions.length === 0) delete next.conditions;
  if (!jsonEqual(job.status ?? {}, next))
    plan.status.push({ resource: Resources.jobs, object: { ...job, status: next } });
  return plan;
}
