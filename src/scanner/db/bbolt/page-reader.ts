import { closeSync, readSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import { BoltFormatError, BoltIoError } from './errors.ts';
import {
  ELEMENT_SIZE,
  MAX_PAGE_SPAN,
  PAGE_HEADER_SIZE,
  PageFlag,
  describePageFlags,
  readU64,
} from './format.ts';
import { type BoltNode, NodeFormatProblem, decodeNode, tableBytes } from './node.ts';

export interface CacheStats {
  hits: number;
  misses: number;
  /** Bytes held by cached pages (page images plus their decoded element tables). */
  bytes: number;
}

/** Pages loaded from disk (cache misses) by kind, for diagnostics and tests. */
export interface PageLoadStats {
  branchPages: number;
  leafPages: number;
  /** Overflow pages read as part of a page whose data runs past its first page. */
  overflowPages: number;
}

/**
 * Loads branch and leaf pages of an open bbolt file with positional reads, validates them, and keeps them in an LRU
 * cache bounded by bytes. Every page image is a fresh allocation that is never reused, so Buffers handed out as views
 * into it stay valid after eviction.
 */
export class PageReader {
  readonly path: string;
  readonly pageSize: number;
  readonly fileSize: number;
  /** Page ids must be below this: the meta page's high-water mark. */
  readonly pageCount: number;
  #fd: number;
  /** First page of the page being loaded, before its size is known. */
  readonly #scratch: Buffer;
  readonly #cache: LRUCache<number, BoltNode> | undefined;
  #hits = 0;
  #misses = 0;
  readonly #loads: PageLoadStats = { branchPages: 0, leafPages: 0, overflowPages: 0 };

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
    this.#scratch = Buffer.allocUnsafeSlow(pageSize);
    this.#cache =
      cacheBytes > 0
        ? new LRUCache<number, BoltNode>({ maxSize: cacheBytes, sizeCalculation: (node) => node.byteSize })
        : undefined;
  }

  /** The branch or leaf page `pageId`, validated. */
  node(pageId: number): BoltNode {
    const cached = this.#cache?.get(pageId);
    if (cached !== undefined) {
      this.#hits++;
      return cached;
    }
    this.#misses++;
    const node = this.#load(pageId);
    this.#cache?.set(pageId, node);
    return node;
  }

  formatError(problem: string, pageId?: number): BoltFormatError {
    return new BoltFormatError(this.path, problem, pageId);
  }

  cacheStats(): CacheStats {
    return { hits: this.#hits, misses: this.#misses, bytes: this.#cache?.calculatedSize ?? 0 };
  }

  loadStats(): PageLoadStats {
    return { ...this.#loads };
  }

  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    this.#cache?.clear();
    closeSync(fd);
  }

  /**
   * Reads the first page into a scratch buffer to learn its kind, size and element count, then makes one allocation
   * for the whole page image plus its decoded element table (one backing store per cached page, none shared).
   */
  #load(pageId: number): BoltNode {
    this.#checkSpan(pageId, 0);
    const first = this.#scratch;
    this.#readInto(first, 0, pageId * this.pageSize, pageId);
    const id = readU64(first, 0);
    if (id !== pageId) throw this.formatError(`the page header says it is page ${id}`, pageId);
    const flags = first.readUInt16LE(8);
    if (flags !== PageFlag.branch && flags !== PageFlag.leaf) {
      throw this.formatError(
        `found ${describePageFlags(flags)} where a branch or leaf page was expected`,
        pageId,
      );
    }
    const isLeaf = flags === PageFlag.leaf;
    const count = first.readUInt16LE(10);
    const overflow = first.readUInt32LE(12);
    if (overflow > 0) this.#checkSpan(pageId, overflow);
    const span = (overflow + 1) * this.pageSize;
    if (PAGE_HEADER_SIZE + count * ELEMENT_SIZE > span) {
      const kind = isLeaf ? 'leaf' : 'branch';
      throw this.formatError(
        `${kind} page claims ${count} elements, which do not fit in its ${span} bytes`,
        pageId,
      );
    }
    const block = Buffer.allocUnsafeSlow(span + tableBytes(isLeaf, count));
    const data = block.subarray(0, span);
    first.copy(data, 0, 0, this.pageSize);
    if (overflow > 0) {
      this.#readInto(data, this.pageSize, (pageId + 1) * this.pageSize, pageId);
      this.#loads.overflowPages += overflow;
    }
    if (isLeaf) this.#loads.leafPages++;
    else this.#loads.branchPages++;
    // span is a multiple of the page size and the index takes 16 bytes per element, so both views are aligned.
    const tables = {
      index: new Uint32Array(block.buffer, block.byteOffset + span, count * 4),
      children: new Float64Array(block.buffer, block.byteOffset + span + count * 16, isLeaf ? 0 : count),
    };
    try {
      return decodeNode(data, isLeaf, count, { pageId, inline: false }, tables);
    } catch (error) {
      if (error instanceof NodeFormatProblem) throw this.formatError(error.message, error.pageId);
      throw error;
    }
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

  #readInto(buf: Buffer, offset: number, position: number, pageId: number): void {
    if (this.#fd < 0) throw new Error(`bbolt database ${this.path} is closed`);
    let done = offset;
    while (done < buf.length) {
      let n: number;
      try {
        n = readSync(this.#fd, buf, done, buf.length - done, position + done - offset);
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
