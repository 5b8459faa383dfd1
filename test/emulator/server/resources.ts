import type { KubeObject, ResourceRef } from '../api.ts';
import { ApiError } from './status.ts';

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

/** Where a type keeps what its `scale` subresource shows (CRD `subresources.scale` field names). */
export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** Everything the server knows about one served resource type. */
export interface ResourceType {
  group: string;
  version: string;
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: string[];
  /** Set for custom resources: the CRD's schema for this version and its printer columns. */
  custom?: {
    crdName: string;
    schema: Record<string, unknown> | undefined;
    printerColumns: PrinterColumn[];
    /** All versions served for the group/resource, so objects can be listed under any of them. */
    storageVersion: string;
    scale?: ScalePaths;
  };
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface BuiltinSpec {
  g: string;
  v: string;
  r: string;
  k: string;
  ns: boolean;
  short?: string[];
  cat?: string[];
  sub?: string[];
  /** Create-only review APIs: answered by the server, never stored. */
  review?: boolean;
}

const BUILTINS: BuiltinSpec[] = [
  { g: '', v: 'v1', r: 'namespaces', k: 'Namespace', ns: false, short: ['ns'], sub: ['status'] },
  { g: '', v: 'v1', r: 'nodes', k: 'Node', ns: false, short: ['no'], sub: ['status'] },
  { g: '', v: 'v1', r: 'pods', k: 'Pod', ns: true, short: ['po'], cat: ['all'], sub: ['status', 'log'] },
  { g: '', v: 'v1', r: 'services', k: 'Service', ns: true, short: ['svc'], cat: ['all'], sub: ['status'] },
  { g: '', v: 'v1', r: 'configmaps', k: 'ConfigMap', ns: true, short: ['cm'] },
  { g: '', v: 'v1', r: 'secrets', k: 'Secret', ns: true },
  { g: '', v: 'v1', r: 'serviceaccounts', k: 'ServiceAccount', ns: true, short: ['sa'] },
  { g: '', v: 'v1', r: 'events', k: 'Event', ns: true, short: ['ev'] },
  {
    g: '',
    v: 'v1',
    r: 'replicationcontrollers',
    k: 'ReplicationController',
    ns: true,
    short: ['rc'],
    cat: ['all'],
    sub: ['status', 'scale'],
  },
  {
    g: '',
    v: 'v1',
    r: 'persistentvolumes',
    k: 'PersistentVolume',
    ns: false,
    short: ['pv'],
    sub: ['status'],
  },
  {
    g: '',
    v: 'v1',
    r: 'persistentvolumeclaims',
    k: 'PersistentVolumeClaim',
    ns: true,
    short: ['pvc'],
    sub: ['status'],
  },
  { g: '', v: 'v1', r: 'limitranges', k: 'LimitRange', ns: true, short: ['limits'] },
  { g: '', v: 'v1', r: 'resourcequotas', k: 'ResourceQuota', ns: true, short: ['quota'], sub: ['status'] },
  {
    g: 'apps',
    v: 'v1',
    r: 'deployments',
    k: 'Deployment',
    ns: true,
    short: ['deploy'],
    cat: ['all'],
    sub: ['status', 'scale'],
  },
  {
    g: 'apps',
    v: 'v1',
    r: 'replicasets',
    k: 'ReplicaSet',
    ns: true,
    short: ['rs'],
    cat: ['all'],
    sub: ['status', 'scale'],
  },
  {
    g: 'apps',
    v: 'v1',
    r: 'statefulsets',
    k: 'StatefulSet',
    ns: true,
    short: ['sts'],
    cat: ['all'],
    sub: ['status', 'scale'],
  },
  {
    g: 'apps',
    v: 'v1',
    r: 'daemonsets',
    k: 'DaemonSet',
    ns: true,
    short: ['ds'],
    cat: ['all'],
    sub: ['status'],
  },
  { g: 'apps', v: 'v1', r: 'controllerrevisions', k: 'ControllerRevision', ns: true },
  { g: 'batch', v: 'v1', r: 'jobs', k: 'Job', ns: true, cat: ['all'], sub: ['status'] },
  {
    g: 'batch',
    v: 'v1',
    r: 'cronjobs',
    k: 'CronJob',
    ns: true,
    short: ['cj'],
    cat: ['all'],
    sub: ['status'],
  },
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'roles', k: 'Role', ns: true },
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'clusterroles', k: 'ClusterRole', ns: false },
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'rolebindings', k: 'RoleBinding', ns: true },
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'clusterrolebindings', k: 'ClusterRoleBinding', ns: false },
  { g: 'networking.k8s.io', v: 'v1', r: 'networkpolicies', k: 'NetworkPolicy', ns: true, short: ['netpol'] },
  {
    g: 'networking.k8s.io',
    v: 'v1',
    r: 'ingresses',
    k: 'Ingress',
    ns: true,
    short: ['ing'],
    sub: ['status'],
  },
  { g: 'coordination.k8s.io', v: 'v1', r: 'leases', k: 'Lease', ns: true },
  {
    g: 'apiextensions.k8s.io',
    v: 'v1',
    r: 'customresourcedefinitions',
    k: 'CustomResourceDefinition',
    ns: false,
    short: ['crd', 'crds'],
    sub: ['status'],
  },
  {
    g: 'admissionregistration.k8s.io',
    v: 'v1',
    r: 'validatingwebhookconfigurations',
    k: 'ValidatingWebhookConfiguration',
    ns: false,
    cat: ['api-extensions'],
  },
  {
    g: 'admissionregistration.k8s.io',
    v: 'v1',
    r: 'mutatingwebhookconfigurations',
    k: 'MutatingWebhookConfiguration',
    ns: false,
    cat: ['api-extensions'],
  },
  { g: 'events.k8s.io', v: 'v1', r: 'events', k: 'Event', ns: true, short: ['ev'] },
  {
    g: 'authorization.k8s.io',
    v: 'v1',
    r: 'selfsubjectaccessreviews',
    k: 'SelfSubjectAccessReview',
    ns: false,
    review: true,
  },
];

