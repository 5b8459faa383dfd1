/** On-disk constants of the bbolt file format (version 2). All integers are little-endian. */

export const PAGE_HEADER_SIZE = 16;
export const ELEMENT_SIZE = 16;
export const META_SIZE = 64;
/** Bytes of the meta struct covered by its checksum (everything before the checksum field). */
export const META_CHECKSUMMED_SIZE = 56;
export const BUCKET_HEADER_SIZE = 16;

export const MAGIC = 0xed0cdaed;
export const VERSION = 2;

export const PageFlag = {
  branch: 0x01,
  leaf: 0x02,
  meta: 0x04,
  freelist: 0x10,
} as const;

/** Leaf element flag: the value is a nested bucket header (+ inline page), not user data. */
export const BUCKET_LEAF_FLAG = 0x01;

/** Page sizes bbolt may have used; the meta-1 probe tries each of them (1 KiB .. 16 MiB). */
export const MIN_PAGE_SIZE = 1024;
export const MAX_PAGE_SIZE = 1024 << 14;

/**
 * Largest page span (page plus overflow) accepted: bbolt caps a value at 2^31 - 2 bytes, so a longer span is corrupt.
 * Element offsets within a span are kept in 32-bit arrays.
 */
export const MAX_PAGE_SPAN = 2 ** 32 - 1;

/** Deeper than any real B+tree (fan-out ≥ 2 per level); a longer path means the file loops or lies. */
export const MAX_TREE_DEPTH = 64;
/** Bucket nesting deeper than this is treated as corruption (trivy.db nests 2 levels, etcd 1). */
export const MAX_BUCKET_NESTING = 64;

const TWO_POW_32 = 4294967296;

/**
 * Reads a u64 page id as a JS number. Values above 2^53 lose precision, which is harmless: every valid page id is
 * far below the file's page count, so such values fail the range check anyway.
 */
export function readU64(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset) + buf.readUInt32LE(offset + 4) * TWO_POW_32;
}

/** "a branch page", "a page with unknown flags 0x…": for error messages. */
export function describePageFlags(flags: number): string {
  switch (flags) {
    case PageFlag.branch:
      return 'a branch page';
    case PageFlag.leaf:
      return 'a leaf page';
    case PageFlag.meta:
      return 'a meta page';
    case PageFlag.freelist:
      return 'a freelist page';
    default:
      return `a page with unknown flags 0x${flags.toString(16)}`;
  }
}
