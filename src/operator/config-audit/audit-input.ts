/**
 * The document the checks see for a live object, and the `resource-spec-hash` that says whether it changed.
 *
 * Upstream hashes the whole cached object for non-workload kinds, resourceVersion and status included, so every
 * status update re-evaluates (contract gap #10). Here the hash covers exactly the document that is evaluated, and
 * that document leaves out what the API server and controllers change on their own: status, resourceVersion,
 * generation, uid, timestamps, managed fields, and the replica bookkeeping a Deployment (or DeploymentConfig)
 * writes on the ReplicaSets (ReplicationControllers) it scales. Status-only or resourceVersion-only churn therefore
 * leaves the hash, and the report, alone.
 */
import type { KubernetesObject } from '../../checks/types.ts';
import { shortHash } from '../kube/hash.ts';

/** Set by `kubectl apply`: the object as the user wrote it, including the API version they used (catalogue §0.3). */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

const VOLATILE_METADATA = [
  'resourceVersion',
  'generation',
  'managedFields',
  'uid',
  'creationTimestamp',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
] as const;

/** Annotations a controller rewrites when it scales or rolls out the object it owns. */
const CONTROLLER_BOOKKEEPING: Readonly<Record<string, { owner: string; prefix: string }>> = {
  ReplicaSet: { owner: 'Deployment', prefix: 'deployment.kubernetes.io/' },
  ReplicationController: { owner: 'DeploymentConfig', prefix: 'openshift.io/deployment' },
};

type JsonRecord = Record<string, unknown>;

const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseLastApplied(text: string | undefined): JsonRecord | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) && typeof parsed.kind === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function controllerKind(object: KubernetesObject): string | undefined {
  const references = object.metadata?.ownerReferences;
  if (!Array.isArray(references)) return undefined;
  const controller = references.find((reference) => isRecord(reference) && reference.controller === true);
  return isRecord(controller) && typeof controller.kind === 'string' ? controller.kind : undefined;
}

/**
 * What the checks evaluate for a live object of `kind` (`apiVersion` fills in when list items lack it): the object
 * without the fields listed above, under the `apiVersion` of its last-applied configuration when it has one.
 *
 * Upstream evaluates the last-applied configuration itself, so that deprecated API versions are seen (the API
 * server serves the object at its preferred version). But that annotation is only rewritten by `kubectl apply`:
 * after a `kubectl patch`, `set image` or `scale`, upstream reports on what was once applied, not on what runs —
 * a Role patched to grant `*` would keep a clean report. Here the live object is evaluated and only the applied
 * `apiVersion` is taken from the annotation.
 */
export function auditDocument(object: KubernetesObject, kind: string, apiVersion: string): KubernetesObject {
  const live = object as JsonRecord & KubernetesObject;
  const liveMetadata: JsonRecord = isRecord(live.metadata) ? live.metadata : {};
  const lastApplied = parseLastApplied(
    isRecord(liveMetadata.annotations)
      ? (liveMetadata.annotations[LAST_APPLIED_ANNOTATION] as string | undefined)
      : undefined,
  );
  const appliedApiVersion =
    lastApplied && lastApplied.kind === kind && typeof lastApplied.apiVersion === 'string'
      ? lastApplied.apiVersion
      : undefined;
  const { status: _status, metadata: _metadata, ...rest } = live;
  const metadata: JsonRecord = { ...liveMetadata };
  for (const field of VOLATILE_METADATA) delete metadata[field];
  rest.apiVersion = appliedApiVersion ?? live.apiVersion ?? apiVersion;
  rest.kind = kind;

  const bookkeeping = CONTROLLER_BOOKKEEPING[kind];
  const ownedByController = bookkeeping !== undefined && controllerKind(object) === bookkeeping.owner;
  if (isRecord(metadata.annotations)) {
    const annotations: JsonRecord = {};
    for (const [key, value] of Object.entries(metadata.annotations)) {
      if (key === LAST_APPLIED_ANNOTATION) continue;
      if (ownedByController && key.startsWith(bookkeeping.prefix)) continue;
      annotations[key] = value;
    }
    if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
    else delete metadata.annotations;
  }
  const document: JsonRecord = { ...rest, metadata };
  if (ownedByController && isRecord(document.spec)) {
    const { replicas: _replicas, ...spec } = document.spec;
    document.spec = spec;
  }
  return document as KubernetesObject;
}

/** `resource-spec-hash` of a misconfiguration report: changes exactly when the evaluated document changes. */
export function auditDocumentHash(document: KubernetesObject): string {
  return shortHash(document);
}
