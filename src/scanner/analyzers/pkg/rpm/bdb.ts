/**
 * Values of a Berkeley DB hash database (`var/lib/rpm/Packages` before rpm 4.16), read straight from the file
 * pages: the meta page (page 0) gives byte order, page size and page count; every hash page holds key/data item
 * pairs, and data too big for a page lives in a chain of overflow pages. Keys are ignored except rpm's
 * record 0 (the next-instance counter), which is not a header. Checksummed files are read; encrypted ones refused.
 */
const hashMagic = 0x061561;
const pageHeaderSize = 26;
// Checksummed files keep a 4-byte page checksum after the 26-byte page header, aligned: items start at 32.
const checksumPageHeaderSize = 32;
const pageType = { hashUnsorted: 2, overflow: 7, hash: 13 } as const;
const itemType = { keyData: 1, offPage: 3 } as const;
const metaFlagChecksum = 0x01;

export class BerkeleyDbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BerkeleyDbError';
  }
}

interface Layout {
  file: Buffer;
  littleEndian: boolean;
  pageSize: number;
  pageCount: number;
  headerSize: number;
  /** Overflow pages already read. Each belongs to one item, so a page met twice is corruption; this also keeps
   *  the total work linear in the file size whatever the item table claims. */
  consumed: Set<number>;
}

export function* berkeleyDbHashValues(file: Buffer): Generator<Buffer> {
  const layout = readMeta(file);
  for (let page = 1; page < layout.pageCount; page++) {
    const base = page * layout.pageSize;
    const type = file[base + 25];
    if (type !== pageType.hash && type !== pageType.hashUnsorted) continue;
    yield* pageValues(layout, base);
  }
}

function readMeta(file: Buffer): Layout {
  if (file.length < 512) throw new BerkeleyDbError('file is too small to be a Berkeley DB');
  let littleEndian: boolean;
  if (file.readUInt32LE(12) === hashMagic) littleEndian = true;
  else if (file.readUInt32BE(12) === hashMagic) littleEndian = false;
  else throw new BerkeleyDbError('not a Berkeley DB hash database (bad magic)');
  const u32 = (at: number): number => (littleEndian ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const pageSize = u32(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new BerkeleyDbError(`page size ${pageSize} is not a power of two between 512 and 64 KiB`);
  }
  if (file[24] !== 0) throw new BerkeleyDbError('encrypted Berkeley DB files are not supported');
  const pageCount = u32(32) + 1;
  if (pageCount * pageSize > file.length) {
    throw new BerkeleyDbError(
      `file is truncated: ${pageCount} pages of ${pageSize} bytes need ${pageCount * pageSize}`,
    );
  }
  const headerSize = ((file[26] ?? 0) & metaFlagChecksum) !== 0 ? checksumPageHeaderSize : pageHeaderSize;
  return { file, littleEndian, pageSize, pageCount, headerSize, consumed: new Set() };
}

function u16(layout: Layout, at: number): number {
  return layout.littleEndian ? layout.file.readUInt16LE(at) : layout.file.readUInt16BE(at);
}

function u32(layout: Layout, at: number): number {
  return layout.littleEndian ? layout.file.readUInt32LE(at) : layout.file.readUInt32BE(at);
}

function* pageValues(layout: Layout, base: number): Generator<Buffer> {
  const { file, pageSize, headerSize } = layout;
  const entries = u16(layout, base + 20);
  const indexEnd = headerSize + entries * 2;
  if (indexEnd > pageSize) throw new BerkeleyDbError(`page at ${base}: ${entries} entries do not fit`);
  const itemOffset = (i: number): number => u16(layout, base + headerSize + i * 2);
  const item = (i: number): { start: number; end: number } => {
    const start = itemOffset(i);
    const end = i === 0 ? pageSize : itemOffset(i - 1);
    if (start < indexEnd || start >= end || end > pageSize) {
      throw new BerkeleyDbError(`page at ${base}: item ${i} has bad bounds ${start}..${end}`);
    }
    return { start: base + start, end: base + end };
  };
  for (let i = 0; i + 1 < entries; i += 2) {
    const key = item(i);
    const data = item(i + 1);
    if (file[key.start] === itemType.keyData && isZeroKey(file.subarray(key.start + 1, key.end))) continue;
    const kind = file[data.start];
    if (kind === itemType.keyData) {
      yield Buffer.from(file.subarray(data.start + 1, data.end));
    } else if (kind === itemType.offPage) {
      if (data.end - data.start < 12) throw new BerkeleyDbError(`page at ${base}: short off-page item`);
      yield overflowValue(layout, u32(layout, data.start + 4), u32(layout, data.start + 8));
    }
  }
}

function isZeroKey(key: Buffer): boolean {
  return key.length === 4 && key.readUInt32LE(0) === 0;
}

/** Follows the overflow chain; a cycle, a shared page, a wrong page type or a short chain is corruption. */
function overflowValue(layout: Layout, firstPage: number, totalLength: number): Buffer {
  const { file, pageSize, pageCount, headerSize, consumed } = layout;
  if (totalLength > file.length)
    throw new BerkeleyDbError(`overflow item of ${totalLength} bytes exceeds the file`);
  const value = Buffer.alloc(totalLength);
  let filled = 0;
  let page = firstPage;
  while (filled < totalLength) {
    if (page === 0 || page >= pageCount || consumed.has(page)) {
      throw new BerkeleyDbError(
        `overflow chain broken at page ${page} after ${filled} of ${totalLength} bytes`,
      );
    }
    consumed.add(page);
    const base = page * pageSize;
    if (file[base + 25] !== pageType.overflow)
      throw new BerkeleyDbError(`page ${page} is not an overflow page`);
    const length = u16(layout, base + 22);
    if (headerSize + length > pageSize || filled + length > totalLength) {
      throw new BerkeleyDbError(`overflow page ${page} claims ${length} bytes`);
    }
    file.copy(value, filled, base + headerSize, base + headerSize + length);
    filled += length;
    page = u32(layout, base + 16);
  }
  if (filled !== totalLength)
    throw new BerkeleyDbError(`overflow item ended after ${filled} of ${totalLength} bytes`);
  return value;
}
