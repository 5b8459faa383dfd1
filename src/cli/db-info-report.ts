import {
  formatRfc3339,
  isZeroTime,
  TrivyDb,
  type BucketKind,
  type TrivyDbMetadata,
} from '../scanner/db/trivy-db/index.ts';
import type { Logger } from '../util/logger.ts';

/** What `db info` reports (JSON field names follow Trivy's `VulnerabilityDB` metadata). */
export interface DbInfo {
  Path: string;
  Version: number;
  UpdatedAt: string;
  NextUpdate: string;
  DownloadedAt: string;
  FileSize: number;
  Packages: number;
  Advisories: number;
  Vulnerabilities: number;
  DataSources: DataSourceInfo[];
}

export interface DataSourceInfo {
  Bucket: string;
  Kind: BucketKind;
  ID: string;
  Name: string;
  URL: string;
  Packages: number;
  Advisories: number;
}

function times(metadata: TrivyDbMetadata): Pick<DbInfo, 'UpdatedAt' | 'NextUpdate' | 'DownloadedAt'> {
  return {
    UpdatedAt: formatRfc3339(metadata.UpdatedAt),
    NextUpdate: formatRfc3339(metadata.NextUpdate),
    DownloadedAt: formatRfc3339(metadata.DownloadedAt),
  };
}

/** Opens the DB in `cacheDir` and counts its contents (reads the whole file). */
export function collectDbInfo(cacheDir: string, logger?: Logger): DbInfo {
  const db = TrivyDb.open(cacheDir, logger ? { logger } : {});
  try {
    const stats = db.stats();
    return {
      Path: db.dbPath,
      Version: db.metadata.Version,
      ...times(db.metadata),
      FileSize: db.fileSize,
      Packages: stats.packages,
      Advisories: stats.advisories,
      Vulnerabilities: stats.vulnerabilities,
      DataSources: stats.buckets
        .filter((bucket) => bucket.kind === 'os' || bucket.kind === 'language')
        .map((bucket) => ({
          Bucket: bucket.bucket,
          Kind: bucket.kind,
          ID: bucket.dataSource?.ID ?? '',
          Name: bucket.dataSource?.Name ?? '',
          URL: bucket.dataSource?.URL ?? '',
          Packages: bucket.packages,
          Advisories: bucket.advisories,
        })),
    };
  } finally {
    db.close();
  }
}

function humanTime(text: string): string {
  return isZeroTime(new Date(text)) ? 'never' : text;
}

function humanBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function table(rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function renderDbInfoTable(info: DbInfo): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const summary = table(
    [
      ['Path:', info.Path],
      ['Version:', String(info.Version)],
      ['UpdatedAt:', humanTime(info.UpdatedAt)],
      ['NextUpdate:', humanTime(info.NextUpdate)],
      ['DownloadedAt:', humanTime(info.DownloadedAt)],
      ['File size:', `${humanBytes(info.FileSize)} (${count(info.FileSize)} bytes)`],
      ['Packages:', count(info.Packages)],
      ['Advisories:', count(info.Advisories)],
      ['Vulnerabilities:', count(info.Vulnerabilities)],
    ],
    new Set(),
  );
  const sources = table(
    [
      ['BUCKET', 'SOURCE', 'PACKAGES', 'ADVISORIES'],
      ...info.DataSources.map((source) => [
        source.Bucket,
        source.ID || '-',
        count(source.Packages),
        count(source.Advisories),
      ]),
    ],
    new Set([2, 3]),
  );
  return `${summary}\n\n${sources}\n`;
}
