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
  /**
   * In-process only (no HTTP equivalent): objects whose controller ownerReference has this uid. Filtering happens
   * before objects are copied, so a controller looking up what it owns costs no more than its own objects.
   */
  controllerUid?: string;
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
  /**
   * Honours finalizers, propagationPolicy and ownerReference garbage collection as a real API server does
   * (including its default: without a propagationPolicy, batch/v1 Jobs orphan their Pods).
   */
  delete(resource: ResourceRef, namespace: string | undefined, name: string, options?: DeleteOptions): void;
  /** Every committed change, in resourceVersion order. Returns an unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void;
}

/**
 * Serves `GET /api/v1/namespaces/NS/pods/NAME/log` (`kubectl logs`). The simulated cluster's node agent implements it
 * with the captured stdout/stderr of the processes it ran. `container` omitted means the pod's only container; the
 * result is undefined when there is no such pod or container, or when the pod has several containers and none was
 * named (the server then answers with the real "a container name must be specified" error).
 */
export interface PodLogSource {
  read(namespace: string, pod: string, container?: string): string | undefined;
}

/** A fault the server injects into the Nth request matching `method` and `path`. */
export interface RequestFault {
  /** HTTP method (GET, POST, PUT, PATCH, DELETE); any method when omitted. */
  method?: string;
  /** Matched against the request path (without query); a string must be a substring. */
  path: RegExp | string;
  /** Status code to answer with: 409 Conflict, 429 TooManyRequests or 500 InternalError. */
  status: 409 | 429 | 500;
  /** Which matching request fails, counting from 1 after the fault is added (default 1). */
  nth?: number;
  /** How many consecutive matching requests fail from the Nth on (default 1). */
  times?: number;
}

/** Fault injection, for tests that prove clients recover. */
export interface Faults {
  /** Abruptly closes every open watch connection. */
  dropWatches(): void;
  /** Arms a request fault; returns a function that disarms it. */
  failRequest(fault: RequestFault): () => void;
  /** Delays every matching request (all requests when `path` is omitted) by `ms`; 0 removes it. */
  setLatency(ms: number, path?: RegExp | string): void;
  /** Drops every connection and listens again on the same port; data and resourceVersion continue. */
  restart(): Promise<void>;
  /** Forgets the watch history, so a watch from any older resourceVersion gets 410 Gone. */
  compact(): void;
}

/** Simulated cluster behaviour (controllers, node agent) plugged into the emulator at start. */
export interface EmulatorExtension {
  start(context: ExtensionContext): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface ExtensionContext {
  store: ClusterStore;
  faults: Faults;
  setPodLogSource(source: PodLogSource): void;
}
