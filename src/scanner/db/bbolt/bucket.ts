import { type BoltEntry, BoltCursor, type BucketRoot, cursorRawPosition } from './cursor.ts';
import {
  BUCKET_HEADER_SIZE,
  MAX_BUCKET_NESTING,
  MAX_TREE_DEPTH,
  PAGE_HEADER_SIZE,
  PageFlag,
  describePageFlags,
  readU64,
} from './format.ts';
import { type BoltNode, NodeFormatProblem, childIndexFor, inlineNode, seekIndex } from './node.ts';
import type { PageReader } from './page-reader.ts';

const NO_PREFIX = new Uint8Array(0);
/** Page ids on the current root-to-leaf path of a lookup; lookups are synchronous, so one array serves all. */
const lookupPath = new Float64Array(MAX_TREE_DEPTH);

function toKey(key: Uint8Array | string): Uint8Array {
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}

/** A point lookup's key, string keys encoded into one scratch buffer: lookups are synchronous, so it serves all. */
let scratch = Buffer.allocUnsafeSlow(256);
let lookupLength = 0;

/** The bytes to look up (valid up to lookupLength); saves allocating a Buffer per string lookup. */
function lookupKey(key: Uint8Array | string): Uint8Array {
  if (typeof key !== 'string') {
    lookupLength = key.length;
    return key;
  }
  if (key.length * 3 > scratch.length) scratch = Buffer.allocUnsafeSlow(key.length * 3);
  lookupLength = scratch.write(key, 'utf8');
  return scratch;
}

/**
 * A bucket: a sorted map of byte keys to values or nested buckets. Obtain one from `BoltDb.root()` or
 * `BoltBucket.bucket()`. Returned Buffers are copies the caller owns (cached page memory is reused); `getText` and
 * a cursor's text accessors decode straight from the page instead, for callers that want a string anyway.
 */
export class BoltBucket {
  readonly #pages: PageReader;
  readonly #root: BucketRoot;
  /** Root page ids of this bucket and the page-rooted buckets enclosing it: a nested root among them is a loop. */
  readonly #lineage: readonly number[];

  /** Internal: buckets come from `BoltDb.root()` and `BoltBucket.bucket()`. */
  constructor(pages: PageReader, root: BucketRoot, lineage: readonly number[]) {
    this.#pages = pages;
    this.#root = root;
    this.#lineage = lineage;
  }

  /** Page id of this bucket's root page; undefined for an inline bucket (stored inside its parent's leaf). */
  get rootPageId(): number | undefined {
    return this.#root.pageId;
  }

  /** A copy of the value stored under `key`; undefined if there is no such key or it names a nested bucket. */
  get(key: Uint8Array | string): Buffer | undefined {
    const target = lookupKey(key);
    const length = lookupLength;
    const leaf = this.#leafFor(target, length);
    const found = seekIndex(leaf, target, length);
    if ((found & 1) === 0 || leaf.isBucket(found >>> 1)) return undefined;
    return leaf.copyValue(found >>> 1);
  }

  /** The value stored under `key` decoded as UTF-8 (no intermediate Buffer); undefined as for `get`. */
  getText(key: Uint8Array | string): string | undefined {
    const target = lookupKey(key);
    const length = lookupLength;
    const leaf = this.#leafFor(target, length);
    const found = seekIndex(leaf, target, length);
    const i = found >>> 1;
    if ((found & 1) === 0 || leaf.isBucket(i)) return undefined;
    const start = leaf.valueStart(i);
    return leaf.buffer.toString('utf8', start, start + leaf.valueLength(i));
  }

  /** The nested bucket `name`; undefined if there is no such key or it holds a plain value. */
  bucket(name: Uint8Array | string): BoltBucket | undefined {
    const target = lookupKey(name);
    const length = lookupLength;
    const leaf = this.#leafFor(target, length);
    const found = seekIndex(leaf, target, length);
    if ((found & 1) === 0 || !leaf.isBucket(found >>> 1)) return undefined;
    return this.#openNested(leaf, found >>> 1);
  }

