import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import tar from 'tar-stream';
import { analyzers } from '../../src/scanner/analyzers/registry.ts';
import { parseElf } from '../../src/scanner/analyzers/lang/elf.ts';
import { jarAnalyzer } from '../../src/scanner/analyzers/lang/jar.ts';
import { parseApkInstalled } from '../../src/scanner/analyzers/pkg/apk/installed.ts';
import { RpmTag } from '../../src/scanner/analyzers/pkg/rpm/header.ts';
import { rpmPackageFromHeader } from '../../src/scanner/analyzers/pkg/rpm/package.ts';
import { LayerError, walkLayer, type LayerWarning } from '../../src/scanner/image/layer-walker.ts';
import { TarIndexError, indexTar } from '../../src/scanner/image/tar-index.ts';
import { SecretScanner } from '../../src/scanner/secrets/scanner.ts';
import { checkOutputSize } from '../../fuzz/contract.ts';
import { repeatCentralDirectory } from '../../fuzz/format-shapes.ts';
import { layerSeeds } from '../../fuzz/layer-seeds.ts';
import { fuzzTargets, type FuzzTarget } from '../../fuzz/targets.ts';
import { encodeHeaderBlob, type TagValue } from './analyzers/pkg/rpm/header-writer.ts';

/**
 * The fuzz campaign (`npm run fuzz`, a million inputs per target) in miniature: every target replayed for a few
 * dozen inputs with a fixed seed, plus the hostile layer and archive shapes the contracts are about, and one
 * explicit case per input the campaign found breaking a contract (each rebuilt here from its shape, so the test
 * says what the input was).
 */
const walk = (
  bytes: Buffer,
  options: { limits?: object; secrets?: SecretScanner; warnings?: LayerWarning[] } = {},
) =>
  walkLayer(Readable.from([bytes], { objectMode: false }), {
    analyzers,
    diffId: 'sha256:regression',
    limits: options.limits ?? {},
    ...(options.secrets ? { secrets: options.secrets } : {}),
    onWarning: (warning) => options.warnings?.push(warning),
  });

