import { randomUUID } from 'node:crypto';
import type {
  ClusterStore,
  DeleteOptions,
  KubeObject,
  ListOptions,
  OwnerReference,
  ResourceRef,
  StoreEvent,
  WatchEventType,
} from '../api.ts';
import {
  CRD_REF,
  NAMESPACE_REF,
  ResourceRegistry,
  apiVersionOf,
  kindLabel,
  typesFromCrd,
} from './resources.ts';
import type { ResourceType } from './resources.ts';
import { applyDefaults, validateBuiltin } from './defaults.ts';
import { dns1035LabelErrors, dns1123LabelErrors, dns1123SubdomainErrors } from './field-error.ts';
import { decodeCrd, inspectCrd } from './crd-decode.ts';
import { applyCrdDefaults, storedVersionsAfter, validateCrd } from './crd-validation.ts';
import { validateAnnotations, validateLabels } from './meta-validation.ts';
import { pruneAndDefault, validateAgainstSchema } from './schema.ts';
import type { StructuralSchema } from './schema.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  etcdTooLarge,
  gone,
  invalid,
  notFound,
} from './status.ts';
import type { StatusCause } from './status.ts';

/** etcd's default request limit (1.5 MiB); the emulator measures an object's JSON size against it. */
export const ETCD_MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

export interface StoreOptions {
  /** How many changes are kept for watches that resume from a resourceVersion (default 10000). */
  historySize?: number;
  maxObjectBytes?: number;
}

/** A committed change, as watches see it: with its resourceVersion and the object before it. */
export interface StoredEvent {
  rv: number;
  type: WatchEventType;
  group: string;
  resource: string;
  object: KubeObject;
  previous?: KubeObject;
}

const SERVICE_ACCOUNT_REF: ResourceRef = { group: '', version: 'v1', resource: 'serviceaccounts' };

/** Namespaces the real API server refuses to delete. */
const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public'];
const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';
const ORPHAN_FINALIZER = 'orphan';
const FOREGROUND_FINALIZER = 'foregroundDeletion';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Kubernetes' ValidatePathSegmentName: any name that is usable as one segment of a URL path. */
function pathSegmentNameErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  return ['/', '%']
    .filter((illegal) => name.includes(illegal))
    .map((illegal) => `may not contain '${illegal}'`);
}

/**
 * The name rule of each kind, as the real API server has them: RBAC objects are path segments (`system:node`),
 * Namespaces DNS-1123 labels, Services DNS-1035 labels (they become DNS names), everything else DNS-1123 subdomains.
 */
function nameErrors(type: ResourceType, name: string): string[] {
  if (type.group === RBAC_GROUP) return pathSegmentNameErrors(name);
  if (type.group === '' && type.resource === 'namespaces') return dns1123LabelErrors(name);
  if (type.group === '' && type.resource === 'services') return dns1035LabelErrors(name);
  return dns1123SubdomainErrors(name);
}

/** Kinds whose API strategy tracks metadata.generation (workloads, CRDs, custom resources, ...). */
const GENERATION_GROUPS = new Set([
  'apps',
  'batch',
  'networking.k8s.io',
  'apiextensions.k8s.io',
  'admissionregistration.k8s.io',
]);

function hasGeneration(type: ResourceType): boolean {
  return (
    type.custom !== undefined ||
    GENERATION_GROUPS.has(type.group) ||
    type.resource === 'replicationcontrollers'
  );
}

