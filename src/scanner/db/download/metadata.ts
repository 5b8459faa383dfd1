import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** The DB schema this scanner reads. The artifact tag defaults to it. */
export const DB_SCHEMA_VERSION = 2;

/** Go's zero `time.Time` marshals as `0001-01-01T00:00:00Z`; anything at or before it means "never". */
const GO_ZERO_TIME_MS = Date.UTC(1, 0, 1);

const goTime = z
  .string()
  .transform((value, context) => {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) {
      context.addIssue({ code: 'custom', message: `"${value}" is not an RFC 3339 time` });
      return z.NEVER;
    }
    return ms <= GO_ZERO_TIME_MS ? undefined : new Date(ms);
  })
  .optional();

const metadataSchema = z.looseObject({
  Version: z.number().int().nonnegative().optional(),
  NextUpdate: goTime,
  UpdatedAt: goTime,
  DownloadedAt: goTime,
});

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

export function parseDbMetadata(text: string): DbMetadata {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DbMetadataError('metadata.json is not valid JSON');
  }
  const parsed = metadataSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DbMetadataError(
      `metadata.json is invalid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    );
  }
  return {
    version: parsed.data.Version ?? 0,
    nextUpdate: parsed.data.NextUpdate,
    updatedAt: parsed.data.UpdatedAt,
    downloadedAt: parsed.data.DownloadedAt,
    raw: json as Record<string, unknown>,
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
