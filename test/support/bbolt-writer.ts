/**
 * Test-only bbolt writer: produces files in bbolt's on-disk format (version 2, little-endian) that Go's bbolt opens
 * and whose `tx.Check()` passes. It builds every B+tree bottom-up from keys given in ascending byte order and streams
 * pages to the file as they fill, so memory stays at a few pages per open bucket level whatever the file size.
 *
 * Layout: pages 0 and 1 are meta pages, page 2 the (empty) freelist unless the freelist is "not persisted",
 * then data pages in the order they are completed. The root bucket's root page is the last one written.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';

const PAGE_HEADER_SIZE = 16;
const ELEMENT_SIZE = 16;
const BUCKET_HEADER_SIZE = 16;
const MAX_KEY_SIZE = 32768;
const MAX_VALUE_SIZE = 2 ** 31 - 2;
const FLAG_BRANCH = 0x01;
const FLAG_LEAF = 0x02;
const FLAG_META = 0x04;
const FLAG_FREELIST = 0x10;
const BUCKET_LEAF_FLAG = 0x01;
const MAGIC = 0xed0cdaed;
const FORMAT_VERSION = 2;
const NO_FREELIST = 0xffff_ffff_ffff_ffffn;
const MAX_TREE_LEVELS = 64;
const CHUNK_BYTES = 4 * 1024 * 1024;

export interface BoltWriterOptions {
  /** Page size in bytes (default 4096). */
  pageSize?: number;
  /** Fraction of a page filled before a new leaf/branch page starts, (0, 1] (default 1: as `bbolt compact` output). */
  fillPercent?: number;
  /** `page`: an empty freelist page (default); `none`: meta.freelist = 0xFFFF… ("not persisted"). */
  freelist?: 'page' | 'none';
  /** Transaction id of the newer meta page (>= 1); the other meta page gets txid - 1 (default 2). */
  txid?: number;
}

export interface BucketOptions {
  /** `false` forces a page-rooted bucket even when it would fit inline. */
  inline?: boolean;
  /** The bucket's sequence number (stored in the bucket header). */
  sequence?: number;
}

/** What was written; tests assert on these to prove a shape (inline buckets, branch levels, overflow) was exercised. */
export interface BoltWriteSummary {
  path: string;
  pageSize: number;
  /** meta.pgid: the high-water mark (file size / page size). */
  pageCount: number;
  fileSize: number;
  txid: number;
  leafPages: number;
  branchPages: number;
  /** Extra pages taken by leaf or branch pages larger than one page. */
  overflowPages: number;
  inlineBuckets: number;
  pageBuckets: number;
  /** Deepest tree height seen in any bucket (1 = a single leaf page). */
  maxTreeHeight: number;
  /** Key/value pairs written (bucket entries not included). */
  values: number;
}

export class BoltWriterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoltWriterError';
  }
}

interface Element {
  key: Buffer;
  value: Buffer;
  flags: number;
}

interface BranchElement {
  key: Buffer;
  pgid: number;
}

function toBuffer(bytes: Uint8Array | string): Buffer {
  if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8');
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function leafElementSize(element: Element): number {
  return ELEMENT_SIZE + element.key.length + element.value.length;
}

/** Appends pages to the file in pgid order through a fixed-size chunk buffer. */
class PageSink {
  readonly pageSize: number;
  private readonly fd: number;
  private nextPgid: number;
  private chunk: Buffer;
  private chunkUsed = 0;
  private chunkStartPgid: number;

  constructor(fd: number, pageSize: number, firstPgid: number) {
    this.fd = fd;
    this.pageSize = pageSize;
    this.nextPgid = firstPgid;
    this.chunkStartPgid = firstPgid;
    this.chunk = Buffer.alloc(Math.max(CHUNK_BYTES, pageSize));
  }

  get highWaterMark(): number {
    return this.nextPgid;
  }

  /** Reserves `count` contiguous zeroed pages and returns their pgid and the bytes to fill. */
  reserve(count: number): { pgid: number; bytes: Buffer } {
    const length = count * this.pageSize;
    if (this.chunkUsed + length > this.chunk.length) this.flush();
    if (length > this.chunk.length) this.chunk = Buffer.alloc(length);
    const pgid = this.nextPgid;
    const bytes = this.chunk.subarray(this.chunkUsed, this.chunkUsed + length);
    this.chunkUsed += length;
    this.nextPgid += count;
    return { pgid, bytes };
  }

  flush(): void {
    let written = 0;
    while (written < this.chunkUsed) {
      written += writeSync(
        this.fd,
        this.chunk,
        written,
        this.chunkUsed - written,
        this.chunkStartPgid * this.pageSize + written,
      );
    }
    this.chunk.fill(0, 0, this.chunkUsed);
    this.chunkUsed = 0;
    this.chunkStartPgid = this.nextPgid;
  }
}

function writePageHeader(bytes: Buffer, pgid: number, flags: number, count: number, overflow: number): void {
  bytes.writeBigUInt64LE(BigInt(pgid), 0);
  bytes.writeUInt16LE(flags, 8);
  bytes.writeUInt16LE(count, 10);
  bytes.writeUInt32LE(overflow, 12);
}

/** Writes leaf elements and their data after a page header that starts at `base`. */
function encodeLeafElements(bytes: Buffer, base: number, elements: readonly Element[]): void {
  let data = base + PAGE_HEADER_SIZE + ELEMENT_SIZE * elements.length;
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i]!;
    const address = base + PAGE_HEADER_SIZE + ELEMENT_SIZE * i;
    bytes.writeUInt32LE(element.flags, address);
    bytes.writeUInt32LE(data - address, address + 4);
    bytes.writeUInt32LE(element.key.length, address + 8);
    bytes.writeUInt32LE(element.value.length, address + 12);
    element.key.copy(bytes, data);
    data += element.key.length;
    element.value.copy(bytes, data);
    data += element.value.length;
  }
}

