import { readFile } from 'node:fs/promises';
import {
  goZeroTime,
  parseMetadata,
  SUPPORTED_SCHEMA_VERSION,
  type TrivyDbMetadata,
} from '../trivy-db/metadata.ts';
import { TrivyDbMetadataError } from '../trivy-db/errors.ts';

/** The DB schema this scanner reads. The artifact tag defaults to it. */
export const DB_SCHEMA_VERSION = SUPPORTED_SCHEMA_VERSION;

/** `metadata.json` next to `trivy.db`. Zero times (and absent fields) are `undefined`. */
export interface DbMetadata {
  version: number;
  nextUpdate: Date | undefined;
  updatedAt: Date | undefined;
  downloadedAt: Date | undefined;
  /** The JSON as read, so that writing it back keeps fields we do not know. */
  raw: Record<string, unknown>;
}

export class DbMetadataError extends Error {}

/** Parses with the DB layer's reader (one definition of the format) and keeps the raw JSON for writing back. */
export function parseDbMetadata(text: string): DbMetadata {
  let metadata: TrivyDbMetadata;
  try {
    metadata = parseMetadata(text, 'metadata.json');
  } catch (error) {
    if (error instanceof TrivyDbMetadataError) throw new DbMetadataError(error.message);
    throw error;
  }
  // Go's zero time (and anything before it) means "never".
  const never = goZeroTime().getTime();
  const known = (time: Date) => (time.getTime() <= never ? undefined : time);
  return {
    version: metadata.Version,
    nextUpdate: known(metadata.NextUpdate),
    updatedAt: known(metadata.UpdatedAt),
    downloadedAt: known(metadata.DownloadedAt),
    raw: JSON.parse(text) as Record<string, unknown>,
  };
}

/** Reads metadata.json; `undefined` when it is missing or unreadable (both mean "download"). */
export async function readDbMetadata(path: string): Promise<DbMetadata | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return parseDbMetadata(text);
  } catch (error) {
    if (error instanceof DbMetadataError) return undefined;
    throw error;
  }
}

/** The metadata as Trivy writes it after a download: the artifact's fields with `DownloadedAt` set (UTC). */
export function withDownloadedAt(metadata: DbMetadata, downloadedAt: Date): DbMetadata {
  return { ...metadata, downloadedAt, raw: { ...metadata.raw, DownloadedAt: downloadedAt.toISOString() } };
}

export function serialiseDbMetadata(metadata: DbMetadata): string {
  return `${JSON.stringify(metadata.raw)}\n`;
}
