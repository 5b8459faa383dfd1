import fc from 'fast-check';

/**
 * Structure-aware mutations of valid seed files, as fast-check arbitraries (so failures shrink to few edits).
 * Binary edits write the integers parsers trust (sizes, counts, offsets) at positions biased towards headers, and
 * insert, delete, duplicate or splice byte ranges; text edits work on lines and `key: value` fields: repeat a line
 * hundreds of times, give a field an absurd value, drop or reorder lines. Both keep most of the seed intact, so the
 * parser gets past its magic numbers and checksums-free framing and meets the damage deep inside.
 */

type BinaryEdit =
  | { kind: 'int'; at: number; value: number; width: 1 | 2 | 4 | 8; bigEndian: boolean }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'repeat'; from: number; length: number; times: number }
  | { kind: 'splice'; at: number; donor: number; from: number }
  | { kind: 'truncate'; at: number };

/** Values that sit on the edges parsers get wrong: zero, one, sign bits, all ones, page and block sizes. */
const interestingInts = [
  0, 1, 2, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 511, 512, 1023, 1024, 4095, 4096, 0x7fff, 0x8000,
  0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];

/** Positions: mostly anywhere, often within the first bytes where headers live. */
const position = fc.oneof(
  { weight: 2, arbitrary: fc.nat({ max: 63 }) },
  { weight: 1, arbitrary: fc.nat({ max: 1023 }) },
  { weight: 3, arbitrary: fc.nat() },
);

const binaryEdit: fc.Arbitrary<BinaryEdit> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('int' as const),
      at: position,
      value: fc.oneof(fc.constantFrom(...interestingInts), fc.nat()),
      width: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
      bigEndian: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat(7) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: position,
      bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      at: position,
      length: fc.integer({ min: 1, max: 256 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('repeat' as const),
      from: position,
      length: fc.integer({ min: 1, max: 512 }),
      times: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 9, max: 200 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('splice' as const),
      at: position,
      donor: fc.nat(),
      from: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
);

function writeInt(out: Buffer, edit: Extract<BinaryEdit, { kind: 'int' }>): void {
  const { value, width, bigEndian } = edit;
  if (out.length < width) return;
  const at = edit.at % (out.length - width + 1);
  if (width === 1) out[at] = value & 0xff;
  else if (width === 2) (bigEndian ? out.writeUInt16BE : out.writeUInt16LE).call(out, value & 0xffff, at);
  else if (width === 4) (bigEndian ? out.writeUInt32BE : out.writeUInt32LE).call(out, value >>> 0, at);
  else (bigEndian ? out.writeBigUInt64BE : out.writeBigUInt64LE).call(out, BigInt(value), at);
}

/** Applies edits in order; positions wrap around the current length, so every edit lands somewhere. */
export function applyBinaryEdits(
  seed: Buffer,
  edits: readonly BinaryEdit[],
  donors: readonly Buffer[],
): Buffer {
  let out = Buffer.from(seed);
  for (const edit of edits) {
    const at = out.length === 0 ? 0 : ('at' in edit ? edit.at : 0) % (out.length + 1);
    switch (edit.kind) {
      case 'int':
        writeInt(out, edit);
        break;
      case 'flip':
        if (out.length > 0) out[at % out.length] = (out[at % out.length] ?? 0) ^ (1 << edit.bit);
        break;
      case 'insert':
        out = Buffer.concat([out.subarray(0, at), edit.bytes, out.subarray(at)]);
        break;
      case 'delete':
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + edit.length)]);
        break;
      case 'repeat': {
        if (out.length === 0) break;
        const from = edit.from % out.length;
        const piece = out.subarray(from, from + edit.length);
        const copies = Array.from({ length: edit.times }, () => piece);
        out = Buffer.concat([out.subarray(0, from), ...copies, out.subarray(from)]);
        break;
      }
      case 'splice': {
        const donor = donors[edit.donor % Math.max(1, donors.length)];
        if (donor === undefined || donor.length === 0) break;
        out = Buffer.concat([out.subarray(0, at), donor.subarray(edit.from % donor.length)]);
        break;
      }
      case 'truncate':
        out = out.subarray(0, at);
        break;
    }
  }
  return out;
}

/** A seed with up to `maxEdits` binary edits; splices take their tails from the other seeds. */
export function mutatedBytes(seeds: readonly Buffer[], maxEdits = 8): fc.Arbitrary<Buffer> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(binaryEdit, { minLength: 1, maxLength: maxEdits }))
    .map(([seed, edits]) => applyBinaryEdits(seed, edits, seeds));
}

type TextEdit =
  | { kind: 'repeatLine'; line: number; times: number }
  | { kind: 'dropLine'; line: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'insertLine'; line: number; text: string }
  | { kind: 'setValue'; line: number; value: string };

