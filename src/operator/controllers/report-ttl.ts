import { parseGoDuration } from '../config/index.ts';
import type { Logger } from '../../util/logger.ts';
import { REPORT_TTL_ANNOTATION } from '../reports/labels.ts';
import type { ReportCache } from '../reports/report-cache.ts';
import type { ReportWriter } from '../reports/report-writer.ts';
import type { AnyReport, ReportKind } from '../reports/types.ts';
import { WorkQueue, type ReconcileResult } from '../runtime/work-queue.ts';

/** When a report with a `report-ttl` annotation expires: creation + TTL; undefined when it has none or it is bad. */
export function expiryOf(report: AnyReport): number | undefined {
  const ttl = report.metadata.annotations?.[REPORT_TTL_ANNOTATION];
  const created = report.metadata.creationTimestamp;
  if (ttl === undefined || !created) return undefined;
  try {
    return new Date(created).getTime() + parseGoDuration(ttl);
  } catch {
    return undefined;
  }
}

/**
 * Deletes reports whose `report-ttl` has passed (`0s` marks a historical report: at once). Each report is looked at
 * when it appears and again at its expiry time; no polling. The deletion makes its owner's controller produce a
 * fresh report from a fresh analysis.
 */
export class ReportTtlController {
  readonly #cache: ReportCache;
  readonly #writer: ReportWriter;
  readonly #queue: WorkQueue;
  readonly #expires: (report: AnyReport) => boolean;

  constructor(options: {
    cache: ReportCache;
    writer: ReportWriter;
    kinds: readonly ReportKind[];
    logger: Logger;
    /**
     * Which reports are deleted once past their TTL (default: all). Reports re-evaluated whenever what they
     * describe changes (misconfiguration reports) only need their historical (`0s`) ones deleted.
     */
    expires?: (report: AnyReport) => boolean;
  }) {
    this.#cache = options.cache;
    this.#expires = options.expires ?? (() => true);
    this.#writer = options.writer;
    this.#queue = new WorkQueue({
      name: 'report-ttl',
      concurrency: 2,
      logger: options.logger,
      reconcile: (key) => this.#reconcile(key),
    });
    for (const kind of options.kinds) {
      options.cache.on(kind, (event) => {
        if (event.type === 'deleted' || !this.#expires(event.object)) return;
        const expiry = expiryOf(event.object);
        if (expiry === undefined) return;
        const key = `${kind}/${event.object.metadata.namespace ?? ''}/${event.object.metadata.name ?? ''}`;
        this.#queue.addAfter(key, expiry - Date.now());
      });
    }
  }

  start(): void {
    this.#queue.start();
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  async #reconcile(key: string): Promise<ReconcileResult> {
    const [kind = '', namespace = '', name = ''] = key.split('/');
    const report = this.#cache.get(kind as ReportKind, name, namespace || undefined);
    if (!report || !this.#expires(report)) return {};
    const expiry = expiryOf(report);
    if (expiry === undefined) return {};
    const remaining = expiry - Date.now();
    if (remaining > 0) return { requeueAfterMs: remaining };
    await this.#writer.expire(kind as ReportKind, name, namespace || undefined);
    return {};
  }
}
