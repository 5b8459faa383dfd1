import type { Logger } from '../../util/logger.ts';
import type { KubeClient } from '../kube/client.ts';
import { Informer, withoutManagedFields, type InformerEvent } from '../kube/informer.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_OPERATOR } from '../kube/ownership.ts';
import {
  RESOURCE_KIND_LABEL,
  RESOURCE_NAME_HASH_LABEL,
  RESOURCE_NAME_LABEL,
  RESOURCE_NAMESPACE_LABEL,
} from './labels.ts';
import { REPORT_RESOURCES, type AnyReport, type ReportKind } from './types.ts';

export interface ReportCacheOptions {
  client: KubeClient;
  kinds: readonly ReportKind[];
  /** Namespaces watched for namespaced kinds; undefined = all. */
  namespaces: readonly string[] | undefined;
  logger: Logger;
  /**
   * Finding lists are dropped from the cache (memory must not grow with report sizes) unless a metric needs them:
   * `trivy_vulnerability_id` needs vulnerabilities, `trivy_exposedsecrets_info` secrets, the `*_info` misconfig
   * metrics checks.
   */
  keep: { vulnerabilities: boolean; secrets: boolean; checks: boolean };
}

/** The big arrays of each kind's `report`, and whether the cache keeps them. */
function slimmer(keep: ReportCacheOptions['keep']) {
  return (object: AnyReport): AnyReport => {
    const slim = withoutManagedFields(object) as AnyReport & { report?: Record<string, unknown> };
    const report = slim.report;
    if (!report) return slim;
    const dropped: Record<string, unknown> = { ...report };
    if (!keep.vulnerabilities && 'vulnerabilities' in dropped) dropped.vulnerabilities = [];
    if (!keep.secrets && 'secrets' in dropped) dropped.secrets = [];
    if (!keep.checks && 'checks' in dropped) dropped.checks = [];
    if ('components' in dropped) dropped.components = {};
    return { ...slim, report: dropped } as unknown as AnyReport;
  };
}

/**
 * Informer caches of the reports the operator writes (label `app.kubernetes.io/managed-by=trivy-operator`), kept
 * slim: metadata, summaries and artifact data — what "is it up to date", metrics and TTLs need — without the
 * finding lists, which live in full in the operator's store.
 */
export class ReportCache {
  readonly #informers = new Map<ReportKind, Informer<AnyReport>>();
  /** Per kind: owner (its identifying labels) → the owner's reports by object key. */
  readonly #byOwner = new Map<ReportKind, Map<string, Map<string, AnyReport>>>();

  constructor(options: ReportCacheOptions) {
    const transform = slimmer(options.keep);
    for (const kind of options.kinds) {
      const type = REPORT_RESOURCES[kind];
      const informer = new Informer<AnyReport>(options.client, {
        type,
        ...(type.namespaced && options.namespaces ? { namespaces: options.namespaces } : {}),
        labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_OPERATOR}`,
        transform,
        logger: options.logger,
      });
      // Registered first, so the index is current when any other handler runs.
      const index = new Map<string, Map<string, AnyReport>>();
      this.#byOwner.set(kind, index);
      informer.on((event) => {
        if (event.type === 'updated') unindex(index, event.old);
        if (event.type === 'deleted') unindex(index, event.object);
        else reindex(index, event.object);
      });
      this.#informers.set(kind, informer);
    }
  }

  on(kind: ReportKind, handler: (event: InformerEvent<AnyReport>) => void): void {
    this.#informers.get(kind)?.on(handler);
  }

  async start(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((informer) => informer.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((informer) => informer.stop()));
  }

  has(kind: ReportKind): boolean {
    return this.#informers.has(kind);
  }

  get(kind: ReportKind, name: string, namespace?: string): AnyReport | undefined {
    return this.#informers.get(kind)?.get(name, REPORT_RESOURCES[kind].namespaced ? namespace : undefined);
  }

  list(kind: ReportKind): readonly AnyReport[] {
    return this.#informers.get(kind)?.list() ?? [];
  }

  /**
   * Reports of one kind whose labels include all of `labels`. Called for every owner on every reconcile: with the
   * owner's identifying labels it reads only that owner's reports, not every report of the namespace.
   */
  select(kind: ReportKind, labels: Readonly<Record<string, string>>, namespace?: string): AnyReport[] {
    const entries = Object.entries(labels);
    const owner = ownerIndexKey(labels);
    const candidates =
      owner === undefined
        ? (this.#informers.get(kind)?.list(namespace) ?? [])
        : [...(this.#byOwner.get(kind)?.get(owner)?.values() ?? [])].filter(
            (report) => namespace === undefined || report.metadata.namespace === namespace,
          );
    return candidates.filter((report) =>
      entries.every(([key, value]) => report.metadata.labels?.[key] === value),
    );
  }
}

/** The owner a report's (or a query's) labels name; undefined when they do not name one. */
function ownerIndexKey(labels: Readonly<Record<string, string>> | undefined): string | undefined {
  const kind = labels?.[RESOURCE_KIND_LABEL];
  const name = labels?.[RESOURCE_NAME_LABEL];
  const nameHash = labels?.[RESOURCE_NAME_HASH_LABEL];
  if (kind === undefined || (name === undefined && nameHash === undefined)) return undefined;
  // Owners whose name is not a valid label value are labelled with a hash of it instead (see ownerLabels).
  const identity = name === undefined ? `#${nameHash}` : `=${name}`;
  return `${kind}|${identity}|${labels?.[RESOURCE_NAMESPACE_LABEL] ?? ''}`;
}

const reportKey = (report: AnyReport) => `${report.metadata.namespace ?? ''}/${report.metadata.name ?? ''}`;

function reindex(index: Map<string, Map<string, AnyReport>>, report: AnyReport): void {
  const owner = ownerIndexKey(report.metadata.labels);
  if (owner === undefined) return;
  let reports = index.get(owner);
  if (!reports) index.set(owner, (reports = new Map()));
  reports.set(reportKey(report), report);
}

function unindex(index: Map<string, Map<string, AnyReport>>, report: AnyReport): void {
  const owner = ownerIndexKey(report.metadata.labels);
  const reports = owner === undefined ? undefined : index.get(owner);
  reports?.delete(reportKey(report));
  if (reports?.size === 0) index.delete(owner!);
}
