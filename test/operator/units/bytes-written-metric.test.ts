import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricsFlags } from '../../../src/operator/config/index.ts';
import { createMetrics, type OperatorHealthState } from '../../../src/operator/metrics/index.ts';
import { parseExposition } from '../metrics/exposition-parser.ts';
import { sourceOf } from '../metrics/report-fixtures.ts';

const flags: MetricsFlags = {
  findingsEnabled: true,
  vulnIdEnabled: false,
  exposedSecretInfoEnabled: false,
  configAuditInfoEnabled: false,
  rbacAssessmentInfoEnabled: false,
  infraAssessmentInfoEnabled: false,
  imageInfoEnabled: false,
  clusterComplianceInfoEnabled: false,
};

const health = (bytesWritten?: () => number): OperatorHealthState => ({
  queueDepth: () => 0,
  runningScans: () => 0,
  imagesByState: () => ({ done: 3 }),
  scanFailures: () => new Map(),
  scansCompleted: () => 3,
  dbAgeSeconds: () => 60,
  dbLastUpdateSuccess: () => true,
  coverage: () => ({ runningContainers: 4, withCurrentReport: 4 }),
  reportsTruncated: () => 0,
  apiRequests: () => new Map([['POST', 12]]),
  ...(bytesWritten ? { apiBytesWritten: bytesWritten } : {}),
});

const page = async (state: OperatorHealthState) =>
  parseExposition(
    (
      await createMetrics({
        reports: sourceOf([]),
        health: state,
        flags,
        resourceLabels: [],
        resourceLabelsPrefix: '',
      }).renderMetrics()
    ).body,
  );

/** What the operator costs the API server in writes: the bytes of the request bodies it sent. */
describe('trivy_ts_kube_api_bytes_written_total', () => {
  it('is a counter of the bytes the client sent, read at every scrape', async () => {
    let sent = 1234;
    const state = health(() => sent);
    const first = (await page(state)).get('trivy_ts_kube_api_bytes_written_total');
    assert.equal(first?.type, 'counter');
    assert.deepEqual(
      first?.samples.map((sample) => sample.value),
      [1234],
    );
    sent = 5678;
    const second = (await page(state)).get('trivy_ts_kube_api_bytes_written_total');
    assert.deepEqual(
      second?.samples.map((sample) => sample.value),
      [5678],
    );
  });

  it('is left out when the state cannot tell', async () => {
    assert.equal((await page(health())).has('trivy_ts_kube_api_bytes_written_total'), false);
  });
});
