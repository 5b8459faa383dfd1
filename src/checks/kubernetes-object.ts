/**
 * Reading Kubernetes objects the way Trivy's `lib.kubernetes` Rego does (catalogue §0.3): pod templates, containers,
 * the effective container securityContext, presence tests and the cluster version. Every function accepts arbitrary
 * parsed JSON and never throws.
 */
import semver from 'semver';
import type { KubernetesObject } from './types.ts';

export type JsonRecord = Record<string, unknown>;

/** Kinds Trivy calls workloads ("W" in the catalogue). */
export const WORKLOAD_KINDS = [
  'Pod',
  'ReplicaSet',
  'ReplicationController',
  'Deployment',
  'DeploymentConfig',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
] as const;

const TEMPLATE_KINDS = new Set([
  'deployment',
  'statefulset',
  'daemonset',
  'replicaset',
  'replicationcontroller',
  'job',
]);

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function recordAt(value: unknown, key: string): JsonRecord | undefined {
  if (!isRecord(value)) return undefined;
  const child = value[key];
  return isRecord(child) ? child : undefined;
}

export function arrayAt(value: unknown, key: string): unknown[] {
  if (!isRecord(value)) return [];
  const child = value[key];
  return Array.isArray(child) ? child : [];
}

export function stringAt(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const child = value[key];
  return typeof child === 'string' ? child : undefined;
}

/** Rego `has_key`: the key is present, whatever its value (even `null` or `false`). */
export function hasKey(value: unknown, key: string): boolean {
  return isRecord(value) && Object.hasOwn(value, key);
}

/** Rego `has_field`: the key is present and its value is not `false` (`{}`, `[]`, `0` and `""` count). */
export function hasField(value: unknown, key: string): boolean {
  return hasKey(value, key) && (value as JsonRecord)[key] !== false;
}

/** `kind` as written in the object (`{Kind}` in messages). */
export function kindOf(object: KubernetesObject): string {
  return typeof object.kind === 'string' ? object.kind : '';
}

export function nameOf(object: KubernetesObject): string {
  return stringAt(object.metadata, 'name') ?? '';
}

/** `metadata.namespace`, with Kubernetes' own default when it is missing. */
export function namespaceOf(object: KubernetesObject): string {
  const namespace = stringAt(object.metadata, 'namespace');
  return namespace === undefined || namespace === '' ? 'default' : namespace;
}

/** A pod template: the Pod itself, or the template a controller stamps pods from. */
export interface PodTemplate {
  metadata: JsonRecord | undefined;
  spec: JsonRecord;
}

/** The pod template of a workload (§0.3 "Pod template extraction"); undefined for every other kind. */
export function podTemplateOf(object: KubernetesObject): PodTemplate | undefined {
  const kind = kindOf(object).toLowerCase();
  let template: JsonRecord | undefined;
  if (kind === 'pod') {
    template = object as JsonRecord;
  } else if (TEMPLATE_KINDS.has(kind)) {
    template = recordAt(object.spec, 'template');
  } else if (kind === 'deploymentconfig' && object.apiVersion === 'apps.openshift.io/v1') {
    template = recordAt(object.spec, 'template');
  } else if (kind === 'cronjob') {
    template = recordAt(recordAt(recordAt(object.spec, 'jobTemplate'), 'spec'), 'template');
  }
  const spec = recordAt(template, 'spec');
  if (template === undefined || spec === undefined) return undefined;
  return { metadata: recordAt(template, 'metadata'), spec };
}

/** One container (or init container) and the pod spec it belongs to. */
export interface ContainerRef {
  container: JsonRecord;
  /** `container.name` ('' when missing). */
  name: string;
  podSpec: JsonRecord;
  /** Metadata of the pod template the container came from (annotations name containers). */
  podMetadata: JsonRecord | undefined;
}

/**
 * `containers` + `initContainers` of the pod template, plus those of the object's own `spec` (so a custom resource
 * with `spec.containers` is inspected too). Ephemeral containers are ignored, as upstream does.
 */
