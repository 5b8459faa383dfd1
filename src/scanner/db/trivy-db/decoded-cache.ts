/**
 * Approximate heap bytes of a value decoded from `textLength` bytes of stored JSON, with its key. Measured on
 * Trivy-shaped values (V8, 64-bit): a ~60-byte advisory takes ~190 bytes, a ~1,260-byte vulnerability ~1,670.
 */
export function decodedCost(textLength: number): number {
  return 112 + Math.ceil(textLength * 1.25);
}

/** What a DecodedCache did so far. */
export interface DecodedCacheStats {
  hits: number;
  misses: number;
  /** Values offered after a miss and kept. */
  admitted: number;
  /** Values offered after a miss and turned away (asked for too rarely). */
  rejected: number;
  evicted: number;
  entries: number;
  /** Estimated heap bytes of the cached values. */
  bytes: number;
}

interface Entry<V> {
  readonly key: string;
  readonly value: V;
  readonly cost: number;
  readonly hash: number;
  newer: Entry<V> | undefined;
  older: Entry<V> | undefined;
}

/**
 * A cache of decoded DB values, bounded by (estimated) bytes, with least-recently-used eviction and frequency-based
 * admission (TinyLFU): a value is only cached once its key has been asked for more than once lately, and it only
 * displaces the least recently used entry if its key has been asked for more often than that entry's.
 *
 * Admission is what makes the cache fit a garbage-collected runtime: a pass over many distinct keys (one image's
 * packages, a scan of the whole DB) neither flushes the values that are used again and again nor churns objects
 * through the heap (each cached object survives young-generation collections, which makes V8 grow the young
 * generation and hold more memory).
 */
export class DecodedCache<V> {
  readonly #budget: number;
  readonly #minFrequency: number;
  readonly #entries = new Map<string, Entry<V>>();
  readonly #sketch: FrequencySketch | undefined;
  #newest: Entry<V> | undefined;
  #oldest: Entry<V> | undefined;
  #bytes = 0;
  readonly #counts = { hits: 0, misses: 0, admitted: 0, rejected: 0, evicted: 0 };

  /**
   * `budget`: bytes the cached values may take; `typicalCost`: a usual value's cost, to size the sketch;
   * `minFrequency`: how many recent requests a key needs before its value is kept.
   */
  constructor(budget: number, typicalCost: number, minFrequency = 2) {
    this.#budget = budget;
    this.#minFrequency = minFrequency;
    this.#sketch = budget > 0 ? new FrequencySketch(Math.ceil(budget / typicalCost)) : undefined;
  }

  stats(): DecodedCacheStats {
    return { ...this.#counts, entries: this.#entries.size, bytes: this.#bytes };
  }

  /** The cached value of `key`, counting the request either way (a miss is usually followed by `offer`). */
  get(key: string): V | undefined {
    if (this.#sketch === undefined) return undefined;
    this.#sketch.increment(hashKey(key));
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      this.#counts.misses++;
      return undefined;
    }
    this.#counts.hits++;
    if (entry !== this.#newest) {
      this.#unlink(entry);
      this.#linkNewest(entry);
    }
    return entry.value;
  }

  /** Offers the value of `key` just computed after a miss; the cache decides whether to keep it. */
  offer(key: string, value: V, cost: number): void {
    const sketch = this.#sketch;
    if (sketch === undefined || cost > this.#budget || this.#entries.has(key)) return;
    const hash = hashKey(key);
    const frequency = sketch.estimate(hash);
    if (frequency < this.#minFrequency) {
      this.#counts.rejected++;
      return;
    }
    // Make room only from entries asked for less often than this one; otherwise keep them and drop the newcomer.
    let needed = this.#bytes + cost - this.#budget;
    for (let victim = this.#oldest; needed > 0; victim = victim.newer) {
      if (victim === undefined || sketch.estimate(victim.hash) >= frequency) {
        this.#counts.rejected++;
        return;
      }
      needed -= victim.cost;
    }
    while (this.#bytes + cost > this.#budget) this.#evict(this.#oldest!);
    const entry: Entry<V> = { key, value, cost, hash, newer: undefined, older: undefined };
    this.#entries.set(key, entry);
    this.#linkNewest(entry);
    this.#bytes += cost;
    this.#counts.admitted++;
  }

  #evict(entry: Entry<V>): void {
    this.#unlink(entry);
    this.#entries.delete(entry.key);
    this.#bytes -= entry.cost;
    this.#counts.evicted++;
  }

  #linkNewest(entry: Entry<V>): void {
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest !== undefined) this.#newest.newer = entry;
    this.#newest = entry;
    this.#oldest ??= entry;
  }

  #unlink(entry: Entry<V>): void {
    if (entry.newer !== undefined) entry.newer.older = entry.older;
    else this.#newest = entry.older;
    if (entry.older !== undefined) entry.older.newer = entry.newer;
    else this.#oldest = entry.newer;
    entry.newer = entry.older = undefined;
  }
}

/** FNV-1a over the UTF-16 code units of `key`, then a final mix so that both halves of the hash are usable. */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/**
 * Approximate request counts of recent keys: a count-min sketch (four saturating counters per key, the estimate is the
 * smallest) in a typed array, so it allocates nothing per key. Every `window` requests (four times the number of
 * entries the cache holds) all counts are halved, so "often" means "often lately". With 32 counters per request of a
 * window, a key asked for once looks like one asked for twice only about once in 5,000 keys.
 */
class FrequencySketch {
  readonly #counters: Uint8Array;
  readonly #mask: number;
  readonly #window: number;
  #requests = 0;

  constructor(entries: number) {
    this.#window = Math.max(256, entries * 4);
    const size = 2 ** Math.min(22, Math.ceil(Math.log2(this.#window * 32)));
    this.#counters = new Uint8Array(size);
    this.#mask = size - 1;
  }

  increment(hash: number): void {
    const counters = this.#counters;
    const step = probeStep(hash);
    for (let i = 0, at = hash; i < 4; i++, at += step) {
      const slot = at & this.#mask;
      if (counters[slot]! < 15) counters[slot] = counters[slot]! + 1;
    }
    if (++this.#requests >= this.#window) this.#age();
  }

  estimate(hash: number): number {
    const counters = this.#counters;
    const step = probeStep(hash);
    let least = 15;
    for (let i = 0, at = hash; i < 4; i++, at += step) least = Math.min(least, counters[at & this.#mask]!);
    return least;
  }

  #age(): void {
    const counters = this.#counters;
    for (let i = 0; i < counters.length; i++) counters[i] = counters[i]! >>> 1;
    this.#requests = 0;
  }
}

/** Second hash for double hashing: odd, so that the four probes of a key never coincide. */
function probeStep(hash: number): number {
  return (Math.imul(hash, 0x9e3779b1) >>> 7) | 1;
}
