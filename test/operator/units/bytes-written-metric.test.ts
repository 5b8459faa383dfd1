import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMetrics, type OperatorHealthState } from '../../../src/operator/metrics/index.ts';
import { parseExposition } from '../metrics/exposition-parser.ts';
import { FLAGS, healthState } from '../metrics/health-fixtures.ts';
import { sourceOf } from '../metrics/report-fixtures.ts';

/** The operator state of the metrics tests, with or without the bytes-written counter. */
const health = (bytesWritten?: () => number): OperatorHealthState =>
  bytesWritten ? { ...healthState(), apiBytesWritten: bytesWritten } : healthState();

const page = async (state: OperatorHealthState) =>
  parseExposition(
    (
      await createMetrics({
        reports: sourceOf([]),
        health: state,
        flags: FLAGS,
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
