/**
 * Just enough ELF to find a named section and map virtual addresses to file offsets, for reading build metadata
 * that compilers embed in executables (Go build info, cargo-auditable's dependency list). Bounds are checked on every
 * read: a malformed header yields `undefined`, never an out-of-range read.
 */
export interface ElfSection {
  name: string;
  offset: number;
  size: number;
  address: number;
}

export interface ElfFile {
  littleEndian: boolean;
  is64: boolean;
  sections: ElfSection[];
  /** File offset holding the byte at virtual address `address`, if a loadable segment maps it. */
  offsetOf(address: number): number | undefined;
}

const elfMagic = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const maxSectionNameBytes = 4096;

export function isElf(content: Buffer): boolean {
  return content.length >= 64 && content.subarray(0, 4).equals(elfMagic);
}

export function parseElf(content: Buffer): ElfFile | undefined {
  if (!isElf(content)) return undefined;
  const is64 = content[4] === 2;
  const littleEndian = content[5] === 1;
  if (content[4] !== 1 && content[4] !== 2) return undefined;
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  const u16 = (at: number) => view.getUint16(at, littleEndian);
  const u32 = (at: number) => view.getUint32(at, littleEndian);
  const word = (at: number) => (is64 ? Number(view.getBigUint64(at, littleEndian)) : u32(at));
  const fits = (at: number, length: number) => at >= 0 && length >= 0 && at + length <= content.length;

  const programHeaderOffset = word(is64 ? 0x20 : 0x1c);
  const sectionHeaderOffset = word(is64 ? 0x28 : 0x20);
  const programHeaderSize = u16(is64 ? 0x36 : 0x2a);
  const programHeaderCount = u16(is64 ? 0x38 : 0x2c);
  const sectionHeaderSize = u16(is64 ? 0x3a : 0x2e);
  const sectionHeaderCount = u16(is64 ? 0x3c : 0x30);
  const sectionNamesIndex = u16(is64 ? 0x3e : 0x32);

  const segments: { address: number; offset: number; size: number }[] = [];
  if (
    fits(programHeaderOffset, programHeaderSize * programHeaderCount) &&
    programHeaderSize >= (is64 ? 56 : 32)
  ) {
    for (let i = 0; i < programHeaderCount; i++) {
      const at = programHeaderOffset + i * programHeaderSize;
      const type = u32(at);
      if (type !== 1) continue; // PT_LOAD
      segments.push(
        is64
          ? { offset: word(at + 8), address: word(at + 16), size: word(at + 32) }
          : { offset: u32(at + 4), address: u32(at + 8), size: u32(at + 16) },
      );
    }
  }

  const sections: ElfSection[] = [];
  const headerSizeOk = sectionHeaderSize >= (is64 ? 64 : 40);
  if (headerSizeOk && fits(sectionHeaderOffset, sectionHeaderSize * sectionHeaderCount)) {
    const raw: { nameOffset: number; address: number; offset: number; size: number }[] = [];
    for (let i = 0; i < sectionHeaderCount; i++) {
      const at = sectionHeaderOffset + i * sectionHeaderSize;
      raw.push(
        is64
          ? { nameOffset: u32(at), address: word(at + 16), offset: word(at + 24), size: word(at + 32) }
          : { nameOffset: u32(at), address: u32(at + 12), offset: u32(at + 16), size: u32(at + 20) },
      );
    }
    const names = raw[sectionNamesIndex];
    if (names && fits(names.offset, names.size)) {
      for (const section of raw) {
        if (section.nameOffset >= names.size) continue;
        const start = names.offset + section.nameOffset;
        // Searching for each name's NUL up to the table's end would cost sections × table size when the table
        // has none; the names looked up here are short, so a longer one is skipped.
        const limit = Math.min(names.offset + names.size, start + maxSectionNameBytes);
        const end = content.subarray(0, limit).indexOf(0, start);
        if (end < 0) continue;
        sections.push({
          name: content.toString('latin1', start, end),
          offset: section.offset,
          size: section.size,
          address: section.address,
        });
      }
    }
  }

  return {
    littleEndian,
    is64,
    sections,
    offsetOf(address) {
      for (const segment of segments) {
        if (address >= segment.address && address < segment.address + segment.size) {
          const offset = segment.offset + (address - segment.address);
          return offset < content.length ? offset : undefined;
        }
      }
      return undefined;
    },
  };
}

/** The bytes of a named section, if present and inside the file. */
export function sectionContent(content: Buffer, elf: ElfFile, name: string): Buffer | undefined {
  const section = elf.sections.find((candidate) => candidate.name === name);
  if (!section || section.offset + section.size > content.length) return undefined;
  return content.subarray(section.offset, section.offset + section.size);
}
