import fc from 'fast-check';
import { zipSync, type Zippable } from 'fflate';
import { RpmTag } from '../src/scanner/analyzers/pkg/rpm/header.ts';
import { buildElf64 } from '../test/support/elf-builder.ts';
import { encodeHeaderBlob, type TagValue } from '../test/scanner/analyzers/pkg/rpm/header-writer.ts';
import { mutatedBytes, mutatedText, oddString } from './mutate.ts';
import {
  goInlineBuildInfo,
  goPointerBuildInfoElf,
  manifestSeed,
  modInfoSeed,
  pomSeed,
  withSentinels,
} from './seeds.ts';

/**
 * Generators that build inputs from their parts rather than editing bytes: jars whose entries, nesting and
 * central directory are chosen (including a zip whose central directory lists the same entry many times, a
 * decompression-bomb entry, and nested jars three levels down), rpm header blobs from chosen tag values (many files
 * under one long directory, counts that lie), and Go build info with chosen module lines in all three layouts.
 */

const smallString = fc.oneof(
  fc.constantFrom('', 'a', '1.0', 'org.example', '1:2', 'x y', '../x', '\0', 'é', '-', '.'),
  oddString(24),
);

const longString = fc
  .tuple(fc.constantFrom('a', '/', 'x/', '1.'), fc.integer({ min: 100, max: 8192 }))
  .map(([unit, n]) => unit.repeat(n));

// ---------- jar ----------

type JarTree = { entries: [string, JarNode][]; repeatDirectory: number };
type JarNode =
  { kind: 'bytes'; bytes: Buffer; stored: boolean } | { kind: 'jar'; jar: JarTree; stored: boolean };

const jarEntryName = fc.oneof(
  fc.constantFrom(
    'META-INF/MANIFEST.MF',
    'META-INF/maven/org.example/app/pom.properties',
    'META-INF/maven/g/a/pom.properties',
    'META-INF/maven/pom.properties',
    'META-INF/maven//pom.properties',
    'BOOT-INF/lib/inner-2.0.jar',
    'WEB-INF/lib/lib-1.0.jar',
    'lib/app.war',
    'x.ear',
    'X.JAR',
    '../../evil.jar',
    '/abs.jar',
    '.jar',
    'org/example/App.class',
  ),
  smallString.map((s) => `${s}.jar`),
);

const metadataBytes = fc.oneof(
  mutatedText([pomSeed(), manifestSeed], 3),
  fc.constantFrom(pomSeed(), manifestSeed),
);

/**
 * Zeros deflate about a thousandfold: a jar whose metadata entries inflate to hundreds of kilobytes. Built once and nested as
 * stored bytes (deflating it for every input would cost more than the analysis).
 */
const bombJar = Buffer.from(
  zipSync({
    'META-INF/MANIFEST.MF': Buffer.alloc(512 * 1024),
    'META-INF/maven/g/a/pom.properties': Buffer.concat([pomSeed(), Buffer.alloc(256 * 1024, 0x20)]),
  }),
);

const jarTree: fc.Arbitrary<JarTree> = fc.letrec<{ tree: JarTree; node: JarNode }>((tie) => ({
  tree: fc.record({
    entries: fc.array(fc.tuple(jarEntryName, tie('node')), { minLength: 1, maxLength: 5 }),
    repeatDirectory: fc.oneof(
      { weight: 6, arbitrary: fc.constant(1) },
      { weight: 1, arbitrary: fc.integer({ min: 2, max: 40 }) },
    ),
  }),
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('bytes' as const),
        bytes: metadataBytes,
        stored: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('bytes' as const),
        bytes: fc.constant(bombJar),
        stored: fc.constant(true),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('jar' as const), jar: tie('tree'), stored: fc.boolean() }),
    },
  ),
})).tree;

export function writeJar(tree: JarTree): Buffer {
  const files: Zippable = {};
  for (const [name, node] of tree.entries) {
    const bytes = node.kind === 'bytes' ? node.bytes : writeJar(node.jar);
    files[name] = [bytes, { level: node.stored ? 0 : 1 }];
  }
  return repeatCentralDirectory(Buffer.from(zipSync(files)), tree.repeatDirectory);
}

/**
 * Lists every central-directory record `times` times, all pointing at the same local entries: the archive stays
 * small while readers that open entries by name see each nested archive many times over.
 */
export function repeatCentralDirectory(zip: Buffer, times: number): Buffer {
  if (times <= 1) return zip;
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 5, 6]));
  if (end < 0 || end + 22 > zip.length) return zip;
  const count = zip.readUInt16LE(end + 10);
  const size = zip.readUInt32LE(end + 12);
  const start = zip.readUInt32LE(end + 16);
  if (count * times > 0xffff) return zip;
  const directory = zip.subarray(start, start + size);
  const record = Buffer.from(zip.subarray(end, end + 22));
  record.writeUInt16LE(count * times, 8);
  record.writeUInt16LE(count * times, 10);
  record.writeUInt32LE(size * times, 12);
  return Buffer.concat([zip.subarray(0, start), ...Array.from({ length: times }, () => directory), record]);
}

export function jarInputs(seeds: readonly Buffer[]): fc.Arbitrary<Buffer> {
  const built = jarTree.map(writeJar);
  return fc.oneof(
    { weight: 4, arbitrary: built },
    { weight: 1, arbitrary: built.chain((jar) => mutatedBytes([jar], 4)) },
    { weight: 3, arbitrary: mutatedBytes(seeds) },
  );
}

// ---------- rpm header ----------

