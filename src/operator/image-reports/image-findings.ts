import { LRUCache } from 'lru-cache';
import type { IgnoreRules } from '../../scanner/report/filter.ts';
import { applyFilters, unfixedStatuses } from '../../scanner/report/filter.ts';
import type { Report, Severity } from '../../scanner/report/model.ts';
import { reportFromRecord } from '../../scanner/scan/image-record.ts';
import type { Logger } from '../../util/logger.ts';
import type { ImageStore } from '../store/image-store.ts';
import type { DbManager } from '../vulndb/db-manager.ts';

/** The trivy config settings a report's findings depend on (besides the image and the DB). */
export interface DetectionSettings {
  severities: readonly Severity[];
  ignoreUnfixed: boolean;
  packageTypes: readonly ('os' | 'library')[];
  ignore?: IgnoreRules;
  /** Changes whenever any of the above does. */
  hash: string;
}

/**
 * The findings of one analysed image on the current DB and settings: detection runs once per image, whatever
 * number of workloads run it, and again only when the DB or the settings change. Results are kept in memory
 * (bounded) and, in full, in the store (the status view and truncated reports point there).
 */
export class ImageFindings {
  readonly #store: ImageStore;
  readonly #db: DbManager;
  readonly #logger: Logger;
  /** Image key → its findings at one version: a new DB or new settings replace them rather than add a second copy. */
  readonly #cache = new LRUCache<string, { version: string; report: Report }>({ max: 256 });
  detections = 0;

  constructor(options: { store: ImageStore; db: DbManager; logger: Logger }) {
    this.#store = options.store;
    this.#db = options.db;
    this.#logger = options.logger;
  }

  /** A cache key that changes with the image, the DB and the settings. */
  version(imageKey: string, settings: DetectionSettings): string {
    return `${imageKey}|${this.#db.version}|${settings.hash}`;
  }

  /** The filtered Trivy report of the image, packages listed; undefined until the image is analysed. */
  report(imageKey: string, settings: DetectionSettings): Report | undefined {
    const version = this.version(imageKey, settings);
    const cached = this.#cache.get(imageKey);
    if (cached?.version === version) return cached.report;
    const stored = this.#store.findings(imageKey);
    if (stored && stored.dbVersion === this.#db.version && stored.settingsHash === settings.hash) {
      const report = stored.report as Report;
      this.#cache.set(imageKey, { version, report });
      return report;
    }
    const record = this.#store.record(imageKey);
    if (!record) return undefined;
    const report = reportFromRecord(this.#db.db, record, {
      pkgTypes: settings.packageTypes,
      includeSecrets: true,
      listAllPackages: true,
      logger: this.#logger,
      now: new Date(record.analyzedAt),
    });
    report.Results = applyFilters(report.Results ?? [], {
      severities: settings.severities,
      ignoreStatuses: settings.ignoreUnfixed ? unfixedStatuses : [],
      ...(settings.ignore ? { ignore: settings.ignore } : {}),
    });
    this.detections++;
    this.#store.putFindings(imageKey, { dbVersion: this.#db.version, settingsHash: settings.hash, report });
    this.#cache.set(imageKey, { version, report });
    return report;
  }

  clear(): void {
    this.#cache.clear();
  }
}
