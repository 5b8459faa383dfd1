/**
 * A deliberately naive bbolt page parser for tests: it finds byte offsets in a whole-file Buffer so that corruption
 * tests can flip exactly the field they mean to, without going through the reader under test.
 */
export interface RawLeafElement {
  /** Byte offset of the 16-byte element header in the file. */
  offset: number;
  flags: number;
  pos: number;
  ksize: number;
  vsize: number;
  key: Buffer;
  /** Byte offset of the value in the file. */
  valueOffset: number;
}

export interface RawBranchElement {
  offset: number;
  key: Buffer;
  child: number;
}

export class RawBolt {
  readonly buf: Buffer;
  readonly pageSize: number;

  constructor(buf: Buffer) {
    this.buf = buf;
    this.pageSize = buf.readUInt32LE(16 + 8);
  }

  metaOffset(which: 0 | 1): number {
    return which * this.pageSize + 16;
  }

  meta(which: 0 | 1): { root: number; freelist: bigint; pgid: number; txid: number } {
    const at = this.metaOffset(which);
    return {
      root: Number(this.buf.readBigUInt64LE(at + 16)),
      freelist: this.buf.readBigUInt64LE(at + 32),
      pgid: Number(this.buf.readBigUInt64LE(at + 40)),
      txid: Number(this.buf.readBigUInt64LE(at + 48)),
    };
  }

  /** The meta with the higher txid (what a reader should pick when both are valid). */
  current(): { which: 0 | 1; root: number; pgid: number; txid: number; freelist: bigint } {
    const m0 = this.meta(0);
    const m1 = this.meta(1);
    return m1.txid > m0.txid ? { which: 1, ...m1 } : { which: 0, ...m0 };
  }

  pageOffset(id: number): number {
    return id * this.pageSize;
  }

  header(id: number): { flags: number; count: number; overflow: number } {
    const at = this.pageOffset(id);
    return {
      flags: this.buf.readUInt16LE(at + 8),
      count: this.buf.readUInt16LE(at + 10),
      overflow: this.buf.readUInt32LE(at + 12),
    };
  }

  /** Leaf elements of a page image starting at byte `pageAt` (a page, or an inline bucket's embedded page). */
  leafElementsAt(pageAt: number): RawLeafElement[] {
    const count = this.buf.readUInt16LE(pageAt + 10);
    const out: RawLeafElement[] = [];
    for (let i = 0; i < count; i++) {
      const offset = pageAt + 16 + 16 * i;
      const pos = this.buf.readUInt32LE(offset + 4);
      const ksize = this.buf.readUInt32LE(offset + 8);
      const vsize = this.buf.readUInt32LE(offset + 12);
      out.push({
        offset,
        flags: this.buf.readUInt32LE(offset),
        pos,
        ksize,
        vsize,
        key: this.buf.subarray(offset + pos, offset + pos + ksize),
        valueOffset: offset + pos + ksize,
      });
    }
    return out;
  }

  leafElements(id: number): RawLeafElement[] {
    return this.leafElementsAt(this.pageOffset(id));
  }

  branchElements(id: number): RawBranchElement[] {
    const { count } = this.header(id);
    const out: RawBranchElement[] = [];
    for (let i = 0; i < count; i++) {
      const offset = this.pageOffset(id) + 16 + 16 * i;
      const pos = this.buf.readUInt32LE(offset);
      const ksize = this.buf.readUInt32LE(offset + 4);
      out.push({
        offset,
        key: this.buf.subarray(offset + pos, offset + pos + ksize),
        child: Number(this.buf.readBigUInt64LE(offset + 8)),
      });
    }
    return out;
  }

  /** Page ids from `root` down to the leaf that would hold `key`. */
  pathTo(root: number, key: Buffer): number[] {
    const path = [root];
    for (let id = root; this.header(id).flags === 0x01;) {
      const elements = this.branchElements(id);
      let chosen = elements[0]!;
      for (const element of elements) if (Buffer.compare(element.key, key) <= 0) chosen = element;
      id = chosen.child;
      path.push(id);
    }
    return path;
  }

  /** The root leaf's element for top-level bucket `name`. */
  topLevelBucket(name: string): RawLeafElement {
    const root = this.current().root;
    const leaf = this.pathTo(root, Buffer.from(name)).at(-1)!;
    const element = this.leafElements(leaf).find((e) => e.key.toString() === name);
    if (element === undefined) throw new Error(`no top-level bucket ${name}`);
    return element;
  }
}
