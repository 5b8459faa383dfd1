import { MAX_TREE_DEPTH } from './format.ts';
import { type BoltNode, childIndexFor, seekIndex } from './node.ts';
import type { PageReader } from './page-reader.ts';

/** One key/value pair of a bucket. `value` is null exactly when the key names a nested bucket. */
export interface BoltEntry {
  key: Buffer;
  value: Buffer | null;
}

/** The root of a bucket's B+tree: a page id, or the decoded leaf page embedded in an inline bucket's value. */
export type BucketRoot = { pageId: number; inline?: undefined } | { pageId?: undefined; inline: BoltNode };

/** The element under a cursor: the leaf node (valid until the next page load) and the element's index in it. */
export interface RawPosition {
  node: BoltNode;
  index: number;
}

let rawPositionOf: (cursor: BoltCursor) => RawPosition;

/** Raw access for BoltBucket (opening nested buckets found while iterating); not part of the public API. */
export function cursorRawPosition(cursor: BoltCursor): RawPosition {
  return rawPositionOf(cursor);
}

/**
 * Walks a bucket's entries in key order, keeping the path from the root to the current leaf on a stack so that
 * `next` can climb to the next leaf without parent pointers. `first`, `seek` and `next` move the cursor and say
 * whether it is on an entry; the accessors then read that entry. Moving allocates nothing. `key()` and `value()`
 * return copies the caller owns; `keyText()` and `valueText()` decode UTF-8 straight from the cached page.
 */
export class BoltCursor {
  readonly #pages: PageReader;
  readonly #root: BucketRoot;
  readonly #nodes: BoltNode[] = [];
  /** Generation of each node when it was put on the stack: a different one means its frame was reused. */
  readonly #generations: number[] = [];
  readonly #pageIds: number[] = [];
  readonly #indexes: number[] = [];
  #depth = 0;
  #positioned = false;
  /** Pages descended into since the last positioning; more than the file holds means pages are shared (a DAG). */
  #descents = 0;