async function tarOf(
  entries: { name: string; body?: Buffer; type?: 'file' | 'directory' }[],
): Promise<Buffer> {
  const pack = tar.pack();
  for (const { name, body, type } of entries) {
    if (body === undefined) pack.entry({ name, type: type ?? 'file' });
    else pack.entry({ name, type: type ?? 'file' }, body);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Elapsed milliseconds of `work`, to show that an input now answers in linear time. */
async function timed(work: () => unknown): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

describe('scanner parser fuzz regressions', () => {
  let scratch: string;
  let targets: FuzzTarget[];

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-fuzz-regressions-'));
    targets = await fuzzTargets({ scratchFile: join(scratch, 'archive.tar'), realSeeds: false });
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('every target keeps its contract on a seeded sample of inputs', { timeout: 60_000 }, async () => {
    const issueTargets = targets.filter((t) => t.issue).map((t) => t.name);
    for (const named of [
      'layer-walker',
      'tar-index',
      'dpkg status',
      'apk installed',
      'rpm header',
      'rpm sqlite',
    ]) {
      assert.ok(issueTargets.includes(named), `${named} is a target`);
    }
    for (const named of ['rpm bdb', 'rpm ndb', 'python METADATA', 'package.json', 'jar', 'go buildinfo']) {
      assert.ok(issueTargets.includes(named), `${named} is a target`);
    }
    const heavy = new Set(['layer-walker', 'tar-index', 'jar', 'rpm sqlite', 'rpm header']);
    for (const target of targets) {
      await fc.assert(
        fc.asyncProperty(target.inputs, async (input) => {
          const { problem } = await target.check(input);
          assert.equal(problem, undefined, `${target.name}: ${problem}`);
        }),
        { numRuns: heavy.has(target.name) ? 40 : 80, seed: 20261203 },
      );
    }
  });

  it('the seed layer is readable in every compression, so mutations start from valid input', async () => {
    const seeds = await layerSeeds();
    for (const bytes of [seeds.tar, seeds.gzip, seeds.zstd]) {
      const result = await walk(bytes);
      assert.equal(result.OS?.Family, 'debian');
      assert.deepEqual(result.OpaqueDirs, ['opt/app']);
      assert.deepEqual(result.WhiteoutFiles, ['usr/share/doc']);
      assert.ok(result.Applications.some((app) => app.Packages.some((pkg) => pkg.Name === 'lodash')));
    }
  });

  it('empty, one-byte and truncated layers resolve empty or reject with LayerError', async () => {
    const seeds = await layerSeeds();
    const empty = await walk(Buffer.alloc(0));
    assert.equal(empty.PackageInfos.length, 0);
    await assert.rejects(walk(Buffer.from([0x1f])), LayerError);
    await assert.rejects(walk(seeds.gzip.subarray(0, seeds.gzip.length >> 1)), LayerError);
    await assert.rejects(walk(seeds.tar.subarray(0, 1000)), LayerError);
  });

  it('a decompression bomb stops at the layer limit with LayerError', async () => {
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024));
    await assert.rejects(walk(bomb, { limits: { maxLayerBytes: 1024 * 1024 } }), LayerError);
  });

  // Found by the campaign (layer-walker): the layer stream failed while the secret scanner was reading a file too
  // large to buffer, and the walk never settled. Both a truncated layer and a bomb inside such a file hung.
  it(
    'a layer that fails inside a file streamed to the secret scanner rejects instead of hanging',
    { timeout: 20_000 },
    async () => {
      const layer = await tarOf([
        { name: 'srv/data', body: Buffer.alloc(1024 * 1024) },
        { name: 'usr/lib/node_modules/a/package.json', body: Buffer.from('{"name":"a","version":"1.0.0"}') },
      ]);
      const gzipped = gzipSync(layer);
      const options = { limits: { maxFileBytes: 64 * 1024 }, secrets: new SecretScanner() };
      await assert.rejects(walk(gzipped.subarray(0, gzipped.length >> 1), options), LayerError);
      await assert.rejects(
        walk(gzipped, { ...options, limits: { maxFileBytes: 64 * 1024, maxLayerBytes: 512 * 1024 } }),
        LayerError,
      );
      // Intact, the walk goes past the streamed binary file and finds the package after it.
      const result = await walk(gzipped, options);
      assert.deepEqual(
        result.Applications.flatMap((app) => app.Packages.map((pkg) => pkg.ID)),
        ['a@1.0.0'],
      );
    },
  );

  // Found by the campaign (layer-walker): `.wh.`, `.wh..` and `.wh...` were reported as whiteouts of '', '.' and
  // '..'; the root one made the merge delete everything lower layers found.
  it('whiteouts that name no file are skipped with a warning, real ones are kept', async () => {
    const warnings: LayerWarning[] = [];
    const layer = await tarOf([
      { name: '.wh.', body: Buffer.alloc(0) },
      { name: 'a/.wh..', body: Buffer.alloc(0) },
      { name: 'a/.wh...', body: Buffer.alloc(0) },
      { name: 'a/.wh.gone', body: Buffer.alloc(0) },
    ]);
    const result = await walk(layer, { warnings });
    assert.deepEqual(result.WhiteoutFiles, ['a/gone']);
    assert.equal(warnings.filter((w) => w.message.includes('whiteout names no file')).length, 3);
  });

  it('entries climbing out of the root are skipped; links are never followed', async () => {
    const warnings: LayerWarning[] = [];
    const pack = tar.pack();
    pack.entry({ name: '../../etc/os-release' }, 'ID=alpine\nVERSION_ID=3.19.1\n');
    pack.entry({ name: 'usr/../../../var/lib/dpkg/status' }, 'Package: evil\nVersion: 1.0-1\n');
    pack.entry({ name: 'etc/os-release', type: 'symlink', linkname: '../../../host/etc/os-release' });
    pack.entry({ name: 'var/lib/dpkg/status', type: 'link', linkname: '/etc/shadow' });
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
    const result = await walk(Buffer.concat(chunks), { warnings });
    assert.equal(result.OS, undefined);
    assert.deepEqual(result.PackageInfos, []);
    assert.equal(warnings.filter((w) => w.message.includes('escapes the image root')).length, 2);
  });

  // Found by the campaign (layer-walker): a PAX `path` record of "\0" was reported as an application's FilePath; no
  // file system can hold such a name.
  it('an entry whose PAX path holds a NUL is skipped', async () => {
    const warnings: LayerWarning[] = [];
    const jar = Buffer.from(
      zipSync({ 'META-INF/maven/g/a/pom.properties': Buffer.from('groupId=g\nartifactId=a\nversion=1\n') }),
    );
    const layer = Buffer.concat([
      paxHeader('path', 'lib/a\0.jar'),
      rawHeader('placeholder.jar', '0', jar.length),
      padded(jar),
      Buffer.alloc(1024),
    ]);
    const result = await walk(layer, { warnings });
    assert.deepEqual(result.Applications, []);
    assert.equal(warnings.filter((w) => w.message.includes('holds a NUL')).length, 1);
  });

  it('an archive whose header checksum, size or PAX size is damaged fails with TarIndexError', async () => {
    const { tar: seedTar } = await layerSeeds();
    const file = join(scratch, 'damaged.tar');
    const cases: [string, (bytes: Buffer) => void][] = [
      ['checksum', (bytes) => bytes.write('0000000\0', 148, 'latin1')],
      ['size past the end', (bytes) => writeSizeField(bytes, '77777777777')],
      ['base-256 size', (bytes) => writeBase256Size(bytes)],
    ];
    for (const [name, damage] of cases) {
      const bytes = Buffer.from(seedTar);
      damage(bytes);
      await writeFile(file, bytes);
      await assert.rejects(indexTar(file), TarIndexError, name);
    }
    await writeFile(file, Buffer.concat([paxHeader('size', 'not-a-number'), seedTar]));
    await assert.rejects(indexTar(file), TarIndexError, 'PAX size');
  });

  // Found reviewing the PAX reader for the tar shapes (which now generate it): a record whose length has leading
  // zeros (`0…01 `) was read one byte at a time, rescanning the digits each time: a 64 KiB header took 8 s, a
  // 1 MiB one would take hours.
  it('a PAX record with a zero-padded length is read in linear time', async () => {
    const file = join(scratch, 'pax.tar');
    const body = Buffer.from(`${'0'.repeat(200_000)}1 path=x\n`);
    const member = Buffer.concat([rawHeader('a', '0', 0)]);
    await writeFile(
      file,
      Buffer.concat([rawHeader('PaxHeader', 'x', body.length), padded(body), member, Buffer.alloc(1024)]),
    );
    let members: Awaited<ReturnType<typeof indexTar>> | undefined;
    const millis = await timed(async () => {
      members = await indexTar(file);
    });
    assert.ok(millis < 2000, `took ${millis.toFixed(0)} ms`);
    assert.deepEqual([...(members?.keys() ?? [])], ['a']);
  });

  // Found by the campaign (rpm header): every entry of a long list of empty BASENAMES joined one long DIRNAMES
  // entry, so an 8.9 KB header expanded to 200 KB of paths (a 100 MB rpmdb to terabytes).
  it('an rpm header whose file list would expand far beyond the header keeps its package, not the list', () => {
    const header = (dir: string, baseNames: string[]) =>
      encodeHeaderBlob(
        new Map<number, TagValue>([
          [RpmTag.name, { type: 'string', value: 'bomb' }],
          [RpmTag.version, { type: 'string', value: '1.0' }],
          [RpmTag.release, { type: 'string', value: '1.el9' }],
          [RpmTag.vendor, { type: 'string', value: 'Red Hat, Inc.' }],
          [RpmTag.dirNames, { type: 'strings', value: [dir] }],
          [RpmTag.baseNames, { type: 'strings', value: baseNames }],
          [RpmTag.dirIndexes, { type: 'int32', value: baseNames.map(() => 0) }],
        ]),
      );
    const crafted = header(
      `/${'d'.repeat(4000)}/`,
      Array.from({ length: 2000 }, () => ''),
    );
    const { pkg } = rpmPackageFromHeader(crafted);
    assert.equal(pkg.ID, 'bomb@1.0-1.el9.');
    assert.equal(pkg.InstalledFiles, undefined);
    assert.equal(checkOutputSize('rpm header', pkg, crafted.length), undefined);
    // An ordinary list is kept whole.
    const ordinary = rpmPackageFromHeader(header('/usr/lib64/', ['libssl.so.3', 'libcrypto.so.3'])).pkg;
    assert.deepEqual(ordinary.InstalledFiles, ['/usr/lib64/libssl.so.3', '/usr/lib64/libcrypto.so.3']);
  });

  // The same shape in apk's database (checked against the output bound while fixing the rpm one): one long `F:`
  // directory and thousands of bare `R:` lines turned 13 KB into 12 MB of paths.
  it('an apk database whose file list would expand far beyond the file keeps its packages', () => {
    const content = Buffer.from(
      `P:a\nV:1.0-r0\nF:${'d'.repeat(4000)}\n${'R:x\n'.repeat(3000)}\nP:b\nV:2.0-r1\nF:usr\nR:y\n`,
    );
    const packages = parseApkInstalled(content);
    assert.deepEqual(
      packages.map((pkg) => pkg.ID),
      ['a@1.0-r0', 'b@2.0-r1'],
    );
    assert.equal(checkOutputSize('apk installed', packages, content.length), undefined);
    const files = packages.flatMap((pkg) => pkg.InstalledFiles ?? []);
    assert.ok(files.length > 0 && files.length < 3000, `${files.length} paths kept`);
  });

  // Found by the campaign (jar): nested archives were each re-read by name, rescanning the whole central directory,
  // and a directory listing the same nested jar many times opened it once per listing, at every level: a 2.5 KB
  // jar took 0.6 s, one level deeper several seconds; 4,000 nested jars took 3.4 s.
  it('nested jars listed many times, or by the thousand, are read in linear time', async () => {
    const pom = (artifact: string) => Buffer.from(`groupId=g\nartifactId=${artifact}\nversion=1.0\n`);
    let nested: Buffer = Buffer.from(zipSync({ 'META-INF/maven/g/inner/pom.properties': pom('inner') }));
    for (let level = 0; level < 7; level++) {
      nested = repeatCentralDirectory(Buffer.from(zipSync({ 'lib/x.jar': [nested, { level: 0 }] })), 10);
    }
    const analyze = (content: Buffer) =>
      jarAnalyzer.analyze({ path: 'app.jar', size: content.length, mode: 0o644, content });
    let result: Awaited<ReturnType<typeof analyze>>;
    let millis = await timed(async () => {
      result = await analyze(nested);
    });
    assert.ok(millis < 1000, `fan-out jar took ${millis.toFixed(0)} ms`);
    assert.deepEqual(
      result?.applications?.[0]?.Packages.map((pkg) => pkg.ID),
      ['g:inner:1.0'],
    );

    const inner = zipSync({ 'META-INF/maven/g/lib/pom.properties': pom('lib') });
    const files: Record<string, [Uint8Array, { level: 0 }]> = {};
    for (let i = 0; i < 4000; i++) files[`BOOT-INF/lib/lib-${i}.jar`] = [inner, { level: 0 }];
    const fat = Buffer.from(zipSync(files));
    millis = await timed(async () => {
      result = await analyze(fat);
    });
    assert.ok(millis < 1500, `4,000 nested jars took ${millis.toFixed(0)} ms`);
    assert.equal(result?.applications?.[0]?.Packages.length, 4000);
  });

  // Found by the campaign (jar): a deflated pom.properties with a 20 KB groupId put it in the ID, the name, the PURL
  // and the file path of the package: 407 bytes of jar gave 72 KB of result.
  it('coordinates too long to be real are not reported', async () => {
    const longGroup = 'g'.repeat(40_000);
    const jar = Buffer.from(
      zipSync({
        'META-INF/maven/g/a/pom.properties': [
          Buffer.from(`groupId=${longGroup}\nartifactId=a\nversion=1.0\n`),
          { level: 9 },
        ],
        'META-INF/maven/g/ok/pom.properties': Buffer.from(
          'groupId=org.example\nartifactId=ok\nversion=2.0\n',
        ),
        'META-INF/MANIFEST.MF': Buffer.from(
          `Manifest-Version: 1.0\nImplementation-Title: t\nImplementation-Version: ${'9'.repeat(1000)}\nImplementation-Vendor-Id: v\n`,
        ),
      }),
    );
    assert.ok(jar.length < 1024, `the jar is ${jar.length} bytes`);
    const result = await jarAnalyzer.analyze({
      path: 'app.jar',
      size: jar.length,
      mode: 0o644,
      content: jar,
    });
    assert.deepEqual(
      result?.applications?.[0]?.Packages.map((pkg) => pkg.ID),
      ['org.example:ok:2.0'],
    );
    assert.equal(checkOutputSize('jar', result, jar.length), undefined);
  });

  // Found reviewing the ELF reader for the Go build-info target: every section name was searched for its NUL up to the end of the
  // file, so 65,535 sections over 4 MB of unterminated names took 4 s (a 100 MB binary, hours).
  it('an ELF file with many unterminated section names is parsed in linear time', async () => {
    const sections = 65_535;
    const namesBytes = 4 * 1024 * 1024;
    const tableAt = 64;
    const namesAt = tableAt + sections * 64;
    const image = Buffer.alloc(namesAt + namesBytes, 0x61);
    image.fill(0, 0, namesAt);
    image.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
    image.writeBigUInt64LE(BigInt(tableAt), 0x28);
    image.writeUInt16LE(64, 0x3a);
    image.writeUInt16LE(sections, 0x3c);
    for (let i = 0; i < sections; i++) {
      image.writeUInt32LE(1, tableAt + i * 64);
      image.writeBigUInt64LE(BigInt(namesAt), tableAt + i * 64 + 24);
      image.writeBigUInt64LE(BigInt(namesBytes), tableAt + i * 64 + 32);
    }
    let sectionCount = -1;
    const millis = await timed(() => {
      sectionCount = parseElf(image)?.sections.length ?? -1;
    });
    assert.ok(millis < 1500, `took ${millis.toFixed(0)} ms`);
    assert.equal(sectionCount, 0);
  });
});

