/**
 * `trivy-ts k8s`: audits the objects of a live cluster with the operator's checks, read-only (list calls only),
 * page by page so memory does not grow with the cluster. Workloads are audited where users write them — a
 * Deployment rather than its ReplicaSets, a CronJob rather than its Jobs, a bare Pod but not a controller's Pods.
 */
import type { KubernetesObject as KubeObject } from '@kubernetes/client-node';
import type { KubernetesObject } from '../../checks/types.ts';
import { auditObject } from '../../operator/config-audit/audit.ts';
import { auditDocument } from '../../operator/config-audit/audit-input.ts';
import type { CheckSet } from '../../operator/config-audit/check-set.ts';
import { KubeApiError, type KubeClient } from '../../operator/kube/client.ts';
import { controllerOf } from '../../operator/kube/ownership.ts';
import { apiVersionOf, builtin, type ResourceType } from '../../operator/kube/resource-types.ts';
import type { CheckResult, MisconfigurationSummary } from '../../operator/reports/types.ts';

interface AuditedType {
  type: ResourceType;
  /** Objects another audited object stands for (a ReplicaSet of a Deployment) are left out. */
  include?: (object: KubeObject) => boolean;
}

const notControlledBy =
  (...kinds: string[]) =>
  (object: KubeObject) => {
    const controller = controllerOf(object);
    return controller === undefined || !kinds.includes(controller.kind);
  };

export const CLUSTER_AUDIT_TYPES: readonly AuditedType[] = [
  { type: builtin.deployment },
  { type: builtin.statefulSet },
  { type: builtin.daemonSet },
  { type: builtin.cronJob },
  { type: builtin.job, include: notControlledBy('CronJob') },
  { type: builtin.replicaSet, include: notControlledBy('Deployment') },
  { type: builtin.replicationController, include: notControlledBy('DeploymentConfig') },
  {
    type: builtin.pod,
    include: notControlledBy('ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'Job'),
  },
  { type: builtin.service },
  { type: builtin.configMap },
  { type: builtin.role },
  { type: builtin.roleBinding },
  { type: builtin.clusterRole },
  { type: builtin.clusterRoleBinding },
  { type: builtin.networkPolicy },
  { type: builtin.ingress },
  { type: builtin.limitRange },
  { type: builtin.resourceQuota },
  { type: builtin.persistentVolume },
  { type: builtin.persistentVolumeClaim },
];

export interface AuditedResource {
  /** `""` for cluster-scoped objects. */
  namespace: string;
  kind: string;
  name: string;
  summary: MisconfigurationSummary;
  /** The failed checks (within the severity filter); empty unless asked for. */
  checks: CheckResult[];
}

export interface SkippedKind {
  kind: string;
  reason: string;
}

export interface ClusterAuditResult {
  resources: AuditedResource[];
  skipped: SkippedKind[];
}

export interface ClusterAuditOptions {
  client: KubeClient;
  checkSet: CheckSet;
  types: readonly AuditedType[];
  /** Only this namespace (cluster-scoped kinds are then left out); undefined = the whole cluster. */
  namespace?: string;
  /** Keep each resource's failed checks (`--report all`); otherwise only their counts are kept. */
  keepChecks: boolean;
  onCustomCheckError?: (message: string) => void;
  onProgress?: (kind: string, objects: number) => void;
}

/**
 * Lists every kind (two at a time) and evaluates each object as its page arrives. A kind the user may not list,
 * or that the cluster does not serve, is skipped and named in `skipped`; other API errors are thrown.
 */
export async function auditCluster(options: ClusterAuditOptions): Promise<ClusterAuditResult> {
  const resources: AuditedResource[] = [];
  const skipped: SkippedKind[] = [];
  const types = options.types.filter(({ type }) => options.namespace === undefined || type.namespaced);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < types.length; index = next++) {
      const audited = types[index]!;
      try {
        resources.push(...(await auditKind(audited, options)));
      } catch (error) {
        if (error instanceof KubeApiError && [401, 403, 404, 405].includes(error.status)) {
          skipped.push({ kind: audited.type.kind, reason: error.message });
        } else {
          throw error;
        }
      }
    }
  };
  await Promise.all([worker(), worker()]);
  resources.sort(
    (a, b) => compare(a.namespace, b.namespace) || compare(a.kind, b.kind) || compare(a.name, b.name),
  );
  skipped.sort((a, b) => compare(a.kind, b.kind));
  return { resources, skipped };
}

async function auditKind(audited: AuditedType, options: ClusterAuditOptions): Promise<AuditedResource[]> {
  const { type } = audited;
  const apiVersion = apiVersionOf(type);
  const found: AuditedResource[] = [];
  let objects = 0;
  for await (const page of options.client.listPages<KubeObject>(type, {
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
  })) {
    for (const object of page) {
      if (audited.include && !audited.include(object)) continue;
      objects++;
      const document = auditDocument(object as KubernetesObject, type.kind, apiVersion);
      const outcome = auditObject(document, type.kind, options.checkSet);
      for (const error of outcome.errors) options.onCustomCheckError?.(error.message);
      found.push({
        namespace: object.metadata?.namespace ?? '',
        kind: type.kind,
        name: object.metadata?.name ?? '',
        summary: outcome.summary,
        checks: options.keepChecks ? outcome.checks.filter((check) => !check.success) : [],
      });
    }
  }
  options.onProgress?.(type.kind, objects);
  return found;
}

export interface NamespaceSummary {
  /** `""` for cluster-scoped objects. */
  namespace: string;
  resources: number;
  /** Resources with at least one failed check. */
  failing: number;
  summary: MisconfigurationSummary;
}

/** Failed-check counts per namespace (and `""` for cluster-scoped objects), sorted by namespace. */
export function summarizeByNamespace(resources: readonly AuditedResource[]): NamespaceSummary[] {
  const byNamespace = new Map<string, NamespaceSummary>();
  for (const resource of resources) {
    let entry = byNamespace.get(resource.namespace);
    if (!entry) {
      entry = {
        namespace: resource.namespace,
        resources: 0,
        failing: 0,
        summary: { criticalCount: 0, highCount: 0, mediumCount: 0, lowCount: 0 },
      };
      byNamespace.set(resource.namespace, entry);
    }
    entry.resources++;
    const { criticalCount, highCount, mediumCount, lowCount } = resource.summary;
    if (criticalCount + highCount + mediumCount + lowCount > 0) entry.failing++;
    entry.summary.criticalCount += resource.summary.criticalCount;
    entry.summary.highCount += resource.summary.highCount;
    entry.summary.mediumCount += resource.summary.mediumCount;
    entry.summary.lowCount += resource.summary.lowCount;
  }
  return [...byNamespace.values()].sort((a, b) => compare(a.namespace, b.namespace));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
