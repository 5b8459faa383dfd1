import type { ImageRecord } from '../../scanner/scan/image-record.ts';
import type { Logger } from '../../util/logger.ts';
import type { ImageStore } from '../store/image-store.ts';
import { reasonOf } from './inline-runner.ts';
import type { AnalysisRequest, AnalysisRunner } from './types.ts';

export type AnalysisOutcome =
  { key: string; ok: true } | { key: string; ok: false; reason: string; message: string };

export interface AnalysisQueueOptions {
  store: ImageStore;
  runner: AnalysisRunner;
  /** `OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT`: analyses at once, counted here (never by listing Jobs). */
  concurrency: number;
  backoffMs: number;
  maxBackoffMs: number;
  logger: Logger;
  onSettled: (outcome: AnalysisOutcome) => void;
}

/**
 * The cluster-wide analysis queue: one analysis per (digest, platform) however many workloads ask, at most
 * `concurrency` at a time, first come first served. State lives in the store (pending → scanning → done | failed with
 * reason and backoff), so it survives restarts and is visible in status and metrics.
 */
export class AnalysisQueue {
  readonly #options: AnalysisQueueOptions;
  readonly #waiting = new Map<string, AnalysisRequest>();
  readonly #running = new Set<string>();
  readonly failures = new Map<string, number>();
  completed = 0;
  #stopped = false;

  constructor(options: AnalysisQueueOptions) {
    this.#options = options;
  }

  get waiting(): number {
    return this.#waiting.size;
  }

  get running(): number {
    return this.#running.size;
  }

  isActive(key: string): boolean {
    return this.#waiting.has(key) || this.#running.has(key);
  }

  /** Awaits the analyses a previous run left under way, and resets the ones it cannot adopt to pending. */
  async start(): Promise<void> {
    const adopted = await this.#options.runner.adopt();
    const adoptedKeys = new Set(adopted.map(({ request }) => request.key));
    for (const image of this.#options.store.all()) {
      if (image.state === 'scanning' && !adoptedKeys.has(image.key))
        this.#options.store.markPending(image.key);
    }
    for (const { request, result } of adopted) {
      this.#options.store.track(request.digest, request.platform, request.repository);
      this.#running.add(request.key);
      this.#options.logger.info({ image: request.key }, 'adopted an analysis under way');
      void this.#settle(request.key, result);
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#waiting.clear();
  }

  /** Queues an analysis unless one for the same image is waiting or running. */
  request(request: AnalysisRequest): void {
    if (this.#stopped || this.isActive(request.key)) return;
    this.#waiting.set(request.key, request);
    this.#pump();
  }

  #pump(): void {
    while (!this.#stopped && this.#running.size < this.#options.concurrency && this.#waiting.size > 0) {
      const [key, request] = this.#waiting.entries().next().value as [string, AnalysisRequest];
      this.#waiting.delete(key);
      this.#running.add(key);
      this.#options.store.markScanning(key);
      this.#options.logger.info({ image: key }, 'analysis started');
      void this.#settle(key, this.#options.runner.analyze(request));
    }
  }

  async #settle(key: string, result: Promise<ImageRecord>) {
    try {
      const record = await result;
      // An analysis that finishes while the operator stops is kept: its scan Job is deleted once read, so dropping
      // the record here would make the next run scan the image again.
      this.#options.store.markDone(key, record);
      if (this.#stopped) return;
      this.completed++;
      this.#options.logger.info({ image: key }, 'analysis done');
      this.#notify({ key, ok: true });
    } catch (error) {
      if (this.#stopped) return;
      const reason = reasonOf(error);
      const message = error instanceof Error ? error.message : String(error);
      this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
      this.#options.store.markFailed(
        key,
        `${reason}: ${message}`,
        this.#options.backoffMs,
        this.#options.maxBackoffMs,
      );
      this.#options.logger.warn({ image: key, reason }, `analysis failed: ${message}`);
      this.#notify({ key, ok: false, reason, message });
    } finally {
      this.#running.delete(key);
      this.#pump();
    }
  }

  #notify(outcome: AnalysisOutcome): void {
    try {
      this.#options.onSettled(outcome);
    } catch (error) {
      this.#options.logger.error({ err: String(error) }, 'analysis listener failed');
    }
  }
}
