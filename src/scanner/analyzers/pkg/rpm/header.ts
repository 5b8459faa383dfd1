/**
 * RPM header blobs as rpmdb stores them (the on-disk header without its 8-byte magic): big-endian
 * `il` (index entry count) and `dl` (data store length), `il` 16-byte entries `{tag, type, offset, count}`, then the
 * data store. Every offset and length is checked against the blob before it is read.
 */
export const RpmType = {
  null: 0,
  char: 1,
  int8: 2,
  int16: 3,
  int32: 4,
  int64: 5,
  string: 6,
  bin: 7,
  stringArray: 8,
  i18nString: 9,
} as const;

export const RpmTag = {
  sigMd5: 261,
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  vendor: 1011,
  license: 1014,
  arch: 1022,
  oldFilenames: 1027,
  sourceRpm: 1044,
  provideName: 1047,
  requireName: 1049,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
  modularityLabel: 5096,
} as const;

export type HeaderValue = string | string[] | number[] | Buffer;

/** rpm's own limits (HEADER_TAGS_MAX, HEADER_DATA_MAX): anything larger is not a header rpm could have written. */
const maxEntries = 0xffff;
const maxDataLength = 0x0fffffff;
const entrySize = 16;

export class RpmHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RpmHeaderError';
  }
}

const allKnownTags: ReadonlySet<number> = new Set(Object.values(RpmTag));

/**
 * Tag → value for the `wanted` tags. When a tag occurs more than once the last entry wins (entries appended after
 * the immutable region replace it). Only one entry per wanted tag is decoded, so a blob whose entries all point
 * at the same large array costs one decode per wanted tag, not one per entry.
 */
export function parseHeaderBlob(
  blob: Buffer,
  wanted: ReadonlySet<number> = allKnownTags,
): Map<number, HeaderValue> {
  if (blob.length < 8) throw new RpmHeaderError(`header blob of ${blob.length} bytes is too short`);
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il < 1 || il > maxEntries) throw new RpmHeaderError(`header has ${il} index entries`);
  if (dl > maxDataLength) throw new RpmHeaderError(`header data store of ${dl} bytes is too large`);
  const dataStart = 8 + il * entrySize;
  const dataEnd = dataStart + dl;
  if (dataEnd > blob.length) {
    throw new RpmHeaderError(`header needs ${dataEnd} bytes but the blob has ${blob.length}`);
  }
  const lastEntry = new Map<number, number>();
  for (let i = 0; i < il; i++) {
    const tag = blob.readInt32BE(8 + i * entrySize);
    if (wanted.has(tag)) lastEntry.set(tag, 8 + i * entrySize);
  }
  const values = new Map<number, HeaderValue>();
  for (const [tag, at] of lastEntry) {
    const type = blob.readUInt32BE(at + 4);
    const offset = blob.readInt32BE(at + 8);
    const count = blob.readUInt32BE(at + 12);
    if (offset < 0 || offset > dl)
      throw new RpmHeaderError(`tag ${tag}: offset ${offset} outside the data store`);
    if (count > dl) throw new RpmHeaderError(`tag ${tag}: count ${count} larger than the data store`);
    values.set(tag, readValue(blob, dataStart + offset, dataEnd, type, count, tag));
  }
  return values;
}

function readValue(
  blob: Buffer,
  start: number,
  end: number,
  type: number,
  count: number,
  tag: number,
): HeaderValue {
  const need = (bytes: number): void => {
    if (start + bytes > end) throw new RpmHeaderError(`tag ${tag}: value runs past the data store`);
  };
  switch (type) {
    case RpmType.char:
    case RpmType.int8:
    case RpmType.bin:
      need(count);
      return Buffer.from(blob.subarray(start, start + count));
    case RpmType.int16: {
      need(count * 2);
      return Array.from({ length: count }, (_, i) => blob.readUInt16BE(start + i * 2));
    }
    case RpmType.int32: {
      need(count * 4);
      return Array.from({ length: count }, (_, i) => blob.readUInt32BE(start + i * 4));
    }
    case RpmType.int64: {
      need(count * 8);
      return Array.from({ length: count }, (_, i) => Number(blob.readBigUInt64BE(start + i * 8)));
    }
    case RpmType.string:
      return readStrings(blob, start, end, 1, tag)[0] ?? '';
    case RpmType.stringArray:
    case RpmType.i18nString:
      return readStrings(blob, start, end, count, tag);
    case RpmType.null:
      return [];
    default:
      throw new RpmHeaderError(`tag ${tag}: unknown data type ${type}`);
  }
}

function readStrings(blob: Buffer, start: number, end: number, count: number, tag: number): string[] {
  const strings: string[] = [];
  let at = start;
  for (let i = 0; i < count; i++) {
    const nul = blob.indexOf(0, at);
    if (nul === -1 || nul >= end) throw new RpmHeaderError(`tag ${tag}: string is not NUL-terminated`);
    strings.push(blob.toString('utf8', at, nul));
    at = nul + 1;
  }
  return strings;
}
