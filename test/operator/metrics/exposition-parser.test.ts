import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpositionError, parseExposition } from './exposition-parser.ts';
import { promtoolCheckMetrics } from './prometheus-server.ts';

const valid = `# HELP requests_total Requests, with a \\\\ and a \\n in the help.
# TYPE requests_total counter
requests_total{verb="get",path="/a \\"b\\" \\\\ c\\nd"} 3
requests_total{verb="put",path=""} 1e3

# HELP latency_seconds Latency.
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.1"} 1
latency_seconds_bucket{le="+Inf"} 2
latency_seconds_sum 0.3
latency_seconds_count 2
temperature NaN
`;

describe('the test exposition parser', () => {
  it('reads a valid page, unescaping label values and HELP', async () => {
    const families = parseExposition(valid);
    assert.deepEqual([...families.keys()], ['requests_total', 'latency_seconds', 'temperature']);
    assert.equal(families.get('requests_total')?.help, 'Requests, with a \\ and a \n in the help.');
    assert.deepEqual(families.get('requests_total')?.samples[0]?.labels, {
      verb: 'get',
      path: '/a "b" \\ c\nd',
    });
    assert.equal(families.get('requests_total')?.samples[1]?.value, 1000);
    assert.equal(families.get('latency_seconds')?.samples.length, 4);
    assert.notEqual((await promtoolCheckMetrics(valid)).code, 1, 'Prometheus accepts it too');
  });

  // Each of these is something a scrape rejects or a sign of a broken writer.
  for (const [what, page] of [
    ['a duplicate series', 'a{x="1"} 1\na{x="1"} 2\n'],
    ['a duplicate series with labels in another order', 'a{x="1",y="2"} 1\na{y="2",x="1"} 2\n'],
    ['a duplicate label name', 'a{x="1",x="2"} 1\n'],
    ['an unknown escape', 'a{x="\\t"} 1\n'],
    ['an unterminated value', 'a{x="1} 1\n'],
    ['an unquoted value', 'a{x=1} 1\n'],
    ['a bad label name', 'a{1x="1"} 1\n'],
    ['a value that is not a float', 'a 1,5\n'],
    ['a second TYPE', '# TYPE a gauge\n# TYPE a gauge\na 1\n'],
    ['a family that continues after another', 'a 1\nb 1\na{x="1"} 1\n'],
    ['HELP after samples', 'a 1\n# HELP a late\n'],
    ['a missing final line feed', 'a 1'],
  ] as const) {
    it(`rejects ${what}`, () => {
      assert.throws(() => parseExposition(page), ExpositionError);
    });
  }
});
