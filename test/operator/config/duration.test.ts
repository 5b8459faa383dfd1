import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatGoDuration,
  formatGoDurationNanos,
  InvalidDurationError,
  parseGoDuration,
  parseGoDurationNanos,
} from '../../../src/operator/config/duration.ts';

// Cases from the behaviour of Go's time.ParseDuration and Duration.String (values in nanoseconds).
const parses: Array<[string, bigint]> = [
  ['0', 0n],
  ['-0', 0n],
  ['+0', 0n],
  ['0s', 0n],
  ['5s', 5_000_000_000n],
  ['30s', 30_000_000_000n],
  ['1478s', 1_478_000_000_000n],
  ['-5s', -5_000_000_000n],
  ['+5s', 5_000_000_000n],
  ['5.0s', 5_000_000_000n],
  ['5.6s', 5_600_000_000n],
  ['5.s', 5_000_000_000n],
  ['.5s', 500_000_000n],
  ['1.004s', 1_004_000_000n],
  ['100.00100s', 100_001_000_000n],
  ['10ns', 10n],
  ['11us', 11_000n],
  ['12µs', 12_000n],
  ['12μs', 12_000n],
  ['13ms', 13_000_000n],
  ['300ms', 300_000_000n],
  ['15m', 900_000_000_000n],
  ['5m', 300_000_000_000n],
  ['16h', 57_600_000_000_000n],
  ['120h', 432_000_000_000_000n],
  ['24h0m0s', 86_400_000_000_000n],
  ['1h30m', 5_400_000_000_000n],
  ['1.5h', 5_400_000_000_000n],
  ['10.5s4m', 250_500_000_000n],
  ['-2m3.4s', -123_400_000_000n],
  ['1h2m3s4ms5us6ns', 3_723_004_005_006n],
  ['39h9m14.425s', 140_954_425_000_000n],
  ['0.3333333333333333333h', 1_200_000_000_000n],
  ['0.830103483285477580700h', 2_988_372_539_827n],
  ['9007199254740993ns', 9_007_199_254_740_993n],
  ['9223372036854775807ns', 9_223_372_036_854_775_807n],
  ['9223372036854775.807us', 9_223_372_036_854_775_807n],
  ['9223372036s854ms775us807ns', 9_223_372_036_854_775_807n],
  ['-9223372036854775808ns', -9_223_372_036_854_775_808n],
];

const rejects: Array<[string, string]> = [
  ['', 'invalid duration "": it is empty'],
  ['3', 'invalid duration "3": missing unit after "3"'],
  ['-', 'invalid duration "-": it is empty'],
  ['s', 'invalid duration "s": expected a number at "s"'],
  ['.', 'invalid duration ".": expected a number at "."'],
  ['.s', 'invalid duration ".s": expected a number at ".s"'],
  ['1d', 'invalid duration "1d": unknown unit "d"'],
  ['5 m', 'invalid duration "5 m": unknown unit " m"'],
  ['1M', 'invalid duration "1M": unknown unit "M"'],
  [' 5m', 'invalid duration " 5m": expected a number at " 5m"'],
  ['1h-5m', 'invalid duration "1h-5m": unknown unit "h-"'],
  ['9223372036854775808ns', 'invalid duration "9223372036854775808ns": it is too large (over 2562047h)'],
  ['-9223372036854775809ns', 'invalid duration "-9223372036854775809ns": it is too large (over 2562047h)'],
  ['9223372036854775.808us', 'invalid duration "9223372036854775.808us": it is too large (over 2562047h)'],
  ['3000000h', 'invalid duration "3000000h": it is too large (over 2562047h)'],
];

const formats: Array<[bigint, string]> = [
  [0n, '0s'],
  [1n, '1ns'],
  [1_100n, '1.1µs'],
  [2_200_000n, '2.2ms'],
  [3_300_000_000n, '3.3s'],
  [245_000_000_000n, '4m5s'],
  [245_001_000_000n, '4m5.001s'],
  [18_367_001_000_000n, '5h6m7.001s'],
  [480_000_000_001n, '8m0.000000001s'],
  [86_400_000_000_000n, '24h0m0s'],
  [300_000_000_000n, '5m0s'],
  [9_223_372_036_854_775_807n, '2562047h47m16.854775807s'],
  [-9_223_372_036_854_775_808n, '-2562047h47m16.854775808s'],
];

describe('Go durations', () => {
  for (const [text, nanos] of parses) {
    it(`parses ${JSON.stringify(text)}`, () => {
      assert.equal(parseGoDurationNanos(text), nanos);
    });
  }

  for (const [text, message] of rejects) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseGoDurationNanos(text),
        (error: unknown) =>
          error instanceof InvalidDurationError &&
          error.message === message &&
          error.hint ===
            'use Go duration syntax: a number and a unit (ns, us, ms, s, m, h), e.g. 30s, 5m, 1h30m, 1.5h',
      );
    });
  }

  for (const [nanos, text] of formats) {
    it(`formats ${nanos}ns as ${text}`, () => {
      assert.equal(formatGoDurationNanos(nanos), text);
      assert.equal(parseGoDurationNanos(text), nanos, 'the canonical form parses back to the same value');
    });
  }

  it('works in milliseconds for the config and the report-ttl annotation', () => {
    assert.equal(parseGoDuration('24h'), 86_400_000);
    assert.equal(parseGoDuration('300us'), 0.3);
    assert.equal(parseGoDuration('1.5h'), 5_400_000);
    assert.equal(formatGoDuration(86_400_000), '24h0m0s');
    assert.equal(formatGoDuration(300_000), '5m0s');
    assert.equal(formatGoDuration(0), '0s');
    assert.equal(formatGoDuration(1_500), '1.5s');
    assert.equal(formatGoDuration(0.3), '300µs');
    assert.equal(formatGoDuration(-1_500), '-1.5s');
    // Whole milliseconds times 1e6 as a float would lose nanoseconds above 2^53 ns (~104 days).
    assert.equal(formatGoDuration(9_007_199_254_741), formatGoDurationNanos(9_007_199_254_741_000_000n));
    assert.equal(formatGoDuration(9_007_199_254_741), '2501999h47m34.741s');
    assert.throws(() => formatGoDuration(Number.NaN), RangeError);
  });
});
