import { closeSync, readSync } from 'node:fs';
import { BoltFormatError, BoltIoError } from './errors.ts';
import { MAX_PAGE_SPAN, PageFlag, describePageFlags, readU64 } from './format.ts';
import { BoltNode, NodeFormatProblem } from './node.ts';

export interface CacheStats {
  hits: number;
  misses: number;
  /** Bytes of page frames the cache holds (in use or free for reuse); never more than the budget. */
  bytes: number;
}

/** Pages loaded from disk (cache misses) by kind, for diagnostics and tests. */
export interface PageLoadStats {
  branchPages: number;
  leafPages: number;
  /** Overflow pages read as part of a page whose data runs past its first page. */
  overflowPages: number;
  /** Positional reads issued for pages (a read-ahead counts once). */
  reads: number;
}

/** Bytes read at once when pages are being loaded in file order (one read instead of one per page). */
const READ_AHEAD_BYTES = 128 * 1024;
/** A page larger than 1/LARGEST_CACHED_SHARE of the budget is not cached: it would evict too much at once. */
const LARGEST_CACHED_SHARE = 8;

/**
 * Loads branch and leaf pages of an open bbolt file with positional reads, validates them, and keeps them in an LRU
 * cache bounded by bytes.
 *
 * Pages live in frames (a buffer of pageSize · 2^k bytes plus its BoltNode) that are allocated once and reused when
 * evicted, so reading the whole file allocates nothing per page: memory stays at the budget and the garbage
 * collector has nothing to do. The price is that page memory is reused, so the reader never hands out views of it:
 * callers get copies (or strings decoded from it), and cursors check a frame's generation before touching it.
 * A page too large to cache, or any page when the budget is 0, gets a frame of its own that is dropped after use.
 *
 * When a miss is for the page right after the previous miss (a bucket being walked in file order), the next
 * READ_AHEAD_BYTES of the file are read with one call and later misses inside that window are copied from it.
 */
export class PageReader {
  readonly path: string;
  readonly pageSize: number;
  readonly fileSize: number;
  /** Page ids must be below this: the meta page's high-water mark. */
  readonly pageCount: number;
  #fd: number;
  readonly #budget: number;
  /**
   * Cached frame of each page id, as index + 1 into #frames (0: not cached). Indexed directly by page id: 4 bytes per
   * page of the file, and unlike a Map it never reallocates, however often pages come and go.
   */
  readonly #slotOf: Int32Array;
  readonly #frames: (BoltNode | undefined)[] = [];
  /** Most and least recently used cached frames (a doubly linked list through BoltNode.newer/older). */
  #newest: BoltNode | undefined;
  #oldest: BoltNode | undefined;
  /** Evicted frames by size class, ready for reuse. */
  readonly #free: BoltNode[][] = [];
  #frameBytes = 0;
  /** Slots of #frames whose frame was dropped to make room for a frame of another size. */
  readonly #spareSlots: number[] = [];
  #window: Buffer | undefined;
  #windowStart = 0;
  #windowPages = 0;
  /** Page id right after the span of the last page loaded from disk. */
  #nextInFileOrder = -1;
  #hits = 0;
  #misses = 0;
  readonly #loads: PageLoadStats = { branchPages: 0, leafPages: 0, overflowPages: 0, reads: 0 };

  constructor(
    fd: number,
    path: string,
    pageSize: number,
    fileSize: number,
    pageCount: number,
    cacheBytes: number,
  ) {
    this.#fd = fd;
    this.path = path;
    this.pageSize = pageSize;
    this.fileSize = fileSize;
    this.pageCount = pageCount;
    this.#budget = cacheBytes;
    this.#slotOf = new Int32Array(cacheBytes > 0 ? pageCount : 0);
  }

  /**
   * The branch or leaf page `pageId`, validated. The node is valid until the next call that may load a page; a
   * holder that keeps it longer must compare `generation` (see BoltNode).
   */
  node(pageId: number): BoltNode {
    const slot = this.#slotOf.length > pageId ? this.#slotOf[pageId]! : 0;
    if (slot > 0) {
      const cached = this.#frames[slot - 1]!;
      this.#hits++;
      this.touch(cached);
      return cached;
    }
    this.#misses++;
    const node = this.#load(pageId);
    if (node.slot >= 0) {
      node.cached = true;
      this.#slotOf[pageId] = node.slot + 1;
      this.#linkNewest(node);
    }
    return node;
  }

