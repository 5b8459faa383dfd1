import type { Condition } from './kube-types.ts';

export interface ConditionChange {
  type: string;
  status: Condition['status'];
  reason: string;
  message: string;
}

export interface ConditionClock {
  now: string;
  /** Deployment-style conditions carry lastUpdateTime; Job and Pod conditions carry lastProbeTime. */
  style: 'deployment' | 'job' | 'pod';
}

/**
 * Sets one condition the way the real controllers do: lastTransitionTime moves only when the status flips,
 * lastUpdateTime (deployments) when anything changes, so re-running with the same state writes nothing new.
 */
export function setCondition(
  conditions: Condition[] | undefined,
  change: ConditionChange,
  clock: ConditionClock,
): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === change.type);
  const old = index >= 0 ? list[index] : undefined;
  const sameStatus = old?.status === change.status;
  const unchanged = sameStatus && old?.reason === change.reason && old?.message === change.message;
  if (unchanged && old) return list;
  const next: Condition = {
    type: change.type,
    status: change.status,
    reason: change.reason,
    message: change.message,
  };
  next.lastTransitionTime = sameStatus && old?.lastTransitionTime ? old.lastTransitionTime : clock.now;
  if (clock.style === 'deployment') next.lastUpdateTime = clock.now;
  if (clock.style === 'job') next.lastProbeTime = clock.now;
  if (clock.style === 'pod') next.lastProbeTime = null;
  if (index >= 0) list[index] = next;
  else list.push(next);
  return list;
}
