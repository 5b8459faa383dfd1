/** `trivy-ts k8s` options: kept apart from the implementation so that defining the command loads nothing heavy. */
export const reports = ['summary', 'all'] as const;
export const formats = ['table', 'json'] as const;

/** The kinds `trivy-ts k8s` audits, for `--help` (must match CLUSTER_AUDIT_TYPES in cluster-audit.ts). */
export const AUDITED_KIND_NAMES = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
  'ReplicaSet',
  'ReplicationController',
  'Pod',
  'Service',
  'ConfigMap',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'NetworkPolicy',
  'Ingress',
  'LimitRange',
  'ResourceQuota',
  'PersistentVolume',
  'PersistentVolumeClaim',
] as const;

export interface K8sOptions {
  report: (typeof reports)[number];
  format: (typeof formats)[number];
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  kinds?: string;
  severity: string;
  exitCode: string;
  k8sVersion?: string;
  output?: string;
}
