import type { KubeObject } from '../../api.ts';
import { setCondition } from '../conditions.ts';
import type { LabelSelector, Workload } from '../kube-types.ts';
import { emptyPlan, type Plan } from '../plan.ts';
import { Resources, clone, controllerRef, jsonEqual, namespaceOf, nameOf, timestamp } from '../resources.ts';
import { podTemplateHash } from '../template-hash.ts';
import { omitZeros } from './replica-set.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const DESIRED_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
const MAX_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
const HASH_LABEL = 'pod-template-hash';

function revisionOf(obj: KubeObject): number {
  const value = Number(obj.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
  return Number.isInteger(value) ? value : 0;
}

function statusNumber(obj: KubeObject, field: string): number {
  const status = (obj as Workload).status ?? {};
  const value = status[field];
  return typeof value === 'number' ? value : 0;
}

/** `25%` of 4 is 1; surge rounds up and unavailability rounds down, as in the real controller. */
function resolveIntOrPercent(value: unknown, total: number, roundUp: boolean, fallback: string): number {
  const raw = value ?? fallback;
  if (typeof raw === 'number') return raw;
  const match = /^(\d+)%$/.exec(String(raw));
  if (!match) return Number(raw) || 0;
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

function withReplicas(
  rs: Workload,
  replicas: number,
  annotations: Record<string, string>,
): Workload | undefined {
  const current = rs.metadata.annotations ?? {};
  const sameAnnotations = Object.entries(annotations).every(([k, v]) => current[k] === v);
  if (rs.spec.replicas === replicas && sameAnnotations) return undefined;
  const next = clone(rs);
  next.spec.replicas = replicas;
  next.metadata.annotations = { ...current, ...annotations };
  return next;
}

/**
 * Deployment → ReplicaSets. The ReplicaSet for the current template is named `<deployment>-<pod-template-hash>`
 * and carries the next revision; a rolling update scales older ReplicaSets down as new Pods become available
 * (surge up to the full replica count, without maxSurge/maxUnavailable pacing); Recreate scales old ones to zero first.
 */
export function reconcileDeployment(deployment: Workload, ownedReplicaSets: Workload[], nowMs: number): Plan {
  const plan = emptyPlan();
  if (deployment.metadata.deletionTimestamp) return plan;
  const spec = deployment.spec;
  const desired = Math.max(0, spec.replicas ?? 1);
  const strategy = (spec['strategy'] ?? {}) as { type?: string; rollingUpdate?: Record<string, unknown> };
  const recreate = strategy.type === 'Recreate';
  const maxSurge = recreate
    ? 0
    : resolveIntOrPercent(strategy.rollingUpdate?.['maxSurge'], desired, true, '25%');
  const maxUnavailable = recreate
    ? desired
    : resolveIntOrPercent(strategy.rollingUpdate?.['maxUnavailable'], desired, false, '25%');
  const collisionCount = Number((deployment.status ?? {})['collisionCount'] ?? 0);
  const hash = podTemplateHash(spec.template, collisionCount);
  const live = ownedReplicaSets.filter((rs) => !rs.metadata.deletionTimestamp);
  const existingNew = live.find((rs) => rs.metadata.labels?.[HASH_LABEL] === hash);
  const olds = live.filter((rs) => rs !== existingNew).sort((a, b) => revisionOf(a) - revisionOf(b));
  const maxOldRevision = Math.max(0, ...olds.map(revisionOf));
  const revision =
    existingNew && revisionOf(existingNew) > maxOldRevision ? revisionOf(existingNew) : maxOldRevision + 1;
  const annotations = {
    [REVISION_ANNOTATION]: String(revision),
    [DESIRED_ANNOTATION]: String(desired),
    [MAX_ANNOTATION]: String(desired + maxSurge),
  };
  const now = timestamp(nowMs);
  const newName = `${nameOf(deployment)}-${hash}`;
  const oldPods = olds.reduce((sum, rs) => sum + statusNumber(rs, 'replicas'), 0);
  const paused = spec['paused'] === true;
  // Recreate: the new ReplicaSet starts only once every old Pod is gone.
  const newTarget = recreate && oldPods > 0 ? 0 : desired;

  if (!existingNew && !paused) {
    const template = clone(spec.template);
    template.metadata = { ...(template.metadata ?? {}) };
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [HASH_LABEL]: hash };
    const selector = clone((spec.selector ?? {}) as LabelSelector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
    const rs: Workload = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: newName,
        namespace: namespaceOf(deployment),
        labels: { ...(template.metadata.labels ?? {}) },
        annotations,
        ownerReferences: [controllerRef(deployment)],
      },
      spec: { replicas: newTarget, minReadySeconds: spec['minReadySeconds'] ?? 0, selector, template },
    };
    plan.create.push({ resource: Resources.replicaSets, object: rs });
  } else if (existingNew && !paused) {
    const scaled = withReplicas(existingNew, newTarget, annotations);
    if (scaled) plan.update.push({ resource: Resources.replicaSets, object: scaled });
  }

  // Old ReplicaSets keep only as many Pods as the new one still lacks in available Pods (oldest scaled first).
  const newAvailable = existingNew ? statusNumber(existingNew, 'availableReplicas') : 0;
  let keepOld = recreate || paused ? (paused ? Infinity : 0) : Math.max(0, desired - newAvailable);
  for (const rs of [...olds].reverse()) {
    const current = rs.spec.replicas ?? 0;
    const target = Math.min(current, keepOld);
    keepOld -= target;
    if (target !== current) {
      const scaled = withReplicas(rs, target, {});
      if (scaled) plan.update.push({ resource: Resources.replicaSets, object: scaled });
    }
  }

  const historyLimit = Number(spec['revisionHistoryLimit'] ?? 10);
  const idleOlds = olds.filter((rs) => (rs.spec.replicas ?? 0) === 0 && statusNumber(rs, 'replicas') === 0);
  for (const rs of idleOlds.slice(0, Math.max(0, idleOlds.length - historyLimit))) {
    plan.delete.push({ resource: Resources.replicaSets, namespace: namespaceOf(rs), name: nameOf(rs) });
  }

  if (!paused && deployment.metadata.annotations?.[REVISION_ANNOTATION] !== String(revision)) {
    const next = clone(deployment);
    next.metadata.annotations = {
      ...(next.metadata.annotations ?? {}),
      [REVISION_ANNOTATION]: String(revision),
    };
    plan.update.push({ resource: Resources.deployments, object: next });
  }

  const all = existingNew ? [existingNew, ...olds] : olds;
  const replicas = all.reduce((sum, rs) => sum + statusNumber(rs, 'replicas'), 0);
  const updatedReplicas = existingNew ? statusNumber(existingNew, 'replicas') : 0;
  const readyReplicas = all.reduce((sum, rs) => sum + statusNumber(rs, 'readyReplicas'), 0);
  const availableReplicas = all.reduce((sum, rs) => sum + statusNumber(rs, 'availableReplicas'), 0);
  const oldStatus = (deployment.status ?? {}) as Record<string, unknown>;
  const clock = { now, style: 'deployment' as const };
  let conditions = setCondition(
    oldStatus['conditions'] as never,
    availableReplicas >= desired - maxUnavailable
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
    clock,
  );
  const complete =
    existingNew !== undefined &&
    updatedReplicas === desired &&
    replicas === desired &&
    availableReplicas === desired &&
    existingNew.spec.replicas === desired;
  conditions = setCondition(
    conditions,
    paused
      ? {
          type: 'Progressing',
          status: 'Unknown',
          reason: 'DeploymentPaused',
          message: 'Deployment is paused',
        }
      : !existingNew
        ? {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetCreated',
            message: `Created new replica set "${newName}"`,
          }
        : complete
          ? {
              type: 'Progressing',
              status: 'True',
              reason: 'NewReplicaSetAvailable',
              message: `ReplicaSet "${newName}" has successfully progressed.`,
            }
          : {
              type: 'Progressing',
              status: 'True',
              reason: 'ReplicaSetUpdated',
              message: `ReplicaSet "${newName}" is progressing.`,
            },
    clock,
  );
  const status: Record<string, unknown> = {
    observedGeneration: deployment.metadata.generation ?? 1,
    replicas,
    updatedReplicas,
    readyReplicas,
    availableReplicas,
    unavailableReplicas: Math.max(0, desired - availableReplicas),
    conditions,
  };
  if (collisionCount > 0) status['collisionCount'] = collisionCount;
  omitZeros(status, [
    'replicas',
    'updatedReplicas',
    'readyReplicas',
    'availableReplicas',
    'unavailableReplicas',
  ]);
  if (!jsonEqual(oldStatus, status)) {
    plan.status.push({ resource: Resources.deployments, object: { ...deployment, status } });
  }
  return plan;
}
