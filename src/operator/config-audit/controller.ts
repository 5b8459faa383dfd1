/**
 * The config audit controller (contract §3.4, §3.5): keeps a ConfigAuditReport / ClusterConfigAuditReport per
 * audited object, and an RbacAssessmentReport / ClusterRbacAssessmentReport per Role / ClusterRole (merged into
 * config audit reports with `OPERATOR_MERGE_RBAC_FINDING_WITH_CONFIG_AUDIT`).
 *
 * `reconcile(key)` is level-triggered: it reads the object from the caches, decides whether it is audited, and
 * compares the stored report's labels (which carry `resource-spec-hash` and `plugin-config-hash`) with the wanted
 * ones. Only when they differ are the checks run, and the report is written only when its content changed. A
 * change of the checks (custom checks, severity filter, cluster version) re-evaluates the kinds it affects, in
 * bounded batches.
 */
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { KubernetesObject } from '../../checks/types.ts';
import { describeError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import { parseOwnerKey, type WorkloadView } from '../cluster/workload-view.ts';
import type { ConfigAuditKind } from '../config/index.ts';
import type { KubeClient } from '../kube/client.ts';
import { ReportTtlController } from '../controllers/report-ttl.ts';
import { resourceReportName } from '../kube/naming.ts';
import { resolveReportOwner, MANAGED_BY_LABEL, MANAGED_BY_OPERATOR } from '../kube/ownership.ts';
import { apiVersionOf, builtin, type ResourceType } from '../kube/resource-types.ts';
import {
  HISTORICAL_REPORT_TTL,
  REPORT_TTL_ANNOTATION,
  RESOURCE_KIND_LABEL,
  RESOURCE_NAME_ANNOTATION,
  RESOURCE_NAME_LABEL,
  RESOURCE_NAMESPACE_LABEL,
} from '../reports/labels.ts';
import type { ReportCache } from '../reports/report-cache.ts';
import type { ReportWriter } from '../reports/report-writer.ts';
import type { AnyReport, ReportKind } from '../reports/types.ts';
import type { EventRecorder } from '../runtime/events.ts';
import { WorkQueue, type ReconcileResult } from '../runtime/work-queue.ts';
import { auditObject } from './audit.ts';
import { auditDocument, auditDocumentHash } from './audit-input.ts';
import {
  configAuditReportKinds,
  reportKindFor,
  RESOURCE_AUDIT_TYPES,
  WORKLOAD_AUDIT_KINDS,
} from './audited-kinds.ts';
import { AuditedResources, resourceKey } from './audited-resources.ts';
import { BatchedRollout } from './batched-rollout.ts';
import { CheckSet } from './check-set.ts';
import { CustomChecksSource } from './custom-checks-source.ts';
import {
  buildMisconfigurationReport,
  isCurrent,
  isMisconfigurationReportKind,
  misconfigurationReportMetadata,
  type AuditedOwner,
  type MisconfigurationReportKind,
} from './report-builder.ts';
import type { ConfigAuditSettings } from './settings.ts';

const WORKLOAD_TYPES: Readonly<Record<string, ResourceType>> = {
  Pod: builtin.pod,
  ReplicaSet: builtin.replicaSet,
  ReplicationController: builtin.replicationController,
  StatefulSet: builtin.statefulSet,
  DaemonSet: builtin.daemonSet,
  CronJob: builtin.cronJob,
  Job: builtin.job,
};

/** How often the cluster version (read by some checks) is looked at again. */
const versionRefreshMs = 60 * 60_000;

/** Labels that keep an object out of the config audit (contract §2.4). */
export function excludedByLabels(
  labels: Readonly<Record<string, string>>,
  skipResourceByLabels: readonly string[],
): string | undefined {
  if (labels[MANAGED_BY_LABEL] === MANAGED_BY_OPERATOR) return `${MANAGED_BY_LABEL}=${MANAGED_BY_OPERATOR}`;
  if (labels[MANAGED_BY_LABEL] === 'KubeEnforcer') return `${MANAGED_BY_LABEL}=KubeEnforcer`;
  if (labels.app === 'kube-bench') return 'app=kube-bench';
  const key = skipResourceByLabels.find((label) => Object.hasOwn(labels, label));
  return key === undefined ? undefined : `${key} (skipResourceByLabels)`;
}

export interface ConfigAuditStats {
  /** Objects run through the checks. */
  evaluations: number;
  /** Reconciles that found the stored report current (nothing evaluated, nothing written). */
  upToDate: number;
  created: number;
  updated: number;
  /** Evaluated, but the report's content was unchanged (no write). */
  unchanged: number;
  deleted: number;
}

export interface ConfigAuditControllerOptions {
  client: KubeClient;
  view: WorkloadView;
  /** A cache of the misconfiguration report kinds (`configAuditReportKinds`); the controller starts and stops it. */
  reports: ReportCache;
  writer: ReportWriter;
  events: EventRecorder;
  logger: Logger;
  operatorNamespace: string;
  /** Namespaces watched for namespaced kinds; undefined = all. */
  namespaces: readonly string[] | undefined;
  /** Read at start and again on `settingsChanged()`. */
  settings: () => ConfigAuditSettings;
  /** Reconciles running at once (default 4). */
  concurrency?: number;
}

type Target =
  | { audit: false; deleteReport: boolean; requeueAfterMs?: number }
  | {
      audit: true;
      owner: AuditedOwner;
      documentHash: string;
      document: () => Promise<KubernetesObject | undefined>;
    };

export class ConfigAuditController {
  readonly stats: ConfigAuditStats = {
    evaluations: 0,
    upToDate: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    deleted: 0,
  };
  readonly #options: ConfigAuditControllerOptions;
  readonly #logger: Logger;
  readonly #queue: WorkQueue;
  readonly #resources: AuditedResources;
  readonly #custom: CustomChecksSource;
  readonly #rollout: BatchedRollout;
  readonly #historical: ReportTtlController;
  #settings: ConfigAuditSettings;
  #checkSet: CheckSet | undefined;
  #clusterVersion: string | undefined;
  #versionTimer: NodeJS.Timeout | undefined;
  #started = false;

  constructor(options: ConfigAuditControllerOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ controller: 'config-audit' });
    this.#settings = options.settings();
    this.#queue = new WorkQueue({
      name: 'config-audit',
      concurrency: options.concurrency ?? 4,
      logger: this.#logger,
      reconcile: async (key) => {
        let wrote = false;
        try {
          const result = await this.#reconcile(key);
          wrote = result.wrote;
          return result.requeueAfterMs === undefined ? {} : { requeueAfterMs: result.requeueAfterMs };
        } finally {
          this.#rollout.settled(key, wrote);
        }
      },
    });
    this.#rollout = new BatchedRollout({
      batchSize: this.#settings.batch.size,
      delayMs: this.#settings.batch.delayMs,
      enqueue: (key) => this.#queue.add(key),
      logger: this.#logger,
    });
    this.#resources = new AuditedResources({
      client: options.client,
      namespaces: options.namespaces,
      logger: this.#logger,
      onChange: (key) => this.#queue.add(key),
    });
    this.#custom = new CustomChecksSource({
      client: options.client,
      namespace: options.operatorNamespace,
      events: options.events,
      logger: this.#logger,
      onChange: () => this.#rebuildCheckSet('custom checks changed'),
    });
    // Reports are re-evaluated whenever what they describe changes, so their TTL never needs to force a fresh
    // one; only historical reports (`report-ttl: 0s`, e.g. left by upstream for an old revision) are deleted.
    this.#historical = new ReportTtlController({
      cache: options.reports,
      writer: options.writer,
      kinds: ['ConfigAuditReport', 'RbacAssessmentReport'],
      logger: this.#logger,
      expires: (report) => report.metadata.annotations?.[REPORT_TTL_ANNOTATION] === HISTORICAL_REPORT_TTL,
    });
    options.view.onChange((key) => {
      if (this.#settings.kinds.has(parseOwnerKey(key).kind)) this.#queue.add(key);
    });
    for (const kind of configAuditReportKinds({
      configAuditScannerEnabled: true,
      rbacAssessmentScannerEnabled: true,
    })) {
      options.reports.on(kind, (event) => {
        if (event.type !== 'deleted') return;
        const key = ownerKeyOfReport(event.object);
        if (key) this.#queue.add(key);
      });
    }
  }

  /** The checks in force (built-in and custom, with the settings that shape results). */
  get checkSet(): CheckSet | undefined {
    return this.#checkSet;
  }

  get customChecks(): CustomChecksSource {
    return this.#custom;
  }

  /** Re-evaluation batches started since the controller was created. */
  get rolloutBatches(): number {
    return this.#rollout.batches;
  }

  get queueDepth(): number {
    return this.#queue.depth + this.#rollout.pending;
  }

  /** Starts the report cache and the watches; the workload view must have been started by the caller. */
  async start(): Promise<void> {
    await this.#options.reports.start();
    this.#clusterVersion = await this.#readClusterVersion();
    await this.#custom.start();
    this.#rebuildCheckSet();
    await this.#resources.setKinds(this.#settings.kinds);
    this.#started = true;
    this.#queue.start();
    this.#historical.start();
    this.#enqueueKinds(this.#settings.kinds);
    this.#versionTimer = setInterval(() => void this.#refreshClusterVersion(), versionRefreshMs);
    this.#versionTimer.unref();
    this.#logger.info(
      {
        kinds: [...this.#settings.kinds],
        customChecks: this.#custom.entries.length,
        clusterVersion: this.#clusterVersion,
      },
      'config audit started',
    );
  }

  /** The configuration changed (trivy config reloaded): new kinds are watched, affected reports re-evaluated. */
  async settingsChanged(): Promise<void> {
    const previous = this.#settings;
    this.#settings = this.#options.settings();
    if (!this.#started) return;
    try {
      const added = [...this.#settings.kinds].filter((kind) => !previous.kinds.has(kind));
      await this.#resources.setKinds(this.#settings.kinds);
      this.#enqueueKinds(added);
      this.#rebuildCheckSet('configuration changed');
    } catch (error) {
      this.#logger.error(
        { err: describeError(error) },
        'could not apply the new configuration to the config audit',
      );
    }
  }

  /** Resolves when no reconcile is queued or running and no re-evaluation batch is pending (for tests). */
  async idle(): Promise<void> {
    await this.#rollout.idle();
    await this.#queue.idle();
  }

  async stop(): Promise<void> {
    this.#started = false;
    clearInterval(this.#versionTimer);
    await this.#rollout.stop();
    await Promise.all([this.#queue.stop(), this.#historical.stop()]);
    await Promise.all([this.#resources.stop(), this.#custom.stop(), this.#options.reports.stop()]);
  }

  /** Public for tests: one reconcile outside the queue. */
  reconcile(key: string): Promise<ReconcileResult & { wrote: boolean }> {
    return this.#reconcile(key);
  }

  #rebuildCheckSet(reason?: string): void {
    const settings = this.#settings;
    const next = new CheckSet({
      custom: this.#custom.entries,
      severities: settings.severities,
      recordFailedChecksOnly: settings.recordFailedChecksOnly,
      context: this.#clusterVersion === undefined ? {} : { clusterVersion: this.#clusterVersion },
      engineVersion: settings.scannerVersion,
    });
    const previous = this.#checkSet;
    this.#checkSet = next;
    if (previous === undefined || !this.#started) return;
    const changed = next.changedKinds(previous, settings.kinds);
    if (changed.length === 0) return;
    const keys = changed.flatMap((kind) => this.#keysOf(kind));
    this.#logger.info(
      { reason, kinds: changed, objects: keys.length, batchSize: settings.batch.size },
      'checks changed; re-evaluating the affected reports in batches',
    );
    this.#rollout.schedule(keys);
  }

  #enqueueKinds(kinds: Iterable<string>): void {
    for (const kind of kinds) for (const key of this.#keysOf(kind)) this.#queue.add(key);
  }

  #keysOf(kind: string): string[] {
    if (!WORKLOAD_AUDIT_KINDS.has(kind)) return this.#resources.keys(kind);
    return this.#options.view.allOwnerKeys().filter((key) => parseOwnerKey(key).kind === kind);
  }

  async #readClusterVersion(): Promise<string | undefined> {
    try {
      return (await this.#options.client.serverVersion()).gitVersion;
    } catch (error) {
      this.#logger.warn(
        { err: describeError(error) },
        'cannot read the Kubernetes version; checks that depend on it assume the newest',
      );
      return this.#clusterVersion;
    }
  }

  async #refreshClusterVersion(): Promise<void> {
    const version = await this.#readClusterVersion();
    if (version === this.#clusterVersion) return;
    this.#clusterVersion = version;
    this.#rebuildCheckSet(`cluster version is now ${version}`);
  }

  async #reconcile(key: string): Promise<{ wrote: boolean; requeueAfterMs?: number }> {
    const checkSet = this.#checkSet;
    const settings = this.#settings;
    const { kind, namespace, name } = parseOwnerKey(key);
    if (checkSet === undefined || !settings.kinds.has(kind) || !settings.namespaceIncluded(namespace)) {
      return { wrote: false };
    }
    const reportKind = reportKindFor(kind, settings.mergeRbacWithConfigAudit) as MisconfigurationReportKind;
    const target = WORKLOAD_AUDIT_KINDS.has(kind)
      ? this.#workloadTarget(kind, namespace, name, settings)
      : this.#resourceTarget(kind, namespace, name, settings);
    if (!target.audit) {
      if (!target.deleteReport) return { wrote: false, ...pick(target.requeueAfterMs) };
      const deleted = await this.#deleteReports(kind, namespace, name);
      return { wrote: deleted };
    }

    const metadata = misconfigurationReportMetadata({
      reportKind,
      owner: target.owner,
      resourceSpecHash: target.documentHash,
      pluginConfigHash: checkSet.forKind(kind).hash,
      resourceLabels: settings.resourceLabels,
      additionalLabels: settings.additionalLabels,
      reportTtlMs: settings.reportTtlMs,
    });
    const reportName = metadata.name ?? '';
    let wrote = await this.#deleteReports(kind, namespace, name, reportKind);
    const stored = this.#options.reports.get(reportKind, reportName, namespace);
    if (stored && isCurrent(stored, metadata)) {
      this.stats.upToDate++;
      return { wrote };
    }

    const document = await target.document();
    if (document === undefined) return { wrote };
    this.stats.evaluations++;
    const outcome = auditObject(document, kind, checkSet);
    for (const error of outcome.errors) this.#custom.reportEvaluationError(error);
    const report = buildMisconfigurationReport(reportKind, metadata, {
      checks: outcome.checks,
      summary: outcome.summary,
      scannerVersion: settings.scannerVersion,
      now: new Date(),
    });
    const written = await this.#options.writer.apply(report);
    this.stats[written]++;
    if (written !== 'unchanged') {
      wrote = true;
      this.#logger.debug({ key, report: `${reportKind}/${reportName}`, outcome: written }, 'report written');
    }
    return { wrote };
  }

  #workloadTarget(kind: string, namespace: string, name: string, settings: ConfigAuditSettings): Target {
    const workload = this.#options.view.workload({ kind, namespace, name });
    if (!workload) return { audit: false, deleteReport: false };
    const resolution = resolveReportOwner(workload, this.#options.view, settings.ownership);
    if ('skip' in resolution) {
      const { code } = resolution.skip;
      if (code === 'controller-not-cached')
        return { audit: false, deleteReport: false, requeueAfterMs: 2000 };
      // A report of an old revision is historical: upstream marks it `report-ttl: 0s` for deletion; deleting at
      // once is the same without the round trip. A skip label is the user opting the object out.
      return { audit: false, deleteReport: code === 'old-revision' || code === 'skip-label' };
    }
    const labels = workload.object.metadata?.labels ?? {};
    if (excludedByLabels(labels, settings.ownership.skipResourceByLabels))
      return { audit: false, deleteReport: true };
    const type = WORKLOAD_TYPES[kind]!;
    const document = auditDocument(workload.object as KubernetesObject, kind, apiVersionOf(type));
    const { uid = '' } = workload.object.metadata ?? {};
    return {
      audit: true,
      owner: { kind, namespace, name, apiVersion: apiVersionOf(type), uid, labels },
      documentHash: auditDocumentHash(document),
      document: () => Promise.resolve(document),
    };
  }

  #resourceTarget(kind: string, namespace: string, name: string, settings: ConfigAuditSettings): Target {
    const cached = this.#resources.get(kind, namespace, name);
    if (!cached) return { audit: false, deleteReport: false };
    const labels = cached.metadata.labels ?? {};
    if (cached.metadata.deletionTimestamp) return { audit: false, deleteReport: false };
    if (excludedByLabels(labels, settings.ownership.skipResourceByLabels))
      return { audit: false, deleteReport: true };
    const type = RESOURCE_AUDIT_TYPES[kind as ConfigAuditKind]!;
    return {
      audit: true,
      owner: { kind, namespace, name, apiVersion: cached.apiVersion, uid: cached.metadata.uid ?? '', labels },
      documentHash: cached.documentHash,
      document: async () => {
        if (cached.document) return cached.document;
        // Content not cached (ConfigMaps): read the object now that its hash says it changed.
        const live = await this.#options.client.get<V1ConfigMap>(type, name, namespace || undefined);
        return live ? auditDocument(live as KubernetesObject, kind, cached.apiVersion) : undefined;
      },
    };
  }

  /** Deletes the object's reports of every misconfiguration kind except `keep`; true when one was deleted. */
  async #deleteReports(kind: string, namespace: string, name: string, keep?: ReportKind): Promise<boolean> {
    const { reports, writer } = this.#options;
    const reportName = resourceReportName(kind, name);
    const key = resourceKey(kind, namespace, name);
    let deleted = false;
    for (const reportKind of new Set([reportKindFor(kind, false), reportKindFor(kind, true)])) {
      if (reportKind === keep) continue;
      const existing = reports.get(reportKind, reportName, namespace || undefined);
      // The name is a hash for long names: make sure the report found is this object's.
      if (!existing || ownerKeyOfReport(existing) !== key) continue;
      await writer.delete(reportKind, reportName, existing.metadata.namespace);
      this.stats.deleted++;
      deleted = true;
    }
    return deleted;
  }
}

const pick = (requeueAfterMs: number | undefined) => (requeueAfterMs === undefined ? {} : { requeueAfterMs });

/** The key of the object a misconfiguration report belongs to, from its labels. */
export function ownerKeyOfReport(report: AnyReport): string | undefined {
  if (!isMisconfigurationReportKind(report.kind as ReportKind)) return undefined;
  const { labels = {}, annotations = {} } = report.metadata;
  const kind = labels[RESOURCE_KIND_LABEL];
  const name = labels[RESOURCE_NAME_LABEL] ?? annotations[RESOURCE_NAME_ANNOTATION];
  if (!kind || !name) return undefined;
  return resourceKey(kind, labels[RESOURCE_NAMESPACE_LABEL] ?? report.metadata.namespace ?? '', name);
}
