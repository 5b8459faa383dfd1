import { BUCKET_LEAF_FLAG, ELEMENT_SIZE, PAGE_HEADER_SIZE } from './format.ts';

const TWO_POW_32 = 4294967296;
/** bbolt files are little-endian; on a big-endian host the element table is byte-swapped once, when loaded. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Where a node came from, for error messages: a page id, or the page holding an inline bucket. */
export interface NodeOrigin {
  pageId: number;
  inline: boolean;
}

/** Thrown by node validation; the page reader turns it into a BoltFormatError carrying the file path. */
export class NodeFormatProblem extends Error {
  readonly pageId: number;
  constructor(problem: string, pageId: number) {
    super(problem);
    this.pageId = pageId;
  }
}

/**
 * A validated branch or leaf page (or an inline bucket's embedded leaf page), read in place: `words` is a 32-bit view
 * of the page image, through which the element table is read without decoding it. Element i starts at byte
 * 16 + 16·i, i.e. at word 4 + 4·i:
 *   leaf:   flags, pos, ksize, vsize   (key at 16 + 16·i + pos, the value right after the key)
 *   branch: pos, ksize, pgid (low word, high word)
 * Every element was bounds-checked against the page's span when it was loaded, so accessors check nothing.
 *
 * A node of the page cache is a frame that is reused for another page once evicted; `generation` changes on every
 * reuse. Whoever keeps a node across calls that may load pages (a cursor) keeps the generation it saw and reloads
 * the page when it differs. Nothing outside the bbolt reader ever sees a node.
 */
export class BoltNode {
  pageId = 0;
  isLeaf = true;
  count = 0;
  /** Bytes of the page and its overflow pages; `buffer` may be larger (frames come in power-of-two sizes). */
  span = 0;
  /** Length of the prefix that all keys of this node share. */
  prefixLength = 0;
  generation = 0;
  /** Word of an element holding its key position (leaf 1, branch 0); the key size is in the next word. */
  posWord = 1;
  readonly buffer: Buffer;
  readonly words: Uint32Array;
  /** Size class of a page-cache frame (its capacity is pageSize · 2^sizeClass). */
  readonly sizeClass: number;
  /** Index of a page-cache frame among the reader's frames; -1 for a node owned by its holder (never reused). */
  readonly slot: number;
  /** Links of the page cache's recency list. */
  newer: BoltNode | undefined = undefined;
  older: BoltNode | undefined = undefined;
  cached = false;

  /** `buffer` must start at a 4-byte aligned offset of its ArrayBuffer. */
  constructor(buffer: Buffer, sizeClass: number, slot: number) {
    this.buffer = buffer;
    this.words = new Uint32Array(buffer.buffer, buffer.byteOffset, buffer.length >>> 2);
    this.sizeClass = sizeClass;
    this.slot = slot;
  }

  keyStart(i: number): number {
    return PAGE_HEADER_SIZE + i * ELEMENT_SIZE + this.words[4 + i * 4 + this.posWord]!;
  }

  keyLength(i: number): number {
    return this.words[5 + i * 4 + this.posWord]!;
  }

  /** Leaf only: where the raw value starts (for a bucket element, its bucket header and inline page). */
  valueStart(i: number): number {
    return this.keyStart(i) + this.words[6 + i * 4]!;
  }

  /** Leaf only. */
  valueLength(i: number): number {
    return this.words[7 + i * 4]!;
  }

  /** Leaf only. */
  isBucket(i: number): boolean {
    return (this.words[4 + i * 4]! & BUCKET_LEAF_FLAG) !== 0;
  }

  /** Branch only. */
  child(i: number): number {
    return this.words[6 + i * 4]! + this.words[7 + i * 4]! * TWO_POW_32;
  }

  /** A copy of key i. */
  copyKey(i: number): Buffer {
    const start = this.keyStart(i);
    return copyOf(this.buffer, start, start + this.keyLength(i));
  }

  /** Leaf only: a copy of value i. */
  copyValue(i: number): Buffer {
    const start = this.valueStart(i);
    return copyOf(this.buffer, start, start + this.valueLength(i));
  }

