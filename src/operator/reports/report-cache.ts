import type { Logger } from '../../util/logger.ts';
import type { KubeClient } from '../kube/client.ts';
import { Informer, withoutManagedFields, type InformerEvent } from '../kube/informer.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_OPERATOR } from '../kube/ownership.ts';
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

  constructor(options: ReportCacheOptions) {
    const transform = slimmer(options.keep);
    for (const kind of options.kinds) {
      const type = REPORT_RESOURCES[kind];
      this.#informers.set(
        kind,
        new Informer<AnyReport>(options.client, {
          type,
          ...(type.namespaced && options.namespaces ? { namespaces: options.namespaces } : {}),
          labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_OPERATOR}`,
          transform,
          logger: options.logger,
        }),
      );
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

  /** Reports of one kind whose labels include all of `labels`. */
  select(kind: ReportKind, labels: Readonly<Record<string, string>>, namespace?: string): AnyReport[] {
    const entries = Object.entries(labels);
    return (this.#informers.get(kind)?.list(namespace) ?? []).filter((report) =>
      entries.every(([key, value]) => report.metadata.labels?.[key] === value),
    );
  }
}
