import { createHash, randomUUID } from 'node:crypto';
import type { OperatingSystem } from '../inventory.ts';
import type { ImageDescription } from '../image/image.ts';
import { parseReference } from '../registry/reference.ts';
import type { Report, Result } from '../report/model.ts';
import { trivyTsVersion } from '../../util/version.ts';
import type { ImageAnalysis } from './analyze-image.ts';

export interface ImageReportInput {
  image: ImageDescription;
  analysis: Pick<ImageAnalysis, 'secrets'>;
  os?: OperatingSystem;
  /** Vulnerability results from detection (OS first, then languages), or the inventory-only results. */
  packageResults: Result[];
  listAllPackages: boolean;
  includeSecrets: boolean;
  now?: Date;
}

/** Trivy's JSON report for a container image (spec §6.1). */
export function buildImageReport(input: ImageReportInput): Report {
  const { image, analysis } = input;
  const packageResults = input.packageResults.map((result): Result => {
    const { Packages, ...rest } = result;
    return input.listAllPackages && Packages?.length ? { ...rest, Packages } : rest;
  });
  const secretResults: Result[] = input.includeSecrets
    ? analysis.secrets.map((file) => ({ Target: file.FilePath, Class: 'secret', Secrets: file.Findings }))
    : [];
  const results = [...packageResults, ...secretResults].filter(
    (result) => result.Target !== '' || result.Vulnerabilities?.length || result.Packages?.length,
  );
  return {
    SchemaVersion: 2,
    Trivy: { Version: trivyTsVersion },
    ReportID: randomUUID(),
    CreatedAt: rfc3339Local(input.now ?? new Date()),
    ArtifactID: artifactId(image),
    ArtifactName: image.name,
    ArtifactType: 'container_image',
    Metadata: {
      Size: image.layers.reduce((sum, layer) => sum + (layer.size ?? 0), 0),
      ...(input.os ? { OS: input.os } : {}),
      ImageID: image.id,
      DiffIDs: image.layers.map((layer) => layer.diffId),
      ...(image.repoTags.length ? { RepoTags: image.repoTags } : {}),
      ...(image.repoDigests.length ? { RepoDigests: image.repoDigests } : {}),
      ...(image.repoDigests[0] || image.repoTags[0]
        ? { Reference: image.repoTags[0] ?? image.repoDigests[0] }
        : {}),
      ImageConfig: image.config,
      Layers: image.layers.map((layer) => ({
        ...(layer.size !== undefined ? { Size: layer.size } : {}),
        ...(layer.digest ? { Digest: layer.digest } : {}),
        DiffID: layer.diffId,
      })),
    },
    ...(results.length ? { Results: results } : {}),
  };
}

/**
 * `sha256:` of `<ImageID>:<registry/repository>` (tag and digest excluded), so one image pushed under several tags
 * has one artifact ID; the image ID alone when the image has no repository (a local archive).
 */
export function artifactId(image: ImageDescription): string {
  let repository: string | undefined;
  const named = image.repoTags[0] ?? image.repoDigests[0]?.split('@')[0];
  if (named) {
    try {
      const reference = parseReference(named);
      repository = `${reference.registry}/${reference.repository}`;
    } catch {
      repository = undefined;
    }
  }
  if (!repository) return image.id;
  return `sha256:${createHash('sha256').update(`${image.id}:${repository}`).digest('hex')}`;
}

/** RFC 3339 with the local UTC offset and nanosecond-free precision, as Go prints `time.Now()`. */
function rfc3339Local(date: Date): string {
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const pad = (value: number, width = 2) => String(Math.abs(value)).padStart(width, '0');
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const base = local.toISOString().replace(/Z$/, '');
  return offsetMinutes === 0
    ? `${base}Z`
    : `${base}${sign}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
}