function checkCount(count: number): void {
  if (count > 0xffff) throw new BoltWriterError(`a page cannot hold ${count} elements (max 65535)`);
}

/** Builds one bucket's B+tree bottom-up: a pending leaf page plus one pending branch page per level above it. */
class TreeBuilder {
  private readonly sink: PageSink;
  private readonly summary: BoltWriteSummary;
  private readonly threshold: number;
  private leaf: Element[] = [];
  private leafSize = PAGE_HEADER_SIZE;
  private readonly levels: { elements: BranchElement[]; size: number; flushed: boolean }[] = [];
  private leafFlushed = false;

  constructor(sink: PageSink, summary: BoltWriteSummary, fillPercent: number) {
    this.sink = sink;
    this.summary = summary;
    this.threshold = Math.max(PAGE_HEADER_SIZE + ELEMENT_SIZE, Math.floor(sink.pageSize * fillPercent));
  }

  add(element: Element): void {
    const size = leafElementSize(element);
    if (this.leaf.length > 0 && this.leafSize + size > this.threshold) this.flushLeaf();
    this.leaf.push(element);
    this.leafSize += size;
  }

  /** Writes every pending page and returns the pgid of the tree's root page. */
  finish(): number {
    if (!this.leafFlushed) {
      this.summary.maxTreeHeight = Math.max(this.summary.maxTreeHeight, 1);
      return this.writeLeaf();
    }
    if (this.leaf.length > 0) this.flushLeaf();
    for (let level = 0; ; level++) {
      const pending = this.levels[level]!;
      const isTop = level === this.levels.length - 1;
      if (isTop && !pending.flushed) {
        this.summary.maxTreeHeight = Math.max(
          this.summary.maxTreeHeight,
          level + (pending.elements.length > 1 ? 2 : 1),
        );
        return pending.elements.length === 1 ? pending.elements[0]!.pgid : this.writeBranch(pending.elements);
      }
      if (pending.elements.length > 0) this.flushBranch(level);
    }
  }

  private flushLeaf(): void {
    const first = this.leaf[0]!.key;
    const pgid = this.writeLeaf();
    this.leafFlushed = true;
    this.leaf = [];
    this.leafSize = PAGE_HEADER_SIZE;
    this.addBranchElement(0, { key: first, pgid });
  }

  private writeLeaf(): number {
    checkCount(this.leaf.length);
    const pages = Math.max(1, Math.ceil(this.leafSize / this.sink.pageSize));
    const { pgid, bytes } = this.sink.reserve(pages);
    writePageHeader(bytes, pgid, FLAG_LEAF, this.leaf.length, pages - 1);
    encodeLeafElements(bytes, 0, this.leaf);
    this.summary.leafPages++;
    this.summary.overflowPages += pages - 1;
    return pgid;
  }

  private addBranchElement(level: number, element: BranchElement): void {
    let pending = this.levels[level];
    if (!pending) {
      if (level >= MAX_TREE_LEVELS) throw new BoltWriterError(`B+tree deeper than ${MAX_TREE_LEVELS} levels`);
      pending = { elements: [], size: PAGE_HEADER_SIZE, flushed: false };
      this.levels.push(pending);
    }
    const size = ELEMENT_SIZE + element.key.length;
    // At least two children per branch page (bbolt's minKeysPerPage), so each level is at most half the one below.
    if (pending.elements.length >= 2 && pending.size + size > this.threshold) this.flushBranch(level);
    pending.elements.push(element);
    pending.size += size;
  }

