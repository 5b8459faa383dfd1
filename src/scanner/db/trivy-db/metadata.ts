import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { TrivyDbMetadataError, TrivyDbMissingError, TrivyDbSchemaError } from './errors.ts';

/** The trivy-db schema this code reads (`Version` in metadata.json, the `:2` tag of the artifact). */
export const SUPPORTED_SCHEMA_VERSION = 2;

/** Go's zero `time.Time`, as `encoding/json` writes it: "never" for DownloadedAt and friends. */
export const GO_ZERO_TIME_TEXT = '0001-01-01T00:00:00Z';

/** metadata.json next to trivy.db (Trivy's field names). Times are UTC Dates; Go's zero time stays year 1. */
export interface TrivyDbMetadata {
  Version: number;
  NextUpdate: Date;
  UpdatedAt: Date;
  DownloadedAt: Date;
}

export function goZeroTime(): Date {
  return new Date(GO_ZERO_TIME_TEXT);
}

export function isZeroTime(time: Date): boolean {
  return time.getTime() === Date.parse(GO_ZERO_TIME_TEXT);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 timestamp (as Go writes: optional fraction up to ns, `Z` or an offset); undefined if invalid. */
export function parseRfc3339(text: string): Date | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = (DAYS_IN_MONTH[month - 1] ?? 0) + (month === 2 && isLeapYear(year) ? 1 : 0);
  if (day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  if (match[9] !== undefined && (Number(match[9]) > 23 || Number(match[10]) > 59)) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Formats like Go's RFC3339Nano in UTC: no fraction when it is zero, trailing zeros trimmed. */
export function formatRfc3339(time: Date): string {
  return time.toISOString().replace(/\.(\d*?)0*Z$/, (_, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

function timeField(source: Record<string, unknown>, field: string, path: string): Date {
  const value = source[field];
  // Go leaves a missing or null time at its zero value.
  if (value === undefined || value === null) return goZeroTime();
  if (typeof value !== 'string') throw new TrivyDbMetadataError(path, `${field} is not a string`);
  const time = parseRfc3339(value);
  if (!time)
    throw new TrivyDbMetadataError(path, `${field} ${JSON.stringify(value)} is not an RFC 3339 time`);
  return time;
}

/** Parses metadata.json text; `path` is only used in error messages. Does not check the schema version. */
export function parseMetadata(text: string, path: string): TrivyDbMetadata {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TrivyDbMetadataError(path, 'not JSON', error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TrivyDbMetadataError(path, 'not a JSON object');
  }
  const source = parsed as Record<string, unknown>;
  const version = source.Version ?? 0;
  if (!Number.isSafeInteger(version) || (version as number) < 0) {
    throw new TrivyDbMetadataError(path, `Version ${JSON.stringify(version)} is not a non-negative integer`);
  }
  return {
    Version: version as number,
    NextUpdate: timeField(source, 'NextUpdate', path),
    UpdatedAt: timeField(source, 'UpdatedAt', path),
    DownloadedAt: timeField(source, 'DownloadedAt', path),
  };
}

/** Reads metadata.json; a missing file is TrivyDbMissingError. */
export function readMetadata(path: string): TrivyDbMetadata {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TrivyDbMissingError(path);
    throw new TrivyDbMetadataError(
      path,
      `cannot read it (${(error as NodeJS.ErrnoException).code ?? error})`,
      error,
    );
  }
  return parseMetadata(text, path);
}

/** Throws unless the DB has the schema version this code reads (newer ⇒ upgrade trivy-ts, older ⇒ update the DB). */
export function assertSupportedSchema(metadata: TrivyDbMetadata, path: string): void {
  if (metadata.Version !== SUPPORTED_SCHEMA_VERSION) {
    throw new TrivyDbSchemaError(path, metadata.Version, SUPPORTED_SCHEMA_VERSION);
  }
}

/** metadata.json text as Trivy writes it (`Version` omitted when 0). */
export function formatMetadata(metadata: TrivyDbMetadata): string {
  const out: Record<string, unknown> = {};
  if (metadata.Version !== 0) out.Version = metadata.Version;
  out.NextUpdate = formatRfc3339(metadata.NextUpdate);
  out.UpdatedAt = formatRfc3339(metadata.UpdatedAt);
  out.DownloadedAt = formatRfc3339(metadata.DownloadedAt);
  return JSON.stringify(out);
}

/** Writes metadata.json atomically (temp file + rename), so a reader never sees half a file. */
export function writeMetadata(path: string, metadata: TrivyDbMetadata): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, formatMetadata(metadata));
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
