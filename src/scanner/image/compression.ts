import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';

export type Compression = 'gzip' | 'zstd' | 'none';

/**
 * Layer media types say how a layer is compressed, but docker-save archives and some registries lie or say nothing,
 * so the first bytes decide: gzip `1f 8b`, zstd `28 b5 2f fd`, anything else is a plain tar.
 */
export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** Returns the decompressed bytes of `input`, whatever its compression; errors of either side surface on the result. */
export async function decompress(input: Readable): Promise<{ stream: Readable; compression: Compression }> {
  const compression = detectCompression(await peek(input, 4));
  if (compression === 'none') return { stream: input, compression };
  const inflater = compression === 'gzip' ? createGunzip() : createZstdDecompress();
  input.on('error', (error) => inflater.destroy(error));
  return { stream: input.pipe(inflater), compression };
}

/** Reads at least `bytes` bytes (or all there is) and puts them back, so the stream is unchanged for the next reader. */
async function peek(input: Readable, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < bytes) {
    const chunk = input.read() as Buffer | null;
    if (chunk !== null) {
      chunks.push(chunk);
      total += chunk.length;
      continue;
    }
    if (input.readableEnded || input.destroyed) break;
    await Promise.race([once(input, 'readable'), once(input, 'end')]);
  }
  const head = Buffer.concat(chunks);
  if (head.length > 0) input.unshift(head);
  return head;
}