  static {
    rawPositionOf = (cursor) => ({ node: cursor.#leaf(), index: cursor.#indexes[cursor.#depth - 1]! });
  }

  constructor(pages: PageReader, root: BucketRoot) {
    this.#pages = pages;
    this.#root = root;
  }

  /** Moves to the first entry; false if the bucket is empty. */
  first(): boolean {
    this.#reset();
    this.#descendLeftmost();
    if (this.#top().count === 0) this.#advance();
    return this.#depth > 0;
  }

  /** Moves to the first entry whose key is >= `key` (byte order); false if there is none. */
  seek(key: Uint8Array | string): boolean {
    const target = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
    this.#reset();
    for (;;) {
      const d = this.#depth - 1;
      const node = this.#nodes[d]!;
      if (node.isLeaf) {
        const i = seekIndex(node, target) >>> 1;
        this.#indexes[d] = i;
        if (i >= node.count) this.#advance();
        return this.#depth > 0;
      }
      const i = childIndexFor(node, target);
      this.#indexes[d] = i;
      this.#push(node.child(i));
    }
  }

  /** Moves to the next entry; false at the end. On a cursor not yet positioned this is `first()`. */
  next(): boolean {
    if (!this.#positioned) return this.first();
    if (this.#depth === 0) return false;
    const d = this.#depth - 1;
    const node = this.#frame(d);
    const i = this.#indexes[d]! + 1;
    this.#indexes[d] = i;
    if (i >= node.count) this.#advance();
    return this.#depth > 0;
  }

  /** Whether the cursor is on an entry. */
  get positioned(): boolean {
    return this.#depth > 0;
  }

  /** A copy of the current key. */
  key(): Buffer {
    return this.#leaf().copyKey(this.#index());
  }

  /** A copy of the current value; null when the key names a nested bucket. */
  value(): Buffer | null {
    const node = this.#leaf();
    const i = this.#index();
    return node.isBucket(i) ? null : node.copyValue(i);
  }

  /** The current entry as a pair of copies. */
  entry(): BoltEntry {
    return { key: this.key(), value: this.value() };
  }

  isBucket(): boolean {
    return this.#leaf().isBucket(this.#index());
  }

  /** The current key decoded as UTF-8. */
  keyText(): string {
    const node = this.#leaf();
    const i = this.#index();
    const start = node.keyStart(i);
    return node.buffer.toString('utf8', start, start + node.keyLength(i));
  }

  /** The current value decoded as UTF-8 ('' for a nested bucket). */
  valueText(): string {
    const node = this.#leaf();
    const i = this.#index();
    if (node.isBucket(i)) return '';
    const start = node.valueStart(i);
    return node.buffer.toString('utf8', start, start + node.valueLength(i));
  }

  /** Whether the current key is exactly `key`. */
  keyEquals(key: Uint8Array): boolean {
    const node = this.#leaf();
    const i = this.#index();
    return node.keyLength(i) === key.length && this.#keyStartsWith(node, i, key);
  }

  /** Whether the current key starts with `prefix`. */
  keyStartsWith(prefix: Uint8Array): boolean {
    const node = this.#leaf();
    const i = this.#index();
    return node.keyLength(i) >= prefix.length && this.#keyStartsWith(node, i, prefix);
  }

  #keyStartsWith(node: BoltNode, i: number, prefix: Uint8Array): boolean {
    const data = node.buffer;
    const start = node.keyStart(i);
    for (let j = 0; j < prefix.length; j++) if (data[start + j] !== prefix[j]) return false;
    return true;
  }

  #index(): number {
    return this.#indexes[this.#depth - 1]!;
  }

  #leaf(): BoltNode {
    if (this.#depth === 0) throw new Error('the bbolt cursor is not on an entry');
    return this.#frame(this.#depth - 1);
  }

  /** The node at stack depth d, reloaded if its cache frame has been reused for another page since. */
  #frame(d: number): BoltNode {
    let node = this.#nodes[d]!;
    if (node.generation !== this.#generations[d]) {
      node = this.#pages.node(this.#pageIds[d]!);
      this.#nodes[d] = node;
      this.#generations[d] = node.generation;
    }
    return node;
  }

  #reset(): void {
    this.#depth = 0;
    this.#descents = 0;
    this.#positioned = true;
    if (this.#root.inline !== undefined) {
      this.#set(0, this.#root.inline);
      this.#depth = 1;
    } else {
      this.#push(this.#root.pageId);
    }
  }

  #top(): BoltNode {
    return this.#frame(this.#depth - 1);
  }

  #set(d: number, node: BoltNode): void {
    this.#nodes[d] = node;
    this.#generations[d] = node.generation;
    this.#pageIds[d] = node.pageId;
    this.#indexes[d] = 0;
  }

  #push(pageId: number): void {
    for (let d = 0; d < this.#depth; d++) {
      if (this.#pageIds[d] === pageId) {
        throw this.#pages.formatError(
          'the page is its own ancestor in a bucket tree (the tree loops)',
          pageId,
        );
      }
    }
    if (this.#depth >= MAX_TREE_DEPTH) {
      throw this.#pages.formatError(`a bucket tree is deeper than ${MAX_TREE_DEPTH} levels`, pageId);
    }
    if (++this.#descents > this.#pages.pageCount + MAX_TREE_DEPTH) {
      throw this.#pages.formatError('a bucket tree reaches the same pages more than once', pageId);
    }
    this.#set(this.#depth, this.#pages.node(pageId));
    this.#depth++;
  }

  /** From the current frame's chosen element, descends to the leftmost leaf below it. */
  #descendLeftmost(): void {
    for (let node = this.#top(); !node.isLeaf; node = this.#top()) {
      this.#push(node.child(this.#indexes[this.#depth - 1]!));
    }
  }

  /** The current leaf is used up: climbs to the nearest ancestor with a further child and goes down to the next
   * non-empty leaf, or empties the stack at the end. */
  #advance(): void {
    for (;;) {
      this.#depth--;
      if (this.#depth === 0) return;
      const d = this.#depth - 1;
      const node = this.#frame(d);
      this.#pages.touch(node);
      const i = this.#indexes[d]! + 1;
      if (i >= node.count) continue;
      this.#indexes[d] = i;
      this.#descendLeftmost();
      if (this.#top().count > 0) return;
    }
  }
}
