import { hostname } from 'node:os';
import { join } from 'node:path';
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import type { ClusterConnection } from './kube/kube-config.ts';
import { describeError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import { trivyTsVersion } from '../util/version.ts';
import { AnalysisQueue } from './analysis/analysis-queue.ts';
import { InlineRunner } from './analysis/inline-runner.ts';
import { JobRunner } from './analysis/job-runner.ts';
import type { AnalysisRunner } from './analysis/types.ts';
import { ownerKeyString, WorkloadView } from './cluster/workload-view.ts';
import { ConfigAuditController, configAuditReportKinds, configAuditSettings } from './config-audit/index.ts';
import {
  loadOperatorConfiguration,
  reloadTrivyConfiguration,
  TRIVY_CONFIG_NAME,
  watchedNamespaces,
  type OperatorConfiguration,
} from './config/index.ts';
import { ReportTtlController } from './controllers/report-ttl.ts';
import {
  ImageReportController,
  imageReportKinds,
  type ImageReportSettings,
} from './image-reports/controller.ts';
import { ImageFindings } from './image-reports/image-findings.ts';
import { imageReportSettings } from './image-reports/settings.ts';
import { TagResolver } from './images/image-digests.ts';
import { KubeClient } from './kube/client.ts';
import { Informer } from './kube/informer.ts';
import type { WorkloadKind } from './kube/pod-spec.ts';
import { builtin } from './kube/resource-types.ts';
import { decodeSecretData, readConfigObjects } from './operator-config-source.ts';
import { WorkloadCredentials } from './registry-auth/workload-credentials.ts';
import {
  CONTAINER_NAME_LABEL,
  RESOURCE_KIND_LABEL,
  RESOURCE_NAME_ANNOTATION,
  RESOURCE_NAME_LABEL,
  RESOURCE_NAMESPACE_LABEL,
} from './reports/labels.ts';
import { ReportCache } from './reports/report-cache.ts';
import { IMAGE_DIGEST_ANNOTATION, IMAGE_PLATFORM_ANNOTATION, ReportWriter } from './reports/report-writer.ts';
import type { AnyReport, ReportKind } from './reports/types.ts';
import { EventRecorder } from './runtime/events.ts';
import { HttpEndpoint, json, text } from './runtime/http-server.ts';
import { createMetrics } from './metrics/index.ts';
import type { ReportSource } from './metrics/report-metrics.ts';
import { LeaderElector } from './runtime/leader-election.ts';
import { WorkQueue } from './runtime/work-queue.ts';
import { imageKey, ImageStore, madeBy } from './store/image-store.ts';
import { coverage, statusView } from './status-view.ts';
import { DbManager } from './vulndb/db-manager.ts';

export interface OperatorOptions {
  /** The API server and credentials (`loadClusterConnection`). */
  connection: ClusterConnection;
  /** The process environment (OPERATOR_* variables). */
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** Leader election identity; defaults to the pod name (HOSTNAME). */
  identity?: string;
  /** Called when the operator cannot go on (leadership lost): the process should exit and be restarted. */
  onFatal?: (reason: string) => void;
}

/** How long an image nothing runs any more stays in the store (a rollback finds it analysed). */
const storeRetentionMs = 24 * 60 * 60_000;

/**
 * `trivy-ts operator`: wires the informers, the analysis queue, the vulnerability DB and the controllers together,
 * and serves probes, the status view and metrics. Everything the operator keeps beyond the cluster's objects lives in
 * its store, so it can be stopped at any moment and started again without rescanning.
 */
export class Operator {
  readonly client: KubeClient;
  readonly logger: Logger;
  readonly #options: OperatorOptions;
  #config: OperatorConfiguration;
  #settings: ImageReportSettings;
  readonly #stoppers: (() => Promise<void> | void)[] = [];
  #ready = false;
  #leader: LeaderElector | undefined;
  store: ImageStore | undefined;
  db: DbManager | undefined;
  queue: AnalysisQueue | undefined;
  controller: ImageReportController | undefined;
  view: WorkloadView | undefined;
  reports: ReportCache | undefined;
  writer: ReportWriter | undefined;
  workQueue: WorkQueue | undefined;
  runner: AnalysisRunner | undefined;
  /** ConfigAuditReports and RBAC assessments (undefined when OPERATOR_CONFIG_AUDIT_SCANNER_ENABLED=false). */
  configAudit: ConfigAuditController | undefined;
  healthPort: number | undefined;
  metricsPort: number | undefined;
  /** Report caches the metrics read from (each report kind lives in one of them). */
  readonly reportSources: ReportCache[] = [];

  private constructor(options: OperatorOptions, client: KubeClient, config: OperatorConfiguration) {
    this.#options = options;
    this.client = client;
    this.logger = options.logger;
    this.#config = config;
    this.#settings = imageReportSettings(config, trivyTsVersion);
  }

  get config(): OperatorConfiguration {
    return this.#config;
  }

  /** Waiting for leadership (another replica leads). */
  get #standby(): boolean {
    return this.#leader !== undefined && !this.#leader.isLeader;
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** Reads and validates the configuration (throws ConfigurationError listing every problem), then starts. */
  static async start(options: OperatorOptions): Promise<Operator> {
    // The environment alone is checked first, so a typo fails at once instead of after reaching the cluster.
    loadOperatorConfiguration({ env: options.env });
    const client = new KubeClient(options.connection, {
      logger: options.logger,
      userAgent: `trivy-ts/${trivyTsVersion}`,
    });
    const namespace = options.env.OPERATOR_NAMESPACE;
    const objects = namespace ? await readConfigObjects(client, namespace, options.logger) : {};
    const config = loadOperatorConfiguration({ env: options.env, ...objects });
    for (const warning of config.warnings) options.logger.warn({ key: warning.key }, warning.message);
    const operator = new Operator(options, client, config);
    try {
      await operator.#start();
    } catch (error) {
      await operator.stop();
      throw error;
    }
    return operator;
  }

  async #start(): Promise<void> {
    const { env } = this.#config;
    const logger = this.logger;
    await this.#serveHealth();
    await this.#serveMetrics();

    if (env.leaderElection.enabled) {
      const leader = new LeaderElector({
        client: this.client,
        namespace: env.namespace,
        name: env.leaderElection.id,
        identity: this.#options.identity ?? process.env.HOSTNAME ?? hostname(),
        logger,
      });
      this.#leader = leader;
      this.#stoppers.push(() => leader.stop());
      // Standby replicas serve probes and health metrics and wait; the leader runs the controllers.
      void leader
        .run(() => this.#options.onFatal?.('lost leadership'))
        .then((leading) => (leading ? this.#startControllers() : undefined))
        .catch((error: unknown) => this.#options.onFatal?.(`cannot start: ${describeError(error)}`));
      return;
    }
    await this.#startControllers();
  }

  async #startControllers(): Promise<void> {
    const { env } = this.#config;
    const logger = this.logger;
    const store = ImageStore.open(join(env.cacheDir, 'store.db'));
    this.store = store;
    this.#stoppers.push(() => store.close());
    if (store.useAnalysisSettings(this.#settings.analysis.hash)) {
      logger.info(
        'trivy.skipFiles or trivy.skipDirs changed since the last run: every image is analysed again',
      );
    }

    const db = new DbManager({
      cacheDir: env.cacheDir,
      checkIntervalMs: env.dbUpdateIntervalMs,
      logger,
      source: () => ({
        repositories: this.#config.trivy.dbRepositories,
        insecure: this.#config.trivy.dbRepositoryInsecure,
        ...(this.#config.trivy.dbRepositoryCredentials
          ? { credentials: this.#config.trivy.dbRepositoryCredentials }
          : {}),
      }),
      onNewDb: () => this.#rematchAll('new vulnerability DB'),
    });
    this.db = db;
    this.#stoppers.push(() => db.stop());

    const namespaces = watchedNamespaces(env);
    const watched = namespaces === 'all' ? undefined : namespaces;
    const view = new WorkloadView({
      client: this.client,
      namespaces: watched,
      kinds: env.targetWorkloads as readonly WorkloadKind[],
      logger,
    });
    this.view = view;
    this.#stoppers.push(() => view.stop());

    const reports = new ReportCache({
      client: this.client,
      kinds: imageReportKinds.filter((kind) => this.#reportKindEnabled(kind)),
      namespaces: watched,
      logger,
      keep: {
        vulnerabilities: env.metrics.vulnIdEnabled,
        secrets: env.metrics.exposedSecretInfoEnabled,
        checks: false,
      },
    });
    this.reports = reports;
    this.reportSources.push(reports);
    this.#stoppers.push(() => reports.stop());
    const writer = new ReportWriter({ client: this.client, cache: reports, logger });
    this.writer = writer;

    this.runner = await this.#createRunner(
      env.vulnerabilityScannerEnabled || env.exposedSecretScannerEnabled || env.sbomGenerationEnabled,
    );
    const runner = this.runner;
    this.#stoppers.push(() => runner.stop());

    const queue = new AnalysisQueue({
      store,
      runner,
      concurrency: env.concurrentScanJobsLimit,
      backoffMs: env.scanFailureBackoffMs,
      maxBackoffMs: env.scanFailureBackoffMaxMs,
      logger,
      onSettled: (outcome) => {
        for (const owner of this.controller?.ownersOf(outcome.key) ?? []) this.workQueue?.add(owner);
      },
    });
    this.queue = queue;
    this.#stoppers.push(() => queue.stop());

    const controller = new ImageReportController({
      view,
      store,
      queue,
      findings: new ImageFindings({ store, db, logger }),
      reports,
      writer,
      credentials: new WorkloadCredentials({
        client: this.client,
        operatorNamespace: env.namespace,
        accessGlobalSecrets: env.accessGlobalSecretsServiceAccounts,
        scanSecretNames: env.privateRegistryScanSecretsNames,
        logger,
      }),
      tags: new TagResolver({ ttlMs: 5 * 60_000, logger }),
      events: new EventRecorder({ client: this.client, logger }),
      logger,
      settings: () => this.#settings,
    });
    this.controller = controller;

    const workQueue = new WorkQueue({
      name: 'image-reports',
      concurrency: 4,
      logger,
      // Vulnerability reports wait for the DB; secrets and SBOMs need none.
      reconcile: async (key) =>
        this.db?.db || !env.vulnerabilityScannerEnabled
          ? controller.reconcile(key)
          : { requeueAfterMs: 5000 },
    });
    this.workQueue = workQueue;
    this.#stoppers.push(() => workQueue.stop());

    view.onChange((key) => workQueue.add(key));
    for (const kind of imageReportKinds) {
      reports.on(kind, (event) => {
        if (event.type === 'deleted') this.#onReportDeleted(kind, event.object);
      });
    }
    if (env.scannerReportTtlMs !== null) {
      const ttl = new ReportTtlController({
        cache: reports,
        writer,
        kinds: imageReportKinds.filter((kind) => reports.has(kind)),
        logger,
      });
      ttl.start();
      this.#stoppers.push(() => ttl.stop());
    }
    // ---- config audit and RBAC assessment (src/operator/config-audit/) ----
    if (env.configAuditScannerEnabled) {
      const auditReports = new ReportCache({
        client: this.client,
        kinds: configAuditReportKinds(env),
        namespaces: watched,
        logger,
        keep: {
          vulnerabilities: false,
          secrets: false,
          checks: env.metrics.configAuditInfoEnabled || env.metrics.rbacAssessmentInfoEnabled,
        },
      });
      this.reportSources.push(auditReports);
      const configAudit = new ConfigAuditController({
        client: this.client,
        view,
        reports: auditReports,
        writer: new ReportWriter({ client: this.client, cache: auditReports, logger }),
        events: new EventRecorder({ client: this.client, logger }),
        logger,
        operatorNamespace: env.namespace,
        namespaces: watched,
        settings: () => configAuditSettings(this.#config, trivyTsVersion),
      });
      this.configAudit = configAudit;
      this.#stoppers.push(() => configAudit.stop());
    }
    // ---- end config audit ----
    await this.#watchTrivyConfig(env.namespace);

    const imageScanning =
      env.vulnerabilityScannerEnabled || env.exposedSecretScannerEnabled || env.sbomGenerationEnabled;
    if (env.vulnerabilityScannerEnabled) await db.start();
    await Promise.all([view.start(), reports.start()]);
    await this.configAudit?.start();
    if (imageScanning) {
      await queue.start();
      workQueue.start();
      for (const key of view.allOwnerKeys()) workQueue.add(key);
    }

    const sweeper = setInterval(() => this.#sweepStore(), 60 * 60_000);
    sweeper.unref();
    this.#stoppers.push(() => clearInterval(sweeper));
    this.#ready = true;
    logger.info(
      { mode: runner.mode, namespaces: watched ?? 'all', db: db.version, version: trivyTsVersion },
      'operator started',
    );
  }

  #reportKindEnabled(kind: ReportKind): boolean {
    const { env } = this.#config;
    if (kind === 'VulnerabilityReport') return env.vulnerabilityScannerEnabled;
    if (kind === 'ExposedSecretReport') return env.exposedSecretScannerEnabled;
    if (kind === 'SbomReport') return env.sbomGenerationEnabled;
    return false;
  }

  /** Job mode watches Jobs: only when some image report is enabled (the RBAC may not grant Jobs otherwise). */
  async #createRunner(imageScanning: boolean): Promise<AnalysisRunner> {
    const { env, operator, trivy } = this.#config;
    if (env.scanMode === 'Inline' || !imageScanning) {
      return new InlineRunner({ cacheDir: env.cacheDir, logger: this.logger, timeoutMs: trivy.timeoutMs });
    }
    const runner = new JobRunner({
      client: this.client,
      logger: this.logger,
      settings: {
        namespace: env.namespace,
        image: env.operatorImage ?? '',
        serviceAccountName: env.serviceAccount,
        automountServiceAccountToken: operator.scanJob.automountServiceAccountToken,
        timeoutSeconds: Math.ceil(env.scanJobTimeoutMs / 1000),
        ...(env.scanJobTtlMs !== null ? { ttlSecondsAfterFinished: Math.ceil(env.scanJobTtlMs / 1000) } : {}),
        resources: trivy.scanJobResources as never,
        tolerations: [...operator.scanJob.tolerations] as never,
        ...(Object.keys(operator.scanJob.nodeSelector).length
          ? { nodeSelector: { ...operator.scanJob.nodeSelector } }
          : {}),
        ...(operator.scanJob.affinity ? { affinity: operator.scanJob.affinity as never } : {}),
        ...(operator.scanJob.podSecurityContext
          ? { podSecurityContext: operator.scanJob.podSecurityContext as never }
          : {}),
        ...(operator.scanJob.containerSecurityContext
          ? { containerSecurityContext: operator.scanJob.containerSecurityContext as never }
          : {}),
        ...(operator.scanJob.podPriorityClassName
          ? { priorityClassName: operator.scanJob.podPriorityClassName }
          : {}),
        annotations: { ...operator.scanJob.annotations },
        podTemplateLabels: { ...operator.scanJob.podTemplateLabels },
        customVolumes: [...operator.scanJob.customVolumes] as never,
        customVolumeMounts: [...operator.scanJob.customVolumeMounts] as never,
      },
    });
    await runner.start();
    return runner;
  }

  /** A report deleted by someone else (a user, its TTL) asks for a fresh analysis of the image it described. */
  #onReportDeleted(kind: ReportKind, report: AnyReport): void {
    const { name, namespace, labels = {}, annotations = {}, creationTimestamp } = report.metadata;
    if (this.reports === undefined || !name) return;
    const ownerName = labels[RESOURCE_NAME_LABEL] ?? annotations[RESOURCE_NAME_ANNOTATION];
    const ownerKind = labels[RESOURCE_KIND_LABEL];
    if (!ownerName || !ownerKind) return;
    const owner = ownerKeyString({
      kind: ownerKind,
      namespace: labels[RESOURCE_NAMESPACE_LABEL] ?? namespace ?? '',
      name: ownerName,
    });
    const digest = annotations[IMAGE_DIGEST_ANNOTATION];
    const platform = annotations[IMAGE_PLATFORM_ANNOTATION];
    const deletedByUs = this.writer?.consumeOwnDeletion(kind, name, namespace) ?? false;
    if (
      !deletedByUs &&
      digest &&
      platform &&
      this.view?.workload({ kind: ownerKind, namespace: namespace ?? '', name: ownerName })
    ) {
      // Satisfied by any analysis started after this report was made: twenty reports of one image expiring together
      // cause one analysis, not twenty.
      this.store?.requestRescan(imageKey(digest, platform), madeBy(creationTimestamp));
      this.logger.info(
        { report: `${kind}/${namespace}/${name}`, container: labels[CONTAINER_NAME_LABEL] },
        'report deleted; the image will be analysed again',
      );
    }
    this.workQueue?.add(owner);
  }

  /** Re-evaluates every report: after a new DB or a change of the detection settings. No image is pulled. */
  #rematchAll(why: string): void {
    if (!this.view || !this.workQueue) return;
    const keys = this.view.allOwnerKeys();
    this.logger.info({ owners: keys.length }, `${why}: re-matching every report`);
    for (const key of keys) this.workQueue.add(key);
  }

  /** The trivy config is re-read when it changes; a change of detection settings re-evaluates reports. */
  async #watchTrivyConfig(namespace: string): Promise<void> {
    const configMaps = new Informer<V1ConfigMap>(this.client, {
      type: builtin.configMap,
      namespaces: [namespace],
      fieldSelector: `metadata.name=${TRIVY_CONFIG_NAME}`,
      logger: this.logger,
    });
    const secrets = new Informer<V1Secret>(this.client, {
      type: builtin.secret,
      namespaces: [namespace],
      fieldSelector: `metadata.name=${TRIVY_CONFIG_NAME}`,
      logger: this.logger,
      onError: () => undefined,
    });
    const reload = () => {
      if (!configMaps.synced) return;
      const configMap = configMaps.get(TRIVY_CONFIG_NAME, namespace);
      const secret = secrets.get(TRIVY_CONFIG_NAME, namespace);
      try {
        const next = reloadTrivyConfiguration({
          configMap: configMap ? (configMap.data ?? {}) : undefined,
          secret: secret ? decodeSecretData(secret) : undefined,
        });
        const config = { ...this.#config, trivy: next.trivy };
        const settings = imageReportSettings(config, trivyTsVersion);
        const changed = settings.detection.hash !== this.#settings.detection.hash;
        this.#config = config;
        this.#settings = settings;
        // Before the re-match, so that it asks for the analyses.
        if (this.store?.useAnalysisSettings(settings.analysis.hash)) {
          this.logger.info('trivy.skipFiles or trivy.skipDirs changed: every image is analysed again');
        }
        void this.configAudit?.settingsChanged();
        if (changed) this.#rematchAll(`${TRIVY_CONFIG_NAME} changed`);
      } catch (error) {
        this.logger.error(
          { err: describeError(error) },
          `${TRIVY_CONFIG_NAME} is invalid; keeping the previous settings`,
        );
      }
    };
    configMaps.on(reload);
    secrets.on(reload);
    await configMaps.start();
    await secrets.start().catch(() => undefined);
    this.#stoppers.push(
      () => configMaps.stop(),
      () => secrets.stop(),
    );
  }

  /** Forgets images no workload has run for a day (their inventories are not needed any more). */
  #sweepStore(): void {
    if (!this.store || !this.controller) return;
    const live = this.controller.trackedImages();
    const cutoff = Date.now() - storeRetentionMs;
    for (const image of this.store.all()) {
      if (!live.has(image.key) && image.updatedAt < cutoff && !this.queue?.isActive(image.key)) {
        this.store.forget(image.key);
      }
    }
  }

  async #serveMetrics(): Promise<void> {
    const { env, operator } = this.#config;
    const address = env.metricsBindAddress;
    if (!address) return;
    const source: ReportSource = {
      list: (kind) => this.reportSources.find((cache) => cache.has(kind))?.list(kind) ?? [],
    };
    const metrics = createMetrics({
      reports: source,
      flags: env.metrics,
      resourceLabels: operator.report.resourceLabels,
      resourceLabelsPrefix: operator.metrics.resourceLabelsPrefix,
      logger: this.logger,
      isLeader: () => this.#leader === undefined || this.#leader.isLeader,
      health: {
        queueDepth: () => this.queue?.waiting ?? 0,
        runningScans: () => this.queue?.running ?? 0,
        imagesByState: () => {
          const counts: Record<string, number> = { pending: 0, scanning: 0, done: 0, failed: 0 };
          for (const image of this.store?.all() ?? []) counts[image.state] = (counts[image.state] ?? 0) + 1;
          return counts;
        },
        scanFailures: () => this.queue?.failures ?? new Map(),
        scansCompleted: () => this.queue?.completed ?? 0,
        dbAgeSeconds: () => this.db?.ageSeconds(),
        dbLastUpdateSuccess: () => (this.db?.lastCheckAt ? this.db.lastError === undefined : undefined),
        coverage: () => {
          const { covered, running } = coverage(this);
          return { runningContainers: running, withCurrentReport: covered };
        },
        reportsTruncated: () => this.controller?.truncatedWrites ?? 0,
        apiRequests: () => new Map(Object.entries(this.client.stats.requests)),
        apiBytesWritten: () => this.client.stats.bytesWritten,
      },
    });
    const endpoint = new HttpEndpoint(this.logger).route('/metrics', async () => {
      const { contentType, body } = await metrics.renderMetrics();
      return { status: 200, contentType, body };
    });
    this.metricsPort = await endpoint.listen(address.host || '0.0.0.0', address.port);
    this.#stoppers.push(() => endpoint.close());
  }

  async #serveHealth(): Promise<void> {
    const address = this.#config.env.healthProbeBindAddress;
    if (!address) return;
    const endpoint = new HttpEndpoint(this.logger)
      .route('/healthz', () => text(200, 'ok\n'))
      // A standby replica is ready too: otherwise a rolling update would wait forever for a pod that cannot lead.
      .route('/readyz', () =>
        this.#ready || this.#standby
          ? text(200, this.#ready ? 'ok\n' : 'standby\n')
          : text(503, 'starting\n'),
      )
      .route('/status', () =>
        this.#ready || this.#leader ? json(200, statusView(this)) : text(503, 'starting\n'),
      );
    this.healthPort = await endpoint.listen(address.host || '0.0.0.0', address.port);
    this.#stoppers.push(() => endpoint.close());
  }

  /** Stops taking work, lets running reconciles finish (no half-written report), and releases everything. */
  async stop(): Promise<void> {
    this.#ready = false;
    for (const stop of this.#stoppers.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        this.logger.warn({ err: describeError(error) }, 'error while stopping');
      }
    }
    await this.client.close();
  }
}
