/**
 * Images for the image-scan benchmark, built with the real tools (umoci, skopeo) and pushed to a real registry.
 * Bench-only; nothing here is shipped.
 */
import { execFile } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** `layout:tag` for umoci and skopeo's `oci:` transport. */
export type OciReference = string;

/** One layer holding a whole root filesystem (`umoci insert` of the directory at `/`). */
export async function imageFromRootfs(layout: string, tag: string, rootfs: string): Promise<OciReference> {
  const reference = `${layout}:${tag}`;
  await rm(layout, { recursive: true, force: true });
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', reference]);
  await run('umoci', ['insert', '--image', reference, rootfs, '/'], { maxBuffer: 16 * 1024 * 1024 });
  return reference;
}

export interface LargeImageShape {
  layers: number;
  /** Zero-filled bytes per layer (compress to almost nothing, but the walker still reads them all). */
  zeroBytesPerLayer: number;
  /** Random bytes per layer (incompressible: the registry really serves them). */
  randomBytesPerLayer: number;
}

/**
 * A large image of `layers` layers, each with one zero file and one random file, written in 8 MiB chunks so the
 * generator itself stays small. Returns the reference and the uncompressed size.
 */
export async function largeImage(
  layout: string,
  tag: string,
  scratch: string,
  shape: LargeImageShape,
): Promise<{ reference: OciReference; bytes: number }> {
  const reference = `${layout}:${tag}`;
  await rm(layout, { recursive: true, force: true });
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', reference]);
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  for (let layer = 0; layer < shape.layers; layer++) {
    const dir = join(scratch, `layer-${layer}`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFilled(join(dir, 'data', 'zeros.bin'), shape.zeroBytesPerLayer, chunk, false);
    await writeFilled(join(dir, 'data', 'random.bin'), shape.randomBytesPerLayer, chunk, true);
    await run('umoci', ['insert', '--image', reference, dir, `/srv/layer-${layer}`]);
    await rm(dir, { recursive: true, force: true });
  }
  return { reference, bytes: shape.layers * (shape.zeroBytesPerLayer + shape.randomBytesPerLayer) };
}

async function writeFilled(path: string, size: number, chunk: Buffer, random: boolean): Promise<void> {
  const handle = await open(path, 'w');
  try {
    if (!random) chunk.fill(0);
    for (let written = 0; written < size;) {
      const length = Math.min(chunk.length, size - written);
      if (random) randomFillSync(chunk, 0, length);
      await handle.write(chunk, 0, length);
      written += length;
    }
  } finally {
    await handle.close();
  }
}

/** Pushes an OCI layout image to a plain-HTTP registry. */
export async function pushImage(reference: OciReference, destination: string): Promise<void> {
  await run('skopeo', [
    'copy',
    '--quiet',
    '--insecure-policy',
    '--dest-tls-verify=false',
    `oci:${reference}`,
    `docker://${destination}`,
  ]);
}

export interface ManifestLayer {
  digest: string;
  size: number;
}

/** The layers of `repository:tag` as the registry serves them. */
export async function manifestLayers(
  registryUrl: string,
  repository: string,
  tag: string,
): Promise<ManifestLayer[]> {
  const response = await fetch(`${registryUrl}/v2/${repository}/manifests/${tag}`, {
    headers: {
      accept:
        'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    },
  });
  if (!response.ok) throw new Error(`manifest of ${repository}:${tag}: HTTP ${response.status}`);
  const manifest = (await response.json()) as { layers?: ManifestLayer[] };
  return manifest.layers ?? [];
}
