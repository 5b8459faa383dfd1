import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { TrivyDb } from '../db/trivy-db/index.ts';
import { detectVulnerabilities } from '../detect/detector.ts';
import type { ContainerImage, ImageDescription } from '../image/image.ts';
import type { MergedInventory } from '../image/layer-merge.ts';
import type { Report } from '../report/model.ts';
import { UserFacingError } from '../../util/errors.ts';
import { trivyTsVersion } from '../../util/version.ts';
import type { Logger } from '../../util/logger.ts';
import type { ImageAnalysis } from './analyze-image.ts';
import { artifactId, buildImageReport } from './build-report.ts';
import { withPackageTypes, type PackageType } from './package-types.ts';

/**
 * Everything detection needs to know about one analysed image, without its layers: the description, the merged
 * inventory and the secrets. It is what a scan Job hands back to the operator and what the operator stores per image
 * digest, so a new vulnerability DB is matched against it without pulling the image again.
 */
export interface ImageRecord {
  schemaVersion: 1;
  /** trivy-ts version that analysed the image (analyzers may improve between versions). */
  analyzer: string;
  analyzedAt: string;
  image: ImageDescription;
  inventory: MergedInventory;
  secrets: ImageAnalysis['secrets'];
}

export class ImageRecordError extends UserFacingError {}

export function recordImageAnalysis(
  image: ContainerImage,
  analysis: ImageAnalysis,
  now = new Date(),
): ImageRecord {
  return {
    schemaVersion: 1,
    analyzer: trivyTsVersion,
    analyzedAt: now.toISOString(),
    image: {
      name: image.name,
      id: image.id,
      config: image.config,
      ...(image.manifestDigest ? { manifestDigest: image.manifestDigest } : {}),
      repoTags: image.repoTags,
      repoDigests: image.repoDigests,
      layers: image.layers.map(({ digest, diffId, size, mediaType }) => ({
        diffId,
        ...(digest ? { digest } : {}),
        ...(size !== undefined ? { size } : {}),
        ...(mediaType ? { mediaType } : {}),
      })),
    },
    inventory: analysis.inventory,
    secrets: analysis.secrets,
  };
}

/** The line a scan Job prints on stdout; everything else in its log is ignored. */
const linePrefix = 'trivy-ts-image-record:v1:';

/** Gzip + base64 on one line: container logs are text, and inventories compress about tenfold. */
export function encodeImageRecord(record: ImageRecord): string {
  return `${linePrefix}${gzipSync(JSON.stringify(record)).toString('base64')}\n`;
}

/** Decompressed records larger than this are refused (an image with 100,000 packages is about 30 MiB). */
const maxRecordBytes = 256 * 1024 * 1024;

const recordSchema = z.object({
  schemaVersion: z.literal(1),
  analyzer: z.string(),
  analyzedAt: z.string(),
  image: z.looseObject({
    name: z.string(),
    id: z.string(),
    config: z.looseObject({}),
    repoTags: z.array(z.string()),
    repoDigests: z.array(z.string()),
    layers: z.array(z.looseObject({ diffId: z.string() })),
  }),
  inventory: z.looseObject({
    Packages: z.array(z.looseObject({})),
    Applications: z.array(z.looseObject({})),
  }),
  secrets: z.array(z.looseObject({ FilePath: z.string(), Findings: z.array(z.looseObject({})) })),
});

/** Finds the record line in a scan Job's log and checks its shape. */
export function decodeImageRecord(log: string): ImageRecord {
  const start = log.lastIndexOf(linePrefix);
  if (start < 0) {
    throw new ImageRecordError('the scan output holds no image record', {
      hint: 'the scan Job did not finish its work; its log says why',
    });
  }
  const end = log.indexOf('\n', start);
  const payload = log.slice(start + linePrefix.length, end < 0 ? undefined : end).trim();
  let json: unknown;
  try {
    json = JSON.parse(
      gunzipSync(Buffer.from(payload, 'base64'), { maxOutputLength: maxRecordBytes }).toString('utf8'),
    );
  } catch (error) {
    throw new ImageRecordError(`the image record is damaged: ${(error as Error).message}`, {
      hint: 'the scan output was cut short (log size limit?) or is not from a matching trivy-ts version',
    });
  }
  const parsed = recordSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ImageRecordError(
      `the image record is not valid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data as unknown as ImageRecord;
}

export interface RecordReportOptions {
  /** `os`, `library`: which package types are matched and listed. */
  pkgTypes: readonly PackageType[];
  includeSecrets: boolean;
  listAllPackages: boolean;
  /** The name the report gives the artifact (the workload's image reference). */
  artifactName?: string;
  logger?: Logger;
  now?: Date;
}

/** Detection on a stored record: the unfiltered Trivy report the image scan would have produced on this DB. */
export function reportFromRecord(
  db: TrivyDb | undefined,
  record: ImageRecord,
  options: RecordReportOptions,
): Report {
  const image = options.artifactName ? { ...record.image, name: options.artifactName } : record.image;
  const inventory = withPackageTypes(record.inventory, options.pkgTypes);
  const detection = detectVulnerabilities(db, inventory, {
    artifactName: image.name,
    artifactId: artifactId(image),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return buildImageReport({
    image,
    analysis: record,
    ...(detection.os ? { os: detection.os } : {}),
    packageResults: detection.results,
    listAllPackages: options.listAllPackages,
    includeSecrets: options.includeSecrets,
    ...(options.now ? { now: options.now } : {}),
  });
}
