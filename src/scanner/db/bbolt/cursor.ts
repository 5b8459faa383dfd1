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

/** The raw value under a cursor (a bucket header for nested buckets) and the page holding it. */
export interface RawPosition {
  key: Buffer;
  value: Buffer;
  isBucket: boolean;
  pageId: number;
}

let rawPositionOf: (cursor: BoltCursor) => RawPosition | undefined;

/** Raw access for BoltBucket (opening nested buckets found while iterating); not part of the public API. */
export function cursorRawPosition(cursor: BoltCursor): RawPosition | undefined {
  return rawPositionOf(cursor);
}

/**
 * Walks a bucket's entries in key order, keeping the path from the root to the current leaf on a stack so that
 * `next` can climb to the next leaf without parent pointers. Positioning methods return the entry they land on.
 * Returned key/value Buffers are read-only views into cached page images; they stay valid after the cursor moves.
 */
export class BoltCursor {
  readonly #pages: PageReader;
  readonly #root: BucketRoot;
  readonly #nodes: BoltNode[] = [];
  readonly #indexes: number[] = [];
  #depth = 0;
  #positioned = false;
  /** Pages descended into since the last positioning; more than the file holds means pages are shared (a DAG). */
  #descents = 0;

  static {
    rawPositionOf = (cursor) => cursor.#raw();
  }

  constructor(pages: PageReader, root: BucketRoot) {
    this.#pages = pages;
    this.#root = root;
  }

  /** Moves to the first entry; undefined if the bucket is empty. */
  first(): BoltEntry | undefined {
    this.#reset();
    this.#descendLeftmost();
    if (this.#top().count === 0) this.#advance();
    return this.#current();
  }

  /** Moves to the first entry whose key is >= `key` (byte order); undefined if there is none. */
  seek(key: Uint8Array | string): BoltEntry | undefined {
    const target = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
    this.#reset();
    for (;;) {
      const d = this.#depth - 1;
      const node = this.#nodes[d]!;
      if (node.isLeaf) {
        const i = seekIndex(node, target) >>> 1;
        this.#indexes[d] = i;
        if (i >= node.count) this.#advance();
        return this.#current();
      }
      const i = childIndexFor(node, target);
      this.#indexes[d] = i;
      this.#push(node.child(i));
    }
  }

  /** Moves to the next entry; undefined at the end. On a cursor not yet positioned this is `first()`. */
  next(): BoltEntry | undefined {
    if (!this.#positioned) return this.first();
    if (this.#depth === 0) return undefined;
    const d = this.#depth - 1;
    const i = this.#indexes[d]! + 1;
    this.#indexes[d] = i;
    if (i >= this.#nodes[d]!.count) this.#advance();
    return this.#current();
  }

  #reset(): void {
    this.#depth = 0;
    this.#descents = 0;
    this.#positioned = true;
    if (this.#root.inline !== undefined) {
      this.#nodes[0] = this.#root.inline;
      this.#indexes[0] = 0;
      this.#depth = 1;
    } else {
      this.#push(this.#root.pageId);
    }
  }

  #top(): BoltNode {
    return this.#nodes[this.#depth - 1]!;
  }

  #push(pageId: number): void {
    for (let d = 0; d < this.#depth; d++) {
      if (this.#nodes[d]!.pageId === pageId) {
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
    this.#nodes[this.#depth] = this.#pages.node(pageId);
    this.#indexes[this.#depth] = 0;
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
      const i = this.#indexes[d]! + 1;
      if (i >= this.#nodes[d]!.count) continue;
      this.#indexes[d] = i;
      this.#descendLeftmost();
      if (this.#top().count > 0) return;
    }
  }

  #current(): BoltEntry | undefined {
    if (this.#depth === 0) return undefined;
    const node = this.#top();
    const i = this.#indexes[this.#depth - 1]!;
    return { key: node.key(i), value: node.isBucket(i) ? null : node.value(i) };
  }

  #raw(): RawPosition | undefined {
    if (this.#depth === 0) return undefined;
    const node = this.#top();
    const i = this.#indexes[this.#depth - 1]!;
    return { key: node.key(i), value: node.value(i), isBucket: node.isBucket(i), pageId: node.pageId };
  }
}
