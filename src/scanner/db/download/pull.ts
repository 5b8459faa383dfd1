import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../../../util/logger.ts';
import type { ProgressReporter } from '../../../util/progress.ts';
import { BoltDb, BoltFormatError } from '../bbolt/index.ts';
import type { RegistryClient } from '../../registry/client.ts';
import { MediaTypes } from '../../registry/manifest.ts';
import { formatReference, type Reference } from '../../registry/reference.ts';
import {
  DbArchiveError,
  DB_FILE_NAME,
  extractDbArchive,
  METADATA_FILE_NAME,
  type ArchiveLimits,
} from './archive.ts';
import { dbLayerFromManifest, DbArtifactError } from './artifact.ts';
import { DbUpdateError } from './decision.ts';
import { DB_SCHEMA_VERSION, DbMetadataError, parseDbMetadata, type DbMetadata } from './metadata.ts';

export interface PullContext {
  client: RegistryClient;
  logger: Logger;
  progress: ProgressReporter;
  limits?: ArchiveLimits;
}

/**
 * Pulls the DB artifact `ref` into `stagingDir` (which must be empty and on the same file system as the DB dir):
 * manifest check, blob download with digest verification, extraction, then validation of both files.
 * Returns the artifact's metadata; `trivy.db` and `metadata.json` are in `stagingDir` when it resolves.
 */
export async function pullDbArtifact(
  ref: Reference,
  stagingDir: string,
  context: PullContext,
): Promise<DbMetadata> {
  const source = formatReference(ref);
  const manifest = await context.client.getManifest(ref, [MediaTypes.ociManifest, MediaTypes.dockerManifest]);
  const layer = dbLayerFromManifest(manifest, source);
  context.logger.debug(
    {
      repository: source,
      manifestDigest: manifest.digest,
      layer: layer.descriptor.digest,
      form: layer.artifactTypeForm,
    },
    'DB artifact manifest accepted',
  );

  const archivePath = join(stagingDir, 'layer.tar.gz');
  const progress = context.progress({
    label: 'Downloading vulnerability DB',
    totalBytes: layer.descriptor.size,
  });
  try {
    const blob = await context.client.getBlob(ref, layer.descriptor);
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        progress.advance(chunk.length);
        callback(null, chunk);
      },
    });
    // The blob is verified completely before a single byte of it is parsed.
    await pipeline(blob, counter, createWriteStream(archivePath, { flags: 'wx' }));
    progress.finish('done');
  } catch (error) {
    progress.finish('failed');
    throw error;
  }

  context.logger.info({ repository: source }, 'extracting and checking the vulnerability DB');
  await extractDbArchive(createReadStream(archivePath), stagingDir, context.limits);
  await rm(archivePath, { force: true });
  const metadata = await readArtifactMetadata(join(stagingDir, METADATA_FILE_NAME), source);
  checkBoltFile(join(stagingDir, DB_FILE_NAME), source);
  return metadata;
}

async function readArtifactMetadata(path: string, source: string): Promise<DbMetadata> {
  let metadata: DbMetadata;
  try {
    metadata = parseDbMetadata(await readFile(path, 'utf8'));
  } catch (error) {
    if (error instanceof DbMetadataError) throw new DbArchiveError(`the DB from ${source}: ${error.message}`);
    throw error;
  }
  if (metadata.version > DB_SCHEMA_VERSION) {
    throw new DbUpdateError(
      `the DB from ${source} has schema ${metadata.version}, newer than the schema ${DB_SCHEMA_VERSION} this version reads`,
      { hint: 'upgrade trivy-ts' },
    );
  }
  if (metadata.version !== DB_SCHEMA_VERSION) {
    throw new DbArtifactError(
      `the DB from ${source} has schema ${metadata.version}; schema ${DB_SCHEMA_VERSION} is needed`,
      {
        hint: `use the tag :${DB_SCHEMA_VERSION} of the DB repository`,
      },
    );
  }
  return metadata;
}

function checkBoltFile(path: string, source: string): void {
  try {
    const db = BoltDb.open(path);
    try {
      db.root().cursor().first();
    } finally {
      db.close();
    }
  } catch (error) {
    if (error instanceof BoltFormatError) {
      throw new DbArchiveError(`the trivy.db from ${source} is not a usable bbolt file: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}