  private flushBranch(level: number): void {
    const pending = this.levels[level]!;
    const first = pending.elements[0]!.key;
    const pgid = this.writeBranch(pending.elements);
    pending.elements = [];
    pending.size = PAGE_HEADER_SIZE;
    pending.flushed = true;
    this.addBranchElement(level + 1, { key: first, pgid });
  }

  private writeBranch(elements: readonly BranchElement[]): number {
    checkCount(elements.length);
    let size = PAGE_HEADER_SIZE + ELEMENT_SIZE * elements.length;
    for (const element of elements) size += element.key.length;
    const pages = Math.ceil(size / this.sink.pageSize);
    const { pgid, bytes } = this.sink.reserve(pages);
    writePageHeader(bytes, pgid, FLAG_BRANCH, elements.length, pages - 1);
    let data = PAGE_HEADER_SIZE + ELEMENT_SIZE * elements.length;
    for (let i = 0; i < elements.length; i++) {
      const element = elements[i]!;
      const address = PAGE_HEADER_SIZE + ELEMENT_SIZE * i;
      bytes.writeUInt32LE(data - address, address);
      bytes.writeUInt32LE(element.key.length, address + 4);
      bytes.writeBigUInt64LE(BigInt(element.pgid), address + 8);
      element.key.copy(bytes, data);
      data += element.key.length;
    }
    this.summary.branchPages++;
    this.summary.overflowPages += pages - 1;
    return pgid;
  }
}

/**
 * One open bucket. It buffers entries while the bucket could still be stored inline (no sub-buckets and
 * header + elements ≤ pageSize/4, bbolt's rule) and switches to a page-rooted tree as soon as it cannot.
 */
class BucketFrame {
  readonly name: Buffer;
  readonly sequence: number;
  private readonly inlineLimit: number;
  private buffered: Element[] | undefined = [];
  private bufferedSize = PAGE_HEADER_SIZE;
  private tree: TreeBuilder | undefined;
  private lastKey: Buffer | undefined;
  private readonly newTree: () => TreeBuilder;

  constructor(name: Buffer, options: BucketOptions, inlineLimit: number, newTree: () => TreeBuilder) {
    this.name = name;
    this.sequence = options.sequence ?? 0;
    this.inlineLimit = inlineLimit;
    this.newTree = newTree;
    if (options.inline === false) this.toTree();
  }

  /** Checks that `key` sorts after every key already in this bucket and records it. */
  claimKey(key: Buffer): void {
    if (key.length === 0) throw new BoltWriterError(`empty key in bucket ${describeKey(this.name)}`);
    if (key.length > MAX_KEY_SIZE) {
      throw new BoltWriterError(`key of ${key.length} bytes exceeds bbolt's ${MAX_KEY_SIZE}-byte limit`);
    }
    if (this.lastKey && Buffer.compare(this.lastKey, key) >= 0) {
      throw new BoltWriterError(
        `keys must be unique and ascending in bucket ${describeKey(this.name)}: ${describeKey(key)} after ${describeKey(this.lastKey)}`,
      );
    }
    this.lastKey = key;
  }

  add(element: Element): void {
    if (element.flags & BUCKET_LEAF_FLAG) this.toTree();
    if (this.buffered) {
      this.buffered.push(element);
      this.bufferedSize += leafElementSize(element);
      if (this.bufferedSize > this.inlineLimit) this.toTree();
    } else {
      this.tree!.add(element);
    }
  }

  /** Ends the bucket: the value stored under its name in the parent (bucket header + inline page, or header only). */
  finish(summary: BoltWriteSummary): Buffer {
    if (this.buffered) {
      const value = Buffer.alloc(BUCKET_HEADER_SIZE + this.bufferedSize);
      value.writeBigUInt64LE(0n, 0);
      value.writeBigUInt64LE(BigInt(this.sequence), 8);
      writePageHeader(value.subarray(BUCKET_HEADER_SIZE), 0, FLAG_LEAF, this.buffered.length, 0);
      encodeLeafElements(value, BUCKET_HEADER_SIZE, this.buffered);
      summary.inlineBuckets++;
      return value;
    }
    const root = this.tree!.finish();
    summary.pageBuckets++;
    return bucketHeader(root, this.sequence);
  }

  /** The root bucket (created with `inline: false`): its root page id. */
  finishRoot(): number {
    return this.tree!.finish();
  }

  private toTree(): void {
    if (!this.buffered) return;
    this.tree = this.newTree();
    for (const element of this.buffered) this.tree.add(element);
    this.buffered = undefined;
  }
}

