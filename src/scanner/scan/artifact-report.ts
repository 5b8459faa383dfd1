import { randomUUID } from 'node:crypto';
import type { OperatingSystem } from '../inventory.ts';
import type { ArtifactType, Report, ReportMetadata, Result } from '../report/model.ts';
import type { SecretFinding } from '../secrets/types.ts';
import { trivyTsVersion } from '../../util/version.ts';

export interface ArtifactReportInput {
  /** As the user named it: the directory or SBOM path. */
  artifactName: string;
  artifactType: Exclude<ArtifactType, 'container_image'>;
  os?: OperatingSystem;
  /** Image facts an SBOM carried (ImageID, DiffIDs, RepoTags, RepoDigests). */
  metadata?: Omit<ReportMetadata, 'OS'>;
  /** Vulnerability results from detection (OS first, then languages), or the inventory-only results. */
  packageResults: Result[];
  listAllPackages: boolean;
  secrets?: { FilePath: string; Findings: SecretFinding[] }[];
  now?: Date;
}

/** Trivy's JSON report for something that is not an image: a directory (`fs`) or an SBOM (`sbom`). */
export function buildArtifactReport(input: ArtifactReportInput): Report {
  const packageResults = input.packageResults.map((result): Result => {
    const { Packages, ...rest } = result;
    return input.listAllPackages && Packages?.length ? { ...rest, Packages } : rest;
  });
  const secretResults: Result[] = (input.secrets ?? []).map((file) => ({
    Target: file.FilePath,
    Class: 'secret',
    Secrets: file.Findings,
  }));
  const results = [...packageResults, ...secretResults].filter(
    (result) => result.Target !== '' || result.Vulnerabilities?.length || result.Packages?.length,
  );
  return {
    SchemaVersion: 2,
    Trivy: { Version: trivyTsVersion },
    ReportID: randomUUID(),
    CreatedAt: rfc3339Local(input.now ?? new Date()),
    ArtifactName: input.artifactName,
    ArtifactType: input.artifactType,
    Metadata: { ...(input.os ? { OS: input.os } : {}), ...input.metadata },
    ...(results.length ? { Results: results } : {}),
  };
}

/** RFC 3339 with the local UTC offset, as Go prints `time.Now()`. */
function rfc3339Local(date: Date): string {
  const offsetMinutes = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().replace(/Z$/, '');
  if (offsetMinutes === 0) return `${local}Z`;
  const pad = (value: number) => String(Math.abs(value)).padStart(2, '0');
  return `${local}${offsetMinutes >= 0 ? '+' : '-'}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
}
