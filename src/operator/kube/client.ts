import { setTimeout as sleep } from 'node:timers/promises';
import type { KubernetesObject } from '@kubernetes/client-node';
import { Agent, request, type Dispatcher } from 'undici';
import { silentLogger, type Logger } from '../../util/logger.ts';
import type { ClusterConnection } from './kube-config.ts';
import { builtin, resourcePath, type ResourceType } from './resource-types.ts';

/** A Kubernetes Status error: `status` is the HTTP code, `reason` the API's (`Conflict`, `NotFound`, `AlreadyExists`…). */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;

  constructor(status: number, reason: string, message: string) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
  }
}

export const isNotFound = (error: unknown) => error instanceof KubeApiError && error.status === 404;
export const isConflict = (error: unknown) => error instanceof KubeApiError && error.status === 409;
export const isAlreadyExists = (error: unknown) =>
  error instanceof KubeApiError && error.status === 409 && error.reason === 'AlreadyExists';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; the client follows `continue` tokens until the end. */
  limit?: number;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion: string;
  timeoutSeconds?: number;
}

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/** Requests and bytes sent, by verb: what the operator costs the API server. */
export interface ClientStats {
  requests: Record<string, number>;
  bytesWritten: number;
}

export interface KubeClientOptions {
  logger?: Logger;
  userAgent?: string;
  /** Retries of throttled (429) and, for reads, failed (5xx, network) requests. */
  maxRetries?: number;
}

interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Reads are retried on 5xx and network errors; writes only on 429. */
  idempotent: boolean;
  /** The caller does not read the answer: a successful response's body is dropped unparsed. */
  discardResponse?: boolean;
}

const authCacheMs = 30_000;

/**
 * A small REST client over one kept-alive connection pool. `@kubernetes/client-node` supplies the kubeconfig and its
 * authentication (tokens, exec plugins, client certificates, in-cluster service account); this class adds what the
 * operator needs from every call: one typed error, retries with backoff on throttling, generic custom resources by
 * path, and counters of requests and bytes written.
 */
export class KubeClient {
  readonly #connection: ClusterConnection;
  readonly #server: string;
  readonly #logger: Logger;
  readonly #userAgent: string;
  readonly #maxRetries: number;
  #dispatcher: Dispatcher | undefined;
  #watchDispatcher: Dispatcher | undefined;
  #auth: { headers: Record<string, string>; at: number } | undefined;
  readonly stats: ClientStats = { requests: {}, bytesWritten: 0 };

  constructor(connection: ClusterConnection, options: KubeClientOptions = {}) {
    this.#connection = connection;
    this.#server = connection.server;
    this.#logger = options.logger ?? silentLogger;
    this.#userAgent = options.userAgent ?? 'trivy-ts';
    this.#maxRetries = options.maxRetries ?? 5;
  }

  get connection(): ClusterConnection {
    return this.#connection;
  }

  async get<T extends KubernetesObject>(
    type: ResourceType,
    name: string,
    namespace?: string,
  ): Promise<T | undefined> {
    try {
      return await this.#request<T>('GET', resourcePath(type, namespace, name), { idempotent: true });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async list<T extends KubernetesObject>(
    type: ResourceType,
    options: ListOptions = {},
  ): Promise<ListResult<T>> {
    const items: T[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.#request<{
        items?: T[];
        metadata?: { continue?: string; resourceVersion?: string };
      }>('GET', resourcePath(type, options.namespace), {
        idempotent: true,
        query: {
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          limit: options.limit ?? 500,
          continue: token,
        },
      });
      for (const item of page.items ?? []) items.push(withTypeMeta(item, type));
      token = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    } while (token);
    return { items, resourceVersion };
  }