export function containersOf(object: KubernetesObject): readonly ContainerRef[] {
  const refs: ContainerRef[] = [];
  const seen = new Set<unknown>();
  const collect = (spec: JsonRecord, metadata: JsonRecord | undefined): void => {
    for (const key of ['containers', 'initContainers']) {
      for (const container of arrayAt(spec, key)) {
        if (!isRecord(container) || seen.has(container)) continue;
        seen.add(container);
        const name = typeof container.name === 'string' ? container.name : '';
        refs.push({ container, name, podSpec: spec, podMetadata: metadata });
      }
    }
  };
  const template = podTemplateOf(object);
  if (template !== undefined) collect(template.spec, template.metadata);
  const ownSpec = recordAt(object, 'spec');
  if (ownSpec !== undefined) collect(ownSpec, recordAt(object, 'metadata'));
  return refs;
}

/** Pod-level securityContext fields a container inherits (the only six Kubernetes merges). */
const INHERITED_POD_FIELDS = [
  'runAsGroup',
  'runAsNonRoot',
  'runAsUser',
  'seLinuxOptions',
  'seccompProfile',
  'windowsOptions',
] as const;

/** Rego `object.union`: nested objects merge key by key; otherwise the right-hand value wins. */
function union(left: JsonRecord, right: JsonRecord): JsonRecord {
  const merged: JsonRecord = { ...left };
  for (const [key, value] of Object.entries(right)) {
    const previous = merged[key];
    merged[key] = isRecord(previous) && isRecord(value) ? union(previous, value) : value;
  }
  return merged;
}

/** The container's securityContext with the six pod-level fields filled in where the container does not set them. */
export function effectiveSecurityContext(ref: ContainerRef): JsonRecord {
  const podContext = recordAt(ref.podSpec, 'securityContext');
  const inherited: JsonRecord = {};
  if (podContext !== undefined) {
    for (const field of INHERITED_POD_FIELDS) {
      if (Object.hasOwn(podContext, field)) inherited[field] = podContext[field];
    }
  }
  const own = recordAt(ref.container, 'securityContext') ?? {};
  return union(inherited, own);
}

/** Pod specs to inspect for pod-level settings: the template's spec (for a Pod, its own spec). */
export function podSpecOf(object: KubernetesObject): JsonRecord | undefined {
  return podTemplateOf(object)?.spec;
}

/** Volumes of the pod template. */
export function volumesOf(object: KubernetesObject): JsonRecord[] {
  return arrayAt(podSpecOf(object), 'volumes').filter(isRecord);
}

/** Pod-template annotations (the Pod's own for a Pod); string values only. */
export function podAnnotationsOf(metadata: JsonRecord | undefined): Record<string, string> {
  const annotations = recordAt(metadata, 'annotations');
  const result: Record<string, string> = {};
  if (annotations === undefined) return result;
  for (const [key, value] of Object.entries(annotations)) if (typeof value === 'string') result[key] = value;
  return result;
}

/** Capability names from `securityContext.capabilities[field]`, strings only. */
export function capabilityList(context: JsonRecord, field: 'add' | 'drop'): string[] {
  return arrayAt(recordAt(context, 'capabilities'), field).filter((c): c is string => typeof c === 'string');
}

/** Rego `sprintf("%s", set)`: `{"a", "b"}`, elements sorted and de-duplicated. */
export function renderRegoSet(values: Iterable<string>): string {
  const sorted = [...new Set(values)].sort(compareStrings);
  return `{${sorted.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/** Rego `sprintf("%s", array)`: `["a", "b"]`. */
export function renderRegoArray(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}

/** Byte-wise ordering, as Rego sorts strings (not locale-aware). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go's `%q` for the strings that occur in messages: a JSON string literal is the same for printable text. */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}

let lastVersionInput: string | undefined;
let lastVersionParsed: semver.SemVer | null = null;

/**
 * Parses a cluster version the way the checks compare it: semver, where a distribution suffix such as `-gke.1000`
 * is a pre-release tag. A leading `v` (as in the API server's `gitVersion`) is accepted. Unparseable → undefined.
 */
export function parseClusterVersion(version: string | undefined): semver.SemVer | undefined {
  if (version === undefined) return undefined;
  if (version !== lastVersionInput) {
    lastVersionInput = version;
    lastVersionParsed = semver.parse(version.trim());
  }
  return lastVersionParsed ?? undefined;
}

/** `version >= minimum` where minimum is `major.minor` or `vMajor.minor` (e.g. `v1.22`), under semver rules. */
export function clusterVersionAtLeast(version: semver.SemVer, minimum: string): boolean {
  const parsed = semver.coerce(minimum);
  return parsed !== null && semver.gte(version, parsed);
}
