import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodedCache, decodedCost } from '../../../../src/scanner/db/trivy-db/decoded-cache.ts';

/** A lookup the way TrivyDb does it: get, and on a miss decode (here: make a fresh object) and offer. */
function lookup(cache: DecodedCache<{ key: string }>, key: string, cost = 100): { key: string } {
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const value = { key };
  cache.offer(key, value, cost);
  return value;
}

describe('DecodedCache', () => {
  it('keeps a value only from the second request on, then returns the same object', () => {
    const cache = new DecodedCache<{ key: string }>(10_000, 100);
    const first = lookup(cache, 'a');
    const second = lookup(cache, 'a');
    assert.notEqual(second, first, 'asked for once: not kept');
    assert.equal(lookup(cache, 'a'), second);
    assert.equal(lookup(cache, 'a'), second);
    assert.deepEqual(cache.stats(), {
      hits: 2,
      misses: 2,
      admitted: 1,
      rejected: 1,
      evicted: 0,
      entries: 1,
      bytes: 100,
    });
  });

  it('honours a higher admission threshold', () => {
    const cache = new DecodedCache<{ key: string }>(10_000, 100, 3);
    const values = [1, 2, 3, 4].map(() => lookup(cache, 'a'));
    assert.notEqual(values[1], values[2]);
    assert.equal(values[3], values[2]);
  });

  it('never holds more than its budget, evicting the least recently used entry', () => {
    const cache = new DecodedCache<{ key: string }>(300, 100);
    for (const key of ['a', 'b', 'c']) for (let i = 0; i < 3; i++) lookup(cache, key);
    assert.equal(cache.stats().entries, 3);
    lookup(cache, 'a'); // a is now the most recently used; b the least
    for (let i = 0; i < 4; i++) lookup(cache, 'd'); // d is asked for more often than b
    const stats = cache.stats();
    assert.ok(stats.bytes <= 300);
    assert.equal(stats.evicted, 1);
    const a = cache.get('a');
    assert.ok(a, 'a survived');
    assert.ok(cache.get('d'), 'd was admitted');
    assert.equal(cache.get('b'), undefined, 'b was evicted');
  });

  it('turns away a newcomer asked for less often than the entry it would displace', () => {
    const cache = new DecodedCache<{ key: string }>(200, 100);
    for (let i = 0; i < 6; i++) {
      lookup(cache, 'hot1');
      lookup(cache, 'hot2');
    }
    lookup(cache, 'new');
    lookup(cache, 'new');
    assert.equal(cache.get('new'), undefined);
    assert.ok(cache.get('hot1') && cache.get('hot2'));
  });

  it('is not flushed by a pass over many keys asked for once (a scan)', () => {
    const cache = new DecodedCache<{ key: string }>(50 * 100, 100);
    const hot = Array.from({ length: 20 }, (_, i) => `hot-${i}`);
    for (let round = 0; round < 3; round++) for (const key of hot) lookup(cache, key);
    const kept = hot.map((key) => cache.get(key));
    for (let i = 0; i < 20_000; i++) lookup(cache, `scan-${i}`);
    assert.deepEqual(
      hot.map((key) => cache.get(key)),
      kept,
    );
    const stats = cache.stats();
    assert.ok(stats.admitted < 20 + 20_000 / 100, `${stats.admitted} admitted during the scan`);
  });

  it('ignores values larger than the budget, and caches nothing with a budget of 0', () => {
    const cache = new DecodedCache<{ key: string }>(100, 100);
    for (let i = 0; i < 3; i++) lookup(cache, 'big', 101);
    assert.equal(cache.stats().entries, 0);
    const off = new DecodedCache<{ key: string }>(0, 100);
    for (let i = 0; i < 3; i++) lookup(off, 'a');
    assert.deepEqual(off.stats(), {
      hits: 0,
      misses: 0,
      admitted: 0,
      rejected: 0,
      evicted: 0,
      entries: 0,
      bytes: 0,
    });
  });

  it('estimates decoded sizes from the stored JSON', () => {
    assert.equal(decodedCost(0), 112);
    assert.equal(decodedCost(1000), 1362);
  });
});
