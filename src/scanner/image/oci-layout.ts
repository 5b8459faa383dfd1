import type { Readable } from 'node:stream';
import type { ZodType } from 'zod';
import {
  imageIndexSchema,
  imageManifestSchema,
  isIndexMediaType,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from '../registry/manifest.ts';
import { blobPath, type BlobSource } from './blob-source.ts';
import { ImageFormatError, parseImageConfig, type ContainerImage } from './image.ts';
import { pickPlatform, type Platform } from './platform.ts';

const refNameAnnotation = 'org.opencontainers.image.ref.name';

export interface OciLayoutOptions {
  name: string;
  platform: Platform;
  /** Picks the manifest whose `org.opencontainers.image.ref.name` is this tag, when the layout holds several. */
  tag?: string;
}

/**
 * Reads an image from an OCI image layout (a directory, or the same inside a tar). Every blob is checked against
 * its digest: documents when read, layers as they stream.
 */
export async function openOciLayout(source: BlobSource, options: OciLayoutOptions): Promise<ContainerImage> {
  if (!(await source.has('index.json'))) {
    throw new ImageFormatError(`${source.where} has no index.json: not an OCI image layout`);
  }
  const index = parseDocument(
    imageIndexSchema,
    await source.readDocument('index.json'),
    source.where,
    'index.json',
  );
  let descriptor = pickTopLevel(index, options, source.where);
  // An index may point to another index (multi-platform image saved whole): resolve down to one manifest.
  for (let depth = 0; isIndexMediaType(descriptor.mediaType); depth++) {
    if (depth > 4) throw new ImageFormatError(`${source.where}: image indexes nested too deeply`);
    const nested = parseDocument(
      imageIndexSchema,
      await readBlob(source, descriptor),
      source.where,
      descriptor.digest,
    );
    descriptor = pickPlatform(nested.manifests, options.platform, source.where);
  }
  const manifest = parseDocument(
    imageManifestSchema,
    await readBlob(source, descriptor),
    source.where,
    descriptor.digest,
  );
  return imageFromManifest(source, manifest, descriptor.digest, options.name, []);
}

/** Builds the image from a manifest whose blobs live in `source` (shared by OCI layouts and OCI archives). */
export async function imageFromManifest(
  source: BlobSource,
  manifest: ImageManifest,
  manifestDigest: string | undefined,
  name: string,
  repoTags: string[],
): Promise<ContainerImage> {
  const config = parseImageConfig(await readBlob(source, manifest.config), `${source.where}: config`);
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) {
    throw new ImageFormatError(
      `${source.where}: the manifest lists ${manifest.layers.length} layers but the config ${diffIds.length} diff IDs`,
    );
  }
  return {
    name,
    id: manifest.config.digest,
    config,
    ...(manifestDigest ? { manifestDigest } : {}),
    repoTags,
    repoDigests: [],
    layers: manifest.layers.map((layer, i) => ({
      digest: layer.digest,
      diffId: diffIds[i] ?? '',
      size: layer.size,
      mediaType: layer.mediaType,
      open: (): Promise<Readable> =>
        source.open(blobPath(layer.digest), { digest: layer.digest, size: layer.size }),
    })),
  };
}

function readBlob(source: BlobSource, descriptor: Descriptor): Promise<Buffer> {
  return source.readDocument(blobPath(descriptor.digest), {
    digest: descriptor.digest,
    size: descriptor.size,
  });
}

function pickTopLevel(index: ImageIndex, options: OciLayoutOptions, where: string): Descriptor {
  let candidates = index.manifests;
  if (options.tag !== undefined) {
    candidates = candidates.filter((manifest) => manifest.annotations?.[refNameAnnotation] === options.tag);
    if (candidates.length === 0) {
      const tags = index.manifests
        .map((manifest) => manifest.annotations?.[refNameAnnotation])
        .filter(Boolean);
      throw new ImageFormatError(`${where} has no image tagged ${JSON.stringify(options.tag)}`, {
        hint: tags.length > 0 ? `tags in this layout: ${tags.join(', ')}` : 'the layout names no tags',
      });
    }
  }
  if (candidates.length === 1 && candidates[0]) return candidates[0];
  if (candidates.length === 0) throw new ImageFormatError(`${where}: index.json lists no manifests`);
  return pickPlatform(candidates, options.platform, where);
}

export function parseDocument<T>(schema: ZodType<T>, content: Buffer, where: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch (error) {
    throw new ImageFormatError(`${where}: ${what} is not JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ImageFormatError(
      `${where}: ${what} is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
