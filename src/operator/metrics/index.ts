/**
 * The operator's `/metrics` page: upstream's findings metrics, trivy-ts's health metrics and prom-client's
 * process/Node metrics, rendered by one registry. The operator's HTTP server calls `renderMetrics()`.
 */
import { collectDefaultMetrics } from 'prom-client';
import type { Logger } from '../../util/logger.ts';
import { ExpositionRegistry } from './exposition-registry.ts';
import { registerOperatorMetrics, type OperatorHealthState } from './operator-metrics.ts';
import { registerReportMetrics, type ReportMetricsOptions, type ReportSource } from './report-metrics.ts';

export type { OperatorHealthState } from './operator-metrics.ts';
export type { ReportMetricsOptions, ReportSource } from './report-metrics.ts';
export { REPORT_METRIC_NAMES } from './report-metrics.ts';

export interface MetricsOptions extends ReportMetricsOptions {
  reports: ReportSource;
  health: OperatorHealthState;
  /**
   * With leader election, findings are served by the leader only (as upstream, so that replicas do not double
   * every sum); health metrics by every replica. Default: findings always served.
   */
  isLeader?: () => boolean;
  logger?: Logger;
  /** prom-client's process and Node.js metrics (`process_*`, `nodejs_*`). Default: on. */
  defaultMetrics?: boolean;
}

export interface RenderedMetrics {
  contentType: string;
  body: string;
}

export interface OperatorMetrics {
  readonly registry: ExpositionRegistry;
  /**
   * The whole page in the Prometheus text format. Never rejects on report content (duplicates, odd values);
   * scrapes that arrive while a render is under way share it.
   */
  renderMetrics(): Promise<RenderedMetrics>;
}

export function createMetrics(options: MetricsOptions): OperatorMetrics {
  const registry = new ExpositionRegistry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  registerOperatorMetrics(registry, options.health, options.logger);
  registerReportMetrics(registry, {
    flags: options.flags,
    resourceLabels: options.resourceLabels,
    resourceLabelsPrefix: options.resourceLabelsPrefix,
    source: options.reports,
    isLeader: options.isLeader,
    logger: options.logger,
  });

  let inFlight: Promise<RenderedMetrics> | undefined;
  const renderMetrics = (): Promise<RenderedMetrics> => {
    inFlight ??= registry
      .metrics()
      .then((body) => ({ contentType: registry.contentType, body }))
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  return { registry, renderMetrics };
}
