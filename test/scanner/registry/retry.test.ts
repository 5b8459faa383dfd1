import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelayMs } from '../../../src/scanner/registry/retry.ts';

describe('retry policy', () => {
  it('backs off exponentially with full jitter, capped', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.equal(
      retryDelayMs(policy, 1, undefined, () => 1),
      100,
    );
    assert.equal(
      retryDelayMs(policy, 3, undefined, () => 1),
      400,
    );
    assert.equal(
      retryDelayMs(policy, 10, undefined, () => 1),
      1000,
    );
    assert.equal(
      retryDelayMs(policy, 3, undefined, () => 0),
      0,
    );
    assert.equal(
      retryDelayMs(policy, 3, undefined, () => 0.5),
      200,
    );
  });

  it('prefers Retry-After and caps it', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, maxRetryAfterMs: 5000 };
    assert.equal(retryDelayMs(policy, 1, 2000), 2000);
    assert.equal(retryDelayMs(policy, 1, 600_000), 5000);
  });

  it('parses Retry-After seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    const now = new Date('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:10 GMT', now), 0);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});