  /** Marks a cached node as just used, so that nodes a cursor stands on are the last to be evicted. */
  touch(node: BoltNode): void {
    if (!node.cached || this.#newest === node) return;
    this.#unlink(node);
    this.#linkNewest(node);
  }

  formatError(problem: string, pageId?: number): BoltFormatError {
    return new BoltFormatError(this.path, problem, pageId);
  }

  cacheStats(): CacheStats {
    return { hits: this.#hits, misses: this.#misses, bytes: this.#frameBytes };
  }

  loadStats(): PageLoadStats {
    return { ...this.#loads };
  }

  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    for (let node = this.#newest; node !== undefined; node = node.older) node.generation++;
    this.#slotOf.fill(0);
    this.#frames.length = 0;
    this.#newest = this.#oldest = undefined;
    this.#free.length = 0;
    this.#frameBytes = 0;
    this.#window = undefined;
    closeSync(fd);
  }

  /** Reads page `pageId` (and its overflow pages) into a frame and validates it. */
  #load(pageId: number): BoltNode {
    this.#checkSpan(pageId, 0);
    const pageSize = this.pageSize;
    let frame: BoltNode | undefined;
    try {
      let header: Buffer;
      let headerAt: number;
      if (this.#inWindow(pageId) || (pageId === this.#nextInFileOrder && this.#fillWindow(pageId))) {
        header = this.#window!;
        headerAt = (pageId - this.#windowStart) * pageSize;
      } else {
        frame = this.#acquire(1);
        this.#readInto(frame, 0, pageSize, pageId);
        header = frame.buffer;
        headerAt = 0;
      }
      const id = readU64(header, headerAt);
      if (id !== pageId) throw this.formatError(`the page header says it is page ${id}`, pageId);
      const flags = header.readUInt16LE(headerAt + 8);
      if (flags !== PageFlag.branch && flags !== PageFlag.leaf) {
        throw this.formatError(
          `found ${describePageFlags(flags)} where a branch or leaf page was expected`,
          pageId,
        );
      }
      const isLeaf = flags === PageFlag.leaf;
      const count = header.readUInt16LE(headerAt + 10);
      const overflow = header.readUInt32LE(headerAt + 12);
      if (overflow > 0) this.#checkSpan(pageId, overflow);
      const pages = overflow + 1;
      if (frame === undefined || pages > 1) {
        const target = this.#acquire(pages);
        const fromWindow = frame === undefined ? this.#copyFromWindow(target, pageId, pages) : 1;
        if (frame !== undefined) frame.buffer.copy(target.buffer, 0, 0, pageSize);
        this.#release(frame);
        frame = target;
        if (fromWindow < pages) {
          this.#readInto(frame, fromWindow * pageSize, pages * pageSize, pageId);
        }
        this.#loads.overflowPages += overflow;
      }
      if (isLeaf) this.#loads.leafPages++;
      else this.#loads.branchPages++;
      this.#nextInFileOrder = pageId + pages;
      frame.reset({ pageId, inline: false }, isLeaf, count, pages * pageSize);
      return frame;
    } catch (error) {
      this.#release(frame);
      if (error instanceof NodeFormatProblem) throw this.formatError(error.message, error.pageId);
      throw error;
    }
  }

  /** A frame for a page spanning `pages` pages: a free one of its size class, or an evicted one, or a new one. */
  #acquire(pages: number): BoltNode {
    const sizeClass = pages === 1 ? 0 : 32 - Math.clz32(pages - 1);
    const capacity = this.pageSize * 2 ** sizeClass;
    if (capacity * LARGEST_CACHED_SHARE > this.#budget && (sizeClass > 0 || capacity > this.#budget)) {
      return this.#transient(pages);
    }
    const free = this.#free[sizeClass]?.pop();
    if (free !== undefined) return free;
    while (this.#frameBytes + capacity > this.#budget) {
      const victim = this.#evictOldest() ?? this.#takeAnyFree();
      if (victim === undefined) return this.#transient(pages);
      if (victim.sizeClass === sizeClass) return victim;
      // A frame of another size: drop it (rare: only when the mix of page sizes changes).
      this.#frameBytes -= victim.buffer.length;
      this.#frames[victim.slot] = undefined;
      this.#spareSlots.push(victim.slot);
    }
    this.#frameBytes += capacity;
    const slot = this.#spareSlots.pop() ?? this.#frames.length;
    const frame = new BoltNode(Buffer.allocUnsafeSlow(capacity), sizeClass, slot);
    this.#frames[slot] = frame;
    return frame;
  }

  /** A frame of exactly `pages` pages that is not cached: dropped once its holder is done with it. */
  #transient(pages: number): BoltNode {
    return new BoltNode(Buffer.allocUnsafeSlow(pages * this.pageSize), -1, -1);
  }

  /** Returns a frame that did not make it into the cache (a failed load) to its free list. */
  #release(frame: BoltNode | undefined): void {
    if (frame === undefined || frame.slot < 0 || frame.cached) return;
    frame.generation++;
    (this.#free[frame.sizeClass] ??= []).push(frame);
  }

  #evictOldest(): BoltNode | undefined {
    const victim = this.#oldest;
    if (victim === undefined) return undefined;
    this.#unlink(victim);
    this.#slotOf[victim.pageId] = 0;
    victim.cached = false;
    victim.generation++;
    return victim;
  }