  /** Like `list`, one page at a time, so a caller can process a large collection without holding all of it. */
  async *listPages<T extends KubernetesObject>(
    type: ResourceType,
    options: ListOptions = {},
  ): AsyncGenerator<T[]> {
    let token: string | undefined;
    do {
      const page = await this.#request<{ items?: T[]; metadata?: { continue?: string } }>(
        'GET',
        resourcePath(type, options.namespace),
        {
          idempotent: true,
          query: {
            labelSelector: options.labelSelector,
            fieldSelector: options.fieldSelector,
            limit: options.limit ?? 500,
            continue: token,
          },
        },
      );
      yield (page.items ?? []).map((item) => withTypeMeta(item, type));
      token = page.metadata?.continue || undefined;
    } while (token);
  }

  create<T extends KubernetesObject>(type: ResourceType, object: T): Promise<T> {
    const namespace = object.metadata?.namespace;
    return this.#request<T>('POST', resourcePath(type, namespace), { body: object, idempotent: false });
  }

  /** PUT with the object's resourceVersion: a concurrent change gives a 409 instead of being overwritten. */
  replace<T extends KubernetesObject>(type: ResourceType, object: T): Promise<T> {
    const { name, namespace } = object.metadata ?? {};
    if (!name) throw new Error('replace needs metadata.name');
    return this.#request<T>('PUT', resourcePath(type, namespace, name), { body: object, idempotent: false });
  }

  /**
   * `create`, or `replace` when the object carries a resourceVersion, for writers that never read the stored object
   * back (reports: the watch brings it anyway). The server's copy of the object is not parsed.
   */
  async write(type: ResourceType, object: KubernetesObject): Promise<void> {
    const { name, namespace, resourceVersion } = object.metadata ?? {};
    if (resourceVersion === undefined) {
      await this.#request('POST', resourcePath(type, namespace), {
        body: object,
        idempotent: false,
        discardResponse: true,
      });
      return;
    }
    if (!name) throw new Error('replace needs metadata.name');
    await this.#request('PUT', resourcePath(type, namespace, name), {
      body: object,
      idempotent: false,
      discardResponse: true,
    });
  }

  replaceStatus<T extends KubernetesObject>(type: ResourceType, object: T): Promise<T> {
    const { name, namespace } = object.metadata ?? {};
    if (!name) throw new Error('replaceStatus needs metadata.name');
    return this.#request<T>('PUT', resourcePath(type, namespace, name, 'status'), {
      body: object,
      idempotent: false,
    });
  }

  mergePatch<T extends KubernetesObject>(
    type: ResourceType,
    name: string,
    namespace: string | undefined,
    patch: unknown,
  ): Promise<T> {
    return this.#request<T>('PATCH', resourcePath(type, namespace, name), {
      body: patch,
      contentType: 'application/merge-patch+json',
      idempotent: false,
    });
  }

  /** Returns false when the object was already gone. */
  async delete(
    type: ResourceType,
    name: string,
    namespace?: string,
    options: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; uid?: string } = {},
  ): Promise<boolean> {
    try {
      await this.#request('DELETE', resourcePath(type, namespace, name), {
        idempotent: true,
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
          ...(options.uid ? { preconditions: { uid: options.uid } } : {}),
        },
      });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** The API server's version (`GET /version`), e.g. `{ gitVersion: 'v1.32.0', … }`. */
  serverVersion(): Promise<{ gitVersion?: string; major?: string; minor?: string }> {
    return this.#request('GET', '/version', { idempotent: true });
  }

  /** A container's log as text; `limitBytes` bounds what is read. */
  async podLog(namespace: string, pod: string, container: string, limitBytes?: number): Promise<string> {
    return this.#request<string>('GET', resourcePath(builtin.pod, namespace, pod, 'log'), {
      idempotent: true,
      query: { container, limitBytes },
    });
  }

  /**
   * Opens a watch and calls `onEvent` for every event until the server ends the stream, the signal aborts, or an
   * error occurs; resolves when the stream is over (with the error, if any, thrown).
   */
  async watch<T extends KubernetesObject>(
    type: ResourceType,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const url = this.#url(resourcePath(type, options.namespace), {
      watch: true,
      allowWatchBookmarks: true,
      resourceVersion: options.resourceVersion,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      timeoutSeconds: options.timeoutSeconds ?? 300,
    });
    this.#count('WATCH');
    const response = await request(url, {
      method: 'GET',
      headers: { ...(await this.#headers()), accept: 'application/json' },
      dispatcher: this.#getWatchDispatcher(),
      signal,
      headersTimeout: 30_000,
      // Bookmarks arrive about once a minute on a real server; twice that without a byte means the stream is dead.
      bodyTimeout: 150_000,
    });
    if (response.statusCode !== 200) {
      throw await this.#errorFrom(response, 'GET', url);
    }
    // One event per line. A large object arrives in many chunks: they are kept apart until its line ends (searching
    // a growing concatenation would copy it again at every chunk), and decoded as a stream, so a character split
    // between two chunks stays whole.
    const decoder = new TextDecoder();
    const pending: string[] = [];
    for await (const chunk of response.body) {
      const text = decoder.decode(chunk as Buffer, { stream: true });
      let start = 0;
      let newline = text.indexOf('\n');
      while (newline >= 0) {
        pending.push(text.slice(start, newline));
        const line = (pending.length === 1 ? pending[0]! : pending.join('')).trim();
        pending.length = 0;
        start = newline + 1;
        newline = text.indexOf('\n', start);
        if (line !== '') {
          const event = JSON.parse(line) as WatchEvent<T>;
          if (event.type === 'ERROR') {
            const status = event.object as unknown as { code?: number; reason?: string; message?: string };
            throw new KubeApiError(
              status.code ?? 500,
              status.reason ?? 'Unknown',
              status.message ?? 'watch error',
            );
          }
          if (event.type !== 'BOOKMARK') event.object = withTypeMeta(event.object, type);
          onEvent(event);
        }
      }
      if (start < text.length) pending.push(text.slice(start));
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.#dispatcher?.close(), this.#watchDispatcher?.destroy()]);
    this.#dispatcher = undefined;
    this.#watchDispatcher = undefined;
  }

  async #request<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const url = this.#url(path, options.query ?? {});
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    for (let attempt = 0; ; attempt++) {
      this.#count(method);
      if (body !== undefined && method !== 'DELETE') this.stats.bytesWritten += Buffer.byteLength(body);
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, {
          method: method as Dispatcher.HttpMethod,
          headers: {
            ...(await this.#headers()),
            accept: 'application/json',
            'user-agent': this.#userAgent,
            ...(body !== undefined ? { 'content-type': options.contentType ?? 'application/json' } : {}),
          },
          ...(body !== undefined ? { body } : {}),
          dispatcher: this.#getDispatcher(),
          headersTimeout: 60_000,
          bodyTimeout: 60_000,
        });
      } catch (error) {
        if (options.idempotent && attempt < this.#maxRetries) {
          await this.#backoff(attempt, undefined, `${method} ${path}: ${(error as Error).message}`);
          continue;
        }
        throw error;
      }
      if (response.statusCode >= 200 && response.statusCode < 300) {
        if (options.discardResponse) {
          // Read to the end (dump's default limit would close the connection after 128 KiB), but not decoded.
          await response.body.dump({ limit: 64 * 1024 * 1024 });
          return undefined as T;
        }
        const text = await response.body.text();
        if (path.endsWith('/log')) return text as T;
        return (text === '' ? undefined : JSON.parse(text)) as T;
      }
      if (response.statusCode === 401 && attempt === 0) {
        await response.body.dump();
        this.#auth = undefined;
        continue;
      }
      const retryable = response.statusCode === 429 || (options.idempotent && response.statusCode >= 500);
      if (retryable && attempt < this.#maxRetries) {
        const retryAfter = Number(response.headers['retry-after']);
        await response.body.dump();
        await this.#backoff(
          attempt,
          Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
          `${method} ${path}: HTTP ${response.statusCode}`,
        );
        continue;
      }
      throw await this.#errorFrom(response, method, url);
    }
  }

  async #backoff(attempt: number, retryAfterMs: number | undefined, what: string): Promise<void> {
    const delay = retryAfterMs ?? Math.min(200 * 2 ** attempt, 10_000) * (0.5 + Math.random() / 2);
    this.#logger.debug({ attempt: attempt + 1, delayMs: Math.round(delay) }, `retrying ${what}`);
    await sleep(delay);
  }

  async #errorFrom(response: Dispatcher.ResponseData, method: string, url: string): Promise<KubeApiError> {
    const text = await response.body.text().catch(() => '');
    let status: { reason?: string; message?: string } = {};
    try {
      status = JSON.parse(text) as typeof status;
    } catch {
      status = { message: text.slice(0, 500) };
    }
    const path = new URL(url).pathname;
    return new KubeApiError(
      response.statusCode,
      status.reason ?? 'Unknown',
      `${method} ${path}: ${response.statusCode} ${status.message ?? status.reason ?? 'request failed'}`,
    );
  }

  #url(path: string, query: Record<string, string | number | boolean | undefined>): string {
    const url = new URL(this.#server + path);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  #count(verb: string): void {
    this.stats.requests[verb] = (this.stats.requests[verb] ?? 0) + 1;
  }

  /** Authorization headers from the connection (bearer token, token file, exec plugin), kept 30 s. */
  async #headers(): Promise<Record<string, string>> {
    if (this.#auth && Date.now() - this.#auth.at < authCacheMs) return this.#auth.headers;
    const headers = await this.#connection.authHeaders();
    this.#auth = { headers, at: Date.now() };
    return headers;
  }

  /** Requests share a bounded pool of kept-alive connections. */
  #getDispatcher(): Dispatcher {
    this.#dispatcher ??= new Agent({
      connect: this.#tlsOptions(),
      keepAliveTimeout: 30_000,
      connections: 32,
    });
    return this.#dispatcher;
  }

  /** Watches hold their connection for minutes each: they get their own pool, unbounded, so they never starve requests. */
  #getWatchDispatcher(): Dispatcher {
    this.#watchDispatcher ??= new Agent({ connect: this.#tlsOptions(), keepAliveTimeout: 30_000 });
    return this.#watchDispatcher;
  }

  #tlsOptions() {
    return { ...this.#connection.tls };
  }
}

/** List items come without apiVersion/kind; reports and logs are clearer with them. */
function withTypeMeta<T extends KubernetesObject>(object: T, type: ResourceType): T {
  if (object.kind && object.apiVersion) return object;
  return {
    ...object,
    apiVersion: type.group === '' ? type.version : `${type.group}/${type.version}`,
    kind: type.kind,
  };
}