function bucketHeader(root: number, sequence: number): Buffer {
  const value = Buffer.alloc(BUCKET_HEADER_SIZE);
  value.writeBigUInt64LE(BigInt(root), 0);
  value.writeBigUInt64LE(BigInt(sequence), 8);
  return value;
}

function describeKey(key: Buffer): string {
  const text = key.subarray(0, 64).toString('utf8');
  return /^[\x20-\x7e]*$/.test(text) ? JSON.stringify(text) : `0x${key.subarray(0, 32).toString('hex')}`;
}

/** FNV-1a 64 over the meta struct's first 56 bytes (bbolt's meta checksum). */
export function fnv1a64(bytes: Uint8Array): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffff_ffff_ffff_ffffn;
  }
  return hash;
}

/**
 * Streaming writer. Call `beginBucket`/`put`/`endBucket` in ascending key order within each bucket, then `finish`.
 * The root level holds only buckets (as in bbolt). On any error call `abort` to close and delete the partial file.
 */
export class BoltFileWriter {
  readonly path: string;
  private readonly fd: number;
  private readonly sink: PageSink;
  private readonly options: Required<BoltWriterOptions>;
  private readonly stack: BucketFrame[];
  private readonly summary: BoltWriteSummary;
  private finished = false;

  private constructor(path: string, fd: number, options: Required<BoltWriterOptions>) {
    this.path = path;
    this.fd = fd;
    this.options = options;
    this.sink = new PageSink(fd, options.pageSize, options.freelist === 'page' ? 3 : 2);
    this.summary = {
      path,
      pageSize: options.pageSize,
      pageCount: 0,
      fileSize: 0,
      txid: options.txid,
      leafPages: 0,
      branchPages: 0,
      overflowPages: 0,
      inlineBuckets: 0,
      pageBuckets: 0,
      maxTreeHeight: 0,
      values: 0,
    };
    this.stack = [this.newFrame(Buffer.alloc(0), { inline: false })];
  }

  static create(path: string, options: BoltWriterOptions = {}): BoltFileWriter {
    const resolved: Required<BoltWriterOptions> = {
      pageSize: options.pageSize ?? 4096,
      fillPercent: options.fillPercent ?? 1,
      freelist: options.freelist ?? 'page',
      txid: options.txid ?? 2,
    };
    const { pageSize, fillPercent, txid } = resolved;
    if (
      !Number.isInteger(pageSize) ||
      pageSize < 1024 ||
      pageSize > 65536 ||
      (pageSize & (pageSize - 1)) !== 0
    ) {
      throw new BoltWriterError(`page size must be a power of two between 1024 and 65536, got ${pageSize}`);
    }
    if (!(fillPercent > 0 && fillPercent <= 1)) {
      throw new BoltWriterError(`fillPercent must be in (0, 1], got ${fillPercent}`);
    }
    if (!Number.isSafeInteger(txid) || txid < 1) throw new BoltWriterError(`txid must be >= 1, got ${txid}`);
    return new BoltFileWriter(path, openSync(path, 'w'), resolved);
  }

  /** Nesting depth: 0 at the root level. */
  get depth(): number {
    return this.stack.length - 1;
  }

  beginBucket(name: Uint8Array | string, options: BucketOptions = {}): void {
    this.assertOpen();
    const key = toBuffer(name);
    this.current().claimKey(key);
    this.stack.push(this.newFrame(key, options));
  }

  endBucket(): void {
    this.assertOpen();
    if (this.stack.length === 1) throw new BoltWriterError('endBucket() without a matching beginBucket()');
    const frame = this.stack.pop()!;
    const value = frame.finish(this.summary);
    this.current().add({ key: frame.name, value, flags: BUCKET_LEAF_FLAG });
  }

  put(key: Uint8Array | string, value: Uint8Array | string): void {
    this.assertOpen();
    if (this.stack.length === 1)
      throw new BoltWriterError('the root bucket holds only buckets: call beginBucket() first');
    const keyBytes = toBuffer(key);
    const valueBytes = toBuffer(value);
    if (valueBytes.length > MAX_VALUE_SIZE)
      throw new BoltWriterError(`value of ${valueBytes.length} bytes is too large`);
    this.current().claimKey(keyBytes);
    this.current().add({ key: keyBytes, value: valueBytes, flags: 0 });
    this.summary.values++;
  }

