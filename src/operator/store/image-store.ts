import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ImageRecord } from '../../scanner/scan/image-record.ts';

/** Where an image is in its life: waiting for analysis, being analysed, analysed, or failed (with the reason). */
export type ImageState = 'pending' | 'scanning' | 'done' | 'failed';

/** One image the cluster runs, keyed by manifest digest and platform: the unit of analysis. */
export interface TrackedImage {
  key: string;
  digest: string;
  platform: string;
  /** `registry/repository` to pull it from (pinned by digest when pulled). */
  repository: string;
  state: ImageState;
  reason?: string;
  attempts: number;
  nextAttemptAt?: number;
  rescanRequestedAt?: number;
  analysisStartedAt?: number;
  analyzedAt?: number;
  updatedAt: number;
}

export interface StoredFindings {
  /** Which DB and which settings produced them: a change of either makes them stale. */
  dbVersion: string;
  settingsHash: string;
  report: unknown;
}

export const imageKey = (digest: string, platform: string) => `${digest}|${platform}`;

/**
 * The latest time an object with this creationTimestamp was made: the timestamp has whole seconds, so the object may
 * be up to a second younger than it says, but never younger than now. (Without that bound, a report deleted in the
 * second it was made would ask for an analysis starting in the future, and the analysis it causes would not count.)
 */
export function madeBy(creationTimestamp: string | Date | undefined, now = Date.now()): number {
  const created = creationTimestamp ? new Date(creationTimestamp).getTime() : Number.NaN;
  return Number.isNaN(created) ? now : Math.min(created + 1000, now);
}

interface ImageRow {
  key: string;
  digest: string;
  platform: string;
  repository: string;
  state: ImageState;
  reason: string | null;
  attempts: number;
  next_attempt_at: number | null;
  rescan_requested_at: number | null;
  analysis_started_at: number | null;
  analyzed_at: number | null;
  updated_at: number;
}

/**
 * The operator's memory on its volume (`OPERATOR_CACHE_DIR/store.db`, SQLite through `node:sqlite`): every image it
 * tracks with its analysis state, the analysed inventory of each (so a restart or a new DB needs no image pull), and
 * the full findings behind each report (reports in etcd may be truncated to the size budget; this is not).
 */
export class ImageStore {
  readonly #db: DatabaseSync;
  readonly #statements: Statements;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS images (
        key TEXT PRIMARY KEY,
        digest TEXT NOT NULL,
        platform TEXT NOT NULL,
        repository TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        rescan_requested_at INTEGER,
        analysis_started_at INTEGER,
        analyzed_at INTEGER,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, record BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS findings (
        key TEXT PRIMARY KEY,
        db_version TEXT NOT NULL,
        settings_hash TEXT NOT NULL,
        report BLOB NOT NULL
      );
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.#statements = prepareStatements(db);
  }

  static open(path: string): ImageStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    return new ImageStore(new DatabaseSync(path));
  }

  close(): void {
    this.#db.close();
  }

  /** Starts tracking an image (pending) unless it is already known; returns its current row. */
  track(digest: string, platform: string, repository: string, now = Date.now()): TrackedImage {
    const key = imageKey(digest, platform);
    this.#statements.insert.run(key, digest, platform, repository, now);
    return this.get(key)!;
  }

  get(key: string): TrackedImage | undefined {
    const row = this.#statements.get.get(key) as ImageRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  all(): TrackedImage[] {
    return (this.#statements.all.all() as unknown as ImageRow[]).map(fromRow);
  }

  /** True when the image must be (re)analysed now. */
  needsAnalysis(image: TrackedImage, now = Date.now()): boolean {
    switch (image.state) {
      case 'pending':
        return true;
      case 'failed':
        return (image.nextAttemptAt ?? 0) <= now;
      case 'done':
        return (image.rescanRequestedAt ?? 0) > (image.analysisStartedAt ?? 0);
      default:
        return false;
    }
  }

  markScanning(key: string, now = Date.now()): void {
    this.#statements.scanning.run(now, now, key);
  }

  /** Back to pending: an analysis that was under way when the operator stopped and cannot be adopted. */
  markPending(key: string, now = Date.now()): void {
    this.#statements.pending.run(now, key);
  }

  markDone(key: string, record: ImageRecord, now = Date.now()): void {
    this.#transaction(() => {
      this.#statements.putRecord.run(key, gzipSync(JSON.stringify(record)));
      this.#statements.done.run(now, now, key);
      this.#statements.forgetFindings.run(key);
    });
  }

  /** Failed with a reason; the next attempt waits `baseBackoffMs × 2^(attempts−1)`, at most `maxBackoffMs`. */
  markFailed(
    key: string,
    reason: string,
    baseBackoffMs: number,
    maxBackoffMs: number,
    now = Date.now(),
  ): void {
    const attempts = this.get(key)?.attempts ?? 1;
    const delay = Math.min(baseBackoffMs * 2 ** Math.max(0, attempts - 1), maxBackoffMs);
    this.#statements.failed.run(reason.slice(0, 2000), now + delay, now, key);
  }

  /**
   * Records the hash of the settings inventories depend on (`trivy.skipFiles`, `trivy.skipDirs`). When it differs from
   * the one the stored inventories were made with, every image is asked for a fresh analysis; returns whether so.
   */
  useAnalysisSettings(hash: string, now = Date.now()): boolean {
    const row = this.#statements.getMeta.get('analysis-settings') as { value: string } | undefined;
    if (row?.value === hash) return false;
    this.#statements.putMeta.run('analysis-settings', hash);
    if (row === undefined) return false;
    this.#statements.rescanAll.run(now, now);
    return true;
  }

  /**
   * Asks for a fresh analysis: satisfied by any analysis that starts after `now`, however many ask. An earlier time
   * never replaces a later one (a report deleted after another may have been made before it).
   */
  requestRescan(key: string, now = Date.now()): void {
    this.#statements.rescan.run(now, now, key);
  }

  record(key: string): ImageRecord | undefined {
    const row = this.#statements.getRecord.get(key) as { record: Uint8Array } | undefined;
    return row ? (JSON.parse(gunzipSync(row.record).toString('utf8')) as ImageRecord) : undefined;
  }

  findings(key: string): StoredFindings | undefined {
    const row = this.#statements.getFindings.get(key) as
      { db_version: string; settings_hash: string; report: Uint8Array } | undefined;
    if (!row) return undefined;
    return {
      dbVersion: row.db_version,
      settingsHash: row.settings_hash,
      report: JSON.parse(gunzipSync(row.report).toString('utf8')),
    };
  }

  putFindings(key: string, findings: StoredFindings): void {
    this.#statements.putFindings.run(
      key,
      findings.dbVersion,
      findings.settingsHash,
      gzipSync(JSON.stringify(findings.report)),
    );
  }

  /** Drops an image nothing runs any more. */
  forget(key: string): void {
    this.#transaction(() => {
      this.#statements.forget.run(key);
      this.#statements.forgetRecord.run(key);
      this.#statements.forgetFindings.run(key);
    });
  }

  #transaction(work: () => void): void {
    this.#db.exec('BEGIN');
    try {
      work();
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }
}

