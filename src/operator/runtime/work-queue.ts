import { silentLogger, type Logger } from '../../util/logger.ts';

/** What a reconcile asks for: nothing (done until something changes) or another run after a delay. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

export interface WorkQueueOptions {
  name: string;
  concurrency: number;
  reconcile: (key: string) => Promise<ReconcileResult | void>;
  logger?: Logger;
  /** Backoff after a reconcile throws: base × 2^(failures−1), capped. */
  errorBackoffMs?: number;
  maxErrorBackoffMs?: number;
  onError?: (key: string, error: unknown) => void;
}

/**
 * controller-runtime's work queue in miniature: a key is queued at most once, processed by at most one worker at a
 * time (a key added while it runs is run again afterwards), delayed adds keep the earliest time, and a reconcile that
 * throws is retried with per-key exponential backoff. Level-triggered: the key is all a reconcile gets.
 */
export class WorkQueue {
  readonly #options: Required<Omit<WorkQueueOptions, 'onError' | 'logger'>> &
    Pick<WorkQueueOptions, 'onError'>;
  readonly #logger: Logger;
  readonly #queued = new Set<string>();
  readonly #order: string[] = [];
  readonly #running = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #failures = new Map<string, number>();
  readonly #idleWaiters: (() => void)[] = [];
  #active = 0;
  #stopped = true;

  constructor(options: WorkQueueOptions) {
    this.#options = {
      errorBackoffMs: 1000,
      maxErrorBackoffMs: 5 * 60_000,
      ...options,
    };
    this.#logger = (options.logger ?? silentLogger).child({ queue: options.name });
  }

  /** Keys waiting or running now (delayed keys are not counted). */
  get depth(): number {
    return this.#queued.size + this.#running.size;
  }

  get delayed(): number {
    return this.#timers.size;
  }

  start(): void {
    this.#stopped = false;
    this.#pump();
  }

  /** Stops taking work; resolves when running reconciles have finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    if (this.#active > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  add(key: string): void {
    const delayed = this.#timers.get(key);
    if (delayed) {
      clearTimeout(delayed.timer);
      this.#timers.delete(key);
    }
    if (this.#running.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#order.push(key);
    this.#pump();
  }

  addAfter(key: string, delayMs: number): void {
    if (delayMs <= 0) return this.add(key);
    const at = Date.now() + delayMs;
    const existing = this.#timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    // Timers overflow past 2^31-1 ms and would fire at once; a key woken early is simply requeued again.
    const timer = setTimeout(
      () => {
        this.#timers.delete(key);
        this.add(key);
      },
      Math.min(delayMs, 2 ** 31 - 1),
    );
    timer.unref();
    this.#timers.set(key, { at, timer });
  }

  /** Resolves when nothing is queued or running (delayed keys may remain). For tests and shutdown. */
  async idle(): Promise<void> {
    if (this.#active === 0 && this.#queued.size === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    while (!this.#stopped && this.#active < this.#options.concurrency && this.#order.length > 0) {
      const key = this.#order.shift()!;
      this.#queued.delete(key);
      this.#running.add(key);
      this.#active++;
      void this.#process(key);
    }
  }

  async #process(key: string): Promise<void> {
    try {
      const result = await this.#options.reconcile(key);
      this.#failures.delete(key);
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    } catch (error) {
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      const delay = Math.min(
        this.#options.errorBackoffMs * 2 ** (failures - 1),
        this.#options.maxErrorBackoffMs,
      );
      this.#logger.warn(
        { key, failures, retryInMs: delay, err: error instanceof Error ? error.message : String(error) },
        'reconcile failed',
      );
      this.#options.onError?.(key, error);
      if (!this.#stopped) this.addAfter(key, delay);
    } finally {
      this.#running.delete(key);
      this.#active--;
      if (this.#dirty.delete(key) && !this.#stopped) this.add(key);
      this.#pump();
      if (this.#active === 0 && (this.#queued.size === 0 || this.#stopped)) {
        for (const resolve of this.#idleWaiters.splice(0)) resolve();
      }
    }
  }
}