  cursor(): BoltCursor {
    return new BoltCursor(this.#pages, this.#root);
  }

  /** Entries in key order (copies), only those whose key starts with `prefix` when given. */
  *entries(prefix?: Uint8Array | string): IterableIterator<BoltEntry> {
    const p = prefix === undefined ? NO_PREFIX : toKey(prefix);
    const cursor = this.cursor();
    for (let on = cursor.seek(p); on && cursor.keyStartsWith(p); on = cursor.next()) yield cursor.entry();
  }

  /** Nested buckets in key order, only those whose name starts with `prefix` when given. */
  *buckets(prefix?: Uint8Array | string): IterableIterator<[Buffer, BoltBucket]> {
    const p = prefix === undefined ? NO_PREFIX : toKey(prefix);
    const cursor = this.cursor();
    for (let on = cursor.seek(p); on && cursor.keyStartsWith(p); on = cursor.next()) {
      if (!cursor.isBucket()) continue;
      const name = cursor.key();
      const { node, index } = cursorRawPosition(cursor);
      yield [name, this.#openNested(node, index)];
    }
  }

  #rootNode(): BoltNode {
    return this.#root.inline ?? this.#pages.node(this.#root.pageId);
  }

  /** The leaf that holds `key` (its first keyLength bytes) if the bucket has it. */
  #leafFor(key: Uint8Array, keyLength: number): BoltNode {
    let node = this.#rootNode();
    let depth = 0;
    while (!node.isLeaf) {
      lookupPath[depth++] = node.pageId;
      const childId = node.child(childIndexFor(node, key, keyLength));
      for (let d = 0; d < depth; d++) {
        if (lookupPath[d] === childId) {
          throw this.#pages.formatError(
            'the page is its own ancestor in a bucket tree (the tree loops)',
            childId,
          );
        }
      }
      if (depth >= MAX_TREE_DEPTH) {
        throw this.#pages.formatError(`a bucket tree is deeper than ${MAX_TREE_DEPTH} levels`, childId);
      }
      node = this.#pages.node(childId);
    }
    return node;
  }

  /** Opens the nested bucket whose leaf value (bucket header, then an inline page if root is 0) is element i. */
  #openNested(leaf: BoltNode, i: number): BoltBucket {
    const holderPage = leaf.pageId;
    const start = leaf.valueStart(i);
    const value = leaf.buffer.subarray(start, start + leaf.valueLength(i));
    if (value.length < BUCKET_HEADER_SIZE) {
      throw this.#pages.formatError(
        `a nested bucket value has ${value.length} bytes, fewer than the ${BUCKET_HEADER_SIZE}-byte bucket header`,
        holderPage,
      );
    }
    if (this.#lineage.length >= MAX_BUCKET_NESTING) {
      throw this.#pages.formatError(
        `buckets are nested deeper than ${MAX_BUCKET_NESTING} levels`,
        holderPage,
      );
    }
    const rootPage = readU64(value, 0);
    if (rootPage !== 0) {
      if (this.#lineage.includes(rootPage)) {
        throw this.#pages.formatError(
          `a nested bucket's root page ${rootPage} is the root of a bucket enclosing it (buckets loop)`,
          holderPage,
        );
      }
      return new BoltBucket(this.#pages, { pageId: rootPage }, [...this.#lineage, rootPage]);
    }
    return new BoltBucket(this.#pages, { inline: this.#decodeInline(value, holderPage) }, this.#lineage);
  }

  #decodeInline(value: Buffer, holderPage: number): BoltNode {
    const page = value.subarray(BUCKET_HEADER_SIZE);
    if (page.length < PAGE_HEADER_SIZE) {
      throw this.#pages.formatError(
        `an inline bucket value has ${value.length} bytes, too short for its bucket and page headers ` +
          `(${BUCKET_HEADER_SIZE + PAGE_HEADER_SIZE})`,
        holderPage,
      );
    }
    const flags = page.readUInt16LE(8);
    if (flags !== PageFlag.leaf) {
      throw this.#pages.formatError(
        `an inline bucket holds ${describePageFlags(flags)} instead of a leaf page`,
        holderPage,
      );
    }
    try {
      return inlineNode(page, holderPage);
    } catch (error) {
      if (error instanceof NodeFormatProblem) throw this.#pages.formatError(error.message, error.pageId);
      throw error;
    }
  }
}
