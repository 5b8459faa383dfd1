import type { Pod, Workload } from '../kube-types.ts';
import { emptyPlan, type Plan } from '../plan.ts';
import { isPodAvailable, isPodReady, isPodTerminal } from '../pod-state.ts';
import { podFromTemplate } from '../pod-template.ts';
import { Resources, isTerminating, jsonEqual, namespaceOf, nameOf } from '../resources.ts';
import { podTemplateHash } from '../template-hash.ts';
import { omitZeros, requeueForAvailability } from './replica-set.ts';

const REVISION_LABEL = 'controller-revision-hash';

function ordinalOf(sts: Workload, pod: Pod): number | undefined {
  const prefix = `${nameOf(sts)}-`;
  const name = nameOf(pod);
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

function runningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod) && !isTerminating(pod);
}

/**
 * StatefulSet → Pods named `<set>-<ordinal>`. OrderedReady (the default) creates the lowest missing ordinal only
 * when every lower one is Running and Ready, removes the highest first, and replaces Pods of an old template one
 * at a time from the highest ordinal; Parallel does each step for all ordinals at once. Failed Pods are
 * deleted so they are recreated under the same name.
 */
export function reconcileStatefulSet(sts: Workload, ownedPods: Pod[], nowMs: number): Plan {
  const plan = emptyPlan();
  if (sts.metadata.deletionTimestamp) return plan;
  const desired = Math.max(0, sts.spec.replicas ?? 1);
  const ordered = sts.spec['podManagementPolicy'] !== 'Parallel';
  const revision = `${nameOf(sts)}-${podTemplateHash(sts.spec.template)}`;
  const byOrdinal = new Map<number, Pod>();
  for (const pod of ownedPods) {
    const ordinal = ordinalOf(sts, pod);
    if (ordinal !== undefined) byOrdinal.set(ordinal, pod);
  }
  const deletePod = (pod: Pod): void => {
    plan.delete.push({ resource: Resources.pods, namespace: namespaceOf(pod), name: nameOf(pod) });
  };

  let blocked = false;
  for (let i = 0; i < desired; i++) {
    const pod = byOrdinal.get(i);
    if (!pod) {
      if (!blocked) {
        plan.create.push({ resource: Resources.pods, object: podForOrdinal(sts, i, revision) });
        if (ordered) blocked = true;
      }
      continue;
    }
    if (pod.status?.phase === 'Failed' && !isTerminating(pod)) {
      deletePod(pod);
      if (ordered) blocked = true;
      continue;
    }
    if (ordered && !runningAndReady(pod)) blocked = true;
  }

  const condemned = [...byOrdinal.entries()]
    .filter(([i, pod]) => i >= desired && !isTerminating(pod))
    .sort(([a], [b]) => b - a);
  const allHealthy = [...byOrdinal.values()].every(runningAndReady);
  if (condemned.length > 0) {
    if (!ordered) condemned.forEach(([, pod]) => deletePod(pod));
    else if (allHealthy && condemned[0]) deletePod(condemned[0][1]);
  } else if (plan.create.length === 0 && plan.delete.length === 0) {
    const stale = [...byOrdinal.entries()]
      .filter(
        ([i, pod]) =>
          i < desired && pod.metadata.labels?.[REVISION_LABEL] !== revision && !isTerminating(pod),
      )
      .sort(([a], [b]) => b - a);
    const updateType = (sts.spec['updateStrategy'] as { type?: string } | undefined)?.type ?? 'RollingUpdate';
    if (updateType === 'RollingUpdate' && stale[0] && (allHealthy || !ordered)) deletePod(stale[0][1]);
  }

  const pods = [...byOrdinal.values()].filter((p) => !isPodTerminal(p) || p.status?.phase === 'Succeeded');
  const minReadySeconds = Number(sts.spec['minReadySeconds'] ?? 0);
  const current = pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === revision);
  const status: Record<string, unknown> = {
    observedGeneration: sts.metadata.generation ?? 1,
    replicas: pods.length,
    readyReplicas: pods.filter(isPodReady).length,
    availableReplicas: pods.filter((p) => isPodAvailable(p, minReadySeconds, nowMs)).length,
    currentReplicas: current.length,
    updatedReplicas: current.length,
    currentRevision: revision,
    updateRevision: revision,
    collisionCount: 0,
  };
  omitZeros(status, ['readyReplicas', 'currentReplicas', 'updatedReplicas']);
  if (!jsonEqual(sts.status ?? {}, status)) {
    plan.status.push({ resource: Resources.statefulSets, object: { ...sts, status } });
  }
  requeueForAvailability(plan, pods, minReadySeconds, nowMs);
  return plan;
}

function podForOrdinal(sts: Workload, ordinal: number, revision: string): Pod {
  const name = `${nameOf(sts)}-${ordinal}`;
  const pod = podFromTemplate(sts, sts.spec.template, {
    name,
    labels: {
      [REVISION_LABEL]: revision,
      'statefulset.kubernetes.io/pod-name': name,
      'apps.kubernetes.io/pod-index': String(ordinal),
    },
  });
  pod.spec.hostname = name;
  const serviceName = sts.spec['serviceName'];
  if (typeof serviceName === 'string' && serviceName) pod.spec.subdomain = serviceName;
  return pod;
}
