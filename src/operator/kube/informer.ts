import { setTimeout as sleep } from 'node:timers/promises';
import type { KubernetesObject } from '@kubernetes/client-node';
import { silentLogger, type Logger } from '../../util/logger.ts';
import { KubeApiError, type KubeClient } from './client.ts';
import type { ResourceType } from './resource-types.ts';

export type InformerEvent<T> =
  { type: 'added'; object: T } | { type: 'updated'; object: T; old: T } | { type: 'deleted'; object: T };

export interface InformerOptions<T> {
  type: ResourceType;
  /** Namespaces to watch (one list+watch loop each); omitted = all namespaces (or a cluster-scoped kind). */
  namespaces?: readonly string[];
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Applied to every object before it is cached: the place to drop what the operator never reads (managed fields,
   * ConfigMap data), so memory does not grow with it.
   */
  transform?: (object: T) => T;
  logger?: Logger;
  /** Called on errors that make the informer relist (for metrics); the informer recovers on its own. */
  onError?: (error: unknown) => void;
}

export const objectKey = (object: KubernetesObject): string =>
  `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;

/** Drops `metadata.managedFields`: large, and nothing in the operator reads it. */
export function withoutManagedFields<T extends KubernetesObject>(object: T): T {
  if (!object.metadata?.managedFields) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata };
}

/**
 * A list+watch cache of one kind, like client-go's informer: it lists (paged), then watches from the list's
 * resourceVersion with bookmarks, resumes from the last seen version when a watch ends, relists on 410 Gone or any
 * other failure (with capped backoff), and reports every change to the handlers as added/updated/deleted — including
 * the deletions and changes that happened while it was disconnected. It never gives up while started.
 */
export class Informer<T extends KubernetesObject> {
  readonly #client: KubeClient;
  readonly #options: InformerOptions<T>;
  readonly #logger: Logger;
  readonly #cache = new Map<string, T>();
  readonly #handlers: ((event: InformerEvent<T>) => void)[] = [];
  #abort: AbortController | undefined;
  #loops: Promise<void>[] = [];
  #synced = false;

  constructor(client: KubeClient, options: InformerOptions<T>) {
    this.#client = client;
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger).child({ informer: options.type.plural });
  }

  on(handler: (event: InformerEvent<T>) => void): void {
    this.#handlers.push(handler);
  }

  get synced(): boolean {
    return this.#synced;
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#cache.get(`${namespace ?? ''}/${name}`);
  }

  list(namespace?: string): T[] {
    const all = [...this.#cache.values()];
    return namespace === undefined ? all : all.filter((object) => object.metadata?.namespace === namespace);
  }

  get size(): number {
    return this.#cache.size;
  }

  /** Resolves once every namespace has been listed (the cache holds the state of the cluster). */
  async start(): Promise<void> {
    if (this.#abort) return;
    this.#abort = new AbortController();
    const signal = this.#abort.signal;
    const namespaces = this.#options.namespaces?.length ? this.#options.namespaces : [undefined];
    const firstLists = namespaces.map(() => Promise.withResolvers<void>());
    this.#loops = namespaces.map((namespace, index) =>
      this.#run(namespace, signal, () => firstLists[index]?.resolve()),
    );
    await Promise.all(firstLists.map((deferred) => deferred.promise));
    this.#synced = true;
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    await Promise.allSettled(this.#loops);
    this.#abort = undefined;
    this.#loops = [];
  }

  async #run(namespace: string | undefined, signal: AbortSignal, listed: () => void): Promise<void> {
    let resourceVersion: string | undefined;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          resourceVersion = await this.#relist(namespace);
          listed();
        }
        await this.#client.watch<T>(
          this.#options.type,
          {
            resourceVersion,
            ...(namespace ? { namespace } : {}),
            ...(this.#options.labelSelector ? { labelSelector: this.#options.labelSelector } : {}),
            ...(this.#options.fieldSelector ? { fieldSelector: this.#options.fieldSelector } : {}),
          },
          (event) => {
            failures = 0;
            resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
            if (event.type === 'ADDED' || event.type === 'MODIFIED') this.#upsert(event.object);
            else if (event.type === 'DELETED') this.#remove(event.object);
          },
          signal,
        );
      } catch (error) {
        if (signal.aborted) return;
        this.#options.onError?.(error);
        const gone = error instanceof KubeApiError && error.status === 410;
        // A 410 means our version is too old: list again at once. Anything else: back off, then list again, so
        // changes missed while the connection was down are found by comparing with the cache.
        if (!gone) {
          failures++;
          const delay = Math.min(500 * 2 ** Math.min(failures, 6), 30_000);
          this.#logger.warn({ err: describe(error), retryInMs: delay }, 'watch failed; relisting');
          await sleep(delay, undefined, { signal }).catch(() => undefined);
        } else {
          this.#logger.debug('watch expired (410); relisting');
        }
        resourceVersion = undefined;
      }
    }
  }

  /** Lists, then makes the cache equal to the list, emitting what changed since the cache was last right. */
  async #relist(namespace: string | undefined): Promise<string> {
    const { items, resourceVersion } = await this.#client.list<T>(this.#options.type, {
      ...(namespace ? { namespace } : {}),
      ...(this.#options.labelSelector ? { labelSelector: this.#options.labelSelector } : {}),
      ...(this.#options.fieldSelector ? { fieldSelector: this.#options.fieldSelector } : {}),
    });
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(objectKey(item));
      this.#upsert(item);
    }
    for (const [key, cached] of this.#cache) {
      const inScope = namespace === undefined || cached.metadata?.namespace === namespace;
      if (inScope && !seen.has(key)) this.#remove(cached);
    }
    return resourceVersion;
  }

  #upsert(raw: T): void {
    const object = this.#options.transform ? this.#options.transform(raw) : raw;
    const key = objectKey(object);
    const old = this.#cache.get(key);
    if (old && old.metadata?.resourceVersion === object.metadata?.resourceVersion) return;
    this.#cache.set(key, object);
    this.#emit(old ? { type: 'updated', object, old } : { type: 'added', object });
  }

  #remove(object: T): void {
    const key = objectKey(object);
    const old = this.#cache.get(key);
    if (!old) return;
    this.#cache.delete(key);
    this.#emit({ type: 'deleted', object: old });
  }

  #emit(event: InformerEvent<T>): void {
    for (const handler of this.#handlers) {
      try {
        handler(event);
      } catch (error) {
        this.#logger.error({ err: describe(error), key: objectKey(event.object) }, 'informer handler failed');
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
