import type { Readable } from 'node:stream';
import {
  imageIndexSchema,
  imageManifestSchema,
  isIndexMediaType,
  type Descriptor,
  type ImageManifest,
} from '../registry/manifest.ts';
import { DOCKER_HUB_REGISTRY, parseReference, type Reference } from '../registry/reference.ts';
import type { RegistryClient, RepositoryLocation } from '../registry/client.ts';
import { silentLogger, type Logger } from '../../util/logger.ts';
import { ImageFormatError, parseImageConfig, type ContainerImage } from './image.ts';
import { parseDocument } from './oci-layout.ts';
import { pickPlatform, type Platform } from './platform.ts';

const maxConfigBytes = 8 * 1024 * 1024;

export interface RemoteImageOptions {
  client: RegistryClient;
  platform: Platform;
  /** Registry host → mirror hosts tried first, in order (`registry.mirrors` in Trivy's config). */
  mirrors?: Readonly<Record<string, readonly string[]>>;
  logger?: Logger;
}

/**
 * Resolves an image in a registry (OCI distribution v2): tag or digest → manifest, through an index to the
 * requested platform, then the config. Layers are fetched lazily, each verified against its digest as it streams.
 * Mirrors are tried before the original registry; a mirror that fails is skipped with a log line.
 */
export async function openRemoteImage(name: string, options: RemoteImageOptions): Promise<ContainerImage> {
  const reference = parseReference(name);
  const logger = options.logger ?? silentLogger;
  const hosts = [...(options.mirrors?.[reference.registry] ?? []), reference.registry];
  let lastError: unknown;
  for (const host of hosts) {
    const candidate: Reference = { ...reference, registry: host };
    try {
      return await resolve(name, reference, candidate, options);
    } catch (error) {
      lastError = error;
      if (host === reference.registry) break;
      logger.warn(
        { mirror: host, image: name, error: (error as Error).message },
        'registry mirror failed; trying the next',
      );
    }
  }
  throw lastError;
}

async function resolve(
  name: string,
  original: Reference,
  reference: Reference,
  options: RemoteImageOptions,
): Promise<ContainerImage> {
  const { client, platform } = options;
  let response = await client.getManifest(reference);
  if (isIndexMediaType(response.mediaType)) {
    const index = parseDocument(imageIndexSchema, response.bytes, displayName(original), 'image index');
    const chosen = pickPlatform(index.manifests, platform, displayName(original));
    response = await client.getManifest({ ...reference, digest: chosen.digest });
  }
  const manifest: ImageManifest = parseDocument(
    imageManifestSchema,
    response.bytes,
    displayName(original),
    'manifest',
  );
  const location: RepositoryLocation = { registry: reference.registry, repository: reference.repository };
  const config = parseImageConfig(
    await readBlob(options.client, location, manifest.config),
    `${displayName(original)}: config`,
  );
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) {
    throw new ImageFormatError(
      `${displayName(original)}: the manifest lists ${manifest.layers.length} layers but the config ${diffIds.length} diff IDs`,
    );
  }
  const repository = displayRepository(original);
  return {
    name,
    id: manifest.config.digest,
    config,
    manifestDigest: response.digest,
    repoTags: original.tag && !original.digest ? [`${repository}:${original.tag}`] : [],
    repoDigests: [`${repository}@${response.digest}`],
    layers: manifest.layers.map((layer, i) => ({
      digest: layer.digest,
      diffId: diffIds[i] ?? '',
      size: layer.size,
      mediaType: layer.mediaType,
      open: (): Promise<Readable> => client.getBlob(location, { digest: layer.digest, size: layer.size }),
    })),
  };
}

async function readBlob(
  client: RegistryClient,
  location: RepositoryLocation,
  descriptor: Descriptor,
): Promise<Buffer> {
  if (descriptor.size > maxConfigBytes) {
    throw new ImageFormatError(`the image config is ${descriptor.size} bytes, more than ${maxConfigBytes}`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of await client.getBlob(location, descriptor)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `index.docker.io/library/nginx` → `nginx`, as Trivy prints Docker Hub repositories. */
function displayRepository(reference: Reference): string {
  if (reference.registry !== DOCKER_HUB_REGISTRY) return `${reference.registry}/${reference.repository}`;
  return reference.repository.replace(/^library\//, '');
}

function displayName(reference: Reference): string {
  return `${displayRepository(reference)}${reference.tag ? `:${reference.tag}` : ''}${reference.digest ? `@${reference.digest}` : ''}`;
}
