import { UserFacingError } from '../../../util/errors.ts';
import type { ManifestResponse } from '../../registry/client.ts';
import {
  imageManifestSchema,
  isIndexMediaType,
  MediaTypes,
  type Descriptor,
} from '../../registry/manifest.ts';

export const DB_LAYER_MEDIA_TYPE = 'application/vnd.aquasec.trivy.db.layer.v1.tar+gzip';
/** Written by oras either as `config.mediaType` (older) or as `artifactType` with an empty config (OCI 1.1). */
export const DB_ARTIFACT_TYPE = 'application/vnd.aquasec.trivy.config.v1+json';
const TITLE_ANNOTATION = 'org.opencontainers.image.title';

/** The artifact is not a Trivy DB as published: retrying elsewhere is not expected to help. */
export class DbArtifactError extends UserFacingError {}

/** The single DB layer of a validated DB artifact manifest. */
export interface DbLayer {
  descriptor: Descriptor;
  /** The layer's file name (`db.tar.gz`), a plain local name. */
  title: string;
  /** How the artifact declared its type: `config` (older oras), `artifactType` (OCI 1.1) or `none`. */
  artifactTypeForm: 'config' | 'artifactType' | 'none';
}

/**
 * Checks a DB artifact manifest the way Trivy does: an image manifest with exactly one layer of the DB media type
 * whose title annotation is a plain file name. The artifact type is reported but, like Trivy, not required.
 */
export function dbLayerFromManifest(manifest: ManifestResponse, source: string): DbLayer {
  if (isIndexMediaType(manifest.mediaType)) {
    throw new DbArtifactError(`${source} is an image index, not the Trivy DB artifact`, {
      hint: 'point --db-repository at a repository holding the DB artifact (e.g. ghcr.io/aquasecurity/trivy-db:2)',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(manifest.bytes.toString('utf8'));
  } catch {
    throw new DbArtifactError(`the manifest of ${source} is not valid JSON`);
  }
  const parsed = imageManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DbArtifactError(
      `the manifest of ${source} is not an image manifest: ${issue?.path.join('.')} ${issue?.message}`,
    );
  }
  const { layers, config, artifactType } = parsed.data;
  if (layers.length !== 1) {
    throw new DbArtifactError(
      `the DB artifact ${source} has ${layers.length} layers; exactly one is expected`,
    );
  }
  const [descriptor] = layers as [Descriptor];
  if (descriptor.mediaType !== DB_LAYER_MEDIA_TYPE) {
    throw new DbArtifactError(
      `the DB artifact ${source} has a layer of type ${descriptor.mediaType}, not ${DB_LAYER_MEDIA_TYPE}`,
      { hint: 'is --db-repository pointing at a Trivy DB (not the Java DB or an image)?' },
    );
  }
  const title = descriptor.annotations?.[TITLE_ANNOTATION];
  if (title === undefined || title.length === 0) {
    throw new DbArtifactError(`the DB layer of ${source} has no ${TITLE_ANNOTATION} annotation`);
  }
  if (!isPlainFileName(title)) {
    throw new DbArtifactError(`the DB layer of ${source} has the unsafe file name "${title}"`);
  }
  const artifactTypeForm =
    artifactType === DB_ARTIFACT_TYPE && config.mediaType === MediaTypes.ociEmpty
      ? 'artifactType'
      : config.mediaType === DB_ARTIFACT_TYPE
        ? 'config'
        : 'none';
  return { descriptor, title, artifactTypeForm };
}

function isPlainFileName(name: string): boolean {
  return (
    name !== '.' &&
    name !== '..' &&
    name.length <= 255 &&
    !name.includes('/') &&
    !name.includes('\\') &&
    !name.includes('\0') &&
    !/^[A-Za-z]:/.test(name)
  );
}
