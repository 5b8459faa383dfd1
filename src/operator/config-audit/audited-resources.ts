/**
 * Informers for the audited kinds that are not workloads (Services, Roles, ConfigMaps, …). Each object is reduced
 * as it arrives to what the audit needs: a little live metadata (for ownership and skip rules), the document the
 * checks evaluate and its hash. ConfigMaps keep no document at all — their data is read from the API only when
 * their hash says they changed — so memory grows neither with ConfigMap data nor with last-applied annotations.
 * Kinds are added and removed at run time when `trivy.supportedConfigAuditKinds` changes.
 */
import type { KubernetesObject as KubeObject } from '@kubernetes/client-node';
import type { KubernetesObject } from '../../checks/types.ts';
import type { Logger } from '../../util/logger.ts';
import type { ConfigAuditKind } from '../config/index.ts';
import type { KubeClient } from '../kube/client.ts';
import { Informer } from '../kube/informer.ts';
import { apiVersionOf, type ResourceType } from '../kube/resource-types.ts';
import { auditDocument, auditDocumentHash } from './audit-input.ts';
import { RESOURCE_AUDIT_TYPES } from './audited-kinds.ts';

/** An audited object as cached: live identity plus the precomputed audit input. */
export interface CachedResource extends KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    deletionTimestamp?: Date;
  };
  /** What the checks evaluate; absent for ConfigMaps (read from the API when needed). */
  document?: KubernetesObject;
  documentHash: string;
}

/** Kinds whose content is not kept in memory. */
const CONTENT_NOT_CACHED: ReadonlySet<string> = new Set(['ConfigMap']);

export function cachedResource(object: KubeObject, type: ResourceType): CachedResource {
  const apiVersion = apiVersionOf(type);
  const document = auditDocument(object as KubernetesObject, type.kind, apiVersion);
  const { name, namespace, uid, resourceVersion, labels, deletionTimestamp } = object.metadata ?? {};
  return {
    apiVersion,
    kind: type.kind,
    metadata: { name, namespace, uid, resourceVersion, labels, deletionTimestamp },
    ...(CONTENT_NOT_CACHED.has(type.kind) ? {} : { document }),
    documentHash: auditDocumentHash(document),
  };
}

export const resourceKey = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

export interface AuditedResourcesOptions {
  client: KubeClient;
  /** Namespaces to watch for namespaced kinds; undefined = all. */
  namespaces: readonly string[] | undefined;
  logger: Logger;
  /** An object of an audited kind was added, changed (resourceVersion) or deleted. */
  onChange: (key: string) => void;
}

export class AuditedResources {
  readonly #options: AuditedResourcesOptions;
  readonly #informers = new Map<string, Informer<CachedResource>>();

  constructor(options: AuditedResourcesOptions) {
    this.#options = options;
  }

  /** Starts informers for kinds not watched yet and stops those of kinds no longer audited. */
  async setKinds(kinds: Iterable<string>): Promise<void> {
    const wanted = new Set([...kinds].filter((kind) => RESOURCE_AUDIT_TYPES[kind as ConfigAuditKind]));
    const stopping = [...this.#informers].filter(([kind]) => !wanted.has(kind));
    for (const [kind] of stopping) this.#informers.delete(kind);
    const starting: Informer<CachedResource>[] = [];
    for (const kind of wanted) {
      if (this.#informers.has(kind)) continue;
      const type = RESOURCE_AUDIT_TYPES[kind as ConfigAuditKind]!;
      const informer = new Informer<CachedResource>(this.#options.client, {
        type,
        ...(type.namespaced && this.#options.namespaces ? { namespaces: this.#options.namespaces } : {}),
        transform: (object) => cachedResource(object, type),
        logger: this.#options.logger,
      });
      informer.on((event) => {
        const { namespace = '', name = '' } = event.object.metadata;
        this.#options.onChange(resourceKey(kind, namespace, name));
      });
      this.#informers.set(kind, informer);
      starting.push(informer);
    }
    await Promise.all([
      ...stopping.map(([, informer]) => informer.stop()),
      ...starting.map((informer) => informer.start()),
    ]);
  }

  get(kind: string, namespace: string, name: string): CachedResource | undefined {
    return this.#informers.get(kind)?.get(name, namespace || undefined);
  }

  watches(kind: string): boolean {
    return this.#informers.has(kind);
  }

  keys(kind: string): string[] {
    return (this.#informers.get(kind)?.list() ?? []).map((object) =>
      resourceKey(kind, object.metadata.namespace ?? '', object.metadata.name ?? ''),
    );
  }

  get size(): number {
    let total = 0;
    for (const informer of this.#informers.values()) total += informer.size;
    return total;
  }

  async stop(): Promise<void> {
    const informers = [...this.#informers.values()];
    this.#informers.clear();
    await Promise.all(informers.map((informer) => informer.stop()));
  }
}
