import type { Condition, Pod } from './kube-types.ts';
import { isTerminating } from './resources.ts';

export function podCondition(pod: Pod, type: string): Condition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

export function isPodReady(pod: Pod): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds, as the workload controllers count "available". */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  const ready = podCondition(pod, 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(ready.lastTransitionTime ?? '');
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= nowMs;
}

export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Counts toward a controller's replicas: not finished and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  return !isPodTerminal(pod) && !isTerminating(pod);
}

/** Rank for scale-down: unscheduled, then pending, then not ready, then newest first (as the real controllers). */
export function scaleDownOrder(a: Pod, b: Pod): number {
  const rank = (p: Pod): number => {
    if (!p.spec.nodeName) return 0;
    if (p.status?.phase !== 'Running') return 1;
    if (!isPodReady(p)) return 2;
    return 3;
  };
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  const created = (p: Pod): string => p.metadata.creationTimestamp ?? '';
  return created(b).localeCompare(created(a)) || (b.metadata.name ?? '').localeCompare(a.metadata.name ?? '');
}
