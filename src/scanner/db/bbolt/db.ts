import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { BoltBucket } from './bucket.ts';
import { BoltFormatError, BoltIoError } from './errors.ts';
import { META_PAGE_BYTES, selectMeta } from './meta.ts';
import { type CacheStats, type PageLoadStats, PageReader } from './page-reader.ts';

export interface BoltOpenOptions {
  /**
   * Byte budget of the LRU page cache: frames holding page images, allocated once and reused. Default 8 MiB;
   * 0 disables the cache (every page is read into memory of its own and dropped after use).
   */
  pageCacheBytes?: number;
}

/**
 * Enough for every branch page of a full trivy.db (about 1,100 of them, 4 MiB, in a 700 MiB file) plus recently used
 * leaves. A lookup that misses it re-reads a page from the OS page cache, which costs little next to decoding JSON.
 */
export const DEFAULT_PAGE_CACHE_BYTES = 8 * 1024 * 1024;

/**
 * A bbolt database file opened read-only. Pages are read on demand with positional reads and kept in a bounded LRU
 * cache; the file is never loaded whole. All methods are synchronous. The file is not locked: the caller must not
 * let a writer modify it in place while it is open (replacing it by rename is fine).
 */
export class BoltDb {
  readonly path: string;
  readonly pageSize: number;
  /** Transaction id of the meta page in use. */
  readonly txid: number;
  readonly fileSize: number;
  readonly #pages: PageReader;
  readonly #rootPage: number;

  private constructor(pages: PageReader, txid: number, rootPage: number) {
    this.#pages = pages;
    this.path = pages.path;
    this.pageSize = pages.pageSize;
    this.fileSize = pages.fileSize;
    this.txid = txid;
    this.#rootPage = rootPage;
  }

  /** Opens `path` and validates its meta pages. Throws BoltFormatError if it is not a usable bbolt file. */
  static open(path: string, options: BoltOpenOptions = {}): BoltDb {
    const cacheBytes = options.pageCacheBytes ?? DEFAULT_PAGE_CACHE_BYTES;
    if (!Number.isSafeInteger(cacheBytes) || cacheBytes < 0) {
      throw new RangeError(`pageCacheBytes must be a non-negative integer, got ${cacheBytes}`);
    }
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      throw new BoltIoError(path, 'open', error);
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new BoltIoError(path, 'open', new Error('it is not a regular file'));
      const fileSize = stat.size;
      if (fileSize < META_PAGE_BYTES) {
        throw new BoltFormatError(path, `the file has only ${fileSize} bytes, too few for a bbolt meta page`);
      }
      const chosen = selectMeta((position, length) => readAt(fd, path, position, length));
      if (!chosen.ok) throw new BoltFormatError(path, chosen.problem);
      const { pageSize, pageCount, rootPage, txid } = chosen.meta;
      if (pageCount * pageSize > fileSize) {
        throw new BoltFormatError(
          path,
          `the file is truncated: it has ${fileSize} bytes but its meta page says ${pageCount} pages of ` +
            `${pageSize} bytes are in use`,
        );
      }
      const pages = new PageReader(fd, path, pageSize, fileSize, pageCount, cacheBytes);
      return new BoltDb(pages, txid, rootPage);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** The root bucket; the database's top-level buckets are its nested buckets. */
  root(): BoltBucket {
    return new BoltBucket(this.#pages, { pageId: this.#rootPage }, [this.#rootPage]);
  }

  cacheStats(): CacheStats {
    return this.#pages.cacheStats();
  }

  /** Pages read from disk so far, by kind (cache misses only). */
  pageLoadStats(): PageLoadStats {
    return this.#pages.loadStats();
  }

  /** Closes the file and drops the cache. Buffers returned earlier are copies and stay valid; further reads throw. */
  close(): void {
    this.#pages.close();
  }
}

function readAt(fd: number, path: string, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  try {
    while (done < length) {
      const n = readSync(fd, buf, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
  } catch (error) {
    throw new BoltIoError(path, 'read', error);
  }
  return buf.subarray(0, done);
}
