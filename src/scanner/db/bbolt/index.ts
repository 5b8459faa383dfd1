export { BoltDb, DEFAULT_PAGE_CACHE_BYTES, type BoltOpenOptions } from './db.ts';
export { BoltBucket } from './bucket.ts';
export { BoltCursor, type BoltEntry } from './cursor.ts';
export { BoltFormatError, BoltIoError } from './errors.ts';
export type { CacheStats, PageLoadStats } from './page-reader.ts';
