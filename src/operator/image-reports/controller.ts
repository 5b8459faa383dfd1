import type { V1Pod } from '@kubernetes/client-node';
import { parseReference } from '../../scanner/registry/reference.ts';
import type { SkipPaths } from '../../scanner/scan/skip-paths.ts';
import { describeError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import type { AnalysisQueue } from '../analysis/analysis-queue.ts';
import { parseOwnerKey, type WorkloadView } from '../cluster/workload-view.ts';
import type { AdditionalReportField } from '../config/index.ts';
import { digestFromImageId, pinnedDigest, type TagResolver } from '../images/image-digests.ts';
import { resolveReportOwner, type ObjectKey, type OwnerResolutionOptions } from '../kube/ownership.ts';
import {
  podSpecOf,
  resourceSpecHash,
  selectContainers,
  type ContainerSelectionOptions,
  type Workload,
  type WorkloadContainer,
} from '../kube/pod-spec.ts';
import type { WorkloadCredentials } from '../registry-auth/workload-credentials.ts';
import { fitReportToBudget, type BudgetedReport } from '../reports/budget.ts';
import { buildExposedSecretReport } from '../reports/exposed-secret-report.ts';
import { CONTAINER_NAME_LABEL, imageReportMetadata, ownerLabels } from '../reports/labels.ts';
import type { ReportCache } from '../reports/report-cache.ts';
import {
  IMAGE_DIGEST_ANNOTATION,
  IMAGE_PLATFORM_ANNOTATION,
  type ReportWriter,
} from '../reports/report-writer.ts';
import { buildSbomReport } from '../reports/sbom-report.ts';
import { REPORT_API_VERSION, type AnyReport } from '../reports/types.ts';
import { buildVulnerabilityReport } from '../reports/vulnerability-report.ts';
import type { ReconcileResult } from '../runtime/work-queue.ts';
import type { EventRecorder } from '../runtime/events.ts';
import { imageKey, type ImageStore } from '../store/image-store.ts';
import type { DetectionSettings, ImageFindings } from './image-findings.ts';

export const imageReportKinds = ['VulnerabilityReport', 'ExposedSecretReport', 'SbomReport'] as const;
export type ImageReportKind = (typeof imageReportKinds)[number];

/** Everything the controller's decisions depend on; replaced as a whole when the configuration changes. */
export interface ImageReportSettings {
  scanners: { vulnerabilities: boolean; secrets: boolean; sbom: boolean };
  detection: DetectionSettings;
  additionalFields: readonly AdditionalReportField[];
  reportTtlMs: number | null;
  maxReportBytes: number;
  resourceLabels: readonly string[];
  additionalLabels: Readonly<Record<string, string>>;
  containers: ContainerSelectionOptions;
  ownership: OwnerResolutionOptions;
  /** Registry hosts reached over plain HTTP or unverified TLS. */
  insecureRegistries: ReadonlySet<string>;
  mirrors: Readonly<Record<string, readonly string[]>>;
  /** What inventories depend on (`trivy.skipFiles` / `trivy.skipDirs`) and its hash. */
  analysis: { skip: SkipPaths; hash: string };
  scannerVersion: string;
  /** Platform of images whose pods are not running anywhere yet. */
  defaultPlatform: string;
  namespaceIncluded: (namespace: string) => boolean;
}

export interface ImageReportControllerDeps {
  view: WorkloadView;
  store: ImageStore;
  queue: AnalysisQueue;
  findings: ImageFindings;
  reports: ReportCache;
  writer: ReportWriter;
  credentials: WorkloadCredentials;
  tags: TagResolver;
  events: EventRecorder;
  logger: Logger;
  settings: () => ImageReportSettings;
}

/** One container of an owner and the image it runs. */
interface ContainerImage {
  container: WorkloadContainer;
  digest: string;
  platform: string;
  key: string;
  repository: string;
  registry: string;
}

/** Why an owner has no current report for some container: shown in status, Events and logs. */
export interface OwnerState {
  state: 'waiting' | 'done' | 'failed';
  reason?: string;
  images: string[];
  updatedAt: number;
}

/**
 * Keeps a VulnerabilityReport, ExposedSecretReport and SbomReport for every container of every workload. A report
 * is a projection: (owner, container) → the image digest it runs → that image's stored inventory matched against the
 * current DB. Reconciling an owner never pulls an image itself; it asks the cluster-wide analysis queue for images
 * not analysed yet, and is called again when their analysis settles.
 */
export class ImageReportController {
  readonly #deps: ImageReportControllerDeps;
  /** owner key → image keys it runs, and the reverse: who to wake up when an analysis settles. */
  readonly #imagesOfOwner = new Map<string, Set<string>>();
  readonly #ownersOfImage = new Map<string, Set<string>>();
  readonly states = new Map<string, OwnerState>();
  /** Report writes cut down to the size budget. */
  truncatedWrites = 0;

  constructor(deps: ImageReportControllerDeps) {
    this.#deps = deps;
  }

  /** Owners that run this image (to be reconciled when its analysis settles). */
  ownersOf(key: string): string[] {
    return [...(this.#ownersOfImage.get(key) ?? [])];
  }

  /** Image keys some current owner runs (the images worth keeping in the store). */
  trackedImages(): Set<string> {
    return new Set(this.#ownersOfImage.keys());
  }

  async reconcile(keyText: string): Promise<ReconcileResult> {
    const key = parseOwnerKey(keyText);
    const settings = this.#deps.settings();
    const workload = this.#deps.view.workload(key);
    if (!workload || !settings.namespaceIncluded(key.namespace)) {
      this.#forget(keyText);
      return {};
    }
    const resolution = resolveReportOwner(workload, this.#deps.view, settings.ownership);
    if ('skip' in resolution) {
      this.#forget(keyText);
      if (resolution.skip.code === 'controller-not-cached') return { requeueAfterMs: 2000 };
      // Reports of an old revision, or of a workload no longer targeted, must not linger (upstream marks them
      // historical with report-ttl 0s and deletes them; deleting at once is the same, minus a round trip).
      if (['old-revision', 'skip-label', 'kind-not-targeted', 'no-pods'].includes(resolution.skip.code)) {
        await this.#deleteReports(key, () => true);
      }
      return {};
    }

    const spec = podSpecOf(workload);
    const specHash = resourceSpecHash(spec);
    const { expected } = selectContainers(spec, settings.containers);
    const pods = this.#deps.view.podsOf(keyText);

    const images: ContainerImage[] = [];
    const problems: string[] = [];
    for (const container of expected) {
      try {
        images.push(await this.#imageOf(container, pods, workload, settings));
      } catch (error) {
        problems.push(
          `container ${container.name}: cannot resolve image ${container.image}: ${describeError(error).split('\n')[0]}`,
        );
      }
    }
    this.#index(
      keyText,
      images.map((image) => image.key),
    );

    let waiting = false;
    let retryAt = Infinity;
    const ready: ContainerImage[] = [];
    for (const image of images) {
      const tracked = this.#deps.store.track(image.digest, image.platform, image.repository);
      if (this.#deps.store.needsAnalysis(tracked)) {
        this.#deps.queue.request({
          key: image.key,
          digest: image.digest,
          platform: image.platform,
          repository: image.repository,
          insecure: settings.insecureRegistries.has(image.registry),
          mirrors: settings.mirrors,
          scanSecrets: settings.scanners.secrets,
          skip: settings.analysis.skip,
          ...(await this.#credentials(workload, image.registry)),
        });
        waiting = true;
      } else if (
        tracked.state === 'scanning' ||
        tracked.state === 'pending' ||
        this.#deps.queue.isActive(image.key)
      ) {
        waiting = true;
      } else if (tracked.state === 'failed') {
        problems.push(`container ${image.container.name}: ${tracked.reason ?? 'analysis failed'}`);
        retryAt = Math.min(retryAt, tracked.nextAttemptAt ?? Date.now() + 60_000);
      } else {
        ready.push(image);
      }
    }

    for (const image of ready) await this.#project(workload, image, specHash, settings);
    const expectedNames = new Set(expected.map((container) => container.name));
    await this.#deleteReports(
      key,
      (report) => !expectedNames.has(report.metadata.labels?.[CONTAINER_NAME_LABEL] ?? ''),
    );

    const state: OwnerState = {
      state: problems.length > 0 ? 'failed' : waiting ? 'waiting' : 'done',
      ...(problems.length > 0 ? { reason: problems.join('; ') } : {}),
      images: images.map((image) => image.key),
      updatedAt: Date.now(),
    };
    const previous = this.states.get(keyText);
    this.states.set(keyText, state);
    if (state.state === 'failed' && state.reason !== previous?.reason) {
      void this.#deps.events.record(workload.object, 'Warning', 'ScanFailed', state.reason ?? 'scan failed');
    } else if (state.state === 'done' && previous?.state !== 'done' && ready.length > 0) {
      void this.#deps.events.record(
        workload.object,
        'Normal',
        'ReportsUpdated',
        `security reports are up to date for ${ready.length} container(s)`,
      );
    }
    if (problems.length > 0)
      return { requeueAfterMs: Number.isFinite(retryAt) ? Math.max(1000, retryAt - Date.now()) : 60_000 };
    return {};
  }

  /** The digest and platform a container runs: from a running pod when there is one, else the registry. */
  async #imageOf(
    container: WorkloadContainer,
    pods: readonly V1Pod[],
    workload: Workload,
    settings: ImageReportSettings,
  ): Promise<ContainerImage> {
    const reference = parseReference(container.image);
    const repository = `${reference.registry}/${reference.repository}`;
    let digest: string | undefined;
    let platform: string | undefined;
    for (const pod of pods) {
      const status = [
        ...(pod.status?.containerStatuses ?? []),
        ...(pod.status?.initContainerStatuses ?? []),
        ...(pod.status?.ephemeralContainerStatuses ?? []),
      ].find((candidate) => candidate.name === container.name);
      const runningImage = podContainerImage(pod, container.name);
      // A pod of an older spec runs another image; only a pod running this very reference tells the digest.
      if (!status || runningImage !== container.image) continue;
      const found = digestFromImageId(status.imageID);
      if (found) {
        digest = found;
        platform = this.#deps.view.platformOfNode(pod.spec?.nodeName);
        break;
      }
      platform ??= this.#deps.view.platformOfNode(pod.spec?.nodeName);
    }
    digest ??= pinnedDigest(container.image);
    if (!digest) {
      const credentials = await this.#credentials(workload, reference.registry);
      digest = await this.#deps.tags.resolve(container.image, {
        insecure: settings.insecureRegistries.has(reference.registry),
        ...credentials,
      });
    }
    platform ??= settings.defaultPlatform;
    return {
      container,
      digest,
      platform,
      key: imageKey(digest, platform),
      repository,
      registry: reference.registry,
    };
  }

  async #credentials(workload: Workload, registry: string) {
    const credentials = await this.#deps.credentials.forImage(
      workload.object.metadata?.namespace ?? '',
      podSpecOf(workload),
      registry,
    );
    return credentials ? { credentials } : {};
  }

  /** Writes the container's reports from the image's findings, each within the size budget. */
  async #project(workload: Workload, image: ContainerImage, specHash: string, settings: ImageReportSettings) {
    const scan = this.#deps.findings.report(image.key, settings.detection);
    if (!scan) return;
    const identity = { imageRef: image.container.image, imageDigest: image.digest };
    const common = {
      owner: workload,
      containerName: image.container.name,
      resourceSpecHash: specHash,
      resourceLabels: settings.resourceLabels,
      additionalLabels: settings.additionalLabels,
    };
    const updatedAt = new Date();
    const annotate = (report: AnyReport): AnyReport => ({
      ...report,
      metadata: {
        ...report.metadata,
        annotations: {
          ...report.metadata.annotations,
          [IMAGE_DIGEST_ANNOTATION]: image.digest,
          [IMAGE_PLATFORM_ANNOTATION]: image.platform,
        },
      },
    });

    const wanted: { kind: (typeof imageReportKinds)[number]; build: () => AnyReport | undefined }[] = [];
    if (settings.scanners.vulnerabilities) {
      wanted.push({
        kind: 'VulnerabilityReport',
        build: () => ({
          apiVersion: REPORT_API_VERSION,
          kind: 'VulnerabilityReport',
          metadata: imageReportMetadata({
            ...common,
            kind: 'VulnerabilityReport',
            reportTtlMs: settings.reportTtlMs,
          }),
          report: buildVulnerabilityReport({
            ...identity,
            scan,
            scannerVersion: settings.scannerVersion,
            additionalFields: settings.additionalFields,
            updatedAt,
          }),
        }),
      });
    }
    if (settings.scanners.secrets) {
      wanted.push({
        kind: 'ExposedSecretReport',
        build: () => ({
          apiVersion: REPORT_API_VERSION,
          kind: 'ExposedSecretReport',
          metadata: imageReportMetadata({ ...common, kind: 'ExposedSecretReport' }),
          report: buildExposedSecretReport({
            ...identity,
            scan,
            scannerVersion: settings.scannerVersion,
            updatedAt,
          }),
        }),
      });
    }
    if (settings.scanners.sbom) {
      wanted.push({
        kind: 'SbomReport',
        build: () => {
          const report = buildSbomReport({
            ...identity,
            scan,
            scannerVersion: settings.scannerVersion,
            updatedAt,
          });
          return report
            ? {
                apiVersion: REPORT_API_VERSION,
                kind: 'SbomReport',
                metadata: imageReportMetadata({ ...common, kind: 'SbomReport' }),
                report,
              }
            : undefined;
        },
      });
    }
    for (const { kind, build } of wanted) {
      const report = build();
      if (!report) continue;
      const { report: fitted } = fitReportToBudget(
        annotate(report) as BudgetedReport,
        settings.maxReportBytes,
      );
      const outcome = await this.#deps.writer.apply(fitted);
      if (outcome !== 'unchanged') {
        this.#deps.logger.info(
          {
            report: `${kind}/${fitted.metadata.namespace}/${fitted.metadata.name}`,
            outcome,
            image: image.key,
          },
          'report written',
        );
      }
    }
  }

  async #deleteReports(owner: ObjectKey, which: (report: AnyReport) => boolean): Promise<void> {
    const labels = ownerLabels(owner);
    for (const kind of imageReportKinds) {
      if (!this.#deps.reports.has(kind)) continue;
      for (const report of this.#deps.reports.select(kind, labels, owner.namespace)) {
        if (which(report))
          await this.#deps.writer.delete(kind, report.metadata.name ?? '', report.metadata.namespace);
      }
    }
  }

  #index(owner: string, keys: string[]): void {
    this.#unindex(owner);
    const set = new Set(keys);
    this.#imagesOfOwner.set(owner, set);
    for (const key of set) {
      let owners = this.#ownersOfImage.get(key);
      if (!owners) this.#ownersOfImage.set(key, (owners = new Set()));
      owners.add(owner);
    }
  }

  #unindex(owner: string): void {
    for (const key of this.#imagesOfOwner.get(owner) ?? []) {
      const owners = this.#ownersOfImage.get(key);
      owners?.delete(owner);
      if (owners?.size === 0) this.#ownersOfImage.delete(key);
    }
    this.#imagesOfOwner.delete(owner);
  }

  #forget(owner: string): void {
    this.#unindex(owner);
    this.states.delete(owner);
  }
}

function podContainerImage(pod: V1Pod, name: string): string | undefined {
  return [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []),
    ...(pod.spec?.ephemeralContainers ?? []),
  ].find((container) => container.name === name)?.image;
}
