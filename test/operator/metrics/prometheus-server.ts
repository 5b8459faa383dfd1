/**
 * The real-Prometheus helpers of the metrics tests; they live in test/support/prometheus.ts, shared with the
 * deployment tests (alerts, dashboard).
 */
export {
  eventually,
  promtoolCheckMetrics,
  startPrometheus,
  type RunningPrometheus,
} from '../../support/prometheus.ts';
