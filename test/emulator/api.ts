/**
 * The in-process contract between the emulator's API server (storage, HTTP, watch) and the simulated cluster
 * behaviour (controllers, node agent). The server side implements ClusterStore; controllers only use it.
 * Test infrastructure only: never imported from src/.
 */

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Identifies a resource type: `{ group: 'apps', version: 'v1', resource: 'deployments' }`; core group is ''. */
export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceRef;
  object: KubeObject;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  /** Delete only if the object still has this uid / resourceVersion (preconditions). */
  preconditions?: { uid?: string; resourceVersion?: string };
}

/**
 * Errors thrown by the store carry the Kubernetes Status shape so the HTTP layer can return them as is.
 * `reason` is the Status reason (NotFound, AlreadyExists, Conflict, Invalid, Forbidden, ...).
 */
export interface ApiStatusError extends Error {
  status: {
    kind: 'Status';
    apiVersion: 'v1';
    metadata: Record<string, never>;
    status: 'Failure';
    message: string;
    reason: string;
    details?: Record<string, unknown>;
    code: number;
  };
}

export interface ClusterStore {
  get(resource: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined;
  list(resource: ResourceRef, namespace?: string, options?: ListOptions): KubeObject[];
  /** Assigns uid, resourceVersion, creationTimestamp, generation and a name from generateName. */
  create(resource: ResourceRef, object: KubeObject): KubeObject;
  /** Replaces the object; a stale metadata.resourceVersion fails with 409 Conflict. Ignores status where the resource has a status subresource. */
  update(resource: ResourceRef, object: KubeObject): KubeObject;
  /** The `/status` subresource: only status changes are kept. */
  updateStatus(resource: ResourceRef, object: KubeObject): KubeObject;
  /** Honours finalizers, propagationPolicy and ownerReference garbage collection as a real API server does. */
  delete(resource: ResourceRef, namespace: string | undefined, name: string, options?: DeleteOptions): void;
  /** Every committed change, in resourceVersion order. Returns an unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void;
}
