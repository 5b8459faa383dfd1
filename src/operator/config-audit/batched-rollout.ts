/**
 * Re-evaluation of many objects after the checks changed, in bounded batches (`OPERATOR_BATCH_DELETE_LIMIT` keys,
 * then `OPERATOR_BATCH_DELETE_DELAY`). Upstream deletes up to that many reports per pass and lets the owners be
 * rescanned, so reports vanish for a while and every one is written twice. Here the reports are re-evaluated in
 * place: a batch goes through the work queue, the next starts once it has settled, and the delay is only taken
 * after a batch that actually wrote something — a check change that alters no report costs no API writes and no
 * waiting.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../util/logger.ts';

export interface BatchedRolloutOptions {
  batchSize: number;
  delayMs: number;
  /** Puts a key on the work queue; the queue's reconcile must call `settled(key, wrote)` when done with it. */
  enqueue: (key: string) => void;
  logger: Logger;
  /** A batch whose keys have not all settled by then is considered done (a key may have left the queue). */
  batchTimeoutMs?: number;
}

export class BatchedRollout {
  readonly #options: BatchedRolloutOptions;
  readonly #pending = new Set<string>();
  readonly #inFlight = new Set<string>();
  #wrote = false;
  #batchSettled: (() => void) | undefined;
  #running: Promise<void> | undefined;
  readonly #abort = new AbortController();
  /** Batches started since creation (for tests and the status view). */
  batches = 0;

  constructor(options: BatchedRolloutOptions) {
    this.#options = options;
  }

  /** Keys waiting for a batch. */
  get pending(): number {
    return this.#pending.size + this.#inFlight.size;
  }

  schedule(keys: Iterable<string>): void {
    if (this.#abort.signal.aborted) return;
    for (const key of keys) if (!this.#inFlight.has(key)) this.#pending.add(key);
    if (this.#pending.size > 0) this.#running ??= this.#run().finally(() => (this.#running = undefined));
  }

  /** Called for every finished reconcile, whatever caused it. */
  settled(key: string, wrote: boolean): void {
    this.#pending.delete(key);
    if (!this.#inFlight.delete(key)) return;
    this.#wrote ||= wrote;
    if (this.#inFlight.size === 0) this.#batchSettled?.();
  }

  /** Resolves when every scheduled key has settled (for tests). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#batchSettled?.();
    await this.#running?.catch(() => undefined);
  }

  async #run(): Promise<void> {
    const { batchSize, delayMs, enqueue, logger } = this.#options;
    const signal = this.#abort.signal;
    while (this.#pending.size > 0 && !signal.aborted) {
      const batch = [...this.#pending].slice(0, Math.max(1, batchSize));
      this.#wrote = false;
      const settled = new Promise<void>((resolve) => (this.#batchSettled = resolve));
      for (const key of batch) {
        this.#pending.delete(key);
        this.#inFlight.add(key);
      }
      this.batches++;
      for (const key of batch) enqueue(key);
      const cancelTimer = new AbortController();
      const timeout = sleep(this.#options.batchTimeoutMs ?? 120_000, undefined, {
        signal: AbortSignal.any([signal, cancelTimer.signal]),
        ref: false,
      }).catch(() => undefined);
      await Promise.race([settled, timeout]);
      cancelTimer.abort();
      this.#batchSettled = undefined;
      this.#inFlight.clear();
      logger.debug(
        { keys: batch.length, wrote: this.#wrote, remaining: this.#pending.size },
        're-evaluation batch done',
      );
      if (this.#wrote && this.#pending.size > 0 && delayMs > 0) {
        await sleep(delayMs, undefined, { signal, ref: false }).catch(() => undefined);
      }
    }
  }
}
