import { stat } from 'node:fs/promises';
import { DirectoryBlobSource, TarBlobSource } from './blob-source.ts';
import { openDockerArchive } from './docker-archive.ts';
import { ImageFormatError, type ContainerImage } from './image.ts';
import { openOciLayout } from './oci-layout.ts';
import type { Platform } from './platform.ts';
import { indexTar } from './tar-index.ts';

export interface LocalImageOptions {
  platform: Platform;
}

/**
 * `--input PATH`: a `docker save` archive, an OCI archive (a tar of an OCI layout), or an OCI layout directory.
 * `PATH:TAG` picks one image when the archive or layout holds several (a trailing `:tag` that is not part of an
 * existing path). As in Trivy, a docker archive is tried before an OCI layout.
 */
export async function openLocalImage(input: string, options: LocalImageOptions): Promise<ContainerImage> {
  const { path, tag } = await splitTag(input);
  const info = await stat(path).catch(() => undefined);
  if (!info)
    throw new ImageFormatError(`${path} does not exist`, {
      hint: 'pass a docker save archive, an OCI archive or an OCI layout directory',
    });

  if (info.isDirectory()) {
    return openOciLayout(new DirectoryBlobSource(path), {
      name: input,
      platform: options.platform,
      ...(tag ? { tag } : {}),
    });
  }
  const source = new TarBlobSource(path, await indexTar(path));
  if (source.has('manifest.json')) return openDockerArchive(source, { name: input, ...(tag ? { tag } : {}) });
  if (source.has('index.json')) {
    return openOciLayout(source, { name: input, platform: options.platform, ...(tag ? { tag } : {}) });
  }
  throw new ImageFormatError(`${path} is neither a docker save archive nor an OCI archive`, {
    hint: 'it has no manifest.json and no index.json at its top level',
  });
}

async function splitTag(input: string): Promise<{ path: string; tag?: string }> {
  if (await stat(input).catch(() => undefined)) return { path: input };
  const colon = input.lastIndexOf(':');
  if (colon <= 0 || input.slice(colon + 1).includes('/')) return { path: input };
  return { path: input.slice(0, colon), tag: input.slice(colon + 1) };
}
