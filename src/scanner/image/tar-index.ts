import { open, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { UserFacingError } from '../../util/errors.ts';

/** Where one member's data lies inside an uncompressed tar file. */
export interface TarMember {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'link' | 'other';
  linkName?: string;
  offset: number;
  size: number;
}

export class TarIndexError extends UserFacingError {}

const block = 512;
/** Archives with absurd member counts are refused before their index can exhaust memory. */
const maxMembers = 1_000_000;

/**
 * Indexes an uncompressed tar file (a `docker save` or OCI archive) by reading only its 512-byte headers, so each
 * layer inside can later be streamed by offset without reading the whole archive first. Understands ustar
 * prefixes, GNU long names and PAX `path`/`linkpath`/`size` records; verifies each header checksum.
 */
export async function indexTar(path: string): Promise<Map<string, TarMember>> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new TarIndexError(`cannot open ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const { size: fileSize } = await handle.stat();
    const members = new Map<string, TarMember>();
    const header = Buffer.alloc(block);
    let position = 0;
    let longName: string | undefined;
    let longLink: string | undefined;
    let pax: Map<string, string> | undefined;
    for (;;) {
      if (position + block > fileSize) {
        if (position === fileSize) break; // archives written without the two end blocks
        throw new TarIndexError(
          `${path} is truncated: a header at byte ${position} runs past the end of the file`,
        );
      }
      await readExactly(handle, header, position);
      if (header.every((byte) => byte === 0)) break;
      verifyChecksum(header, path, position);
      const typeFlag = String.fromCharCode(header[156] ?? 0);
      const size = pax?.has('size') ? Number(pax.get('size')) : readSize(header, path, position);
      const dataOffset = position + block;
      if (!Number.isSafeInteger(size) || size < 0 || dataOffset + size > fileSize) {
        throw new TarIndexError(
          `${path}: member at byte ${position} declares ${size} bytes, past the end of the file`,
        );
      }
      const next = dataOffset + Math.ceil(size / block) * block;

      if (typeFlag === 'L' || typeFlag === 'K') {
        const text = (await readText(handle, dataOffset, size)).replace(/\0+$/, '');
        if (typeFlag === 'L') longName = text;
        else longLink = text;
      } else if (typeFlag === 'x') {
        pax = parsePax(await readText(handle, dataOffset, size));
      } else if (typeFlag !== 'g') {
        const rawName = pax?.get('path') ?? longName ?? ustarName(header);
        const name = posix.normalize(rawName.replace(/^\.?\/+/, '')).replace(/\/+$/, '');
        const linkName = pax?.get('linkpath') ?? longLink ?? cString(header, 157, 100);
        members.set(name, {
          name,
          type: memberType(typeFlag),
          ...(linkName ? { linkName } : {}),
          offset: dataOffset,
          size,
        });
        if (members.size > maxMembers) throw new TarIndexError(`${path} has more than ${maxMembers} members`);
        longName = undefined;
        longLink = undefined;
        pax = undefined;
      }
      position = next;
    }
    return members;
  } finally {
    await handle.close();
  }
}

async function readExactly(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
  if (bytesRead !== buffer.length) throw new TarIndexError(`short read at byte ${position}`);
}

async function readText(handle: FileHandle, position: number, size: number): Promise<string> {
  if (size > 1024 * 1024) throw new TarIndexError(`a tar extension header of ${size} bytes is too large`);
  const buffer = Buffer.alloc(size);
  await readExactly(handle, buffer, position);
  return buffer.toString('utf8');
}

function cString(header: Buffer, offset: number, length: number): string {
  const field = header.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end < 0 ? length : end);
}

function ustarName(header: Buffer): string {
  const name = cString(header, 0, 100);
  const isUstar = header.toString('latin1', 257, 262) === 'ustar';
  const prefix = isUstar ? cString(header, 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function readSize(header: Buffer, path: string, position: number): number {
  const field = header.subarray(124, 136);
  if (((field[0] ?? 0) & 0x80) !== 0) {
    // GNU base-256 encoding for members of 8 GiB and more.
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text))
    throw new TarIndexError(`${path}: invalid size field in the header at byte ${position}`);
  return parseInt(text, 8);
}

function verifyChecksum(header: Buffer, path: string, position: number): void {
  const stored = parseInt(
    header
      .toString('latin1', 148, 156)
      .replace(/[\0 ]+$/, '')
      .trim(),
    8,
  );
  let sum = 0;
  for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  if (stored !== sum) {
    throw new TarIndexError(
      `${path} is not a tar archive or is corrupt (bad header checksum at byte ${position})`,
      {
        hint: 'pass a `docker save` or OCI archive, uncompressed (gunzip it first if it ends in .gz)',
      },
    );
  }
}

function parsePax(text: string): Map<string, string> {
  const records = new Map<string, string>();
  let cursor = 0;
  while (cursor < text.length) {
    const space = text.indexOf(' ', cursor);
    const length = Number(text.slice(cursor, space));
    // A record's length counts its own digits and space: a shorter one (`0001 `) is corrupt, and following it
    // would rescan the same digits once per byte.
    if (space < 0 || !Number.isInteger(length) || cursor + length <= space + 1) break;
    const record = text.slice(space + 1, cursor + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    cursor += length;
  }
  return records;
}

function memberType(flag: string): TarMember['type'] {
  if (flag === '0' || flag === '\0' || flag === '7') return 'file';
  if (flag === '5') return 'directory';
  if (flag === '2') return 'symlink';
  if (flag === '1') return 'link';
  return 'other';
}
