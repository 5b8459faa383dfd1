import fc from 'fast-check';
import { oddString } from './mutate.ts';

/**
 * Hostile tar archives built header by header (tar-stream's packer refuses most of these shapes): names that
 * climb out of the root or are absolute, links pointing outside, whiteouts of odd names, PAX and GNU long-name
 * records (including ones that lie about the size), size fields that are too large, too small, base-256 or not
 * numbers, bad checksums, unknown type flags, missing end blocks.
 */
export interface TarEntrySpec {
  name: string;
  /** The type flag byte: '0' file, '1' hard link, '2' symlink, '5' directory, '7' contiguous, anything else. */
  type: string;
  body: Buffer;
  linkName: string;
  mode: number;
  /** How the size field relates to the body actually written. */
  size: 'exact' | 'larger' | 'smaller' | 'huge' | 'base256' | 'garbage' | 'empty';
  /** How a name longer than the ustar fields is carried (short names are always plain). */
  longNames: 'ustar' | 'pax' | 'gnu';
  /** Extra PAX records for this entry (`size`, `path`, `linkpath`, or junk). */
  pax: [string, string][];
  /** A PAX body written as is, however malformed (lengths that lie, records without `=`). */
  paxRaw: string | undefined;
  badChecksum: boolean;
}

const block = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function setChecksum(header: Buffer, broken: boolean): void {
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  if (broken) sum += 1;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
}

function padded(body: Buffer): Buffer {
  const padding = (block - (body.length % block)) % block;
  return padding === 0 ? body : Buffer.concat([body, Buffer.alloc(padding)]);
}

function rawHeader(name: string, type: string, size: number, spec: Partial<TarEntrySpec>): Buffer {
  const header = Buffer.alloc(block);
  const nameBytes = Buffer.from(name);
  if (nameBytes.length > 100 && spec.longNames === 'ustar') {
    // ustar splits at a slash: up to 155 bytes of prefix, 100 of name.
    const cut = name.lastIndexOf('/', 155);
    header.write(name.slice(cut + 1), 0, 100, 'utf8');
    header.write(name.slice(0, Math.max(0, cut)), 345, 155, 'utf8');
  } else {
    nameBytes.copy(header, 0, 0, 100);
  }
  header.write(octal(spec.mode ?? 0o644, 8), 100, 'latin1');
  header.write(octal(0, 8), 108, 'latin1');
  header.write(octal(0, 8), 116, 'latin1');
  writeSize(header, size, spec.size ?? 'exact');
  header.write(octal(0, 12), 136, 'latin1');
  header.write(type.slice(0, 1) || '\0', 156, 'latin1');
  Buffer.from(spec.linkName ?? '').copy(header, 157, 0, 100);
  header.write('ustar\0', 257, 'latin1');
  header.write('00', 263, 'latin1');
  setChecksum(header, spec.badChecksum ?? false);
  return header;
}

function writeSize(header: Buffer, size: number, how: TarEntrySpec['size']): void {
  if (how === 'base256') {
    header[124] = 0x80;
    header.writeUIntBE(Math.min(size, 2 ** 48 - 1), 130, 6);
  } else if (how === 'huge') {
    header.write('77777777777\0', 124, 'latin1');
  } else if (how === 'garbage') {
    header.write('12x4 -5\0', 124, 'latin1');
  } else if (how === 'empty') {
    // all NUL: read as 0
  } else {
    header.write(octal(Math.max(0, size), 12), 124, 'latin1');
  }
}

function paxBody(records: readonly [string, string][]): Buffer {
  const lines = records.map(([key, value]) => {
    const text = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(text);
    while (Buffer.byteLength(`${length}${text}`) !== length) length = Buffer.byteLength(`${length}${text}`);
    return `${length}${text}`;
  });
  return Buffer.from(lines.join(''));
}

export function writeTar(entries: readonly TarEntrySpec[], endBlocks: 0 | 1 | 2): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const long = Buffer.byteLength(entry.name) > 100 || Buffer.byteLength(entry.linkName) > 100;
    const pax = [...entry.pax];
    if (long && entry.longNames === 'pax') pax.push(['path', entry.name], ['linkpath', entry.linkName]);
    if (long && entry.longNames === 'gnu') {
      const name = Buffer.from(`${entry.name}\0`);
      parts.push(rawHeader('././@LongLink', 'L', name.length, {}), padded(name));
      if (entry.linkName !== '') {
        const link = Buffer.from(`${entry.linkName}\0`);
        parts.push(rawHeader('././@LongLink', 'K', link.length, {}), padded(link));
      }
    }
    if (pax.length > 0) {
      const body = paxBody(pax);
      parts.push(rawHeader('PaxHeader', 'x', body.length, {}), padded(body));
    }
    if (entry.paxRaw !== undefined) {
      const body = Buffer.from(entry.paxRaw);
      parts.push(rawHeader('PaxHeader', 'x', body.length, {}), padded(body));
    }
    const declared =
      entry.size === 'larger'
        ? entry.body.length + 1 + (entry.body.length >> 1)
        : entry.size === 'smaller'
          ? entry.body.length >> 1
          : entry.body.length;
    parts.push(rawHeader(entry.name, entry.type, declared, entry), padded(entry.body));
  }
  parts.push(Buffer.alloc(endBlocks * block));
  return Buffer.concat(parts);
}