export const CRD_REF: ResourceRef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
};
export const NAMESPACE_REF: ResourceRef = { group: '', version: 'v1', resource: 'namespaces' };

function builtinTypes(): ResourceType[] {
  return BUILTINS.map((b) => ({
    group: b.g,
    version: b.v,
    resource: b.r,
    kind: b.k,
    singular: b.k.toLowerCase(),
    namespaced: b.ns,
    shortNames: b.short ?? [],
    categories: b.cat ?? [],
    verbs: b.review ? ['create'] : ALL_VERBS,
    subresources: b.sub ?? [],
  }));
}

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: { status?: unknown; scale?: ScalePaths };
  additionalPrinterColumns?: PrinterColumn[];
}

interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: { plural: string; singular?: string; kind: string; shortNames?: string[]; categories?: string[] };
  versions: CrdVersion[];
}

/** The resource types a CRD object serves, one per served version. */
export function typesFromCrd(crd: KubeObject): ResourceType[] {
  const spec = crd.spec as CrdSpec;
  const storage = spec.versions.find((v) => v.storage)?.name ?? spec.versions[0]?.name ?? '';
  return spec.versions
    .filter((v) => v.served !== false)
    .map((v) => ({
      group: spec.group,
      version: v.name,
      resource: spec.names.plural,
      kind: spec.names.kind,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      namespaced: spec.scope === 'Namespaced',
      shortNames: spec.names.shortNames ?? [],
      categories: spec.names.categories ?? [],
      verbs: ALL_VERBS,
      subresources: [
        ...(v.subresources?.status !== undefined ? ['status'] : []),
        ...(v.subresources?.scale !== undefined ? ['scale'] : []),
      ],
      custom: {
        crdName: crd.metadata.name ?? '',
        schema: v.schema?.openAPIV3Schema,
        printerColumns: v.additionalPrinterColumns ?? [],
        storageVersion: storage,
        ...(v.subresources?.scale ? { scale: v.subresources.scale } : {}),
      },
    }));
}

/** The served resource types: fixed built-ins plus whatever established CRDs add. */
export class ResourceRegistry {
  readonly #builtins: ResourceType[] = builtinTypes();
  #custom = new Map<string, ResourceType[]>();

  setCrdTypes(crdName: string, types: ResourceType[]): void {
    if (types.length === 0) this.#custom.delete(crdName);
    else this.#custom.set(crdName, types);
  }

  all(): ResourceType[] {
    return [...this.#builtins, ...[...this.#custom.values()].flat()];
  }

  find(group: string, version: string, resource: string): ResourceType | undefined {
    return this.all().find((t) => t.group === group && t.version === version && t.resource === resource);
  }

  /** Any version of a group/resource: the store keys objects by group and resource only. */
  findAnyVersion(group: string, resource: string): ResourceType | undefined {
    return this.all().find((t) => t.group === group && t.resource === resource);
  }

  groupVersions(): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const t of this.all()) {
      const versions = groups.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      groups.set(t.group, versions);
    }
    return groups;
  }

  resolve(ref: ResourceRef): ResourceType {
    const type = this.find(ref.group, ref.version, ref.resource);
    if (!type) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
    return type;
  }
}

export function apiVersionOf(type: { group: string; version: string }): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** `Deployment.apps`, `Pod`: how validation messages name a kind. */
export function kindLabel(type: ResourceType): string {
  return type.group === '' ? type.kind : `${type.kind}.${type.group}`;
}
