import {
  MAGIC,
  MAX_PAGE_SIZE,
  META_CHECKSUMMED_SIZE,
  META_SIZE,
  MIN_PAGE_SIZE,
  PAGE_HEADER_SIZE,
  VERSION,
  readU64,
} from './format.ts';

/** The fields of a bbolt meta page that a reader needs. */
export interface BoltMeta {
  pageSize: number;
  /** Page id of the root bucket's root page. */
  rootPage: number;
  /** High-water mark: number of pages in use; every valid page id is below it. */
  pageCount: number;
  txid: number;
}

export type MetaParse = { ok: true; meta: BoltMeta } | { ok: false; problem: string };

/** Bytes needed from the start of a meta page to parse it. */
export const META_PAGE_BYTES = PAGE_HEADER_SIZE + META_SIZE;

const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const U64_MASK = 0xffffffffffffffffn;

export function fnv1a64(bytes: Uint8Array): bigint {
  let hash = FNV64_OFFSET;
  for (const byte of bytes) {
    hash = ((hash ^ BigInt(byte)) * FNV64_PRIME) & U64_MASK;
  }
  return hash;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/**
 * Parses and validates the meta struct of a meta page whose first bytes are `page` (at least META_PAGE_BYTES).
 * Valid means: magic, version and FNV-1a checksum match, and the page ids it names are plausible.
 */
export function parseMeta(page: Buffer): MetaParse {
  if (page.length < META_PAGE_BYTES) return { ok: false, problem: 'it lies beyond the end of the file' };
  const at = PAGE_HEADER_SIZE;
  const magic = page.readUInt32LE(at);
  if (magic !== MAGIC) return { ok: false, problem: `bad magic 0x${magic.toString(16)}` };
  const version = page.readUInt32LE(at + 4);
  if (version !== VERSION)
    return { ok: false, problem: `unsupported version ${version} (expected ${VERSION})` };
  const stored = page.readBigUInt64LE(at + META_CHECKSUMMED_SIZE);
  const computed = fnv1a64(page.subarray(at, at + META_CHECKSUMMED_SIZE));
  if (stored !== computed) return { ok: false, problem: 'checksum mismatch' };
  const meta: BoltMeta = {
    pageSize: page.readUInt32LE(at + 8),
    rootPage: readU64(page, at + 16),
    pageCount: readU64(page, at + 40),
    txid: readU64(page, at + 48),
  };
  if (!isPowerOfTwo(meta.pageSize) || meta.pageSize < MIN_PAGE_SIZE || meta.pageSize > MAX_PAGE_SIZE) {
    return { ok: false, problem: `implausible page size ${meta.pageSize}` };
  }
  if (meta.rootPage < 2 || meta.rootPage >= meta.pageCount) {
    return { ok: false, problem: `root page ${meta.rootPage} outside the ${meta.pageCount} pages in use` };
  }
  return { ok: true, meta };
}

/** Reads `length` bytes at `position`; returns fewer at end of file. */
export type PositionalRead = (position: number, length: number) => Buffer;

/**
 * Finds the meta page to use, as bbolt does on open: meta 0 gives the page size; if meta 0 is damaged the page size
 * is probed by looking for a valid meta 1 at 1 KiB · 2^i. Of the valid metas the one with the higher txid wins.
 */
export function selectMeta(read: PositionalRead): MetaParse {
  const meta0 = parseMeta(read(0, META_PAGE_BYTES));
  let meta1: MetaParse;
  if (meta0.ok) {
    meta1 = parseMeta(read(meta0.meta.pageSize, META_PAGE_BYTES));
    if (meta1.ok && meta1.meta.pageSize !== meta0.meta.pageSize) {
      meta1 = { ok: false, problem: `page size ${meta1.meta.pageSize} differs from meta 0` };
    }
  } else {
    meta1 = probeMeta1(read);
  }
  if (meta0.ok && meta1.ok) return meta1.meta.txid > meta0.meta.txid ? meta1 : meta0;
  if (meta0.ok) return meta0;
  if (meta1.ok) return meta1;
  return {
    ok: false,
    problem: `neither meta page is valid (meta 0: ${meta0.problem}; meta 1: ${meta1.problem})`,
  };
}

function probeMeta1(read: PositionalRead): MetaParse {
  for (let pageSize = MIN_PAGE_SIZE; pageSize <= MAX_PAGE_SIZE; pageSize *= 2) {
    const bytes = read(pageSize, META_PAGE_BYTES);
    if (bytes.length < META_PAGE_BYTES) break;
    const parsed = parseMeta(bytes);
    if (parsed.ok && parsed.meta.pageSize === pageSize) return parsed;
  }
  return { ok: false, problem: 'no valid copy found at any page size from 1 KiB to 16 MiB' };
}
