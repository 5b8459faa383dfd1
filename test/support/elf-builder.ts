/**
 * Test-only: writes a minimal little-endian ELF64 executable image with the given sections, all mapped by one PT_LOAD
 * segment at `baseAddress` (file offset 0 ↔ baseAddress). Enough for readers of embedded build metadata; not runnable.
 */
export const baseAddress = 0x400000;

export interface BuiltElf {
  image: Buffer;
  /** File offset of each section's data, by name. */
  offsets: Map<string, number>;
}

export function buildElf64(sections: { name: string; data: Buffer }[]): BuiltElf {
  const headerSize = 64;
  const programHeaderSize = 56;
  const sectionHeaderSize = 64;
  const names = ['', ...sections.map((section) => section.name), '.shstrtab'];
  const nameOffsets: number[] = [];
  let shstrtab = Buffer.alloc(0);
  for (const name of names) {
    nameOffsets.push(shstrtab.length);
    shstrtab = Buffer.concat([shstrtab, Buffer.from(`${name}\0`, 'latin1')]);
  }

  const offsets = new Map<string, number>();
  const chunks: Buffer[] = [];
  let cursor = headerSize + programHeaderSize;
  const placed: { offset: number; size: number }[] = [];
  for (const section of [...sections.map((s) => s.data), shstrtab]) {
    const padding = (16 - (cursor % 16)) % 16;
    chunks.push(Buffer.alloc(padding));
    cursor += padding;
    placed.push({ offset: cursor, size: section.length });
    chunks.push(section);
    cursor += section.length;
  }
  sections.forEach((section, i) => offsets.set(section.name, placed[i]?.offset ?? 0));
  const sectionHeaderOffset = cursor + ((8 - (cursor % 8)) % 8);
  const sectionCount = names.length;
  const total = sectionHeaderOffset + sectionCount * sectionHeaderSize;
  const image = Buffer.alloc(total);

  image.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  image.writeUInt16LE(2, 16); // ET_EXEC
  image.writeUInt16LE(0x3e, 18); // x86-64
  image.writeUInt32LE(1, 20);
  image.writeBigUInt64LE(BigInt(baseAddress), 24);
  image.writeBigUInt64LE(BigInt(headerSize), 32); // e_phoff
  image.writeBigUInt64LE(BigInt(sectionHeaderOffset), 40); // e_shoff
  image.writeUInt16LE(headerSize, 52);
  image.writeUInt16LE(programHeaderSize, 54);
  image.writeUInt16LE(1, 56);
  image.writeUInt16LE(sectionHeaderSize, 58);
  image.writeUInt16LE(sectionCount, 60);
  image.writeUInt16LE(sectionCount - 1, 62); // .shstrtab is last

  const ph = headerSize;
  image.writeUInt32LE(1, ph); // PT_LOAD
  image.writeUInt32LE(5, ph + 4);
  image.writeBigUInt64LE(0n, ph + 8);
  image.writeBigUInt64LE(BigInt(baseAddress), ph + 16);
  image.writeBigUInt64LE(BigInt(baseAddress), ph + 24);
  image.writeBigUInt64LE(BigInt(total), ph + 32);
  image.writeBigUInt64LE(BigInt(total), ph + 40);

  let at = headerSize + programHeaderSize;
  for (const chunk of chunks) {
    chunk.copy(image, at);
    at += chunk.length;
  }
  for (let i = 1; i < sectionCount; i++) {
    const sh = sectionHeaderOffset + i * sectionHeaderSize;
    const { offset, size } = placed[i - 1] ?? { offset: 0, size: 0 };
    image.writeUInt32LE(nameOffsets[i] ?? 0, sh);
    image.writeUInt32LE(i === sectionCount - 1 ? 3 : 1, sh + 4); // SHT_STRTAB / SHT_PROGBITS
    image.writeBigUInt64LE(BigInt(baseAddress + offset), sh + 16);
    image.writeBigUInt64LE(BigInt(offset), sh + 24);
    image.writeBigUInt64LE(BigInt(size), sh + 32);
  }
  return { image, offsets };
}