  /**
   * Makes this node stand for a page whose image (span bytes, header included) is at the start of `buffer`:
   * byte-swaps the element table on a big-endian host, then checks every element. Throws NodeFormatProblem.
   */
  reset(origin: NodeOrigin, isLeaf: boolean, count: number, span: number): void {
    this.pageId = origin.pageId;
    this.isLeaf = isLeaf;
    this.count = count;
    this.span = span;
    this.posWord = isLeaf ? 1 : 0;
    this.prefixLength = 0;
    const what = origin.inline ? 'inline bucket page' : isLeaf ? 'leaf page' : 'branch page';
    const tableEnd = PAGE_HEADER_SIZE + count * ELEMENT_SIZE;
    if (tableEnd > span) {
      throw new NodeFormatProblem(
        `${what} claims ${count} elements, which do not fit in its ${span} bytes`,
        origin.pageId,
      );
    }
    if (!isLeaf && count === 0) throw new NodeFormatProblem(`${what} has no elements`, origin.pageId);
    if (!HOST_IS_LITTLE_ENDIAN) this.buffer.subarray(PAGE_HEADER_SIZE, tableEnd).swap32();
    for (let i = 0; i < count; i++) {
      const keyStart = this.keyStart(i);
      const keyEnd = keyStart + this.keyLength(i);
      if (isLeaf) {
        const valueEnd = keyEnd + this.valueLength(i);
        if (valueEnd > span) {
          throw new NodeFormatProblem(
            `${what} element ${i} points to bytes ${keyStart}..${valueEnd}, beyond its ${span} bytes`,
            origin.pageId,
          );
        }
      } else if (keyEnd > span) {
        throw new NodeFormatProblem(
          `${what} element ${i} key spans bytes ${keyStart}..${keyEnd}, beyond its ${span} bytes`,
          origin.pageId,
        );
      }
    }
    if (count > 1) this.prefixLength = this.#commonPrefixLength();
  }

  #commonPrefixLength(): number {
    const last = this.count - 1;
    const a = this.keyStart(0);
    const b = this.keyStart(last);
    const n = Math.min(this.keyLength(0), this.keyLength(last));
    const data = this.buffer;
    let j = 0;
    while (j < n && data[a + j] === data[b + j]) j++;
    return j;
  }
}

/** A copy that owns its memory (small ones come from Node's shared pool). */
function copyOf(source: Buffer, start: number, end: number): Buffer {
  const copy = Buffer.allocUnsafe(end - start);
  source.copy(copy, 0, start, end);
  return copy;
}

/**
 * Decodes an inline bucket's leaf page (`page`: its bytes inside the holder's leaf value) into a node that owns a
 * copy of them, so it stays valid whatever happens to the holder page's cache frame.
 */
export function inlineNode(page: Buffer, holderPage: number): BoltNode {
  let copy = Buffer.allocUnsafe(page.length);
  // Node's pool hands out 8-byte aligned slices today; the word view needs 4, so never rely on it.
  if (copy.byteOffset % 4 !== 0) copy = Buffer.allocUnsafeSlow(page.length);
  page.copy(copy);
  const node = new BoltNode(copy, 0, -1);
  node.reset({ pageId: holderPage, inline: true }, true, page.readUInt16LE(10), page.length);
  return node;
}

/**
 * Binary search for `key` (its first `keyLength` bytes; unsigned byte order, as memcmp). Returns `2·i + exact` where i is the index of the first
 * element whose key is >= `key` (`count` if none) and exact is 1 when that element's key equals `key`.
 * Keys of a sorted page share the prefix of its first and last key; it is compared once, then skipped.
 */
export function seekIndex(node: BoltNode, key: Uint8Array, keyLength = key.length): number {
  const count = node.count;
  if (count === 0) return 0;
  const data = node.buffer;
  const words = node.words;
  const posWord = 4 + node.posWord;
  const prefix = node.prefixLength;
  if (prefix > 0) {
    const start = node.keyStart(0);
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
    const word = posWord + mid * 4;
    const start = PAGE_HEADER_SIZE + mid * ELEMENT_SIZE + words[word]!;
    const length = words[word + 1]!;
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
export function childIndexFor(node: BoltNode, key: Uint8Array, keyLength = key.length): number {
  const found = seekIndex(node, key, keyLength);
  const i = found >>> 1;
  if ((found & 1) === 1) return i;
  return i > 0 ? i - 1 : 0;
}
