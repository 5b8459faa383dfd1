/**
 * rpm's NDB package database (`Packages.db`, SUSE since 15 SP3): little-endian. A 32-byte file header (`RpmP`
 * magic, version, generation, slot page count, next package index), then slot pages of 16-byte slots
 * (`Slot` magic, package index, block offset, block count; index 0 = free). A slot points at a blob in 16-byte
 * blocks: 16-byte head (`BlbS` magic, package index, generation, length), the header blob, padding, and a
 * 12-byte tail (adler32, length, `BlbE` magic).
 */
const fileMagic = 0x506d7052; // 'RpmP'
const slotMagic = 0x746f6c53; // 'Slot'
const blobHeadMagic = 0x53626c42; // 'BlbS'
const pageSize = 4096;
const slotSize = 16;
const blockSize = 16;
const fileHeaderSize = 32;
const blobHeadSize = 16;
const blobTailSize = 12;

export class NdbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NdbError';
  }
}

export function* ndbBlobs(file: Buffer): Generator<Buffer> {
  if (file.length < fileHeaderSize) throw new NdbError('file is too small to be an NDB package database');
  if (file.readUInt32LE(0) !== fileMagic) throw new NdbError('not an NDB package database (bad magic)');
  const version = file.readUInt32LE(4);
  if (version !== 0) throw new NdbError(`unsupported NDB version ${version}`);
  const slotPages = file.readUInt32LE(12);
  const slotAreaEnd = slotPages * pageSize;
  if (slotPages === 0 || slotAreaEnd > file.length) {
    throw new NdbError(`${slotPages} slot pages do not fit in a ${file.length}-byte file`);
  }
  // Blobs never overlap, so together they cannot exceed the file: a budget that keeps slots which all point at
  // the same large blob from turning one file into gigabytes of copies.
  let budget = file.length - slotAreaEnd;
  for (let at = fileHeaderSize; at + slotSize <= slotAreaEnd; at += slotSize) {
    if (file.readUInt32LE(at) !== slotMagic) throw new NdbError(`slot at ${at} has a bad magic`);
    const packageIndex = file.readUInt32LE(at + 4);
    if (packageIndex === 0) continue;
    const blockOffset = file.readUInt32LE(at + 8);
    const blockCount = file.readUInt32LE(at + 12);
    budget -= blockCount * blockSize;
    if (budget < 0) throw new NdbError('slots claim more blob space than the file holds (overlapping blobs)');
    yield readBlob(file, packageIndex, blockOffset * blockSize, blockCount * blockSize, slotAreaEnd);
  }
}

function readBlob(
  file: Buffer,
  packageIndex: number,
  start: number,
  size: number,
  slotAreaEnd: number,
): Buffer {
  if (start < slotAreaEnd || size < blobHeadSize + blobTailSize || start + size > file.length) {
    throw new NdbError(`package ${packageIndex}: blob at ${start} (${size} bytes) is outside the data area`);
  }
  if (file.readUInt32LE(start) !== blobHeadMagic)
    throw new NdbError(`package ${packageIndex}: bad blob magic`);
  if (file.readUInt32LE(start + 4) !== packageIndex) {
    throw new NdbError(`package ${packageIndex}: blob belongs to package ${file.readUInt32LE(start + 4)}`);
  }
  const length = file.readUInt32LE(start + 12);
  if (blobHeadSize + length + blobTailSize > size) {
    throw new NdbError(`package ${packageIndex}: blob length ${length} exceeds its ${size}-byte slot`);
  }
  return Buffer.from(file.subarray(start + blobHeadSize, start + blobHeadSize + length));
}
