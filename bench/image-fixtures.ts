/**
 * Images for the image benchmark, built with the real tools (umoci, skopeo) and pushed to a real registry.
 * Bench-only; nothing here is shipped or committed: the large image is generated on each run.
 */
import { execFile } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BuiltImage } from '../test/support/oci-image.ts';

const run = promisify(execFile);
const MIB = 1024 * 1024;

export interface LargeLayerShape {
  /** Uncompressed bytes of file content in the one layer. */
  bytes: number;
  /** Share of the bytes in text files (base64 lines: the secret scanner reads them); the rest is random binary. */
  textShare: number;
}

/**
 * A one-layer image of about `shape.bytes` uncompressed, content that barely compresses: random binary files
 * (`.dat`, rejected by the secret scanner after its binary check) and random base64 text (`.txt`, scanned for
 * secrets), 256 KiB to 4 MiB each, plus a few manifests the analyzers read. Files are written to `scratch` in
 * 8 MiB steps, so the generator stays small, then `umoci insert` packs and compresses them.
 */
export async function largeImage(
  layout: string,
  tag: string,
  scratch: string,
  shape: LargeLayerShape,
): Promise<{ image: BuiltImage; bytes: number; files: number }> {
  const reference = `${layout}:${tag}`;
  await rm(layout, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', reference]);

  const chunk = Buffer.alloc(8 * MIB);
  let written = 0;
  let files = 0;
  let seed = 1;
  const nextSize = () => {
    // Sizes cycle through 256 KiB, 512 KiB, 1 MiB, 2 MiB and 4 MiB.
    seed = (seed % 5) + 1;
    return 128 * 1024 * 2 ** seed;
  };
  const textBytes = shape.bytes * shape.textShare;
  while (written < shape.bytes) {
    const size = Math.min(nextSize(), shape.bytes - written);
    const text = written < textBytes;
    const dir = join(scratch, 'srv', 'data', String(files % 64).padStart(2, '0'));
    await mkdir(dir, { recursive: true });
    await writeRandom(join(dir, `part-${files}.${text ? 'txt' : 'dat'}`), size, chunk, text);
    written += size;
    files++;
  }
  await mkdir(join(scratch, 'srv', 'app', 'node_modules', 'lodash'), { recursive: true });
  await writeFile(
    join(scratch, 'srv', 'app', 'node_modules', 'lodash', 'package.json'),
    JSON.stringify({ name: 'lodash', version: '4.17.20' }),
  );
  await run('umoci', ['insert', '--image', reference, join(scratch, 'srv'), '/srv']);
  await rm(scratch, { recursive: true, force: true });
  return { image: { layout, tag, reference }, bytes: written, files };
}

async function writeRandom(path: string, size: number, chunk: Buffer, text: boolean): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (let done = 0; done < size;) {
      const length = Math.min(chunk.length, size - done);
      if (text) {
        // base64 of random bytes in 76-character lines: printable, so it is scanned, and it compresses to ~75%.
        const raw = randomFillSync(Buffer.alloc(Math.ceil((length * 3) / 4)));
        const lines = raw.toString('base64').replace(/.{76}/g, '$&\n');
        await handle.write(Buffer.from(lines).subarray(0, length));
      } else {
        randomFillSync(chunk, 0, length);
        await handle.write(chunk, 0, length);
      }
      done += length;
    }
  } finally {
    await handle.close();
  }
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
