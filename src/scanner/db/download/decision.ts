import { UserFacingError } from '../../../util/errors.ts';
import { DB_SCHEMA_VERSION, type DbMetadata } from './metadata.ts';

export class DbUpdateError extends UserFacingError {}

/** What is on disk: whether `trivy.db` exists, and metadata.json if it exists and parses. */
export interface LocalDbState {
  dbFilePresent: boolean;
  metadata: DbMetadata | undefined;
}

export type UpdateDecision = { action: 'download'; reason: string } | { action: 'use-local'; reason: string };

const ONE_HOUR_MS = 60 * 60 * 1000;

/**
 * Trivy's update decision (`NeedsUpdate`): download when files are missing, never downloaded, or of an older
 * schema; keep the local DB while `now < NextUpdate` or within an hour of the last download. `force` downloads
 * regardless of freshness. Throws when `skipUpdate` cannot be honoured or the local schema is too new.
 */
export function decideUpdate(
  local: LocalDbState,
  options: { now: Date; skipUpdate: boolean; force?: boolean },
): UpdateDecision {
  const { now, skipUpdate } = options;
  const metadata = local.metadata;
  if (!local.dbFilePresent || !metadata) {
    if (skipUpdate) {
      throw new DbUpdateError(
        '--skip-db-update cannot be used on the first run: there is no vulnerability DB yet',
        {
          hint: 'run once without --skip-db-update (or `trivy-ts db update`) to download it',
        },
      );
    }
    return {
      action: 'download',
      reason: local.dbFilePresent ? 'metadata.json is missing or invalid' : 'no local DB',
    };
  }
  if (options.force && !skipUpdate) return { action: 'download', reason: 'update forced' };
  if (metadata.downloadedAt === undefined && !skipUpdate) {
    return {
      action: 'download',
      reason: 'the local DB has never been downloaded by this client (DownloadedAt is zero)',
    };
  }
  if (metadata.version > DB_SCHEMA_VERSION) {
    throw new DbUpdateError(
      `the local vulnerability DB has schema ${metadata.version}, newer than the schema ${DB_SCHEMA_VERSION} this version reads`,
      { hint: 'upgrade trivy-ts' },
    );
  }
  if (skipUpdate) {
    if (metadata.version !== DB_SCHEMA_VERSION) {
      throw new DbUpdateError(
        `the local vulnerability DB has schema ${metadata.version}, but ${DB_SCHEMA_VERSION} is needed and --skip-db-update forbids downloading it`,
        { hint: 'run without --skip-db-update' },
      );
    }
    return { action: 'use-local', reason: 'update skipped (--skip-db-update)' };
  }
  if (metadata.version !== DB_SCHEMA_VERSION) {
    return { action: 'download', reason: `the local DB has the old schema ${metadata.version}` };
  }
  if (metadata.nextUpdate !== undefined && now.getTime() < metadata.nextUpdate.getTime()) {
    return { action: 'use-local', reason: `fresh until ${metadata.nextUpdate.toISOString()}` };
  }
  if (metadata.downloadedAt !== undefined && now.getTime() < metadata.downloadedAt.getTime() + ONE_HOUR_MS) {
    return { action: 'use-local', reason: 'downloaded less than an hour ago' };
  }
  return { action: 'download', reason: 'the local DB is out of date' };
}