const tagPool = [
  RpmTag.name,
  RpmTag.version,
  RpmTag.release,
  RpmTag.epoch,
  RpmTag.vendor,
  RpmTag.license,
  RpmTag.arch,
  RpmTag.sourceRpm,
  RpmTag.modularityLabel,
];

const tagValue: fc.Arbitrary<TagValue> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ type: fc.constant('string' as const), value: fc.oneof(smallString, longString) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('strings' as const),
      value: fc.array(smallString, { maxLength: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('int32' as const),
      value: fc.array(fc.oneof(fc.constantFrom(0, 1, 0xffffffff, 0x7fffffff), fc.nat()), { maxLength: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('bin' as const),
      value: fc.uint8Array({ maxLength: 32 }).map((b) => Buffer.from(b)),
    }),
  },
);

/** An installed-package header from chosen tags: identity, dependencies, and a file list of chosen shape. */
const rpmHeader = fc
  .record({
    tags: fc.array(fc.tuple(fc.constantFrom(...tagPool), tagValue), { maxLength: 10 }),
    name: fc.oneof(fc.constantFrom('openssl-libs', 'glibc'), smallString),
    version: fc.oneof(fc.constantFrom('3.0.7', '2.34'), smallString),
    release: fc.oneof(fc.constantFrom('27.el9', '1'), smallString),
    vendor: fc.constantFrom('Red Hat, Inc.', 'Acme', ''),
    sourceRpm: fc.oneof(
      fc.constantFrom('openssl-3.0.7-27.el9.src.rpm', '(none)', 'a-b.rpm', '-.-'),
      smallString,
    ),
    provides: fc.array(smallString, { maxLength: 4 }),
    requires: fc.array(smallString, { maxLength: 4 }),
    dirNames: fc.array(fc.oneof(fc.constantFrom('/usr/lib64/', '/etc/'), longString), { maxLength: 3 }),
    fileCount: fc.oneof(fc.nat({ max: 8 }), fc.nat({ max: 4000 })),
    dirIndex: fc.oneof(fc.constant(0), fc.nat({ max: 4 }), fc.constant(0xffffffff)),
    extraIndexes: fc.nat({ max: 2 }),
  })
  .map((h) => {
    const tags = new Map<number, TagValue>([
      [RpmTag.name, { type: 'string', value: h.name }],
      [RpmTag.version, { type: 'string', value: h.version }],
      [RpmTag.release, { type: 'string', value: h.release }],
      [RpmTag.vendor, { type: 'string', value: h.vendor }],
      [RpmTag.sourceRpm, { type: 'string', value: h.sourceRpm }],
      [RpmTag.provideName, { type: 'strings', value: h.provides }],
      [RpmTag.requireName, { type: 'strings', value: h.requires }],
    ]);
    if (h.fileCount > 0) {
      tags.set(RpmTag.dirNames, { type: 'strings', value: h.dirNames });
      tags.set(RpmTag.baseNames, {
        type: 'strings',
        value: Array.from({ length: h.fileCount }, (_, i) => `f${i % 10}`),
      });
      tags.set(RpmTag.dirIndexes, {
        type: 'int32',
        value: Array.from({ length: h.fileCount + h.extraIndexes }, (_, i) =>
          h.dirIndex === 1 ? i : h.dirIndex,
        ),
      });
    }
    for (const [tag, value] of h.tags) tags.set(tag, value);
    return encodeHeaderBlob(tags);
  });

export function rpmHeaderInputs(seeds: readonly Buffer[]): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 3, arbitrary: rpmHeader },
    { weight: 1, arbitrary: rpmHeader.chain((blob) => mutatedBytes([blob], 3)) },
    { weight: 4, arbitrary: mutatedBytes(seeds) },
  );
}

// ---------- Go build info ----------

const modLine = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('mod', 'dep', '=>', 'path', 'build', 'x', ''),
      smallString,
      smallString,
      smallString,
    )
    .map(([kind, a, b, c]) => `${kind}\t${a}\t${b}\t${c}`),
  fc.constantFrom(...modInfoSeed.split('\n')),
  fc.constantFrom(
    'build\t-ldflags="-X main.version=1.2.3"',
    "build\t-ldflags='-X=main.Version=v2'",
    'build\t-ldflags="-X \\"main.version=3\\""',
    'build\t-ldflags=-X',
    'build\t-ldflags="',
    'mod\tm\t(devel)',
  ),
);

const goVersion = fc.oneof(
  fc.constantFrom('go1.22.3', 'go1.21.0 X:boringcrypto', 'go', 'go1', 'devel go1.23-abc', 'go1.22.3\tX'),
  smallString,
);

const goBuildInfo = fc
  .record({
    version: goVersion,
    lines: fc.array(modLine, { maxLength: 12 }),
    sentinels: fc.boolean(),
    layout: fc.constantFrom('elf' as const, 'raw' as const, 'pointers' as const),
  })
  .map(({ version, lines, sentinels, layout }) => {
    const text = lines.join('\n');
    const modInfo = sentinels ? withSentinels(text) : Buffer.from(text);
    if (layout === 'pointers') return goPointerBuildInfoElf(version, modInfo);
    const blob = goInlineBuildInfo(version, modInfo);
    if (layout === 'raw') return Buffer.concat([Buffer.alloc(48), blob]);
    return buildElf64([{ name: '.go.buildinfo', data: blob }]).image;
  });

export function goBinaryInputs(seeds: readonly Buffer[]): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 3, arbitrary: goBuildInfo },
    { weight: 1, arbitrary: goBuildInfo.chain((elf) => mutatedBytes([elf], 3)) },
    { weight: 4, arbitrary: mutatedBytes(seeds) },
  );
}
