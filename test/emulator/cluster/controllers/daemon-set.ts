import type { KubeObject } from '../../api.ts';
import type { Pod, Workload } from '../kube-types.ts';
import { emptyPlan, type Plan } from '../plan.ts';
import { isPodActive, isPodAvailable, isPodReady } from '../pod-state.ts';
import { podFromTemplate } from '../pod-template.ts';
import { Resources, jsonEqual, namespaceOf, nameOf } from '../resources.ts';
import { nodeFitsPod } from '../selectors.ts';
import { podTemplateHash } from '../template-hash.ts';
import { requeueForAvailability } from './replica-set.ts';

const REVISION_LABEL = 'controller-revision-hash';
const GENERATION_LABEL = 'pod-template-generation';

/** The Node a DaemonSet Pod is bound to: its nodeName, or the matchFields affinity the controller adds. */
export function daemonPodNode(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    const field = term.matchFields?.find((f) => f.key === 'metadata.name' && f.operator === 'In');
    if (field?.values?.[0]) return field.values[0];
  }
  return undefined;
}

/**
 * DaemonSet → one Pod per Node that fits the template (nodeSelector, required node affinity). Each Pod is pinned to
 * its Node with a `metadata.name` matchFields affinity term, as the real controller does, and the scheduler binds it.
 * Pods on Nodes that no longer fit, duplicates, and (one at a time, while the rest are available) Pods of an older
 * template are deleted.
 */
export function reconcileDaemonSet(ds: Workload, nodes: KubeObject[], ownedPods: Pod[], nowMs: number): Plan {
  const plan = emptyPlan();
  if (ds.metadata.deletionTimestamp) return plan;
  const template = ds.spec.template;
  const generation = String(ds.metadata.generation ?? 1);
  const revision = podTemplateHash(template);
  const eligible = nodes.filter(
    (node) => !node.metadata.deletionTimestamp && nodeFitsPod(node, template.spec),
  );
  const eligibleNames = new Set(eligible.map(nameOf));
  const active = ownedPods.filter(isPodActive);
  const byNode = new Map<string, Pod[]>();
  for (const pod of active) {
    const node = daemonPodNode(pod) ?? '';
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  const deletePod = (pod: Pod): void => {
    plan.delete.push({ resource: Resources.pods, namespace: namespaceOf(pod), name: nameOf(pod) });
  };

  for (const node of eligible) {
    const pods = byNode.get(nameOf(node)) ?? [];
    if (pods.length === 0)
      plan.create.push({
        resource: Resources.pods,
        object: podForNode(ds, nameOf(node), revision, generation),
      });
    pods.slice(1).forEach(deletePod);
  }
  let misscheduled = 0;
  for (const [node, pods] of byNode) {
    if (!eligibleNames.has(node)) {
      misscheduled += pods.length;
      pods.forEach(deletePod);
    }
  }

  const scheduled = eligible.flatMap((node) => (byNode.get(nameOf(node)) ?? []).slice(0, 1));
  const minReadySeconds = Number(ds.spec['minReadySeconds'] ?? 0);
  const stale = scheduled.filter((p) => p.metadata.labels?.[GENERATION_LABEL] !== generation);
  const available = scheduled.filter((p) => isPodAvailable(p, minReadySeconds, nowMs));
  const updateType = (ds.spec['updateStrategy'] as { type?: string } | undefined)?.type ?? 'RollingUpdate';
  if (
    updateType === 'RollingUpdate' &&
    stale[0] &&
    plan.create.length === 0 &&
    available.length === scheduled.length
  ) {
    deletePod(stale[0]);
  }

  const status: Record<string, unknown> = {
    currentNumberScheduled: scheduled.length,
    desiredNumberScheduled: eligible.length,
    numberMisscheduled: misscheduled,
    numberReady: scheduled.filter(isPodReady).length,
    numberAvailable: available.length,
    updatedNumberScheduled: scheduled.length - stale.length,
    observedGeneration: ds.metadata.generation ?? 1,
  };
  const unavailable = eligible.length - available.length;
  if (unavailable > 0) status['numberUnavailable'] = unavailable;
  if (available.length === 0) delete status['numberAvailable'];
  if (!jsonEqual(ds.status ?? {}, status)) {
    plan.status.push({ resource: Resources.daemonSets, object: { ...ds, status } });
  }
  requeueForAvailability(plan, scheduled, minReadySeconds, nowMs);
  return plan;
}

function podForNode(ds: Workload, node: string, revision: string, generation: string): Pod {
  const pod = podFromTemplate(ds, ds.spec.template, {
    labels: { [REVISION_LABEL]: revision, [GENERATION_LABEL]: generation },
  });
  const affinity = { ...(pod.spec.affinity ?? {}) };
  affinity.nodeAffinity = {
    ...(affinity.nodeAffinity ?? {}),
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }],
    },
  };
  pod.spec.affinity = affinity;
  return pod;
}
