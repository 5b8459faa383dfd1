import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Read size once a file turns out larger than it was when listed. */
const growthChunkBytes = 1024 * 1024;

/**
 * Reads a file without following a link swapped in since it was listed, and never past the limit. `expectedBytes`
 * (the listed size) sizes the first buffer, so a small file costs one small allocation rather than a megabyte.
 */
export async function readBounded(path: string, maxBytes: number, expectedBytes = 0): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    // One byte more than expected, so that reaching the end needs no second buffer.
    let chunk = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(expectedBytes + 1, 4096)));
    let filled = 0;
    for (;;) {
      if (filled === chunk.length) {
        chunks.push(chunk);
        chunk = Buffer.allocUnsafe(Math.min(growthChunkBytes, maxBytes + 1 - total));
        filled = 0;
      }
      const { bytesRead } = await handle.read(chunk, filled, chunk.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
      total += bytesRead;
      if (total > maxBytes) throw new Error(`grew past the ${maxBytes}-byte analysis limit while being read`);
    }
    chunks.push(chunk.subarray(0, filled));
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}