  /** Closes open buckets' trees, writes the freelist and both meta pages, and closes the file. */
  finish(): BoltWriteSummary {
    this.assertOpen();
    if (this.stack.length !== 1)
      throw new BoltWriterError(`${this.stack.length - 1} bucket(s) still open at finish()`);
    try {
      const root = this.stack[0]!.finishRoot();
      this.sink.flush();
      const pageCount = this.sink.highWaterMark;
      const { pageSize, txid } = this.options;
      const head = Buffer.alloc(pageSize * 3);
      const freelistPgid = this.options.freelist === 'page' ? 2n : NO_FREELIST;
      for (const metaTxid of [txid, txid - 1]) {
        const page = head.subarray((metaTxid % 2) * pageSize, (metaTxid % 2) * pageSize + pageSize);
        writePageHeader(page, metaTxid % 2, FLAG_META, 0, 0);
        const meta = page.subarray(PAGE_HEADER_SIZE, PAGE_HEADER_SIZE + 64);
        meta.writeUInt32LE(MAGIC, 0);
        meta.writeUInt32LE(FORMAT_VERSION, 4);
        meta.writeUInt32LE(pageSize, 8);
        meta.writeUInt32LE(0, 12);
        meta.writeBigUInt64LE(BigInt(root), 16);
        meta.writeBigUInt64LE(0n, 24);
        meta.writeBigUInt64LE(freelistPgid, 32);
        meta.writeBigUInt64LE(BigInt(pageCount), 40);
        meta.writeBigUInt64LE(BigInt(metaTxid), 48);
        meta.writeBigUInt64LE(fnv1a64(meta.subarray(0, 56)), 56);
      }
      let headLength = 2 * pageSize;
      if (this.options.freelist === 'page') {
        writePageHeader(head.subarray(2 * pageSize), 2, FLAG_FREELIST, 0, 0);
        headLength = 3 * pageSize;
      }
      let written = 0;
      while (written < headLength)
        written += writeSync(this.fd, head, written, headLength - written, written);
      this.summary.pageCount = pageCount;
      this.summary.fileSize = pageCount * pageSize;
      this.finished = true;
      closeSync(this.fd);
      return { ...this.summary };
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /** Closes and deletes the partial file. Safe to call more than once. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    closeSync(this.fd);
    rmSync(this.path, { force: true });
  }

  private current(): BucketFrame {
    return this.stack[this.stack.length - 1]!;
  }

  private newFrame(name: Buffer, options: BucketOptions): BucketFrame {
    return new BucketFrame(
      name,
      options,
      this.options.pageSize / 4,
      () => new TreeBuilder(this.sink, this.summary, this.options.fillPercent),
    );
  }

  private assertOpen(): void {
    if (this.finished) throw new BoltWriterError('the writer is already finished');
  }
}

/** A bucket in a tree given to `writeBoltTree`, with options (a plain object or Map is a bucket with defaults). */
export class BoltTreeBucket {
  readonly entries: BoltTree;
  readonly options: BucketOptions;

  constructor(entries: BoltTree, options: BucketOptions = {}) {
    this.entries = entries;
    this.options = options;
  }
}

export type BoltTreeValue = string | Uint8Array | BoltTree | BoltTreeBucket;
/** Nested buckets; keys in any order (they are sorted by bytes). String keys are UTF-8. */
export type BoltTree = Map<string | Uint8Array, BoltTreeValue> | { [key: string]: BoltTreeValue };

function sortedEntries(tree: BoltTree): [Buffer, BoltTreeValue][] {
  const entries: [Buffer, BoltTreeValue][] = [];
  const source = tree instanceof Map ? tree.entries() : Object.entries(tree);
  for (const [key, value] of source) entries.push([toBuffer(key), value]);
  return entries.sort((a, b) => Buffer.compare(a[0], b[0]));
}

function writeTreeEntries(writer: BoltFileWriter, tree: BoltTree): void {
  for (const [key, value] of sortedEntries(tree)) {
    if (typeof value === 'string' || value instanceof Uint8Array) {
      writer.put(key, value);
    } else if (value instanceof BoltTreeBucket) {
      writer.beginBucket(key, value.options);
      writeTreeEntries(writer, value.entries);
      writer.endBucket();
    } else {
      writer.beginBucket(key);
      writeTreeEntries(writer, value);
      writer.endBucket();
    }
  }
}

/** Writes a small in-memory tree of buckets to a bbolt file (for fixtures; use BoltFileWriter to stream big ones). */
export function writeBoltTree(
  path: string,
  tree: BoltTree,
  options: BoltWriterOptions = {},
): BoltWriteSummary {
  const writer = BoltFileWriter.create(path, options);
  try {
    writeTreeEntries(writer, tree);
    return writer.finish();
  } catch (error) {
    writer.abort();
    throw error;
  }
}
