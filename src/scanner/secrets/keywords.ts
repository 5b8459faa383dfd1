/**
 * Case-insensitive multi-keyword search (Aho-Corasick compiled to a dense DFA over byte classes). One pass over
 * a chunk tells which of ~150 keywords occur, so a rule's regex only runs where its keyword does: this is what
 * makes a hundred regexes affordable on large files. ASCII letters are folded; other bytes compare exactly.
 */
export class KeywordSet {
  readonly keywords: readonly string[];
  readonly #byteClass = new Uint8Array(256);
  readonly #classCount: number;
  /** Transitions, stored as the target's row offset (state × classes) so the hot loop needs no multiply. */
  readonly #next: Int32Array;
  /** Non-zero at the row offset of every state that completes a keyword. */
  readonly #terminal: Uint8Array;
  /** For each state, the keyword indexes it completes (own and via suffix links), as [start, end) into #outputs. */
  readonly #outputStart: Int32Array;
  readonly #outputEnd: Int32Array;
  readonly #outputs: Int32Array;

  /** Keywords are matched on their UTF-8 bytes; non-ASCII keywords also match their upper/lower-case forms. */
  constructor(keywords: readonly string[]) {
    this.keywords = keywords;
    const patterns: { bytes: Uint8Array; keyword: number }[] = [];
    keywords.forEach((keyword, index) => {
      const variants = new Set([keyword.toLowerCase(), keyword.toUpperCase(), keyword]);
      for (const v of variants) {
        const bytes = Buffer.from(v, 'utf8');
        if (bytes.length > 0) patterns.push({ bytes: foldAscii(bytes), keyword: index });
      }
    });

    // Byte classes: every byte used by a keyword gets its own class (after folding); all others share class 0.
    let classes = 1;
    const classOfFolded = new Uint8Array(256);
    for (const p of patterns) {
      for (const b of p.bytes) if (classOfFolded[b] === 0) classOfFolded[b] = classes++;
    }
    for (let b = 0; b < 256; b++) this.#byteClass[b] = classOfFolded[foldByte(b)]!;
    this.#classCount = classes;

    // Trie.
    const children: Int32Array[] = [new Int32Array(classes).fill(-1)];
    const own: number[][] = [[]];
    for (const p of patterns) {
      let state = 0;
      for (const b of p.bytes) {
        const c = classOfFolded[b]!;
        let child = children[state]![c]!;
        if (child === -1) {
          child = children.length;
          children.push(new Int32Array(classes).fill(-1));
          own.push([]);
          children[state]![c] = child;
        }
        state = child;
      }
      if (!own[state]!.includes(p.keyword)) own[state]!.push(p.keyword);
    }

    // Breadth-first: suffix links, completed DFA transitions, inherited outputs.
    const stateCount = children.length;
    const next = new Int32Array(stateCount * classes);
    const fail = new Int32Array(stateCount);
    const outputs: number[][] = own.map((o) => [...o]);
    const queue: number[] = [];
    for (let c = 0; c < classes; c++) {
      const child = children[0]![c]!;
      if (child === -1) {
        next[c] = 0;
      } else {
        next[c] = child;
        fail[child] = 0;
        queue.push(child);
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      const inherited = outputs[fail[state]!]!;
      for (const k of inherited) if (!outputs[state]!.includes(k)) outputs[state]!.push(k);
      for (let c = 0; c < classes; c++) {
        const child = children[state]![c]!;
        const viaFail = next[fail[state]! * classes + c]!;
        if (child === -1) {
          next[state * classes + c] = viaFail;
        } else {
          next[state * classes + c] = child;
          fail[child] = viaFail;
          queue.push(child);
        }
      }
    }
    for (let i = 0; i < next.length; i++) next[i] = next[i]! * classes;
    this.#next = next;
    this.#terminal = new Uint8Array(stateCount * classes);
    for (let st = 0; st < stateCount; st++) if (outputs[st]!.length > 0) this.#terminal[st * classes] = 1;
    this.#outputStart = new Int32Array(stateCount);
    this.#outputEnd = new Int32Array(stateCount);
    const flat: number[] = [];
    for (let s = 0; s < stateCount; s++) {
      this.#outputStart[s] = flat.length;
      flat.push(...outputs[s]!);
      this.#outputEnd[s] = flat.length;
    }
    this.#outputs = Int32Array.from(flat);
  }

  /** Marks in `found` (indexed like `keywords`) every keyword present in `bytes[start, end)`. */
  scan(bytes: Uint8Array, start: number, end: number, found: Uint8Array): void {
    const next = this.#next;
    const terminal = this.#terminal;
    const byteClass = this.#byteClass;
    const classes = this.#classCount;
    const outputStart = this.#outputStart;
    const outputEnd = this.#outputEnd;
    const outputs = this.#outputs;
    // A state's outputs are recorded once per scan: common keywords ("key") would otherwise be re-marked often.
    const reported = new Uint8Array(outputStart.length);
    let row = 0;
    for (let i = start; i < end; i++) {
      row = next[row + byteClass[bytes[i]!]!]!;
      if (terminal[row] !== 0) {
        const state = (row / classes) | 0;
        if (reported[state] === 0) {
          reported[state] = 1;
          for (let o = outputStart[state]!; o < outputEnd[state]!; o++) found[outputs[o]!] = 1;
        }
      }
    }
  }
}

function foldByte(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
}

function foldAscii(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = foldByte(bytes[i]!);
  return out;
}
