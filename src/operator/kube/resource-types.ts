/** Where a kind lives in the API: enough to build its REST paths. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

const core = (kind: string, plural: string, namespaced = true): ResourceType => ({
  group: '',
  version: 'v1',
  kind,
  plural,
  namespaced,
});
const typed = (
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced = true,
): ResourceType => ({
  group,
  version,
  kind,
  plural,
  namespaced,
});

/** The built-in kinds the operator reads or writes. */
export const builtin = {
  namespace: core('Namespace', 'namespaces', false),
  node: core('Node', 'nodes', false),
  pod: core('Pod', 'pods'),
  secret: core('Secret', 'secrets'),
  configMap: core('ConfigMap', 'configmaps'),
  serviceAccount: core('ServiceAccount', 'serviceaccounts'),
  event: core('Event', 'events'),
  replicationController: core('ReplicationController', 'replicationcontrollers'),
  service: core('Service', 'services'),
  persistentVolumeClaim: core('PersistentVolumeClaim', 'persistentvolumeclaims'),
  persistentVolume: core('PersistentVolume', 'persistentvolumes', false),
  limitRange: core('LimitRange', 'limitranges'),
  resourceQuota: core('ResourceQuota', 'resourcequotas'),
  deployment: typed('apps', 'v1', 'Deployment', 'deployments'),
  replicaSet: typed('apps', 'v1', 'ReplicaSet', 'replicasets'),
  statefulSet: typed('apps', 'v1', 'StatefulSet', 'statefulsets'),
  daemonSet: typed('apps', 'v1', 'DaemonSet', 'daemonsets'),
  job: typed('batch', 'v1', 'Job', 'jobs'),
  cronJob: typed('batch', 'v1', 'CronJob', 'cronjobs'),
  lease: typed('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  role: typed('rbac.authorization.k8s.io', 'v1', 'Role', 'roles'),
  roleBinding: typed('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings'),
  clusterRole: typed('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  clusterRoleBinding: typed(
    'rbac.authorization.k8s.io',
    'v1',
    'ClusterRoleBinding',
    'clusterrolebindings',
    false,
  ),
  networkPolicy: typed('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies'),
  ingress: typed('networking.k8s.io', 'v1', 'Ingress', 'ingresses'),
  customResourceDefinition: typed(
    'apiextensions.k8s.io',
    'v1',
    'CustomResourceDefinition',
    'customresourcedefinitions',
    false,
  ),
} as const satisfies Record<string, ResourceType>;

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** `/api/v1/namespaces/ns/pods/name` and the collection forms. */
export function resourcePath(
  type: ResourceType,
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  const base = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const scope = type.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const object = name === undefined ? '' : `/${encodeURIComponent(name)}`;
  const sub = subresource ? `/${subresource}` : '';
  return `${base}${scope}/${type.plural}${object}${sub}`;
}
