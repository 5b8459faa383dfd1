import type { MetricsFlags } from '../../../src/operator/config/index.ts';
import type { OperatorHealthState } from '../../../src/operator/metrics/index.ts';

/** Findings and vulnerability IDs on, the optional info families off. */
export const FLAGS: MetricsFlags = {
  findingsEnabled: true,
  vulnIdEnabled: true,
  exposedSecretInfoEnabled: false,
  configAuditInfoEnabled: false,
  rbacAssessmentInfoEnabled: false,
  infraAssessmentInfoEnabled: false,
  imageInfoEnabled: false,
  clusterComplianceInfoEnabled: false,
};

/** An operator state the test changes at will; `failing` makes one read throw. */
export function healthState(): OperatorHealthState & {
  failing?: keyof OperatorHealthState;
  set: Partial<Values>;
} {
  const values: Values = {
    queueDepth: 4,
    runningScans: 2,
    images: { pending: 4, scanning: 2, done: 30 },
    failures: new Map([
      ['ImagePullFailed', 3],
      ['Timeout', 1],
    ]),
    completed: 30,
    dbAge: 7200,
    dbOk: true,
    coverage: { runningContainers: 40, withCurrentReport: 30 },
    truncated: 2,
    api: new Map([
      ['list', 12],
      ['watch', 12],
      ['create', 40],
    ]),
  };
  const state = {
    set: values,
    failing: undefined as keyof OperatorHealthState | undefined,
    guard<T>(name: keyof OperatorHealthState, value: T): T {
      if (state.failing === name) throw new Error(`${name} is broken`);
      return value;
    },
    queueDepth: () => state.guard('queueDepth', values.queueDepth),
    runningScans: () => state.guard('runningScans', values.runningScans),
    imagesByState: () => state.guard('imagesByState', values.images),
    scanFailures: () => state.guard('scanFailures', values.failures),
    scansCompleted: () => state.guard('scansCompleted', values.completed),
    dbAgeSeconds: () => state.guard('dbAgeSeconds', values.dbAge),
    dbLastUpdateSuccess: () => state.guard('dbLastUpdateSuccess', values.dbOk),
    coverage: () => state.guard('coverage', values.coverage),
    reportsTruncated: () => state.guard('reportsTruncated', values.truncated),
    apiRequests: () => state.guard('apiRequests', values.api),
  };
  return state;
}

interface Values {
  queueDepth: number;
  runningScans: number;
  images: Partial<Record<'pending' | 'scanning' | 'done' | 'failed', number>>;
  failures: Map<string, number>;
  completed: number;
  dbAge: number | undefined;
  dbOk: boolean | undefined;
  coverage: { runningContainers: number; withCurrentReport: number };
  truncated: number;
  api: Map<string, number>;
}