/** Names that climb out of the root, are absolute, or are odd whiteouts: each must be skipped or kept inside. */
export const hostileNames = [
  '../etc/passwd',
  '../../../../../../../tmp/escaped',
  '/etc/os-release',
  '/../etc/os-release',
  'a/../../b',
  'usr/../../etc/os-release',
  './etc/os-release',
  'etc//os-release',
  'etc/./os-release',
  '.',
  '..',
  '',
  '/',
  './',
  '...',
  '\\..\\..\\windows',
  'C:\\x',
  'etc/os-release/',
  '.wh.',
  '.wh..',
  '.wh...',
  'a/.wh.',
  'a/.wh..',
  'a/.wh...',
  '.wh..wh..opq',
  '../.wh..wh..opq',
  '../.wh.x',
  'a/.wh..wh..opq',
  '.wh..wh.',
  '.wh..wh..opq/x',
  '.wh.a/b',
  'usr/share/.wh.doc',
  'é/ü/package.json',
  `${'d/'.repeat(60)}package.json`,
  `${'x'.repeat(120)}/package.json`,
];

/** Link targets, for symlinks and hard links: outside the root, absolute, self, loops. */
export const hostileLinks = [
  '/etc/shadow',
  '../../../../etc/shadow',
  'etc/os-release',
  '../etc/os-release',
  '.',
  '..',
  '',
  'bin/sh',
  `/${'l/'.repeat(80)}x`,
];

/** PAX bodies whose record lengths lie: too short (leading zeros), too long, missing, or records without a key. */
const malformedPax = [
  `${'0'.repeat(12_000)}1 path=x\n`,
  `${'1 '.repeat(4000)}\n`,
  '99999999 path=x\n',
  ' path=x\n',
  '5 a=b\n'.repeat(200),
  '12 path=é\n',
  '0 size=1\n',
  '-5 size=1\n',
  '11 size=-1\n',
  '20 size=99999999999\n',
  '13 path=../x\n',
  '10 x\n',
];

export interface TarContent {
  path: string;
  body: Buffer;
  mode?: number;
}

/**
 * Entries mixing analyzer files (at their real paths and under hostile names) with links, whiteouts and odd types.
 * `contents` are the files analyzers want (os-release, dpkg status, a jar, a Go binary...), so that entries reach
 * the analyzers, not just the tar parser.
 */
export function tarEntries(contents: readonly TarContent[]): fc.Arbitrary<TarEntrySpec[]> {
  const content = fc.constantFrom(...contents);
  const name = fc.oneof(
    { weight: 4, arbitrary: content.map((c) => c.path) },
    { weight: 3, arbitrary: fc.constantFrom(...hostileNames) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...hostileNames, ''),
          content.map((c) => c.path),
        )
        .map(([prefix, path]) => `${prefix}/${path}`),
    },
    { weight: 1, arbitrary: oddString(30) },
  );
  const type = fc.oneof(
    { weight: 8, arbitrary: fc.constant('0') },
    { weight: 3, arbitrary: fc.constantFrom('1', '2', '5') },
    { weight: 1, arbitrary: fc.constantFrom('7', '\0', '3', '4', '6', 'g', 'x', 'L', 'K', 'S', 'V', 'Z') },
  );
  const body = fc.oneof(
    { weight: 5, arbitrary: content.map((c) => c.body) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)) },
  );
  const entry: fc.Arbitrary<TarEntrySpec> = fc.record({
    name,
    type,
    body,
    linkName: fc.oneof(
      { weight: 3, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: fc.constantFrom(...hostileLinks) },
    ),
    mode: fc.constantFrom(0o644, 0o755, 0o4755, 0, 0o7777),
    size: fc.oneof(
      { weight: 12, arbitrary: fc.constant('exact' as const) },
      { weight: 1, arbitrary: fc.constantFrom('larger', 'smaller', 'huge', 'base256', 'garbage', 'empty') },
    ) as fc.Arbitrary<TarEntrySpec['size']>,
    longNames: fc.constantFrom('ustar' as const, 'pax' as const, 'gnu' as const),
    pax: fc.oneof(
      { weight: 10, arbitrary: fc.constant<[string, string][]>([]) },
      {
        weight: 1,
        arbitrary: fc.array(
          fc.tuple(
            fc.constantFrom('size', 'path', 'linkpath', 'mtime', 'uid', '', 'x'),
            fc.constantFrom(
              '0',
              '-1',
              '99999999999999',
              'NaN',
              '1e9',
              '',
              '../../x',
              '/abs',
              'a'.repeat(300),
            ),
          ),
          { maxLength: 3 },
        ),
      },
    ),
    paxRaw: fc.oneof(
      { weight: 20, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(...malformedPax) },
    ),
    badChecksum: fc.oneof(
      { weight: 30, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
  });
  return fc.array(entry, { minLength: 1, maxLength: 12 });
}
