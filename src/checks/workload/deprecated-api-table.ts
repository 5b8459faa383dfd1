/**
 * Deprecated Kubernetes APIs (catalogue §1.3), as `[kind, deprecated in, removed in, replacement]`. Upstream stores
 * the extensions/v1beta1, apps/v1beta1 and apps/v1beta2 rows under the wrong group/version keys; here each row sits
 * under the API it describes (see docs/checks.md, "Differences from upstream").
 */
export type DeprecatedApiRow = readonly [
  kind: string,
  deprecatedIn: string,
  removedIn: string,
  replacement?: string,
];

const R = (kind: string, deprecatedIn: string, removedIn: string, replacement?: string): DeprecatedApiRow =>
  replacement === undefined ? [kind, deprecatedIn, removedIn] : [kind, deprecatedIn, removedIn, replacement];

const APPS_V1_ROWS = (since: string): DeprecatedApiRow[] => [
  R('ControllerRevision', since, 'v1.16', 'apps.v1.ControllerRevision'),
  R('ControllerRevisionList', since, 'v1.16', 'apps.v1.ControllerRevisionList'),
  R('Deployment', since, 'v1.16', 'apps.v1.Deployment'),
  R('DeploymentList', since, 'v1.16', 'apps.v1.DeploymentList'),
  R('Scale', since, 'v1.16', 'autoscaling.v1.Scale'),
  R('StatefulSet', since, 'v1.16', 'apps.v1.StatefulSet'),
  R('StatefulSetList', since, 'v1.16', 'apps.v1.StatefulSetList'),
];

const VALIDATING_POLICY_KINDS = [
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingAdmissionPolicyBindingList',
  'ValidatingAdmissionPolicyList',
];

const FLOWCONTROL_KINDS = [
  'FlowSchema',
  'FlowSchemaList',
  'PriorityLevelConfiguration',
  'PriorityLevelConfigurationList',
];

const RBAC_KINDS = [
  'ClusterRole',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'ClusterRoleList',
  'Role',
  'RoleBinding',
  'RoleBindingList',
  'RoleList',
];

