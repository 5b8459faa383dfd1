import type { DeleteOptions, KubeObject, ResourceRef } from '../api.ts';

/**
 * What one reconcile decided: the writes that move the world toward the desired state. Controllers compute a
 * Plan from observed objects (a pure function); the runner applies it to the store.
 */
export interface Plan {
  create: { resource: ResourceRef; object: KubeObject }[];
  /** Full objects carrying the resourceVersion they were read at, so a concurrent change gives a 409. */
  update: { resource: ResourceRef; object: KubeObject }[];
  delete: { resource: ResourceRef; namespace: string | undefined; name: string; options?: DeleteOptions }[];
  /** Status writes through the `/status` subresource. */
  status: { resource: ResourceRef; object: KubeObject }[];
  /** Reconcile again after this long even without events (time-based decisions: deadlines, schedules). */
  requeueAfterMs?: number;
}

export function emptyPlan(): Plan {
  return { create: [], update: [], delete: [], status: [] };
}

export function requeueSooner(plan: Plan, ms: number): void {
  const wait = Math.max(0, Math.ceil(ms));
  plan.requeueAfterMs = plan.requeueAfterMs === undefined ? wait : Math.min(plan.requeueAfterMs, wait);
}
