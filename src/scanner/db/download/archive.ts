import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { UserFacingError } from '../../../util/errors.ts';

export const DB_FILE_NAME = 'trivy.db';
export const METADATA_FILE_NAME = 'metadata.json';

export interface ArchiveLimits {
  /** Largest `trivy.db` accepted (the real one is about 1 GiB uncompressed). */
  maxDbBytes: number;
  maxMetadataBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxDbBytes: 16 * 1024 * 1024 * 1024,
  maxMetadataBytes: 1024 * 1024,
};

/** The DB layer's tarball is malformed or holds something other than the two expected files. */
export class DbArchiveError extends UserFacingError {}

/**
 * Gunzips and untars a DB layer into `directory`, accepting only the regular files `trivy.db` and
 * `metadata.json` at the top level, each once and within its size limit. Anything else (directories, links,
 * devices, other names, paths with separators or `..`) fails the whole extraction. Files are fsynced.
 */
export async function extractDbArchive(
  gzippedTar: Readable,
  directory: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<void> {
  const extract = tarStream.extract();
  const piping = pipeline(gzippedTar, createGunzip({ chunkSize: 256 * 1024 }), extract);
  const seen = new Set<string>();
  try {
    for await (const entry of extract) {
      const { header } = entry;
      const name = header.name.startsWith('./') ? header.name.slice(2) : header.name;
      if (name !== DB_FILE_NAME && name !== METADATA_FILE_NAME) {
        throw new DbArchiveError(`the DB archive contains an unexpected member "${printable(header.name)}"`);
      }
      if (header.type !== 'file') {
        throw new DbArchiveError(
          `the DB archive member ${name} is a ${header.type ?? 'special entry'}, not a regular file`,
        );
      }
      if (seen.has(name)) throw new DbArchiveError(`the DB archive contains ${name} twice`);
      seen.add(name);
      const limit = name === DB_FILE_NAME ? limits.maxDbBytes : limits.maxMetadataBytes;
      const size = header.size ?? 0;
      if (size > limit)
        throw new DbArchiveError(
          `the DB archive member ${name} is ${size} bytes, more than the ${limit} allowed`,
        );
      await writeSynced(entry as unknown as AsyncIterable<Buffer>, join(directory, name));
    }
    await piping;
  } catch (error) {
    extract.destroy();
    await piping.catch(() => undefined);
    if (error instanceof UserFacingError) throw error;
    // File system failures carry a syscall; everything else comes from gunzip or the tar parser.
    if (error instanceof Error && (error as NodeJS.ErrnoException).syscall === undefined) {
      throw new DbArchiveError(`the DB layer is not a valid gzip'd tar: ${error.message}`, { cause: error });
    }
    throw error;
  }
  for (const required of [DB_FILE_NAME, METADATA_FILE_NAME]) {
    if (!seen.has(required)) throw new DbArchiveError(`the DB archive has no ${required}`);
  }
}

async function writeSynced(source: AsyncIterable<Buffer>, path: string): Promise<void> {
  const handle = await open(path, 'wx', 0o644);
  try {
    for await (const chunk of source) {
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function printable(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}
