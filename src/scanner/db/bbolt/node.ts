import { BUCKET_LEAF_FLAG, ELEMENT_SIZE, PAGE_HEADER_SIZE, readU64 } from './format.ts';

/** Where a node came from, for error messages: a page id, or the page holding an inline bucket. */
export interface NodeOrigin {
  pageId: number;
  inline: boolean;
}

/** Thrown by decodeNode; the page reader turns it into a BoltFormatError carrying the file path. */
export class NodeFormatProblem extends Error {
  readonly pageId: number;
  constructor(problem: string, pageId: number) {
    super(problem);
    this.pageId = pageId;
  }
}

/**
 * A validated branch or leaf page (or an inline bucket's embedded leaf page) with its element table decoded into
 * offsets. Every offset has been bounds-checked against `data` once, when the page was loaded, so lookups on a cached
 * node do no validation at all.
 *
 * `index` holds 4 numbers per element: key start, key end, and for a leaf the value end and the element flags. The
 * value of a leaf element starts at its key end. A branch's child page ids are in `children` (they may exceed 2^32).
 */
export class BoltNode {
  readonly pageId: number;
  readonly isLeaf: boolean;
  readonly count: number;
  readonly data: Buffer;
  readonly index: Uint32Array;
  readonly children: Float64Array;
  /** Length of the prefix that all keys of this node share. */
  readonly prefixLength: number;
  readonly byteSize: number;

  constructor(
    pageId: number,
    isLeaf: boolean,
    count: number,
    data: Buffer,
    index: Uint32Array,
    children: Float64Array,
  ) {
    this.pageId = pageId;
    this.isLeaf = isLeaf;
    this.count = count;
    this.data = data;
    this.index = index;
    this.children = children;
    this.prefixLength = count > 1 ? commonPrefixLength(data, index, count - 1) : 0;
    // Page image, element tables, and the objects around them.
    this.byteSize = data.length + index.byteLength + children.byteLength + 300;
  }

  key(i: number): Buffer {
    return this.data.subarray(this.index[i * 4]!, this.index[i * 4 + 1]!);
  }

  /** Leaf only: the raw value bytes (for a bucket element, its bucket header and inline page). */
  value(i: number): Buffer {
    return this.data.subarray(this.index[i * 4 + 1]!, this.index[i * 4 + 2]!);
  }

  isBucket(i: number): boolean {
    return (this.index[i * 4 + 3]! & BUCKET_LEAF_FLAG) !== 0;
  }

  /** Branch only. */
  child(i: number): number {
    return this.children[i]!;
  }
}

function commonPrefixLength(data: Buffer, index: Uint32Array, last: number): number {
  const a = index[0]!;
  const b = index[last * 4]!;
  const n = Math.min(index[1]! - a, index[last * 4 + 1]! - b);
  let j = 0;
  while (j < n && data[a + j] === data[b + j]) j++;
  return j;
}

/** Storage for a node's decoded element table: `index` has 4 slots per element, `children` 1 per branch element. */
export interface NodeTables {
  index: Uint32Array;
  children: Float64Array;
}

/** Bytes of element-table storage a node needs (see NodeTables). */
export function tableBytes(isLeaf: boolean, count: number): number {
  return count * 16 + (isLeaf ? 0 : count * 8);
}

/**
 * Decodes and bounds-checks the element table of a page image `data` (header included; for a page with overflow,
 * all of its contiguous pages). Throws NodeFormatProblem on any element that points outside `data`. `tables`, when
 * given, is where the decoded table goes (sized by tableBytes), so a caller can allocate it with the page image.
 */
export function decodeNode(
  data: Buffer,
  isLeaf: boolean,
  count: number,
  origin: NodeOrigin,
  tables?: NodeTables,
): BoltNode {
  const what = origin.inline ? 'inline bucket page' : isLeaf ? 'leaf page' : 'branch page';
  const tableEnd = PAGE_HEADER_SIZE + count * ELEMENT_SIZE;
  if (tableEnd > data.length) {
    throw new NodeFormatProblem(
      `${what} claims ${count} elements, which do not fit in its ${data.length} bytes`,
      origin.pageId,
    );
  }
  if (!isLeaf && count === 0) throw new NodeFormatProblem(`${what} has no elements`, origin.pageId);
  const index = tables?.index ?? new Uint32Array(count * 4);
  const children = tables?.children ?? new Float64Array(isLeaf ? 0 : count);
  for (let i = 0; i < count; i++) {
    const elem = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
    let keyStart: number;
    let keySize: number;
    if (isLeaf) {
      index[i * 4 + 3] = data.readUInt32LE(elem);
      keyStart = elem + data.readUInt32LE(elem + 4);
      keySize = data.readUInt32LE(elem + 8);
      const valueEnd = keyStart + keySize + data.readUInt32LE(elem + 12);
      if (valueEnd > data.length) {
        throw new NodeFormatProblem(
          `${what} element ${i} points to bytes ${keyStart}..${valueEnd}, beyond its ${data.length} bytes`,
          origin.pageId,
        );
      }
      index[i * 4 + 2] = valueEnd;
    } else {
      keyStart = elem + data.readUInt32LE(elem);
      keySize = data.readUInt32LE(elem + 4);
      children[i] = readU64(data, elem + 8);
    }
    const keyEnd = keyStart + keySize;
    if (keyEnd > data.length) {
      throw new NodeFormatProblem(
        `${what} element ${i} key spans bytes ${keyStart}..${keyEnd}, beyond its ${data.length} bytes`,
        origin.pageId,
      );
    }
    index[i * 4] = keyStart;
    index[i * 4 + 1] = keyEnd;
  }
  return new BoltNode(origin.pageId, isLeaf, count, data, index, children);
}

/**
 * Binary search for `key` (unsigned byte order, as memcmp). Returns `2·i + exact` where i is the index of the first
 * element whose key is >= `key` (`count` if none) and exact is 1 when that element's key equals `key`.
 * Keys of a sorted page share the prefix of its first and last key; it is compared once, then skipped.
 */
export function seekIndex(node: BoltNode, key: Uint8Array): number {
  const count = node.count;
  if (count === 0) return 0;
  const data = node.data;
  const index = node.index;
  const prefix = node.prefixLength;
  const keyLength = key.length;
  if (prefix > 0) {
    const start = index[0]!;
    const n = prefix < keyLength ? prefix : keyLength;
    for (let j = 0; j < n; j++) {
      const d = data[start + j]! - key[j]!;
      if (d !== 0) return d < 0 ? count * 2 : 0;
    }
    if (keyLength < prefix) return 0;
  }
  let lo = 0;
  let hi = count;
  let exact = 0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const start = index[mid * 4]!;
    const length = index[mid * 4 + 1]! - start;
    const n = length < keyLength ? length : keyLength;
    let cmp = 0;
    for (let j = prefix; j < n; j++) {
      cmp = data[start + j]! - key[j]!;
      if (cmp !== 0) break;
    }
    if (cmp === 0) cmp = length - keyLength;
    if (cmp < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
      exact = cmp === 0 ? 1 : 0;
    }
  }
  return lo * 2 + (lo < count ? exact : 0);
}

/** Branch: index of the child whose key range holds `key` (the last child whose first key is <= `key`, or 0). */
export function childIndexFor(node: BoltNode, key: Uint8Array): number {
  const found = seekIndex(node, key);
  const i = found >>> 1;
  if ((found & 1) === 1) return i;
  return i > 0 ? i - 1 : 0;
}
