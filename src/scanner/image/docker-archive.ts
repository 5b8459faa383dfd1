import { z } from 'zod';
import { digestOf } from '../../util/digest-verifier.ts';
import type { BlobSource } from './blob-source.ts';
import { ImageFormatError, parseImageConfig, type ContainerImage } from './image.ts';
import { parseDocument } from './oci-layout.ts';

const dockerManifestSchema = z
  .array(
    z.looseObject({
      Config: z.string(),
      RepoTags: z.array(z.string()).nullable().optional(),
      Layers: z.array(z.string()),
    }),
  )
  .min(1, 'manifest.json lists no image');

const contentAddressed = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/;

/**
 * Reads an image from a `docker save` archive: `manifest.json` names the config and the layer files in order.
 * Docker ≥ 25 stores them content-addressed (`blobs/sha256/…`), older versions as `<id>/layer.tar`, which is
 * the uncompressed layer and so must hash to its diff ID. Either way every byte is verified.
 */
export async function openDockerArchive(
  source: BlobSource,
  options: { name: string; tag?: string },
): Promise<ContainerImage> {
  const entries = parseDocument(
    dockerManifestSchema,
    await source.readDocument('manifest.json'),
    source.where,
    'manifest.json',
  );
  const entry =
    options.tag === undefined
      ? entries[0]
      : entries.find((candidate) =>
          (candidate.RepoTags ?? []).some((tag) => tag === options.tag || tag.endsWith(`/${options.tag}`)),
        );
  if (!entry) {
    throw new ImageFormatError(`${source.where} has no image tagged ${JSON.stringify(options.tag)}`, {
      hint: `tags in this archive: ${entries.flatMap((candidate) => candidate.RepoTags ?? []).join(', ') || 'none'}`,
    });
  }

  const configBytes = await source.readDocument(entry.Config, expectedFromPath(entry.Config));
  const config = parseImageConfig(configBytes, `${source.where}: ${entry.Config}`);
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== entry.Layers.length) {
    throw new ImageFormatError(
      `${source.where}: manifest.json lists ${entry.Layers.length} layers but the config ${diffIds.length} diff IDs`,
    );
  }
  const layers = await Promise.all(
    entry.Layers.map(async (path, i) => {
      const diffId = diffIds[i] ?? '';
      const addressed = expectedFromPath(path);
      const size = await source.size(path);
      return {
        ...(addressed ? { digest: addressed.digest } : {}),
        diffId,
        size,
        open: () => source.open(path, { digest: addressed?.digest ?? diffId, size }),
      };
    }),
  );
  return {
    name: options.name,
    id: digestOf(configBytes),
    config,
    repoTags: (entry.RepoTags ?? []).map(shortTag),
    repoDigests: [],
    layers,
  };
}

/** Trivy shows Docker Hub tags as users write them: `docker.io/library/nginx:1` → `nginx:1`. */
export function shortTag(tag: string): string {
  return tag.replace(/^(index\.)?docker\.io\//, '').replace(/^library\//, '');
}

function expectedFromPath(path: string): { digest: string } | undefined {
  const match = contentAddressed.exec(path);
  return match ? { digest: `${match[1]}:${match[2]}` } : undefined;
}