function typeKey(group: string, resource: string): string {
  return `${group}/${resource}`;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

function controllerUidOf(object: KubeObject | undefined): string | undefined {
  return object?.metadata.ownerReferences?.find((ref) => ref.controller === true)?.uid;
}

function withoutMetaAndStatus(object: KubeObject): string {
  const { metadata: _m, status: _s, ...rest } = object;
  return JSON.stringify(rest);
}

function crdDecodingError(detail: string): ApiError {
  return badRequest(
    `CustomResourceDefinition in version "v1" cannot be handled as a CustomResourceDefinition: ${detail}`,
  );
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

/**
 * The emulator's storage: objects of every served type, a global resourceVersion, a bounded watch history,
 * CRD establishment, namespace and CRD cleanup, finalizers and ownerReference garbage collection.
 */
export class MemoryClusterStore implements ClusterStore {
  readonly registry = new ResourceRegistry();
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  readonly #byUid = new Map<string, { group: string; resource: string; key: string }>();
  /** Owner uid → type key → object keys of every object with an ownerReference to it (controller or not). */
  readonly #dependents = new Map<string, Map<string, Set<string>>>();
  /** Objects the garbage collector must look at (type key → object keys), filled as changes happen. */
  readonly #gcQueue = new Map<string, Set<string>>();
  readonly #history: StoredEvent[] = [];
  readonly #historySize: number;
  readonly #maxObjectBytes: number;
  readonly #listeners = new Set<(event: StoreEvent) => void>();
  readonly #watchers = new Set<(event: StoredEvent) => void>();
  readonly #pendingDeliveries: Array<() => void> = [];
  #delivering = false;
  #rv = 0;
  #compactedRv = 0;
  #gcScheduled = false;

  constructor(options: StoreOptions = {}) {
    this.#historySize = options.historySize ?? 10000;
    this.#maxObjectBytes = options.maxObjectBytes ?? ETCD_MAX_OBJECT_BYTES;
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.create(NAMESPACE_REF, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
  }

  get resourceVersion(): number {
    return this.#rv;
  }

  /** The oldest resourceVersion a watch may still resume from. */
  get compactedResourceVersion(): number {
    return this.#compactedRv;
  }

  typeOf(ref: ResourceRef): ResourceType {
    return this.registry.resolve(ref);
  }

  #bucket(type: { group: string; resource: string }): Map<string, KubeObject> {
    const key = typeKey(type.group, type.resource);
    let bucket = this.#objects.get(key);
    if (!bucket) {
      bucket = new Map();
      this.#objects.set(key, bucket);
    }
    return bucket;
  }

  #present(type: ResourceType, object: KubeObject): KubeObject {
    const copy = structuredClone(object);
    copy.apiVersion = apiVersionOf(type);
    copy.kind = type.kind;
    return copy;
  }

  get(resource: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const type = this.typeOf(resource);
    const found = this.#bucket(type).get(objectKey(type.namespaced ? namespace : undefined, name));
    return found ? this.#present(type, found) : undefined;
  }

  list(resource: ResourceRef, namespace?: string, options: ListOptions = {}): KubeObject[] {
    return this.listPage(resource, namespace, options).items;
  }

  /**
   * One page of a list in `namespace/name` order: objects after the key `after`, at most `limit` of them.
   * Only the returned objects are copied, so paging through a large collection stays cheap.
   */
  listPage(
    resource: ResourceRef,
    namespace: string | undefined,
    options: ListOptions & { after?: string; limit?: number },
  ): { items: KubeObject[]; remaining: number; lastKey: string | undefined } {
    const type = this.typeOf(resource);
    const labels = parseLabelSelector(options.labelSelector);
    const fields = parseFieldSelector(
      options.fieldSelector,
      type.group,
      type.resource,
      type.custom !== undefined,
    );
    const matched: Array<[string, KubeObject]> = [];
    for (const [key, object] of this.#candidates(type, options.controllerUid)) {
      if (namespace !== undefined && type.namespaced && object.metadata.namespace !== namespace) continue;
      if (options.after !== undefined && key <= options.after) continue;
      if (!matchesLabels(labels, object.metadata.labels) || !matchesFields(fields, object)) continue;
      matched.push([key, object]);
    }
    matched.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : matched.length;
    const page = matched.slice(0, limit);
    return {
      items: page.map(([, object]) => this.#present(type, object)),
      remaining: matched.length - page.length,
      lastKey: page.at(-1)?.[0],
    };
  }

  /** The stored objects a list looks at: the whole type, or only those a controller owns. */
  *#candidates(type: ResourceType, controllerUid: string | undefined): Iterable<[string, KubeObject]> {
    const bucket = this.#bucket(type);
    if (controllerUid === undefined) {
      yield* bucket;
      return;
    }
    for (const key of this.#dependents.get(controllerUid)?.get(typeKey(type.group, type.resource)) ?? []) {
      const object = bucket.get(key);
      if (object && controllerUidOf(object) === controllerUid) yield [key, object];
    }
  }

  /**
   * Keeps `#dependents` in step with a stored object going from `before` to `after`, and queues what the garbage
   * collector must now look at: the object itself when it is being deleted or names a new owner (which may not
   * exist), and an owner waiting in foreground deletion when one of its dependents let go of it.
   */
  #indexOwners(type: ResourceType, key: string, before?: KubeObject, after?: KubeObject): void {
    const was = new Set((before?.metadata.ownerReferences ?? []).map((r) => r.uid));
    const now = new Set((after?.metadata.ownerReferences ?? []).map((r) => r.uid));
    const tKey = typeKey(type.group, type.resource);
    for (const uid of was) {
      if (now.has(uid)) continue;
      const byType = this.#dependents.get(uid);
      byType?.get(tKey)?.delete(key);
      if (byType?.get(tKey)?.size === 0) byType.delete(tKey);
      if (byType?.size === 0) this.#dependents.delete(uid);
      const owner = this.#locate(uid);
      if (owner?.object.metadata.deletionTimestamp) this.#gcEnqueue(owner.typeKey, owner.key);
    }
    let newOwner = false;
    for (const uid of now) {
      if (was.has(uid)) continue;
      newOwner = true;
      let byType = this.#dependents.get(uid);
      if (!byType) this.#dependents.set(uid, (byType = new Map()));
      let keys = byType.get(tKey);
      if (!keys) byType.set(tKey, (keys = new Set()));
      keys.add(key);
    }
    if (after && (newOwner || after.metadata.deletionTimestamp)) this.#gcEnqueue(tKey, key);
  }

  #locate(uid: string): { typeKey: string; key: string; object: KubeObject } | undefined {
    const location = this.#byUid.get(uid);
    if (!location) return undefined;
    const tKey = typeKey(location.group, location.resource);
    const object = this.#objects.get(tKey)?.get(location.key);
    return object ? { typeKey: tKey, key: location.key, object } : undefined;
  }

  create(resource: ResourceRef, input: KubeObject): KubeObject {
    const type = this.typeOf(resource);
    const object = structuredClone(input);
    object.metadata = { ...(object.metadata ?? {}) };
    const meta = object.metadata;
    if (!type.namespaced) delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    if (this.#isCrd(type)) this.#decodeCrd(object);
    this.#validateMeta(type, object);
    if (type.namespaced) this.#checkNamespaceOpen(type, meta.namespace!, meta.name!);
    const bucket = this.#bucket(type);
    const key = objectKey(meta.namespace, meta.name!);
    if (bucket.has(key)) throw alreadyExists(type.group, type.resource, meta.name!);

    for (const field of [
      'uid',
      'resourceVersion',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'selfLink',
    ]) {
      delete meta[field];
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp();
    if (hasGeneration(type)) meta.generation = 1;
    else delete meta.generation;
    if (type.subresources.includes('status') && type.resource !== 'nodes') delete object.status;
    if (type.group === '' && type.resource === 'pods')
      object.status = { phase: 'Pending', qosClass: 'BestEffort' };
    if (type.group === '' && type.resource === 'namespaces') {
      object.spec = { finalizers: ['kubernetes'] };
      object.status = { phase: 'Active' };
      meta.labels = { ...meta.labels, 'kubernetes.io/metadata.name': meta.name! };
    }
    this.#admitBuiltin(type, object, true);
    if (type.group === '' && type.resource === 'pods') this.#admitServiceAccount(object, input.metadata);
    this.#admitCustom(type, object, undefined);
    if (this.#isCrd(type)) this.#prepareCrd(object);
    const stored = this.#commit(type, 'ADDED', object, undefined);
    if (this.#isCrd(type)) this.#registerCrd(stored);
    // The controller manager gives every namespace its `default` ServiceAccount; done here at once, so that a
    // Pod created right after its namespace does not race it.
    if (type.group === '' && type.resource === 'namespaces') {
      this.create(SERVICE_ACCOUNT_REF, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default', namespace: meta.name! },
      });
    }
    return this.#present(type, stored);
  }

  /**
   * The ServiceAccount admission plugin: a Pod runs as an existing ServiceAccount of its namespace (`default` when
   * none is named) and, when it names no imagePullSecrets, gets those of its ServiceAccount.
   */
  #admitServiceAccount(pod: KubeObject, requested: KubeObject['metadata'] | undefined): void {
    const spec = pod.spec as { serviceAccountName?: string; imagePullSecrets?: unknown[] };
    const namespace = pod.metadata.namespace!;
    const name = spec.serviceAccountName || 'default';
    const account = this.#bucket(this.typeOf(SERVICE_ACCOUNT_REF)).get(objectKey(namespace, name));
    if (!account) {
      // A generated name is not known yet when admission runs: the real message shows the prefix.
      const shown = requested?.name ? pod.metadata.name : (requested?.generateName ?? pod.metadata.name);
      throw new ApiError(
        403,
        'Forbidden',
        `pods "${shown}" is forbidden: service account ${namespace}/${name} was not found, retry after the service account is created`,
        { name: shown ?? '', kind: 'pods' },
      );
    }
    const pullSecrets = (account as { imagePullSecrets?: unknown[] }).imagePullSecrets ?? [];
    if ((spec.imagePullSecrets ?? []).length === 0 && pullSecrets.length > 0) {
      spec.imagePullSecrets = structuredClone(pullSecrets);
    }
  }

  update(resource: ResourceRef, input: KubeObject): KubeObject {
    const type = this.typeOf(resource);
    const { current, object } = this.#prepareUpdate(type, input);
    if (type.subresources.includes('status')) {
      if (current.status === undefined) delete object.status;
      else object.status = structuredClone(current.status);
    }
    this.#admitBuiltin(type, object, false);
    this.#admitCustom(type, object, current);
    if (hasGeneration(type) && withoutMetaAndStatus(object) !== withoutMetaAndStatus(current)) {
      object.metadata.generation = (current.metadata.generation ?? 1) + 1;
    }
    if (this.#isCrd(type)) this.#carryCrdStatus(object, current);
    return this.#finishUpdate(type, current, object);
  }

  updateStatus(resource: ResourceRef, input: KubeObject): KubeObject {
    const type = this.typeOf(resource);
    if (!type.subresources.includes('status')) {
      throw notFound(type.group, `${type.resource}/status`, input.metadata?.name ?? '');
    }
    const { current } = this.#prepareUpdate(type, input, true);
    const object = structuredClone(current);
    if (input.status === undefined) delete object.status;
    else object.status = structuredClone(input.status);
    this.#admitCustom(type, object, current);
    return this.#finishUpdate(type, current, object);
  }

  #prepareUpdate(
    type: ResourceType,
    input: KubeObject,
    statusOnly = false,
  ): { current: KubeObject; object: KubeObject } {
    const meta = input.metadata ?? {};
    const name = meta.name ?? '';
    const namespace = type.namespaced ? meta.namespace : undefined;
    const current = this.#bucket(type).get(objectKey(namespace, name));
    if (!current) throw notFound(type.group, type.resource, name);
    if (meta.resourceVersion && meta.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(type.group, type.resource, name);
    }
    if (meta.uid && meta.uid !== current.metadata.uid) {
      throw conflict(
        type.group,
        type.resource,
        name,
        `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    const object = structuredClone(input);
    object.metadata = {
      ...object.metadata,
      name,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
    };
    if (current.metadata.generation === undefined) delete object.metadata.generation;
    else object.metadata.generation = current.metadata.generation;
    if (type.namespaced) object.metadata.namespace = current.metadata.namespace;
    else delete object.metadata.namespace;
    for (const field of ['deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
      if (current.metadata[field] === undefined) delete object.metadata[field];
      else (object.metadata as Record<string, unknown>)[field] = current.metadata[field];
    }
    if (type.group === '' && type.resource === 'namespaces') object.spec = structuredClone(current.spec);
    if (this.#isCrd(type) && !statusOnly) this.#decodeCrd(object);
    this.#validateMeta(type, object, statusOnly ? undefined : current, statusOnly);
    return { current, object };
  }

  #finishUpdate(type: ResourceType, current: KubeObject, object: KubeObject): KubeObject {
    if (object.metadata.deletionTimestamp && (object.metadata.finalizers ?? []).length === 0) {
      if (!this.#heldByNamespaceFinalizer(type, object)) {
        this.#remove(type, object);
        return this.#present(type, object);
      }
    }
    object.metadata.resourceVersion = current.metadata.resourceVersion;
    if (sameContent(current, object)) return this.#present(type, current);
    const stored = this.#commit(type, 'MODIFIED', object, current);
    if (this.#isCrd(type)) this.#registerCrd(stored);
    return this.#present(type, stored);
  }

  delete(
    resource: ResourceRef,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): void {
    this.deleteObject(resource, namespace, name, options);
  }

  /** Like `delete`, returning the object as the API server reports it (still present when finalizers hold it). */
  deleteObject(
    resource: ResourceRef,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): KubeObject {
    const type = this.typeOf(resource);
    const current = this.#bucket(type).get(objectKey(type.namespaced ? namespace : undefined, name));
    if (!current) throw notFound(type.group, type.resource, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw conflict(
        type.group,
        type.resource,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(
        type.group,
        type.resource,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
    if (type.group === '' && type.resource === 'namespaces' && IMMORTAL_NAMESPACES.includes(name)) {
      throw new ApiError(
        403,
        'Forbidden',
        `namespaces "${name}" is forbidden: this namespace may not be deleted`,
        {
          name,
          group: '',
          kind: 'namespaces',
        },
      );
    }
    // batch/v1 Jobs still default to orphaning their pods, as the real API server does.
    const policy =
      options.propagationPolicy ??
      (type.group === 'batch' && type.resource === 'jobs' ? 'Orphan' : 'Background');
    const finalizers = [...(current.metadata.finalizers ?? [])];
    if (current.metadata.deletionTimestamp) {
      if (policy === 'Foreground' && !finalizers.includes(FOREGROUND_FINALIZER)) {
        return this.#present(type, this.#setFinalizers(type, current, [...finalizers, FOREGROUND_FINALIZER]));
      }
      return this.#present(type, current);
    }
    if (policy === 'Orphan' && !finalizers.includes(ORPHAN_FINALIZER)) finalizers.push(ORPHAN_FINALIZER);
    if (policy === 'Foreground' && !finalizers.includes(FOREGROUND_FINALIZER))
      finalizers.push(FOREGROUND_FINALIZER);
    const isNamespace = type.group === '' && type.resource === 'namespaces';
    if (finalizers.length === 0 && !isNamespace) {
      this.#remove(type, current);
      return this.#present(type, current);
    }
    const object = structuredClone(current);
    object.metadata.deletionTimestamp = timestamp();
    object.metadata.deletionGracePeriodSeconds = 0;
    if (finalizers.length > 0) object.metadata.finalizers = finalizers;
    if (isNamespace) object.status = { ...(object.status as object), phase: 'Terminating' };
    if (this.#isCrd(type)) this.#setCondition(object, 'Terminating', 'True', 'InstanceDeletionPending');
    const stored = this.#commit(type, 'MODIFIED', object, current);
    return this.#present(type, stored);
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every committed change with its resourceVersion and previous state; used by the HTTP watch. */
  watchAll(listener: (event: StoredEvent) => void): () => void {
    this.#watchers.add(listener);
    return () => this.#watchers.delete(listener);
  }

  /** The retained changes after `rv`; 410 Gone when some of them were already compacted away. */
  eventsSince(rv: number): StoredEvent[] {
    if (rv < this.#compactedRv) {
      throw gone(`too old resource version: ${rv} (${this.#compactedRv + 1})`);
    }
    return this.#history.filter((e) => e.rv > rv);
  }

  /** Forgets all history: resuming a watch from any earlier resourceVersion now answers 410 Gone. */
  compact(): void {
    this.#history.length = 0;
    this.#compactedRv = this.#rv;
  }

  // ---------------------------------------------------------------- internals

  #isCrd(type: ResourceType): boolean {
    return type.group === CRD_REF.group && type.resource === CRD_REF.resource;
  }

  #commit(
    type: ResourceType,
    eventType: WatchEventType,
    object: KubeObject,
    previous: KubeObject | undefined,
  ) {
    object.apiVersion = apiVersionOf(type);
    object.kind = type.kind;
    this.#checkSize(object);
    this.#rv++;
    object.metadata.resourceVersion = String(this.#rv);
    const stored = structuredClone(object);
    const key = objectKey(stored.metadata.namespace, stored.metadata.name!);
    const bucket = this.#bucket(type);
    const before = bucket.get(key);
    bucket.set(key, stored);
    this.#byUid.set(stored.metadata.uid!, { group: type.group, resource: type.resource, key });
    this.#indexOwners(type, key, before, stored);
    this.#emit(type, eventType, stored, previous);
    return stored;
  }

  #checkSize(object: KubeObject): void {
    if (Buffer.byteLength(JSON.stringify(object)) > this.#maxObjectBytes) throw etcdTooLarge();
  }

  #remove(type: ResourceType, current: KubeObject): void {
    const bucket = this.#bucket(type);
    const key = objectKey(current.metadata.namespace, current.metadata.name!);
    const removed = bucket.get(key);
    if (!removed || !bucket.delete(key)) return;
    this.#byUid.delete(current.metadata.uid!);
    this.#indexOwners(type, key, removed, undefined);
    // Its dependents may be orphans now; a terminating namespace or CRD may be empty now.
    for (const [tKey, keys] of this.#dependents.get(removed.metadata.uid!) ?? []) {
      for (const dependent of keys) this.#gcEnqueue(tKey, dependent);
    }
    if (type.namespaced) this.#enqueueIfTerminating(NAMESPACE_REF, removed.metadata.namespace!);
    if (type.custom) this.#enqueueIfTerminating(CRD_REF, type.custom.crdName);
    this.#rv++;
    const gone = structuredClone(current);
    gone.metadata.resourceVersion = String(this.#rv);
    this.#emit(type, 'DELETED', gone, current);
    if (this.#isCrd(type)) this.registry.setCrdTypes(current.metadata.name!, []);
  }

  #emit(type: ResourceType, eventType: WatchEventType, object: KubeObject, previous: KubeObject | undefined) {
    const event: StoredEvent = {
      rv: this.#rv,
      type: eventType,
      group: type.group,
      resource: type.resource,
      object,
    };
    if (previous) event.previous = previous;
    this.#history.push(event);
    while (this.#history.length > this.#historySize) this.#compactedRv = this.#history.shift()!.rv;
    const ref = { group: type.group, version: type.version, resource: type.resource };
    this.#deliver(() => {
      for (const watcher of this.#watchers) watcher(event);
      for (const listener of this.#listeners) {
        try {
          listener({ type: eventType, resource: ref, object: this.#present(type, object) });
        } catch (error) {
          // The change is committed; a failing subscriber must not make the writer believe otherwise.
          const text = error instanceof Error ? error.message : String(error);
          process.emitWarning(`emulator store subscriber failed: ${text}`);
        }
      }
    });
  }

  /**
   * Subscribers may write from inside a callback; queueing keeps every subscriber seeing changes in
   * resourceVersion order instead of a nested change before the one that caused it.
   */
  #deliver(delivery: () => void): void {
    this.#pendingDeliveries.push(delivery);
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      for (let next = this.#pendingDeliveries.shift(); next; next = this.#pendingDeliveries.shift()) next();
    } finally {
      this.#delivering = false;
    }
  }

  /** `current` is the stored object when updating; status updates skip the checks of the spec. */
  #validateMeta(type: ResourceType, object: KubeObject, current?: KubeObject, statusOnly = false): void {
    const meta = object.metadata;
    const causes: StatusCause[] = [];
    const name = meta.name ?? '';
    if (!name) {
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
        field: 'metadata.name',
      });
    } else {
      for (const problem of nameErrors(type, name)) {
        causes.push({
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${name}": ${problem}`,
          field: 'metadata.name',
        });
      }
    }
    if (type.namespaced && !meta.namespace) {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'metadata.namespace' });
    }
    causes.push(...validateLabels(meta.labels), ...validateAnnotations(meta.annotations));
    if (this.#isCrd(type) && !statusOnly) causes.push(...validateCrd(object, current));
    if (causes.length > 0) throw invalid(kindLabel(type), type.group, name, causes);
  }

  /**
   * The typed v1 decoding (a wrongly typed field is a 400, unknown fields are not kept) and the v1 defaults a real
   * API server applies to a CRD before validating it.
   */
  #decodeCrd(crd: KubeObject): void {
    const { typeError } = decodeCrd(crd as unknown as Record<string, unknown>);
    if (typeError) throw crdDecodingError(typeError);
    applyCrdDefaults(crd);
  }

  /** An update keeps the CRD's status, adding a new storage version to storedVersions and the current names. */
  #carryCrdStatus(crd: KubeObject, current: KubeObject): void {
    const status = structuredClone((current.status ?? {}) as Record<string, unknown>);
    const stored = Array.isArray(status.storedVersions) ? (status.storedVersions as string[]) : [];
    status.storedVersions = storedVersionsAfter(crd.spec, stored);
    status.acceptedNames = structuredClone((crd.spec as { names?: unknown }).names);
    crd.status = status;
  }

  #checkNamespaceOpen(type: ResourceType, namespace: string, name: string): void {
    const ns = this.#bucket(NAMESPACE_REF).get(objectKey(undefined, namespace));
    if (!ns) throw notFound('', 'namespaces', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new ApiError(
        403,
        'Forbidden',
        `${type.group === '' ? type.resource : `${type.resource}.${type.group}`} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          name,
          group: type.group,
          kind: type.resource,
          causes: [
            {
              reason: 'NamespaceTerminating',
              message: `namespace ${namespace} is being terminated`,
              field: 'metadata.namespace',
            },
          ],
        },
      );
    }
  }

  /** Built-in kinds: the API server's defaulting, then the validation rules the emulator knows. */
  #admitBuiltin(type: ResourceType, object: KubeObject, creating: boolean): void {
    if (type.custom) return;
    applyDefaults(type.group, type.resource, object, creating);
    const causes = validateBuiltin(type.group, type.resource, object);
    if (causes.length > 0) throw invalid(kindLabel(type), type.group, object.metadata.name ?? '', causes);
  }

  /** Custom resources: prune unknown fields, apply defaults and validate against the CRD schema. */
  #admitCustom(type: ResourceType, object: KubeObject, _current: KubeObject | undefined): string[] {
    if (!type.custom) return [];
    const schema = type.custom.schema as StructuralSchema | undefined;
    const pruned = pruneAndDefault(object as Record<string, unknown>, schema);
    const { metadata: _meta, apiVersion: _a, kind: _k, ...body } = object;
    const bodySchema: StructuralSchema = { ...schema };
    if (bodySchema.properties) {
      const { metadata: _mp, apiVersion: _ap, kind: _kp, ...rest } = bodySchema.properties;
      bodySchema.properties = rest;
    }
    if (bodySchema.required) {
      bodySchema.required = bodySchema.required.filter(
        (r) => !['metadata', 'apiVersion', 'kind'].includes(r),
      );
    }
    const causes = validateAgainstSchema(body, bodySchema);
    if (causes.length > 0) throw invalid(kindLabel(type), type.group, object.metadata.name ?? '', causes);
    return pruned;
  }

  /** Unknown fields the schema would prune, for `fieldValidation=Strict`. */
  unknownFields(resource: ResourceRef, object: KubeObject): string[] {
    const type = this.typeOf(resource);
    if (this.#isCrd(type)) {
      // A decoding error comes before strict field validation on a real server.
      const { typeError, unknown } = inspectCrd(object);
      if (typeError) throw crdDecodingError(typeError);
      return unknown;
    }
    if (!type.custom) return [];
    return pruneAndDefault(
      structuredClone(object) as Record<string, unknown>,
      type.custom.schema as StructuralSchema,
    );
  }

  #prepareCrd(crd: KubeObject): void {
    const finalizers = crd.metadata.finalizers ?? [];
    if (!finalizers.includes(CRD_CLEANUP_FINALIZER))
      crd.metadata.finalizers = [...finalizers, CRD_CLEANUP_FINALIZER];
    const spec = crd.spec as {
      names: Record<string, unknown>;
      versions: Array<{ name: string; storage?: boolean }>;
    };
    const names = { ...spec.names };
    if (!names.singular) names.singular = String(names.kind).toLowerCase();
    if (!names.listKind) names.listKind = `${String(names.kind)}List`;
    crd.status = {
      conditions: [],
      acceptedNames: names,
      storedVersions: [spec.versions.find((v) => v.storage)?.name ?? spec.versions[0]?.name],
    };
    this.#setCondition(crd, 'NamesAccepted', 'True', 'NoConflicts', 'no conflicts found');
    this.#setCondition(
      crd,
      'Established',
      'True',
      'InitialNamesAccepted',
      'the initial names have been accepted',
    );
  }

  #setCondition(object: KubeObject, type: string, status: string, reason: string, message = ''): void {
    const s = (object.status ?? {}) as { conditions?: Array<Record<string, unknown>> };
    const conditions = (s.conditions ?? []).filter((c) => c.type !== type);
    conditions.push({ type, status, lastTransitionTime: timestamp(), reason, message });
    s.conditions = conditions;
    object.status = s;
  }

  #registerCrd(crd: KubeObject): void {
    if (crd.metadata.deletionTimestamp) return;
    this.registry.setCrdTypes(crd.metadata.name!, typesFromCrd(crd));
  }

  #setFinalizers(type: ResourceType, current: KubeObject, finalizers: string[]): KubeObject {
    const object = structuredClone(current);
    if (finalizers.length > 0) object.metadata.finalizers = finalizers;
    else delete object.metadata.finalizers;
    if (
      object.metadata.deletionTimestamp &&
      finalizers.length === 0 &&
      !this.#heldByNamespaceFinalizer(type, object)
    ) {
      this.#remove(type, current);
      return object;
    }
    return this.#commit(type, 'MODIFIED', object, current);
  }

  #heldByNamespaceFinalizer(type: ResourceType, object: KubeObject): boolean {
    if (type.group !== '' || type.resource !== 'namespaces') return false;
    const finalizers = (object.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
    return finalizers.length > 0;
  }

  // ---------------------------------------------------------------- garbage collection

  #gcEnqueue(tKey: string, key: string): void {
    let keys = this.#gcQueue.get(tKey);
    if (!keys) this.#gcQueue.set(tKey, (keys = new Set()));
    keys.add(key);
    if (this.#gcScheduled) return;
    this.#gcScheduled = true;
    setImmediate(() => {
      this.#gcScheduled = false;
      for (let pass = 0; pass < 1000 && this.#gcQueue.size > 0; pass++) this.#gcPass();
    });
  }

  #enqueueIfTerminating(ref: ResourceRef, name: string): void {
    const tKey = typeKey(ref.group, ref.resource);
    const key = objectKey(undefined, name);
    if (this.#objects.get(tKey)?.get(key)?.metadata.deletionTimestamp) this.#gcEnqueue(tKey, key);
  }

  #typeFor(tKey: string): ResourceType | undefined {
    const [group = '', resource = ''] = tKey.split('/');
    return this.registry.findAnyVersion(group, resource);
  }

  #dependentsOf(uid: string): Array<{ type: ResourceType; object: KubeObject }> {
    const out: Array<{ type: ResourceType; object: KubeObject }> = [];
    for (const [tKey, keys] of this.#dependents.get(uid) ?? []) {
      const type = this.#typeFor(tKey);
      const bucket = this.#objects.get(tKey);
      if (!type || !bucket) continue;
      for (const key of keys) {
        const object = bucket.get(key);
        if (object) out.push({ type, object });
      }
    }
    return out;
  }

  #ownerExists(ref: OwnerReference, dependent: KubeObject): boolean {
    const owner = this.#locate(ref.uid)?.object;
    if (!owner) return false;
    // A namespaced owner only counts in its own namespace.
    return (
      owner.metadata.namespace === undefined || owner.metadata.namespace === dependent.metadata.namespace
    );
  }

  /**
   * One pass of the garbage collector and namespace/CRD cleanup over the objects queued since the last pass: it
   * never walks the whole store, so its cost follows the changes, not the number of objects kept.
   */
  #gcPass(): void {
    const queued = [...this.#gcQueue].flatMap(([tKey, keys]) => [...keys].map((key) => [tKey, key] as const));
    this.#gcQueue.clear();
    for (const [tKey, key] of queued) {
      const type = this.#typeFor(tKey);
      const object = this.#objects.get(tKey)?.get(key);
      if (!type || !object) continue;
      try {
        this.#collect(type, object);
      } catch (error) {
        // Another writer got there first (a conflict, a deletion): the change that caused it queues the object again.
        if (!(error instanceof ApiError)) throw error;
      }
    }
  }

  #collect(type: ResourceType, object: KubeObject): void {
    const meta = object.metadata;
    if (meta.deletionTimestamp) {
      const finalizers = meta.finalizers ?? [];
      if (finalizers.includes(ORPHAN_FINALIZER)) return this.#orphanDependents(type, object);
      if (finalizers.includes(FOREGROUND_FINALIZER)) return this.#deleteDependentsFirst(type, object);
      if (type.group === '' && type.resource === 'namespaces') return this.#cleanNamespace(object);
      if (this.#isCrd(type) && finalizers.includes(CRD_CLEANUP_FINALIZER)) return this.#cleanCrd(object);
      return;
    }
    const refs = meta.ownerReferences ?? [];
    if (refs.length === 0) return;
    const live = refs.filter((r) => this.#ownerExists(r, object));
    if (live.length === refs.length) return;
    if (live.length === 0) {
      this.deleteObject(type, meta.namespace, meta.name!, { propagationPolicy: 'Background' });
      return;
    }
    const updated = structuredClone(object);
    updated.metadata.ownerReferences = live;
    this.#commit(type, 'MODIFIED', updated, object);
  }

  #withoutFinalizer(type: ResourceType, object: KubeObject, finalizer: string): void {
    this.#setFinalizers(
      type,
      object,
      (object.metadata.finalizers ?? []).filter((f) => f !== finalizer),
    );
  }

  #orphanDependents(type: ResourceType, owner: KubeObject): void {
    const uid = owner.metadata.uid!;
    for (const dep of this.#dependentsOf(uid)) {
      const refs = (dep.object.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      const updated = structuredClone(dep.object);
      if (refs.length > 0) updated.metadata.ownerReferences = refs;
      else delete updated.metadata.ownerReferences;
      this.#commit(dep.type, 'MODIFIED', updated, dep.object);
    }
    const now = this.#fresh(type, owner);
    if (now) this.#withoutFinalizer(type, now, ORPHAN_FINALIZER);
  }

  /** Foreground deletion: dependents are deleted (foreground too); the owner goes once no blocking one is left. */
  #deleteDependentsFirst(type: ResourceType, owner: KubeObject): void {
    const uid = owner.metadata.uid!;
    for (const dep of this.#dependentsOf(uid)) {
      if (dep.object.metadata.deletionTimestamp) continue;
      try {
        this.deleteObject(dep.type, dep.object.metadata.namespace, dep.object.metadata.name!, {
          propagationPolicy: 'Foreground',
        });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
      }
    }
    const blocking = this.#dependentsOf(uid).some(({ object }) =>
      (object.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion),
    );
    const now = this.#fresh(type, owner);
    if (!blocking && now) this.#withoutFinalizer(type, now, FOREGROUND_FINALIZER);
  }

  #fresh(type: ResourceType, object: KubeObject): KubeObject | undefined {
    return this.#bucket(type).get(objectKey(object.metadata.namespace, object.metadata.name!));
  }

  #cleanNamespace(ns: KubeObject): void {
    const name = ns.metadata.name!;
    let remaining = 0;
    for (const [tKey, bucket] of this.#objects) {
      const type = this.#typeFor(tKey);
      if (!type?.namespaced) continue;
      for (const object of [...bucket.values()]) {
        if (object.metadata.namespace !== name) continue;
        remaining++;
        if (object.metadata.deletionTimestamp) continue;
        this.deleteObject(type, name, object.metadata.name!, { propagationPolicy: 'Background' });
      }
    }
    // Whatever was removed above queued the namespace again; it is finalized once a pass finds it empty.
    if (remaining > 0) return;
    // Already finalized by the API and held only by metadata finalizers: removing those removes it.
    if (((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length === 0) return;
    const updated = structuredClone(ns);
    updated.spec = { ...(updated.spec as object), finalizers: [] };
    const namespaces = this.registry.resolve(NAMESPACE_REF);
    if ((updated.metadata.finalizers ?? []).length === 0) this.#remove(namespaces, ns);
    else this.#commit(namespaces, 'MODIFIED', updated, ns);
  }

  #cleanCrd(crd: KubeObject): void {
    const spec = crd.spec as { group: string; names: { plural: string } };
    const tKey = typeKey(spec.group, spec.names.plural);
    const type = this.#typeFor(tKey);
    const instances = [...(this.#objects.get(tKey)?.values() ?? [])];
    for (const object of instances) {
      if (!type || object.metadata.deletionTimestamp) continue;
      this.deleteObject(type, object.metadata.namespace, object.metadata.name!, {
        propagationPolicy: 'Background',
      });
    }
    if (instances.length > 0) return;
    this.#withoutFinalizer(this.registry.resolve(CRD_REF), crd, CRD_CLEANUP_FINALIZER);
  }
}
