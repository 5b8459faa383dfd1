import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../api.ts';
import { apiVersionOf } from './resources.ts';
import type { ResourceType } from './resources.ts';
import { matchesFields, matchesLabels } from './selectors.ts';
import type { FieldSelector, LabelSelector } from './selectors.ts';
import { isApiStatusError } from './status.ts';
import type { MemoryClusterStore, StoredEvent } from './store.ts';
import { toTable } from './table.ts';
import type { IncludeObject } from './table.ts';

export interface WatchRequest {
  type: ResourceType;
  namespace: string | undefined;
  labels: LabelSelector;
  fields: FieldSelector;
  resourceVersion: string | undefined;
  allowBookmarks: boolean;
  sendInitialEvents: boolean | undefined;
  timeoutSeconds: number | undefined;
  table: IncludeObject | undefined;
}

/** A slow client whose unsent events exceed this is dropped, as the real server drops slow watchers. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** Serves watch streams (chunked JSON, one event per line) and can drop them all at once. */
export class WatchHub {
  readonly #store: MemoryClusterStore;
  readonly #bookmarkIntervalMs: number;
  readonly #active = new Set<ServerResponse>();

  constructor(store: MemoryClusterStore, bookmarkIntervalMs: number) {
    this.#store = store;
    this.#bookmarkIntervalMs = bookmarkIntervalMs;
  }

  get activeCount(): number {
    return this.#active.size;
  }

  /** Abruptly closes every watch connection (clients see the stream break, not a clean end). */
  dropAll(): void {
    for (const res of this.#active) res.socket?.destroy();
    this.#active.clear();
  }

  serve(res: ServerResponse, request: WatchRequest): void {
    const { type } = request;
    const matches = (o: KubeObject) =>
      (!type.namespaced || request.namespace === undefined || o.metadata.namespace === request.namespace) &&
      matchesLabels(request.labels, o.metadata.labels) &&
      matchesFields(request.fields, o);
    const present = (o: KubeObject): unknown => {
      const copy = structuredClone(o);
      copy.apiVersion = apiVersionOf(type);
      copy.kind = type.kind;
      return request.table ? toTable(type, [copy], {}, request.table) : copy;
    };

    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();

    const write = (event: unknown) => {
      if (res.destroyed || res.writableEnded) return;
      res.write(`${JSON.stringify(event)}\n`);
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
    };

    const rv = request.resourceVersion;
    const initial = rv === undefined || rv === '' || rv === '0' || request.sendInitialEvents === true;
    let backlog: StoredEvent[] = [];
    if (!initial) {
      const from = Number(rv);
      try {
        if (!Number.isInteger(from) || from < 0) throw new Error('bad rv');
        backlog = this.#store.eventsSince(from);
      } catch (error) {
        const status = isApiStatusError(error)
          ? error.status
          : {
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Failure',
              message: `invalid resource version: ${rv}`,
              reason: 'BadRequest',
              code: 400,
            };
        write({ type: 'ERROR', object: status });
        res.end();
        return;
      }
    }

    const onEvent = (event: StoredEvent) => {
      if (event.group !== type.group || event.resource !== type.resource) return;
      const now = matches(event.object);
      const before = event.previous !== undefined && matches(event.previous);
      if (event.type === 'ADDED' && now) write({ type: 'ADDED', object: present(event.object) });
      else if (event.type === 'DELETED' && before) write({ type: 'DELETED', object: present(event.object) });
      else if (event.type === 'MODIFIED') {
        if (now && before) write({ type: 'MODIFIED', object: present(event.object) });
        else if (now) write({ type: 'ADDED', object: present(event.object) });
        else if (before) write({ type: 'DELETED', object: present(event.object) });
      }
    };

    const bookmark = (annotations?: Record<string, string>) =>
      write({
        type: 'BOOKMARK',
        object: {
          kind: type.kind,
          apiVersion: apiVersionOf(type),
          metadata: {
            resourceVersion: String(this.#store.resourceVersion),
            ...(annotations ? { annotations } : {}),
          },
        },
      });

    const unsubscribe = this.#store.watchAll(onEvent);
    this.#active.add(res);
    if (initial) {
      for (const object of this.#store.list(type)) {
        if (matches(object)) write({ type: 'ADDED', object: present(object) });
      }
      if (request.sendInitialEvents && request.allowBookmarks)
        bookmark({ 'k8s.io/initial-events-end': 'true' });
    } else {
      for (const event of backlog) onEvent(event);
    }

    const timers: NodeJS.Timeout[] = [];
    if (request.allowBookmarks) timers.push(setInterval(() => bookmark(), this.#bookmarkIntervalMs));
    if (request.timeoutSeconds !== undefined && request.timeoutSeconds > 0) {
      timers.push(setTimeout(() => res.end(), request.timeoutSeconds * 1000));
    }
    const cleanup = () => {
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      this.#active.delete(res);
    };
    res.on('close', cleanup);
    res.on('finish', cleanup);
  }
}
