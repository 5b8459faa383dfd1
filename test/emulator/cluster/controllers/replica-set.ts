import type { ResourceRef } from '../../api.ts';
import type { LabelSelector, Pod, Workload } from '../kube-types.ts';
import { emptyPlan, requeueSooner, type Plan } from '../plan.ts';
import { isPodActive, isPodAvailable, isPodReady, podCondition, scaleDownOrder } from '../pod-state.ts';
import { podFromTemplate } from '../pod-template.ts';
import { Resources, jsonEqual, namespaceOf, nameOf } from '../resources.ts';
import { matchesLabelSelector } from '../selectors.ts';

/**
 * Keeps `spec.replicas` active Pods for a ReplicaSet (apps/v1) or a ReplicationController (v1, map selector).
 * `ownedPods` are the Pods whose controller ownerReference points at this object.
 */
export function reconcileReplicaSet(rs: Workload, ownedPods: Pod[], nowMs: number): Plan {
  const plan = emptyPlan();
  if (rs.metadata.deletionTimestamp) return plan;
  const resource: ResourceRef =
    rs.kind === 'ReplicationController' ? Resources.replicationControllers : Resources.replicaSets;
  const desired = Math.max(0, rs.spec.replicas ?? 1);
  const active = ownedPods.filter(isPodActive);

  if (active.length < desired) {
    for (let i = active.length; i < desired; i++) {
      plan.create.push({ resource: Resources.pods, object: podFromTemplate(rs, rs.spec.template, {}) });
    }
  } else if (active.length > desired) {
    const victims = [...active].sort(scaleDownOrder).slice(0, active.length - desired);
    for (const pod of victims) {
      plan.delete.push({ resource: Resources.pods, namespace: namespaceOf(pod), name: nameOf(pod) });
    }
  }

  const minReadySeconds = Number(rs.spec['minReadySeconds'] ?? 0);
  const selector = selectorOf(rs);
  const status: Record<string, unknown> = {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) => matchesLabelSelector(p.metadata.labels, selector)).length,
    readyReplicas: active.filter(isPodReady).length,
    availableReplicas: active.filter((p) => isPodAvailable(p, minReadySeconds, nowMs)).length,
    observedGeneration: rs.metadata.generation ?? 1,
  };
  omitZeros(status, ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']);
  if (!jsonEqual(rs.status ?? {}, status)) {
    plan.status.push({ resource, object: { ...rs, status } });
  }
  requeueForAvailability(plan, active, minReadySeconds, nowMs);
  return plan;
}

/** The real API omits zero counts that are `omitempty` in the Go types. */
export function omitZeros(status: Record<string, unknown>, keys: string[]): void {
  for (const key of keys) if (status[key] === 0) delete status[key];
}

function selectorOf(rs: Workload): LabelSelector {
  const selector = rs.spec.selector ?? {};
  if ('matchLabels' in selector || 'matchExpressions' in selector) return selector as LabelSelector;
  return { matchLabels: selector as Record<string, string> };
}

/** With minReadySeconds, a ready Pod becomes available later without any event: look again then. */
export function requeueForAvailability(
  plan: Plan,
  pods: Pod[],
  minReadySeconds: number,
  nowMs: number,
): void {
  if (minReadySeconds <= 0) return;
  for (const pod of pods) {
    const ready = podCondition(pod, 'Ready');
    if (ready?.status !== 'True') continue;
    const at = Date.parse(ready.lastTransitionTime ?? '') + minReadySeconds * 1000;
    if (at > nowMs) requeueSooner(plan, at - nowMs + 50);
  }
}