export const DEPRECATED_APIS: Readonly<Record<string, readonly DeprecatedApiRow[]>> = {
  'admission.k8s.io/v1beta1': [R('AdmissionReview', 'v1.19', 'v1.22', 'admission.k8s.io.v1.AdmissionReview')],
  'admissionregistration.k8s.io/v1beta1': [
    R(
      'MutatingWebhookConfiguration',
      'v1.16',
      'v1.22',
      'admissionregistration.k8s.io.v1.MutatingWebhookConfiguration',
    ),
    R(
      'MutatingWebhookConfigurationList',
      'v1.16',
      'v1.22',
      'admissionregistration.k8s.io.v1.MutatingWebhookConfigurationList',
    ),
    ...VALIDATING_POLICY_KINDS.map((kind) => R(kind, 'v1.31', 'v1.34')),
    R(
      'ValidatingWebhookConfiguration',
      'v1.16',
      'v1.22',
      'admissionregistration.k8s.io.v1.ValidatingWebhookConfiguration',
    ),
    R(
      'ValidatingWebhookConfigurationList',
      'v1.16',
      'v1.22',
      'admissionregistration.k8s.io.v1.ValidatingWebhookConfigurationList',
    ),
  ],
  'apidiscovery/v2beta1': [
    R('APIGroupDiscovery', 'v1.32', 'v1.35'),
    R('APIGroupDiscoveryList', 'v1.32', 'v1.35'),
  ],
  'extensions/v1beta1': [
    R('DaemonSet', 'v1.8', 'v1.16', 'apps.v1.DaemonSet'),
    R('DaemonSetList', 'v1.8', 'v1.16', 'apps.v1.DaemonSetList'),
    R('Deployment', 'v1.8', 'v1.16', 'apps.v1.Deployment'),
    R('DeploymentList', 'v1.8', 'v1.16', 'apps.v1.DeploymentList'),
    R('DeploymentRollback', 'v1.8', 'v1.16'),
    R('Ingress', 'v1.14', 'v1.22', 'networking.k8s.io.v1.Ingress'),
    R('IngressList', 'v1.14', 'v1.22', 'networking.k8s.io.v1.IngressList'),
    R('NetworkPolicy', 'v1.9', 'v1.16', 'networking.k8s.io.v1.NetworkPolicy'),
    R('NetworkPolicyList', 'v1.9', 'v1.16', 'networking.k8s.io.v1.NetworkPolicyList'),
    R('ReplicaSet', 'v1.8', 'v1.16', 'apps.v1.ReplicaSet'),
    R('ReplicaSetList', 'v1.8', 'v1.16', 'apps.v1.ReplicaSetList'),
    R('Scale', 'v1.2', 'v1.16'),
  ],
  'apps/v1beta1': [
    ...APPS_V1_ROWS('v1.8'),
    R('DeploymentRollback', 'v1.8', 'v1.16', 'apps.v1.DeploymentRollback'),
  ],
  'apps/v1beta2': [
    ...APPS_V1_ROWS('v1.9'),
    R('DaemonSet', 'v1.9', 'v1.16', 'apps.v1.DaemonSet'),
    R('DaemonSetList', 'v1.9', 'v1.16', 'apps.v1.DaemonSetList'),
    R('ReplicaSet', 'v1.9', 'v1.16', 'apps.v1.ReplicaSet'),
    R('ReplicaSetList', 'v1.9', 'v1.16', 'apps.v1.ReplicaSetList'),
  ],
  'authentication.k8s.io/v1beta1': [
    R('SelfSubjectReview', 'v1.30', 'v1.33'),
    R('TokenReview', 'v1.19', 'v1.22', 'authentication.k8s.io.v1.TokenReview'),
  ],
  'authentication/v1alpha1': [R('SelfSubjectReview', 'v1.29', 'v1.32')],
  'authorization.k8s.io/v1beta1': [
    'LocalSubjectAccessReview',
    'SelfSubjectAccessReview',
    'SelfSubjectRulesReview',
    'SubjectAccessReview',
  ].map((kind) => R(kind, 'v1.19', 'v1.22', `authorization.k8s.io.v1.${kind}`)),
  'autoscaling/v2beta1': [
    R('HorizontalPodAutoscaler', 'v1.22', 'v1.25', 'autoscaling.v2.HorizontalPodAutoscaler'),
    R('HorizontalPodAutoscalerList', 'v1.22', 'v1.25', 'autoscaling.v2beta2.HorizontalPodAutoscalerList'),
  ],
  'autoscaling/v2beta2': [
    R('HorizontalPodAutoscaler', 'v1.23', 'v1.26', 'autoscaling.v2.HorizontalPodAutoscaler'),
    R('HorizontalPodAutoscalerList', 'v1.22', 'v1.25'),
  ],
  'batch/v1beta1': [
    R('CronJob', 'v1.21', 'v1.25', 'batch.v1.CronJob'),
    R('CronJobList', 'v1.21', 'v1.25', 'batch.v1.CronJobList'),
  ],
  'certificates.k8s.io/v1beta1': [
    R('CertificateSigningRequest', 'v1.19', 'v1.22', 'certificates.k8s.io.v1.CertificateSigningRequest'),
    R(
      'CertificateSigningRequestList',
      'v1.19',
      'v1.22',
      'certificates.k8s.io.v1.CertificateSigningRequestList',
    ),
  ],
  'certificates/v1alpha1': [
    R('ClusterTrustBundle', 'v1.29', 'v1.32'),
    R('ClusterTrustBundleList', 'v1.29', 'v1.32'),
  ],
  'coordination.k8s.io/v1beta1': [
    R('Lease', 'v1.19', 'v1.22', 'coordination.k8s.io.v1.Lease'),
    R('LeaseList', 'v1.19', 'v1.22', 'coordination.k8s.io.v1.LeaseList'),
  ],
  'discovery.k8s.io/v1beta1': [
    R('EndpointSlice', 'v1.21', 'v1.25', 'discovery.k8s.io.v1.EndpointSlice'),
    R('EndpointSliceList', 'v1.21', 'v1.25', 'discovery.k8s.io.v1.EndpointSlice'),
  ],
  'events/v1beta1': [R('Event', 'v1.22', 'v1.25'), R('EventList', 'v1.22', 'v1.25')],
  'flowcontrol.apiserver.k8s.io/v1beta1': FLOWCONTROL_KINDS.map((kind) =>
    R(kind, 'v1.23', 'v1.26', `flowcontrol.apiserver.k8s.io.v1beta3.${kind}`),
  ),
  'flowcontrol.apiserver.k8s.io/v1beta2': FLOWCONTROL_KINDS.map((kind) =>
    R(kind, 'v1.26', 'v1.29', `flowcontrol.apiserver.k8s.io.v1beta3.${kind}`),
  ),
  'flowcontrol.apiserver.k8s.io/v1beta3': FLOWCONTROL_KINDS.map((kind) =>
    R(kind, 'v1.29', 'v1.32', `flowcontrol.apiserver.k8s.io.v1.${kind}`),
  ),
  'networking.k8s.io/v1beta1': [
    R('Ingress', 'v1.19', 'v1.22', 'networking.k8s.io.v1.Ingress'),
    R('IngressClass', 'v1.19', 'v1.22', 'networking.k8s.io.v1.IngressClassList'),
    R('IngressClassList', 'v1.19', 'v1.22', 'networking.k8s.io.v1.IngressClassList'),
    R('IngressList', 'v1.19', 'v1.22', 'networking.k8s.io.v1.IngressList'),
  ],
  'networking/v1alpha1': ['IPAddress', 'IPAddressList', 'ServiceCIDR', 'ServiceCIDRList'].map((kind) =>
    R(kind, 'v1.30', 'v1.33'),
  ),
  'node/v1beta1': [R('RuntimeClass', 'v1.22', 'v1.25'), R('RuntimeClassList', 'v1.22', 'v1.25')],
  'policy/v1beta1': [
    R('Eviction', 'v1.22', 'v1.25'),
    R('PodDisruptionBudget', 'v1.21', 'v1.25', 'policy.v1.PodDisruptionBudget'),
    R('PodDisruptionBudgetList', 'v1.21', 'v1.25', 'policy.v1.PodDisruptionBudgetList'),
  ],
  'rbac.authorization.k8s.io/v1beta1': RBAC_KINDS.map((kind) =>
    R(kind, 'v1.17', 'v1.22', `rbac.authorization.k8s.io.v1.${kind}`),
  ),
  'scheduling.k8s.io/v1beta1': [
    R('PriorityClass', 'v1.14', 'v1.22', 'scheduling.k8s.io.v1.PriorityClass'),
    R('PriorityClassList', 'v1.14', 'v1.22', 'scheduling.k8s.io.v1.PriorityClassList'),
  ],
  'storage.k8s.io/v1alpha1': [
    R('CSIStorageCapacity', 'v1.21', 'v1.24', 'storage.k8s.io.v1beta1.CSIStorageCapacity'),
    R('CSIStorageCapacityList', 'v1.21', 'v1.24', 'storage.k8s.io.v1beta1.CSIStorageCapacityList'),
    R('VolumeAttachment', 'v1.21', 'v1.24', 'storage.k8s.io.v1.VolumeAttachment'),
    R('VolumeAttachmentList', 'v1.21', 'v1.24', 'storage.k8s.io.v1.VolumeAttachmentList'),
    R('VolumeAttributesClass', 'v1.32', 'v1.35'),
    R('VolumeAttributesClassList', 'v1.32', 'v1.35'),
  ],
  'storage.k8s.io/v1beta1': [
    R('CSIDriver', 'v1.19', 'v1.22', 'storage.k8s.io.v1.CSIDriver'),
    R('CSIDriverList', 'v1.19', 'v1.22', 'storage.k8s.io.v1.CSIDriverList'),
    R('CSINode', 'v1.17', 'v1.22', 'storage.k8s.io.v1.CSINode'),
    R('CSINodeList', 'v1.17', 'v1.22', 'storage.k8s.io.v1.CSINode'),
    R('CSIStorageCapacity', 'v1.24', 'v1.27', 'storage.k8s.io.v1.CSIStorageCapacity'),
    R('CSIStorageCapacityList', 'v1.24', 'v1.27', 'storage.k8s.io.v1.CSIStorageCapacityList'),
    R('StorageClass', 'v1.19', 'v1.22', 'storage.k8s.io.v1.StorageClass'),
    R('StorageClassList', 'v1.19', 'v1.22', 'storage.k8s.io.v1.StorageClassList'),
    R('VolumeAttachment', 'v1.19', 'v1.22', 'storage.k8s.io.v1.VolumeAttachment'),
    R('VolumeAttachmentList', 'v1.19', 'v1.22', 'storage.k8s.io.v1.VolumeAttachmentList'),
  ],
};

/** The Kubernetes source file that records the lifecycle of a group/version (the message's `See` link). */
export function lifecycleReference(apiVersion: string): string {
  const [group = '', version = ''] = apiVersion.split('/');
  const shortGroup = group.split('.')[0] ?? group;
  return `https://github.com/kubernetes/kubernetes/tree/master/staging/src/k8s.io/api/${shortGroup}/${version}/zz_generated.prerelease-lifecycle.go`;
}
