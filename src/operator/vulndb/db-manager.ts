import { ensureDb } from '../../scanner/db/download/index.ts';
import { TrivyDb } from '../../scanner/db/trivy-db/index.ts';
import type { BasicCredentials } from '../../scanner/registry/credentials.ts';
import { describeError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';

export interface DbSource {
  repositories: readonly string[];
  insecure: boolean;
  credentials?: BasicCredentials;
}

export interface DbManagerOptions {
  cacheDir: string;
  source: () => DbSource;
  /** How often to ask whether a newer DB is due (the DB's own NextUpdate decides whether to download). */
  checkIntervalMs: number;
  logger: Logger;
  /** Called after a different DB has been installed and opened. */
  onNewDb: (db: TrivyDb) => void;
}

/**
 * The operator's single copy of the vulnerability DB (in `OPERATOR_CACHE_DIR/db`, Trivy's layout). It follows
 * Trivy's update rules on a timer; when a new DB arrives it is opened, swapped in, and listeners re-match stored
 * inventories against it — no image is pulled and no Job runs. The previous DB is closed once swapped out.
 */
export class DbManager {
  readonly #options: DbManagerOptions;
  #db: TrivyDb | undefined;
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;
  lastError: string | undefined;
  lastCheckAt: Date | undefined;

  constructor(options: DbManagerOptions) {
    this.#options = options;
  }

  get db(): TrivyDb | undefined {
    return this.#db;
  }

  /** Identifies the DB content: reports matched on another version are re-matched. */
  get version(): string {
    const metadata = this.#db?.metadata;
    return metadata ? `${metadata.Version}:${metadata.UpdatedAt.toISOString()}` : 'none';
  }

  /** Seconds since the DB was built upstream (the `trivy_ts_db_age_seconds` gauge). */
  ageSeconds(now = Date.now()): number | undefined {
    const updated = this.#db?.metadata.UpdatedAt;
    return updated ? Math.max(0, (now - updated.getTime()) / 1000) : undefined;
  }

  /** Makes sure a DB is present (downloading it if needed), then checks again every interval. */
  async start(): Promise<void> {
    await this.check();
    this.#timer = setInterval(() => void this.check(), this.#options.checkIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#db?.close();
    this.#db = undefined;
  }

  /** One update check; never throws (the error is kept in `lastError` and logged). */
  check(): Promise<void> {
    this.#checking ??= this.#check().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #check(): Promise<void> {
    const { logger, cacheDir } = this.#options;
    const source = this.#options.source();
    this.lastCheckAt = new Date();
    try {
      const status = await ensureDb({
        cacheDir,
        repositories: source.repositories,
        insecure: source.insecure,
        ...(source.credentials ? { credentials: source.credentials } : {}),
        logger,
      });
      this.lastError = undefined;
      const previousVersion = this.version;
      if (this.#db && !status.downloaded) return;
      const opened = TrivyDb.open(cacheDir, { logger });
      const previous = this.#db;
      this.#db = opened;
      previous?.close();
      if (this.version !== previousVersion) {
        logger.info({ version: this.version, source: status.source }, 'vulnerability DB loaded');
        this.#options.onNewDb(opened);
      }
    } catch (error) {
      this.lastError = describeError(error);
      logger.error({ err: this.lastError }, 'vulnerability DB update failed; keeping the current DB');
    }
  }
}
