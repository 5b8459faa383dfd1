import { createHash } from 'node:crypto';
import type { Logger } from '../../util/logger.ts';
import { isAlreadyExists, isConflict, isNotFound, type KubeClient } from '../kube/client.ts';
import { TRUNCATED_ANNOTATION } from './budget.ts';
import { isShared, sharedJson } from './shared-parts.ts';
import { REPORT_TTL_ANNOTATION, RESOURCE_NAME_ANNOTATION } from './labels.ts';
import type { ReportCache } from './report-cache.ts';
import { REPORT_RESOURCES, type AnyReport, type ReportKind } from './types.ts';

/** A digest of what the operator decided to write; equal digests mean there is nothing to write. */
export const CONTENT_HASH_ANNOTATION = 'trivy-ts.aquasecurity.github.io/content-hash';
export const IMAGE_DIGEST_ANNOTATION = 'trivy-ts.aquasecurity.github.io/image-digest';
export const IMAGE_PLATFORM_ANNOTATION = 'trivy-ts.aquasecurity.github.io/image-platform';

/** Annotations the operator owns: replaced on every write; any other annotation (a user's) is kept. */
const ownedAnnotations = [
  CONTENT_HASH_ANNOTATION,
  IMAGE_DIGEST_ANNOTATION,
  IMAGE_PLATFORM_ANNOTATION,
  TRUNCATED_ANNOTATION,
  REPORT_TTL_ANNOTATION,
  RESOURCE_NAME_ANNOTATION,
];

export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Everything that makes two reports different, except the time they were computed. Plain JSON, not a canonical
 * form: both sides of the comparison are built by the same code, so keys come in the same order, and sorting every
 * object of every report on every reconcile was most of what the operator allocated. (A new version of the operator
 * rewrites every report once anyway: the scanner version is part of them.) The large lists are hashed after the
 * rest, from their JSON made once per image when the reports of its containers share them.
 */
export function contentHash(report: AnyReport): string {
  const body = (report as { report?: Record<string, unknown> }).report;
  const { updateTimestamp: _time, ...rest } = body ?? {};
  const { [CONTENT_HASH_ANNOTATION]: _hash, ...annotations } = report.metadata.annotations ?? {};
  const lists: unknown[] = [];
  for (const key of LARGE_PARTS) {
    if (rest[key] === undefined) continue;
    lists.push(rest[key]);
    rest[key] = null;
  }
  const hash = createHash('sha256').update(
    JSON.stringify({
      labels: report.metadata.labels ?? {},
      annotations,
      owners: report.metadata.ownerReferences ?? [],
      report: rest,
      spec: (report as { spec?: unknown }).spec ?? null,
    }),
  );
  for (const list of lists) {
    hash.update('\n');
    hash.update(isShared(list) ? sharedJson(list).json : (JSON.stringify(list) ?? 'null'));
  }
  return hash.digest('hex').slice(0, 32);
}

/** The fields of a report body that grow with the image: hashed separately, in this order. */
const LARGE_PARTS = ['vulnerabilities', 'secrets', 'components', 'checks'] as const;

/**
 * Create-or-update by name, writing only when the content changed (a content hash in an annotation makes the check
 * free: no GET, no diff of large objects). Updates carry the resourceVersion they were based on; on a conflict the
 * object is read again and the write retried. Reports deleted by the operator itself are remembered briefly so that
 * the deletion is not mistaken for a user asking for a rescan.
 */
export class ReportWriter {
  readonly #client: KubeClient;
  readonly #cache: ReportCache;
  readonly #logger: Logger;
  readonly #deletedByUs = new Map<string, number>();

  constructor(options: { client: KubeClient; cache: ReportCache; logger: Logger }) {
    this.#client = options.client;
    this.#cache = options.cache;
    this.#logger = options.logger;
  }

  async apply(desired: AnyReport): Promise<WriteOutcome> {
    const kind = desired.kind as ReportKind;
    const type = REPORT_RESOURCES[kind];
    const { name, namespace } = desired.metadata;
    if (!name) throw new Error('a report needs a name');
    const hash = contentHash(desired);
    const wanted: AnyReport = {
      ...desired,
      metadata: {
        ...desired.metadata,
        annotations: { ...desired.metadata.annotations, [CONTENT_HASH_ANNOTATION]: hash },
      },
    };
    let existing = this.#cache.get(kind, name, namespace);
    for (let attempt = 0; attempt < 5; attempt++) {
      if (existing?.metadata.annotations?.[CONTENT_HASH_ANNOTATION] === hash) return 'unchanged';
      try {
        if (!existing) {
          await this.#client.write(type, wanted);
          return 'created';
        }
        await this.#client.write(type, merged(existing, wanted));
        return 'updated';
      } catch (error) {
        if (!isAlreadyExists(error) && !isConflict(error) && !(existing && isNotFound(error))) throw error;
        // Someone (an earlier write of ours the cache has not seen yet, or a user) changed it: read, then retry.
        existing = await this.#client.get<AnyReport>(type, name, namespace);
      }
    }
    throw new Error(`${kind} ${namespace ? `${namespace}/` : ''}${name}: still conflicting after 5 attempts`);
  }

  /** Deletes a report past its TTL: like a user's deletion, it leads to a fresh analysis of the image. */
  async expire(kind: ReportKind, name: string, namespace?: string): Promise<void> {
    await this.#client.delete(REPORT_RESOURCES[kind], name, namespace);
    this.#logger.info({ kind, name, namespace }, 'report expired (report-ttl); deleted');
  }

  async delete(kind: ReportKind, name: string, namespace?: string): Promise<void> {
    this.#deletedByUs.set(`${kind}/${namespace ?? ''}/${name}`, Date.now());
    if (this.#deletedByUs.size > 10_000) {
      const cutoff = Date.now() - 10 * 60_000;
      for (const [key, at] of this.#deletedByUs) if (at < cutoff) this.#deletedByUs.delete(key);
    }
    await this.#client.delete(REPORT_RESOURCES[kind], name, namespace);
    this.#logger.debug({ kind, name, namespace }, 'report deleted');
  }

  /** True (once) when the operator itself deleted this report. */
  consumeOwnDeletion(kind: ReportKind, name: string, namespace?: string): boolean {
    return this.#deletedByUs.delete(`${kind}/${namespace ?? ''}/${name}`);
  }
}

/** The desired report on top of the stored one: its resourceVersion, uid, creation time and foreign annotations. */
function merged(existing: AnyReport, wanted: AnyReport): AnyReport {
  const annotations: Record<string, string> = { ...existing.metadata.annotations };
  for (const key of ownedAnnotations) delete annotations[key];
  Object.assign(annotations, wanted.metadata.annotations);
  return {
    ...wanted,
    metadata: {
      ...wanted.metadata,
      annotations,
      resourceVersion: existing.metadata.resourceVersion,
      uid: existing.metadata.uid,
    },
  } as AnyReport;
}