  #takeAnyFree(): BoltNode | undefined {
    for (const list of this.#free) {
      const frame = list?.pop();
      if (frame !== undefined) return frame;
    }
    return undefined;
  }

  #linkNewest(node: BoltNode): void {
    node.older = this.#newest;
    node.newer = undefined;
    if (this.#newest !== undefined) this.#newest.newer = node;
    this.#newest = node;
    this.#oldest ??= node;
  }

  #unlink(node: BoltNode): void {
    if (node.newer !== undefined) node.newer.older = node.older;
    else this.#newest = node.older;
    if (node.older !== undefined) node.older.newer = node.newer;
    else this.#oldest = node.newer;
    node.newer = node.older = undefined;
  }

  #inWindow(pageId: number): boolean {
    return pageId >= this.#windowStart && pageId < this.#windowStart + this.#windowPages;
  }

  /** Reads the pages from `pageId` on into the read-ahead window; false if that is not worth it. */
  #fillWindow(pageId: number): boolean {
    const capacity = Math.max(1, Math.floor(READ_AHEAD_BYTES / this.pageSize));
    const pages = Math.min(capacity, this.pageCount - pageId);
    if (pages < 2) return false;
    this.#window ??= Buffer.allocUnsafeSlow(capacity * this.pageSize);
    this.#windowPages = 0;
    this.#read(this.#window, 0, pages * this.pageSize, pageId);
    this.#windowStart = pageId;
    this.#windowPages = pages;
    return true;
  }

  /** Copies the first pages of the span at `pageId` from the window into `frame`; returns how many it had. */
  #copyFromWindow(frame: BoltNode, pageId: number, pages: number): number {
    const available = Math.min(pages, this.#windowStart + this.#windowPages - pageId);
    const from = (pageId - this.#windowStart) * this.pageSize;
    this.#window!.copy(frame.buffer, 0, from, from + available * this.pageSize);
    return available;
  }

  /** Page `pageId` with `overflow` extra pages must lie below the high-water mark and inside the file. */
  #checkSpan(pageId: number, overflow: number): void {
    const last = pageId + overflow;
    if (!Number.isSafeInteger(last) || last >= this.pageCount) {
      const what = overflow > 0 ? `its ${overflow} overflow pages run` : 'it is';
      throw this.formatError(`${what} past the last page in use (${this.pageCount - 1})`, pageId);
    }
    if ((overflow + 1) * this.pageSize > MAX_PAGE_SPAN) {
      throw this.formatError(
        `its ${overflow} overflow pages make it larger than any bbolt page can be`,
        pageId,
      );
    }
    const end = (last + 1) * this.pageSize;
    if (end > this.fileSize) {
      throw this.formatError(
        `the file is truncated: the page needs bytes up to ${end} but the file has ${this.fileSize}`,
        pageId,
      );
    }
  }

  /** Fills frame bytes from..to with the bytes at that offset of page `pageId`'s span. */
  #readInto(frame: BoltNode, from: number, to: number, pageId: number): void {
    this.#read(frame.buffer, from, to - from, pageId, from);
  }

  #read(buf: Buffer, offset: number, length: number, pageId: number, intoPage = 0): void {
    if (this.#fd < 0) throw new Error(`bbolt database ${this.path} is closed`);
    const position = pageId * this.pageSize + intoPage;
    this.#loads.reads++;
    let done = 0;
    while (done < length) {
      let n: number;
      try {
        n = readSync(this.#fd, buf, offset + done, length - done, position + done);
      } catch (error) {
        throw new BoltIoError(this.path, 'read', error);
      }
      if (n === 0) {
        throw this.formatError('the file ended in the middle of the page (truncated while open?)', pageId);
      }
      done += n;
    }
  }
}