/** Field values that break assumptions: empty, huge, separators of every format, traversal, control characters. */
const interestingValues = [
  '',
  ' ',
  '\t',
  '\0',
  '\r',
  ':',
  '=',
  '::',
  '(',
  ')',
  ' (',
  '|',
  ',',
  ', ,',
  '"',
  "'",
  '\\',
  '{',
  '[',
  '}',
  '-',
  '-r',
  '~',
  '+',
  '.',
  '..',
  '/',
  '../../../../etc/passwd',
  '/etc/shadow',
  '0',
  '-1',
  '1:',
  ':1',
  '99999999999999999999',
  '1e308',
  'NaN',
  'null',
  'true',
  '1.0-',
  '1.0-r',
  '1:2:3',
  '1.2.3-r4',
  'v1.2.3',
  '(devel)',
  '__proto__',
  'constructor',
  'toString',
  '\u202e',
  '\ud800',
  'é',
  '\uFEFF',
  '%s%n',
  '${x}',
  'so:x so:x so:x',
  '!x',
];

/**
 * Strings of mostly ASCII with the odd multi-byte, reversed-text, BOM, lone-surrogate or NUL character. (fast-check's
 * full `binary` unit spends seconds indexing all of Unicode when the arbitrary is built.)
 */
const oddChar = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('é', 'ü', '\u202e', '\ud800', '\uFEFF', '\u0000', '\u{1D11E}', '\uFFFD'),
  },
);

export function oddString(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: oddChar, maxLength });
}

const longValue = fc
  .tuple(
    fc.constantFrom('a', '1', ' ', '.', '/', '-', ',', '(', '|', 'x '),
    fc.integer({ min: 256, max: 20_000 }),
  )
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));

const fieldValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...interestingValues) },
  { weight: 2, arbitrary: oddString(40) },
  { weight: 1, arbitrary: longValue },
);

function textEdit(seedLines: readonly string[]): fc.Arbitrary<TextEdit> {
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('repeatLine' as const),
        line: fc.nat(),
        times: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 5, max: 2000 })),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('dropLine' as const), line: fc.nat() }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('insertLine' as const),
        line: fc.nat(),
        text: fc.oneof(fc.constantFrom(...seedLines), fieldValue),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({ kind: fc.constant('setValue' as const), line: fc.nat(), value: fieldValue }),
    },
  );
}

/** The separator after a field name: `Key: value`, `key=value`, `X:value`, `key\tvalue`. */
const fieldSeparator = /^([^:=\t]*[:=\t]\s?)/;

/** Repeating a line never grows the input past this: big enough to expose quadratic work, small enough to run fast. */
const maxRepeatedBytes = 1024 * 1024;

export function applyTextEdits(seed: string, edits: readonly TextEdit[]): string {
  const lines = seed.split('\n');
  const pick = (n: number) => n % Math.max(1, lines.length);
  for (const edit of edits) {
    switch (edit.kind) {
      case 'repeatLine': {
        const line = lines[pick(edit.line)] ?? '';
        const times = Math.min(edit.times, Math.floor(maxRepeatedBytes / (line.length + 1)));
        lines.splice(pick(edit.line), 0, ...Array.from({ length: times }, () => line));
        break;
      }
      case 'dropLine':
        lines.splice(pick(edit.line), 1);
        break;
      case 'swapLines': {
        const a = pick(edit.a);
        const b = pick(edit.b);
        [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
        break;
      }
      case 'insertLine':
        lines.splice(pick(edit.line), 0, edit.text);
        break;
      case 'setValue': {
        const at = pick(edit.line);
        const key = fieldSeparator.exec(lines[at] ?? '')?.[1] ?? '';
        lines[at] = key + edit.value;
        break;
      }
    }
  }
  return lines.join('\n');
}

/** A text seed with line and field edits, sometimes followed by a few byte edits (encodings, stray NULs). */
export function mutatedText(seeds: readonly Buffer[], maxEdits = 6): fc.Arbitrary<Buffer> {
  const seedLines = [...new Set(seeds.flatMap((seed) => seed.toString('utf8').split('\n')))];
  const edited = fc
    .tuple(fc.constantFrom(...seeds), fc.array(textEdit(seedLines), { minLength: 1, maxLength: maxEdits }))
    .map(([seed, edits]) => Buffer.from(applyTextEdits(seed.toString('utf8'), edits)));
  return fc.oneof(
    { weight: 4, arbitrary: edited },
    {
      weight: 1,
      arbitrary: fc
        .tuple(edited, fc.array(binaryEdit, { minLength: 1, maxLength: 3 }))
        .map(([bytes, edits]) => applyBinaryEdits(bytes, edits, seeds)),
    },
  );
}

export const randomBytes = fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes));

/** The usual mix for a format: mostly mutated seeds, some untouched seeds and some noise. */
export function formatInputs(seeds: readonly Buffer[], options: { text: boolean }): fc.Arbitrary<Buffer> {
  const parts: fc.WeightedArbitrary<Buffer>[] = [
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
    { weight: options.text ? 3 : 8, arbitrary: mutatedBytes(seeds) },
    { weight: 1, arbitrary: randomBytes },
  ];
  if (options.text) parts.push({ weight: 6, arbitrary: mutatedText(seeds) });
  return fc.oneof(...parts);
}
