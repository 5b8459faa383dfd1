/**
 * Which kinds the config audit looks at, where they live in the API, and which report kind each one gets
 * (contract §2.4, §3.4, catalogue §0.4).
 */
import type { ConfigAuditKind, OperatorEnv } from '../config/index.ts';
import type { WorkloadKind } from '../kube/pod-spec.ts';
import { builtin, type ResourceType } from '../kube/resource-types.ts';
import type { ReportKind } from '../reports/types.ts';

/** Workload kinds come from the operator's workload view (shared with the image reports). */
export const WORKLOAD_AUDIT_KINDS: ReadonlySet<string> = new Set<WorkloadKind>([
  'Pod',
  'ReplicaSet',
  'ReplicationController',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
]);

/** Every other audited kind is watched by the config audit itself. */
export const RESOURCE_AUDIT_TYPES: Readonly<Partial<Record<ConfigAuditKind, ResourceType>>> = {
  Service: builtin.service,
  ConfigMap: builtin.configMap,
  Role: builtin.role,
  RoleBinding: builtin.roleBinding,
  ClusterRole: builtin.clusterRole,
  ClusterRoleBinding: builtin.clusterRoleBinding,
  NetworkPolicy: builtin.networkPolicy,
  Ingress: builtin.ingress,
  LimitRange: builtin.limitRange,
  ResourceQuota: builtin.resourceQuota,
  PersistentVolume: builtin.persistentVolume,
  PersistentVolumeClaim: builtin.persistentVolumeClaim,
  CustomResourceDefinition: builtin.customResourceDefinition,
};

const RBAC_KINDS: ReadonlySet<string> = new Set(['Role', 'ClusterRole']);
const CLUSTER_SCOPED: ReadonlySet<string> = new Set(
  Object.values(RESOURCE_AUDIT_TYPES)
    .filter((type) => !type.namespaced)
    .map((type) => type.kind),
);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

export function isRbacKind(kind: string): boolean {
  return RBAC_KINDS.has(kind);
}

/**
 * The kinds audited under this configuration: `trivy.supportedConfigAuditKinds`, workloads only among
 * `OPERATOR_TARGET_WORKLOADS` (so Deployments report through their ReplicaSets, as upstream), Roles and
 * ClusterRoles only with the RBAC assessment scanner on.
 */
export function auditedKinds(
  supported: readonly ConfigAuditKind[],
  env: Pick<OperatorEnv, 'targetWorkloads' | 'rbacAssessmentScannerEnabled'>,
): ReadonlySet<string> {
  const targets = new Set<string>(env.targetWorkloads);
  const kinds = new Set<string>();
  for (const kind of supported) {
    if (WORKLOAD_AUDIT_KINDS.has(kind)) {
      if (targets.has(kind)) kinds.add(kind);
    } else if (RESOURCE_AUDIT_TYPES[kind]) {
      if (!isRbacKind(kind) || env.rbacAssessmentScannerEnabled) kinds.add(kind);
    }
  }
  return kinds;
}

/** The report kind an audited object gets: RBAC assessments for Roles and ClusterRoles unless merged. */
export function reportKindFor(objectKind: string, mergeRbacWithConfigAudit: boolean): ReportKind {
  const cluster = isClusterScoped(objectKind);
  if (isRbacKind(objectKind) && !mergeRbacWithConfigAudit) {
    return cluster ? 'ClusterRbacAssessmentReport' : 'RbacAssessmentReport';
  }
  return cluster ? 'ClusterConfigAuditReport' : 'ConfigAuditReport';
}

/** All report kinds the config audit may write or clean up, for the report cache (and the metrics reading it). */
export function configAuditReportKinds(
  env: Pick<OperatorEnv, 'configAuditScannerEnabled' | 'rbacAssessmentScannerEnabled'>,
): ReportKind[] {
  if (!env.configAuditScannerEnabled) return [];
  const kinds: ReportKind[] = ['ConfigAuditReport', 'ClusterConfigAuditReport'];
  if (env.rbacAssessmentScannerEnabled) kinds.push('RbacAssessmentReport', 'ClusterRbacAssessmentReport');
  return kinds;
}