function rawHeader(name: string, type: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 'latin1');
  header.write('0000644\0', 100, 'latin1');
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  header.write(type, 156, 'latin1');
  header.write('ustar\0', 257, 'latin1');
  header.write('00', 263, 'latin1');
  fixChecksum(header, 0);
  return header;
}

function padded(body: Buffer): Buffer {
  return Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

/** Rewrites the first header's size field and fixes its checksum, so only the size is wrong. */
function writeSizeField(bytes: Buffer, octal: string): void {
  bytes.write(`${octal}\0`, 124, 'latin1');
  fixChecksum(bytes, 0);
}

function writeBase256Size(bytes: Buffer): void {
  bytes.fill(0xff, 124, 136);
  fixChecksum(bytes, 0);
}

function fixChecksum(bytes: Buffer, at: number): void {
  bytes.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = at; i < at + 512; i++) sum += bytes[i] ?? 0;
  bytes.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
}

function paxHeader(key: string, value: string): Buffer {
  let record = ` ${key}=${value}\n`;
  let length = record.length;
  while (`${length}${record}`.length !== length) length = `${length}${record}`.length;
  record = `${length}${record}`;
  return Buffer.concat([rawHeader('PaxHeader', 'x', record.length), padded(Buffer.from(record, 'latin1'))]);
}
