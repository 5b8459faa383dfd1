/**
 * trivy-ts's own health metrics (`trivy_ts_*`): what upstream users could not see (stalled queues, failing scans,
 * a stale DB, workloads without reports). Read from the operator's state on every scrape; nothing is pushed.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../util/logger.ts';
import type { ImageState } from '../store/image-store.ts';

/** What the operator knows about itself, read on every scrape. Totals are cumulative since the process started. */
export interface OperatorHealthState {
  /** Images waiting for an analysis slot. */
  queueDepth(): number;
  /** Analyses under way (scan Jobs or inline). */
  runningScans(): number;
  /** Tracked images (digest, platform) by state; a missing state counts 0. */
  imagesByState(): Readonly<Partial<Record<ImageState, number>>>;
  /** Failed analyses by reason (the short reason kept in the image's status). */
  scanFailures(): ReadonlyMap<string, number>;
  /** Analyses that finished successfully. */
  scansCompleted(): number;
  /** Seconds since the DB in use was built (its metadata `UpdatedAt`); undefined before a DB is loaded. */
  dbAgeSeconds(): number | undefined;
  /** Whether the last DB update check succeeded; undefined before the first check. */
  dbLastUpdateSuccess(): boolean | undefined;
  /** Running containers in scope, and those of them whose VulnerabilityReport is current. */
  coverage(): { runningContainers: number; withCurrentReport: number };
  /** Report writes cut down to the size budget (`OPERATOR_REPORT_MAX_BYTES`). */
  reportsTruncated(): number;
  /** Requests made to the Kubernetes API server, by verb (get, list, watch, create, update, patch, delete). */
  apiRequests(): ReadonlyMap<string, number>;
  /** Bytes of request bodies sent to the API server (creates, updates, patches); the metric is left out without it. */
  apiBytesWritten?(): number;
}

const IMAGE_STATES: readonly ImageState[] = ['pending', 'scanning', 'done', 'failed'];

/** Non-negative finite numbers only: a bad value from the state leaves its series out rather than failing. */
const usable = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** Registers the `trivy_ts_*` metrics on `registry`; each reads `state` when scraped. */
export function registerOperatorMetrics(
  registry: Registry,
  state: OperatorHealthState,
  logger?: Logger,
): void {
  const registers = [registry];
  /** Runs a state read; a throwing state leaves that metric empty for this scrape instead of failing `/metrics`. */
  const read = <T>(metric: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      logger?.warn(
        { metric, err: String(error) },
        'operator state read failed; metric left empty for this scrape',
      );
      return undefined;
    }
  };
  const gauge = (name: string, help: string, value: () => number | undefined) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const current = read(name, value);
        if (usable(current)) this.set(current);
        else this.remove(); // absent rather than a misleading 0
      },
    });
  const countersByLabel = (
    name: string,
    help: string,
    label: string,
    totals: () => ReadonlyMap<string, number>,
  ) =>
    new Counter({
      name,
      help,
      labelNames: [label],
      registers,
      collect() {
        this.reset();
        for (const [value, total] of read(name, totals) ?? []) {
          if (usable(total)) this.inc({ [label]: value }, total);
        }
      },
    });
  const counter = (name: string, help: string, total: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        const current = read(name, total);
        if (usable(current)) this.inc(current);
        else this.remove();
      },
    });

  gauge(
    'trivy_ts_scan_queue_depth',
    'Images waiting for an analysis slot. Growing while trivy_ts_scans_running stays at the limit means the limit is too low; growing with no scans running means the queue is stuck.',
    () => state.queueDepth(),
  );
  gauge(
    'trivy_ts_scans_running',
    'Image analyses under way (scan Jobs or inline), at most OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT.',
    () => state.runningScans(),
  );
  new Gauge({
    name: 'trivy_ts_images',
    help: 'Tracked images (one per digest and platform, however many workloads run it) by analysis state: pending, scanning, done, failed.',
    labelNames: ['state'],
    registers,
    collect() {
      this.reset();
      const byState = read('trivy_ts_images', () => state.imagesByState());
      if (!byState) return;
      for (const imageState of IMAGE_STATES) {
        const value = byState[imageState] ?? 0;
        if (usable(value)) this.set({ state: imageState }, value);
      }
    },
  });
  countersByLabel(
    'trivy_ts_scan_failures_total',
    'Image analyses that failed, by reason (the reason also shown in the status view and in Events). Failed images are retried with backoff.',
    'reason',
    () => state.scanFailures(),
  );
  counter('trivy_ts_scans_completed_total', 'Image analyses that finished successfully.', () =>
    state.scansCompleted(),
  );
  gauge(
    'trivy_ts_vulnerability_db_age_seconds',
    'Seconds since the vulnerability DB in use was built (its metadata UpdatedAt). Absent until a DB is loaded. The DB is normally rebuilt every 6 hours; a large age means updates are failing.',
    () => state.dbAgeSeconds(),
  );
  gauge(
    'trivy_ts_vulnerability_db_last_update_success',
    '1 when the last vulnerability DB update check succeeded, 0 when it failed (the previous DB stays in use). Absent before the first check.',
    () => {
      const success = state.dbLastUpdateSuccess();
      return success === undefined ? undefined : success ? 1 : 0;
    },
  );
  gauge(
    'trivy_ts_running_containers',
    'Running containers in the scanned namespaces (the denominator of trivy_ts_report_coverage_ratio).',
    () => state.coverage().runningContainers,
  );
  gauge(
    'trivy_ts_running_containers_with_current_report',
    'Running containers whose VulnerabilityReport is current (the numerator of trivy_ts_report_coverage_ratio).',
    () => state.coverage().withCurrentReport,
  );
  gauge(
    'trivy_ts_report_coverage_ratio',
    'Running containers with a current VulnerabilityReport divided by all running containers in scope (1 when none run).',
    () => {
      const { runningContainers, withCurrentReport } = state.coverage();
      if (!usable(runningContainers) || !usable(withCurrentReport)) return undefined;
      return runningContainers === 0 ? 1 : Math.min(1, withCurrentReport / runningContainers);
    },
  );
  counter(
    'trivy_ts_reports_truncated_total',
    'Report writes cut down to OPERATOR_REPORT_MAX_BYTES (most severe findings kept, summary counts true, annotation set; the full list stays in the store).',
    () => state.reportsTruncated(),
  );
  countersByLabel(
    'trivy_ts_kube_api_requests_total',
    'Requests made to the Kubernetes API server, by verb.',
    'verb',
    () => state.apiRequests(),
  );
  const bytesWritten = state.apiBytesWritten?.bind(state);
  if (bytesWritten) {
    counter(
      'trivy_ts_kube_api_bytes_written_total',
      'Bytes of request bodies sent to the Kubernetes API server (reports, Jobs, Events): what the operator costs etcd in writes.',
      bytesWritten,
    );
  }
}
