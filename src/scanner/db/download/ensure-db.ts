import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dbDir, dbFilePath, dbMetadataPath } from '../../../config/paths.ts';
import { UserFacingError } from '../../../util/errors.ts';
import { silentLogger, type Logger } from '../../../util/logger.ts';
import { silentProgress, type ProgressReporter } from '../../../util/progress.ts';
import type { BasicCredentials, CredentialStore } from '../../registry/credentials.ts';
import { RegistryError } from '../../registry/errors.ts';
import { formatReference, parseReference, type Reference } from '../../registry/reference.ts';
import type { RetryPolicy } from '../../registry/retry.ts';
import { DB_FILE_NAME, METADATA_FILE_NAME, type ArchiveLimits } from './archive.ts';
import { decideUpdate, type LocalDbState } from './decision.ts';
import {
  DB_SCHEMA_VERSION,
  readDbMetadata,
  serialiseDbMetadata,
  withDownloadedAt,
  type DbMetadata,
} from './metadata.ts';
import { DEFAULT_DB_REPOSITORIES } from './repositories.ts';

export { DEFAULT_DB_REPOSITORIES };

const STAGING_PREFIX = '.download-';
const LOCK_NAME = 'update.lock';

export class DbDownloadError extends UserFacingError {}

export interface EnsureDbOptions {
  cacheDir: string;
  /** Tried in order; a repository without tag gets the schema version as tag. */
  repositories?: readonly string[];
  /** Use the local DB as it is (`--skip-db-update`); fails if there is none. */
  skipUpdate?: boolean;
  /** Download even if the local DB is fresh (`db update --force`). */
  force?: boolean;
  insecure?: boolean;
  /** `--username/--password`: used for every DB repository, before the Docker config. */
  credentials?: BasicCredentials;
  /** Consulted after `credentials`; defaults to the Docker config (`~/.docker/config.json`, credential helpers). */
  credentialStore?: CredentialStore;
  logger?: Logger;
  progress?: ProgressReporter;
  retry?: RetryPolicy;
  limits?: ArchiveLimits;
  now?: () => Date;
  /** A lock whose holder has not refreshed it for this long is taken over (a crashed updater). Minimum 5000. */
  lockStaleMs?: number;
  /** How long to wait for another updater before giving up. */
  lockWaitMs?: number;
}

export interface DbStatus {
  metadata: DbMetadata;
  /** True when this call installed a new DB. */
  downloaded: boolean;
  /** The repository the DB came from, when downloaded. */
  source?: string;
  reason: string;
}

/**
 * Makes sure `<cacheDir>/db` holds a usable, fresh-enough Trivy DB, downloading it if the update decision says so,
 * and returns its metadata. Safe to run concurrently (other processes included): updaters take a lock on the DB
 * dir, and whoever waited re-checks before downloading again. The installed DB is replaced atomically, so a
 * failure or crash at any point leaves the previous DB in place.
 */