function fromRow(row: ImageRow): TrackedImage {
  return {
    key: row.key,
    digest: row.digest,
    platform: row.platform,
    repository: row.repository,
    state: row.state,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    attempts: row.attempts,
    ...(row.next_attempt_at !== null ? { nextAttemptAt: row.next_attempt_at } : {}),
    ...(row.rescan_requested_at !== null ? { rescanRequestedAt: row.rescan_requested_at } : {}),
    ...(row.analysis_started_at !== null ? { analysisStartedAt: row.analysis_started_at } : {}),
    ...(row.analyzed_at !== null ? { analyzedAt: row.analyzed_at } : {}),
    updatedAt: row.updated_at,
  };
}

function prepareStatements(db: DatabaseSync) {
  return {
    get: db.prepare('SELECT * FROM images WHERE key = ?'),
    all: db.prepare('SELECT * FROM images ORDER BY key'),
    insert: db.prepare(
      `INSERT INTO images (key, digest, platform, repository, state, updated_at)
       VALUES (?, ?, ?, ?, 'pending', ?) ON CONFLICT(key) DO NOTHING`,
    ),
    scanning: db.prepare(
      `UPDATE images SET state = 'scanning', analysis_started_at = ?, attempts = attempts + 1, updated_at = ?
       WHERE key = ?`,
    ),
    done: db.prepare(
      `UPDATE images SET state = 'done', reason = NULL, attempts = 0, next_attempt_at = NULL, analyzed_at = ?,
       updated_at = ? WHERE key = ?`,
    ),
    failed: db.prepare(
      `UPDATE images SET state = 'failed', reason = ?, next_attempt_at = ?, updated_at = ? WHERE key = ?`,
    ),
    pending: db.prepare(`UPDATE images SET state = 'pending', updated_at = ? WHERE key = ?`),
    rescan: db.prepare(
      'UPDATE images SET rescan_requested_at = MAX(COALESCE(rescan_requested_at, 0), ?), updated_at = ? WHERE key = ?',
    ),
    rescanAll: db.prepare('UPDATE images SET rescan_requested_at = ?, updated_at = ?'),
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    putMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
    putRecord: db.prepare('INSERT OR REPLACE INTO records (key, record) VALUES (?, ?)'),
    getRecord: db.prepare('SELECT record FROM records WHERE key = ?'),
    putFindings: db.prepare(
      'INSERT OR REPLACE INTO findings (key, db_version, settings_hash, report) VALUES (?, ?, ?, ?)',
    ),
    getFindings: db.prepare('SELECT db_version, settings_hash, report FROM findings WHERE key = ?'),
    forget: db.prepare('DELETE FROM images WHERE key = ?'),
    forgetRecord: db.prepare('DELETE FROM records WHERE key = ?'),
    forgetFindings: db.prepare('DELETE FROM findings WHERE key = ?'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;