export async function ensureDb(options: EnsureDbOptions): Promise<DbStatus> {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const skipUpdate = options.skipUpdate ?? false;
  const refs = (options.repositories ?? DEFAULT_DB_REPOSITORIES).map((r) =>
    parseReference(r, { defaultTag: String(DB_SCHEMA_VERSION) }),
  );
  if (refs.length === 0)
    throw new DbDownloadError('no DB repository given', { hint: 'pass --db-repository REPO' });
  if (skipUpdate && options.force) {
    throw new DbDownloadError('--skip-db-update and --force contradict each other', {
      hint: 'drop one of them',
    });
  }

  const dir = dbDir(options.cacheDir);
  const before = await readLocalDb(options.cacheDir);
  const first = decideUpdate(before, { now: now(), skipUpdate, force: options.force ?? false });
  if (first.action === 'use-local' && before.metadata) {
    logger.debug({ dbDir: dir, reason: first.reason }, 'using the local vulnerability DB');
    return { metadata: before.metadata, downloaded: false, reason: first.reason };
  }

  await mkdir(dir, { recursive: true });
  const release = await acquireUpdateLock(dir, options, logger);
  try {
    await removeStaleStaging(dir, logger);
    const current = await readLocalDb(options.cacheDir);
    // Someone else installed a DB while we waited: accept it unless it still needs an update by the normal rules.
    const updatedMeanwhile = downloadedAtMs(current) !== downloadedAtMs(before);
    const decision = decideUpdate(current, {
      now: now(),
      skipUpdate,
      force: (options.force ?? false) && !updatedMeanwhile,
    });
    if (decision.action === 'use-local' && current.metadata) {
      const reason = updatedMeanwhile ? 'updated by another process' : decision.reason;
      logger.info({ dbDir: dir, reason }, 'vulnerability DB is up to date');
      return { metadata: current.metadata, downloaded: false, reason };
    }
    logger.info({ dbDir: dir, reason: decision.reason }, 'downloading the vulnerability DB');
    const staging = await mkdtemp(join(dir, STAGING_PREFIX));
    try {
      const { metadata, source } = await downloadFromRepositories(refs, staging, options, logger);
      const installed = withDownloadedAt(metadata, now());
      await writeFileSynced(join(staging, METADATA_FILE_NAME), serialiseDbMetadata(installed));
      await installStaged(staging, dir);
      logger.info(
        {
          dbDir: dir,
          source,
          updatedAt: installed.updatedAt?.toISOString(),
          nextUpdate: installed.nextUpdate?.toISOString(),
        },
        'vulnerability DB installed',
      );
      return { metadata: installed, downloaded: true, source, reason: decision.reason };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  } finally {
    await release().catch((error: unknown) =>
      logger.warn({ err: error }, 'releasing the DB update lock failed'),
    );
  }
}

async function readLocalDb(cacheDir: string): Promise<LocalDbState> {
  return {
    dbFilePresent: existsSync(dbFilePath(cacheDir)),
    metadata: await readDbMetadata(dbMetadataPath(cacheDir)),
  };
}

function downloadedAtMs(state: LocalDbState): number | undefined {
  return state.metadata?.downloadedAt?.getTime();
}

async function acquireUpdateLock(
  dir: string,
  options: EnsureDbOptions,
  logger: Logger,
): Promise<() => Promise<void>> {
  const staleMs = Math.max(options.lockStaleMs ?? 10_000, 5_000);
  const pollMs = 500;
  const waitMs = options.lockWaitMs ?? 30 * 60_000;
  // The lock library and the downloader below are loaded only when a download is due, not on every scan.
  const { default: lockfile } = await import('proper-lockfile');
  try {
    return await lockfile.lock(dir, {
      lockfilePath: join(dir, LOCK_NAME),
      realpath: false,
      stale: staleMs,
      retries: { retries: Math.ceil(waitMs / pollMs), factor: 1, minTimeout: pollMs, maxTimeout: pollMs },
      onCompromised: (error) =>
        logger.warn({ err: error }, 'the DB update lock was taken over by another process'),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new DbDownloadError(
        `another process has been updating the vulnerability DB in ${dir} for too long`,
        {
          hint: `wait for it to finish, or remove ${join(dir, LOCK_NAME)} if no update is running`,
        },
      );
    }
    throw error;
  }
}

/** Staging dirs of an updater that crashed; safe to delete because we hold the lock. */
async function removeStaleStaging(dir: string, logger: Logger): Promise<void> {
  for (const name of await readdir(dir)) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    logger.info({ path: join(dir, name) }, 'removing leftovers of an interrupted DB download');
    await rm(join(dir, name), { recursive: true, force: true });
  }
}

async function downloadFromRepositories(
  refs: readonly Reference[],
  staging: string,
  options: EnsureDbOptions,
  logger: Logger,
): Promise<{ metadata: DbMetadata; source: string }> {
  const [
    { RegistryClient },
    { chainCredentials, dockerConfigCredentials, staticCredentials },
    { pullDbArtifact },
  ] = await Promise.all([
    import('../../registry/client.ts'),
    import('../../registry/credentials.ts'),
    import('./pull.ts'),
  ]);
  const explicit = options.credentials ? [staticCredentials(options.credentials)] : [];
  const credentials = chainCredentials(...explicit, options.credentialStore ?? dockerConfigCredentials());
  const client = new RegistryClient({
    credentials,
    insecure: options.insecure ?? false,
    logger,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const failures: string[] = [];
  try {
    for (const [index, ref] of refs.entries()) {
      const source = formatReference(ref);
      try {
        const metadata = await pullDbArtifact(ref, staging, {
          client,
          logger,
          progress: options.progress ?? silentProgress,
          ...(options.limits ? { limits: options.limits } : {}),
        });
        return { metadata, source };
      } catch (error) {
        const canFallBack =
          error instanceof RegistryError && (error.temporary || error.hasCode('BLOB_UNKNOWN'));
        if (!canFallBack) throw downloadError(source, error);
        failures.push(`${source}: ${error.message}`);
        if (index === refs.length - 1) break;
        logger.warn(
          { repository: source, err: error.message },
          'DB download failed, trying the next repository',
        );
        await emptyDirectory(staging);
      }
    }
  } finally {
    await client.close();
  }
  throw new DbDownloadError(
    `could not download the vulnerability DB from any repository:\n  ${failures.join('\n  ')}`,
    {
      hint: 'the registries may be down or rate limiting; try again later, or use --db-repository with a mirror',
    },
  );
}

function downloadError(source: string, error: unknown): unknown {
  if (!(error instanceof RegistryError)) return error;
  const hint = error.isAuthError
    ? `${error.hint ?? 'check your credentials'}; for the DB repositories see https://trivy.dev/latest/docs/references/troubleshooting/#db`
    : error.hasCode('NAME_UNKNOWN') || error.hasCode('MANIFEST_UNKNOWN') || error.status === 404
      ? 'check --db-repository: the repository or tag does not exist'
      : error.hint;
  return new DbDownloadError(`cannot download the vulnerability DB from ${source}: ${error.message}`, {
    cause: error,
    ...(hint === undefined ? {} : { hint }),
  });
}

async function emptyDirectory(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
}

async function writeFileSynced(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o644 });
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Moves the staged files over the installed ones: trivy.db first, then metadata.json, then the directory entry is
 * fsynced. A crash between the renames leaves a new DB with old metadata, which still opens (and is refreshed on
 * the next run if the metadata says so). Readers holding the old trivy.db open keep reading the old inode.
 */
async function installStaged(staging: string, dir: string): Promise<void> {
  await rename(join(staging, DB_FILE_NAME), join(dir, DB_FILE_NAME));
  await rename(join(staging, METADATA_FILE_NAME), join(dir, METADATA_FILE_NAME));
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
