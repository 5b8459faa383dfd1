import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { constants, gunzipSync, gzipSync, zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import fc from 'fast-check';
import tar from 'tar-stream';
import { unzipSync } from 'fflate';
import { analyzers } from '../src/scanner/analyzers/registry.ts';
import { cargoLockAnalyzer } from '../src/scanner/analyzers/lang/cargo-lock.ts';
import { composerVendorAnalyzer } from '../src/scanner/analyzers/lang/composer-vendor.ts';
import { dotnetDepsAnalyzer } from '../src/scanner/analyzers/lang/dotnet-deps.ts';
import { gemspecAnalyzer } from '../src/scanner/analyzers/lang/gemspec.ts';
import { goBinaryAnalyzer } from '../src/scanner/analyzers/lang/gobinary.ts';
import { jarAnalyzer } from '../src/scanner/analyzers/lang/jar.ts';
import { nodePackageAnalyzer } from '../src/scanner/analyzers/lang/node-pkg.ts';
import { pythonPackageAnalyzer } from '../src/scanner/analyzers/lang/python-pkg.ts';
import { rustBinaryAnalyzer } from '../src/scanner/analyzers/lang/rustbinary.ts';
import { nugetConfigAnalyzer } from '../src/scanner/analyzers/lockfile/nuget-config.ts';
import { packagesPropsAnalyzer } from '../src/scanner/analyzers/lockfile/packages-props.ts';
import { pomAnalyzer } from '../src/scanner/analyzers/lockfile/pom.ts';
import { apkAnalyzer } from '../src/scanner/analyzers/pkg/apk/installed.ts';
import { dpkgAnalyzer } from '../src/scanner/analyzers/pkg/dpkg/analyzer.ts';
import { RpmHeaderError } from '../src/scanner/analyzers/pkg/rpm/header.ts';
import { rpmPackageFromHeader } from '../src/scanner/analyzers/pkg/rpm/package.ts';
import { rpmAnalyzer } from '../src/scanner/analyzers/pkg/rpm/rpmdb.ts';
import { AnalyzerError, type Analyzer, type AnalysisResult } from '../src/scanner/analyzers/types.ts';
import { detectCompression } from '../src/scanner/image/compression.ts';
import { LayerError, walkLayer, type LayerAnalysis } from '../src/scanner/image/layer-walker.ts';
import { TarIndexError, indexTar } from '../src/scanner/image/tar-index.ts';
import { SecretScanner } from '../src/scanner/secrets/scanner.ts';
import { fuzzTargets as osParserTargets } from '../test/scanner/analyzers/pkg/fuzz-targets.ts';
import {
  checkCleanPath,
  checkOutputSize,
  checkWithinInput,
  expectTyped,
  firstProblem,
  packagesOf,
  type Problem,
  type Verdict,
} from './contract.ts';
import { goBinaryInputs, jarInputs, rpmHeaderInputs } from './format-shapes.ts';
import { layerSeeds } from './layer-seeds.ts';
import { formatInputs, mutatedBytes } from './mutate.ts';
import {
  apkInstalledSeeds,
  dpkgMd5sumsSeeds,
  dpkgStatusSeeds,
  goBinarySeeds,
  jarSeeds,
  packageJsonSeeds,
  pythonMetadataSeeds,
  rpmSeeds,
  rustBinarySeeds,
} from './seeds.ts';
import { tarEntries, writeTar, type TarContent } from './tar-shapes.ts';

/**
 * Every fuzz target: an input generator and the contract check for one parser. `issue` marks the parsers issue 3
 * names (tar walker, dpkg, apk, rpm, METADATA, package.json, jar, Go build info); the others are the remaining
 * analyzers, fuzzed the same way.
 */
export interface FuzzTarget {
  name: string;
  issue: boolean;
  inputs: fc.Arbitrary<Buffer>;
  /** Runs the parser on one input and checks the contract; `millis` is the parser's own CPU time. */
  check(input: Buffer): Promise<Verdict>;
  /** Bytes the parser works through, when that is not the input's length (a compressed layer). */
  workBytes?(input: Buffer): number;
}

export interface TargetOptions {
  /** Where the tar-index target writes each input (it reads files, not buffers); one file per worker. */
  scratchFile: string;
  /** Seeds written by real tools (rpm, Berkeley DB); false keeps to hand-encoded ones (fast, no tools). */
  realSeeds: boolean;
}

type Field = Parameters<typeof checkWithinInput>[3][number];

interface AnalyzerTargetSpec {
  name: string;
  issue: boolean;
  analyzer: Analyzer;
  path: string;
  inputs: fc.Arbitrary<Buffer>;
  /** Fields that must occur verbatim in the input; multi-line values (continuations) are checked line by line. */
  within?: readonly Field[];
  /** Only check `within` when the input has no escapes the parser decodes (JSON `\u0041`). */
  withinUnlessEscaped?: boolean;
  extra?: (result: AnalysisResult | undefined, input: Buffer) => Problem;
  /** Bytes the parser works through when the input is compressed; the output bound scales with them. */
  workBytes?: (input: Buffer) => number;
}

function analyzerTarget(spec: AnalyzerTargetSpec): FuzzTarget {
  // The worker asks for the time limit and check() for the output bound: one computation per input serves both.
  const workBytes = spec.workBytes && oncePerInput(spec.workBytes);
  return {
    name: spec.name,
    issue: spec.issue,
    inputs: spec.inputs,
    ...(workBytes ? { workBytes } : {}),
    async check(content) {
      const {
        value: result,
        problem,
        millis,
      } = await expectTyped(
        spec.analyzer.type,
        () => spec.analyzer.analyze({ path: spec.path, size: content.length, mode: 0o755, content }),
        [AnalyzerError],
      );
      if (problem !== undefined) return { problem, millis };
      const packages = packagesOf(result);
      const checkText = spec.within && !(spec.withinUnlessEscaped && content.includes('\\'));
      return verdict(
        millis,
        checkOutputSize(spec.name, result, workBytes?.(content) ?? content.length),
        checkText ? checkWithinInput(spec.name, packages, content, spec.within ?? []) : undefined,
        ...packages.map((pkg) =>
          pkg.FilePath === undefined || pkg.FilePath.startsWith(spec.path)
            ? undefined
            : `${spec.name}: package FilePath ${pkg.FilePath} is outside ${spec.path}`,
        ),
        spec.extra?.(result, content),
      );
    },
  };
}

/** `measure`, remembered per input buffer. */
function oncePerInput(measure: (input: Buffer) => number): (input: Buffer) => number {
  const known = new WeakMap<Buffer, number>();
  return (input) => {
    let bytes = known.get(input);
    if (bytes === undefined) {
      bytes = measure(input);
      known.set(input, bytes);
    }
    return bytes;
  };
}

function verdict(millis: number, ...problems: Problem[]): Verdict {
  const problem = firstProblem(...problems);
  return problem === undefined ? { millis } : { problem, millis };
}

const text = (s: string): Buffer => Buffer.from(s);

/**
 * The archive plus what its entries declare they inflate to, nested archives included (as deep as the analyzer
 * goes). Declared sizes bound the inflated ones: fflate never inflates an entry past its declared size.
 */
function declaredJarBytes(archive: Uint8Array, depth = 0): number {
  let total = archive.length;
  try {
    const nested = unzipSync(archive, {
      filter: (file) => {
        total += file.originalSize;
        return depth < 8 && /\.(jar|war|ear|par)$/i.test(file.name) && file.originalSize < 64 * 1024 * 1024;
      },
    });
    for (const inner of Object.values(nested)) total += declaredJarBytes(inner, depth + 1);
  } catch {
    // unreadable: the analyzer reads no more than the archive itself
  }
  return total;
}

export async function fuzzTargets(options: TargetOptions): Promise<FuzzTarget[]> {
  const rpm = await rpmSeeds(options.realSeeds);
  const goSeeds = goBinarySeeds();
  const dpkgWithin: Field[] = ['Name', 'Version', 'Release', 'SrcName', 'SrcVersion', 'SrcRelease', 'Arch'];
  const targets: FuzzTarget[] = [
    await layerWalkerTarget(),
    await tarIndexTarget(options.scratchFile),
    analyzerTarget({
      name: 'dpkg status',
      issue: true,
      analyzer: dpkgAnalyzer,
      path: 'var/lib/dpkg/status',
      inputs: formatInputs(dpkgStatusSeeds(), { text: true }),
      within: dpkgWithin,
    }),
    analyzerTarget({
      name: 'dpkg status.d',
      issue: true,
      analyzer: dpkgAnalyzer,
      path: 'var/lib/dpkg/status.d/tzdata',
      inputs: formatInputs(dpkgStatusSeeds(), { text: true }),
      within: dpkgWithin,
    }),
    analyzerTarget({
      name: 'dpkg md5sums',
      issue: true,
      analyzer: dpkgAnalyzer,
      path: 'var/lib/dpkg/info/libc6:amd64.md5sums',
      inputs: formatInputs(dpkgMd5sumsSeeds(), { text: true }),
    }),
    analyzerTarget({
      name: 'apk installed',
      issue: true,
      analyzer: apkAnalyzer,
      path: 'lib/apk/db/installed',
      inputs: formatInputs(apkInstalledSeeds(), { text: true }),
      within: ['Name', 'Version', 'SrcName', 'Arch', 'Maintainer'],
    }),
    rpmHeaderTarget(rpm.blobs),
    analyzerTarget({
      name: 'rpm sqlite',
      issue: true,
      analyzer: rpmAnalyzer,
      path: 'var/lib/rpm/rpmdb.sqlite',
      inputs: formatInputs(rpm.sqlite, { text: false }),
    }),
    analyzerTarget({
      name: 'rpm bdb',
      issue: true,
      analyzer: rpmAnalyzer,
      path: 'var/lib/rpm/Packages',
      inputs: formatInputs(rpm.bdb, { text: false }),
    }),
    analyzerTarget({
      name: 'rpm ndb',
      issue: true,
      analyzer: rpmAnalyzer,
      path: 'usr/lib/sysimage/rpm/Packages.db',
      inputs: formatInputs(rpm.ndb, { text: false }),
      // NDB blobs are contiguous, so every header field is a run of the file's bytes.
      within: ['Name', 'Version', 'Release'],
    }),
    analyzerTarget({
      name: 'python METADATA',
      issue: true,
      analyzer: pythonPackageAnalyzer,
      path: 'usr/lib/python3/site-packages/requests-2.31.0.dist-info/METADATA',
      inputs: formatInputs(pythonMetadataSeeds(), { text: true }),
      within: ['Name', 'Version'],
    }),
    analyzerTarget({
      name: 'package.json',
      issue: true,
      analyzer: nodePackageAnalyzer,
      path: 'usr/lib/node_modules/x/package.json',
      inputs: formatInputs(packageJsonSeeds(), { text: true }),
      within: ['Name', 'Version'],
      withinUnlessEscaped: true,
    }),
    analyzerTarget({
      name: 'jar',
      issue: true,
      analyzer: jarAnalyzer,
      path: 'app/lib/app-1.0.0.jar',
      inputs: jarInputs(jarSeeds()),
      // A jar's entries are deflated: its result is bounded by what they inflate to, not by the archive.
      workBytes: declaredJarBytes,
    }),
    analyzerTarget({
      name: 'go buildinfo',
      issue: true,
      analyzer: goBinaryAnalyzer,
      path: 'usr/local/bin/app',
      inputs: goBinaryInputs(goSeeds),
      extra: (result, input) => {
        // `stdlib` and a `v` before a version taken from -ldflags are the analyzer's own; the rest is read from
        // the binary (ldflags values may be Go-quoted, so those are only checked when nothing is escaped).
        const read = packagesOf(result).filter((pkg) => pkg.Name !== 'stdlib');
        const unprefixed = read.map((pkg) => ({ ...pkg, Version: pkg.Version.replace(/^v/, '') }));
        return firstProblem(
          checkWithinInput('go buildinfo', read, input, ['Name']),
          input.includes('\\') ? undefined : checkWithinInput('go buildinfo', unprefixed, input, ['Version']),
        );
      },
    }),
    analyzerTarget({
      name: 'rust binary',
      issue: false,
      analyzer: rustBinaryAnalyzer,
      path: 'usr/local/bin/app',
      inputs: formatInputs(rustBinarySeeds(), { text: false }),
    }),
    ...languageTextTargets(),
    ...(await osReleaseTargets()),
  ];
  return targets;
}

function languageTextTargets(): FuzzTarget[] {
  const target = (name: string, analyzer: Analyzer, path: string, seeds: Buffer[]) =>
    analyzerTarget({ name, issue: false, analyzer, path, inputs: formatInputs(seeds, { text: true }) });
  return [
    target('composer installed.json', composerVendorAnalyzer, 'app/vendor/composer/installed.json', [
      text(
        '{"packages":[{"name":"Monolog/Monolog","version":"3.5.0","license":["MIT"],' +
          '"require":{"php":">=8.1","psr/log":"^3"}},{"name":"psr/log","version":"3.0.0","license":"MIT"}]}',
      ),
      text('[{"name":"a/b","version":"1.0"}]'),
    ]),
    target('dotnet deps.json', dotnetDepsAnalyzer, 'app/app.deps.json', [
      text(
        '\uFEFF{"runtimeTarget":{"name":".NETCoreApp,Version=v8.0"},"libraries":{' +
          '"app/1.0.0":{"type":"project"},"Newtonsoft.Json/13.0.1":{"type":"package","sha512":"x"},' +
          '"System.Text.Json/8.0.0":{"type":"package"}}}',
      ),
    ]),
    target('Cargo.lock', cargoLockAnalyzer, 'app/Cargo.lock', [
      text(
        'version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "serde",\n' +
          ' "rand 0.8.5 (registry+https://github.com/rust-lang/crates.io-index)",\n]\n\n[[package]]\n' +
          'name = "serde"\nversion = "1.0.190"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n' +
          'checksum = "abc"\n\n[[package]]\nname = "rand"\nversion = "0.8.5"\n',
      ),
    ]),
    // The XML manifests of fs scans: the parser's safety settings and the POM property resolver meet them.
    target('pom.xml', pomAnalyzer, 'app/pom.xml', [
      text(
        '<?xml version="1.0"?><project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>' +
          '<parent><groupId>g</groupId><artifactId>p</artifactId><version>1</version><relativePath/></parent>' +
          '<artifactId>app</artifactId><version>${revision}</version><properties><revision>1.0</revision>' +
          '<log4j.version>2.14.1</log4j.version><a>${b}${b}</a><b>${a}</b></properties><modules><module>m</module>' +
          '</modules><dependencyManagement><dependencies><dependency><groupId>org.apache.logging.log4j</groupId>' +
          '<artifactId>log4j-core</artifactId><version>${log4j.version}</version></dependency><dependency>' +
          '<groupId>b</groupId><artifactId>bom</artifactId><version>2</version><type>pom</type><scope>import</scope>' +
          '</dependency></dependencies></dependencyManagement><dependencies><dependency><groupId>' +
          'org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId></dependency><dependency><groupId>' +
          'junit</groupId><artifactId>junit</artifactId><version>[4.12]</version><scope>test</scope></dependency>' +
          '<dependency><groupId>x</groupId><artifactId>y</artifactId><version>${a}</version></dependency>' +
          '</dependencies></project>',
      ),
    ]),
    target('packages.config', nugetConfigAnalyzer, 'app/packages.config', [
      text(
        '\uFEFF<?xml version="1.0" encoding="utf-8"?>\n<packages>\n  <package id="Newtonsoft.Json" version="12.0.1" ' +
          'targetFramework="net472" />\n  <package id="StyleCop.Analyzers" version="1.1.118" ' +
          'developmentDependency="true" />\n</packages>\n',
      ),
    ]),
    target('Directory.Packages.props', packagesPropsAnalyzer, 'Directory.Packages.props', [
      text(
        '<Project><PropertyGroup><V>1</V></PropertyGroup><ItemGroup><PackageVersion Include="System.Text.Json" ' +
          'Version="8.0.3" /><PackageVersion Include="A" Version="$(V)" /><PackageReference Update="B">' +
          '<Version>2.0</Version></PackageReference></ItemGroup></Project>',
      ),
    ]),
    target('gemspec', gemspecAnalyzer, 'usr/lib/ruby/gems/3.1.0/specifications/rack-3.0.8.gemspec', [
      text(
        '# -*- encoding: utf-8 -*-\nGem::Specification.new do |s|\n  s.name = "rack".freeze\n' +
          '  s.version = "3.0.8"\n  s.licenses = ["MIT".freeze, \'BSD\']\nend\n',
      ),
    ]),
  ];
}

/** The OS-release parsers, with the seeds of the in-suite property tests (`test/scanner/analyzers/pkg`). */
async function osReleaseTargets(): Promise<FuzzTarget[]> {
  const packageDatabases = new Set([
    'dpkg status',
    'dpkg md5sums',
    'apk installed',
    'rpm sqlite',
    'rpm bdb',
    'rpm ndb',
  ]);
  return (await osParserTargets())
    .filter((t) => !packageDatabases.has(t.name))
    .map((t) =>
      analyzerTarget({
        name: t.name,
        issue: false,
        analyzer: t.analyzer,
        path: t.path,
        inputs: formatInputs(t.seeds, { text: t.text }),
      }),
    );
}

function rpmHeaderTarget(seeds: Buffer[]): FuzzTarget {
  const within: Field[] = ['Name', 'Version', 'Release', 'SrcName', 'SrcVersion', 'SrcRelease', 'Maintainer'];
  return {
    name: 'rpm header',
    issue: true,
    inputs: rpmHeaderInputs(seeds),
    async check(blob) {
      const { value, problem, millis } = await expectTyped(
        'rpmPackageFromHeader',
        () => rpmPackageFromHeader(blob),
        [RpmHeaderError],
      );
      if (problem !== undefined || value === undefined) return verdict(millis, problem);
      return verdict(
        millis,
        checkOutputSize('rpm header', value, blob.length),
        checkWithinInput('rpm header', [value.pkg], blob, within),
      );
    },
  };
}

// ---------- layers ----------

/** Small limits, so that bombs, floods and oversized files are met by inputs of a few kilobytes. */
export const fuzzLayerLimits = { maxFileBytes: 64 * 1024, maxLayerBytes: 1024 * 1024, maxEntries: 2000 };

const compressions = ['none', 'gzip', 'zstd'] as const;
type Compression = (typeof compressions)[number];

function compress(bytes: Buffer, compression: Compression): Buffer {
  if (compression === 'gzip') return gzipSync(bytes, { level: 1 });
  if (compression === 'zstd') return zstdCompressSync(bytes);
  return bytes;
}

/** How many bytes the walker will see after decompression (up to the layer limit), for the output bound. */
function decompressedLength(layer: Buffer): number {
  const options = { maxOutputLength: fuzzLayerLimits.maxLayerBytes + 1, finishFlush: constants.Z_SYNC_FLUSH };
  try {
    if (layer[0] === 0x1f && layer[1] === 0x8b) return gunzipSync(layer, options).length;
    if (layer.length >= 4 && layer.readUInt32LE(0) === 0xfd2fb528)
      return zstdDecompressSync(layer, options).length;
  } catch {
    return fuzzLayerLimits.maxLayerBytes;
  }
  return layer.length;
}

/**
 * Feeds `bytes` in chunks of `chunkSize`, so header peeking and tar parsing meet every kind of boundary. A compressed
 * layer gets small chunks only for its first 64 bytes (compression sniffing, the format header): further on, each is a round
 * trip to zlib's thread pool, and networks and disks never deliver a layer a byte at a time.
 */
function chunked(bytes: Buffer, chunkSize: number): Readable {
  const compressed = detectCompression(bytes.subarray(0, 4)) !== 'none';
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = compressed && at >= 64 ? Math.max(chunkSize, 4096) : chunkSize;
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return Readable.from(chunks, { objectMode: false });
}

/**
 * A fuzzed layer travels as one Buffer so failing inputs can be saved and replayed as they are: two bytes of chunk
 * size (how the bytes are fed to the walker), then the layer bytes.
 */
export function encodeLayerInput(chunkSize: number, layer: Buffer): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(Math.min(Math.max(chunkSize, 1), 0xffff));
  return Buffer.concat([head, layer]);
}

function layerPaths(result: LayerAnalysis): Problem {
  return firstProblem(
    ...result.PackageInfos.map((info) => checkCleanPath('PackageInfos.FilePath', info.FilePath)),
    ...result.Applications.map((app) => checkCleanPath('Applications.FilePath', app.FilePath)),
    ...result.OpaqueDirs.map((dir) => checkCleanPath('OpaqueDirs', dir, { root: true })),
    ...result.WhiteoutFiles.map((file) => checkCleanPath('WhiteoutFiles', file)),
    ...result.Secrets.map((s) => checkCleanPath('Secrets.FilePath', s.FilePath, { leadingSlash: true })),
  );
}

export async function checkLayer(input: Buffer, secrets: SecretScanner): Promise<Verdict> {
  const chunkSize = input.length >= 2 ? Math.max(1, input.readUInt16BE(0)) : 1;
  const layer = input.subarray(2);
  const { value, problem, millis } = await expectTyped(
    'walkLayer',
    () =>
      walkLayer(chunked(layer, chunkSize), {
        analyzers,
        diffId: 'sha256:fuzz',
        secrets,
        limits: fuzzLayerLimits,
      }),
    [LayerError],
  );
  if (problem !== undefined || value === undefined) return verdict(millis, problem);
  return verdict(millis, checkOutputSize('walkLayer', value, decompressedLength(layer)), layerPaths(value));
}

/** The files analyzers want, at their real paths: entries that reach the analyzers, not just the tar parser. */
async function layerContents(): Promise<TarContent[]> {
  const rpm = await rpmSeeds(false);
  const first = (seeds: Buffer[]) => seeds[0] ?? Buffer.alloc(0);
  return [
    { path: 'etc/os-release', body: text('ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n') },
    { path: 'etc/alpine-release', body: text('3.19.1\n') },
    { path: 'var/lib/dpkg/status', body: first(dpkgStatusSeeds()) },
    { path: 'var/lib/dpkg/status.d/tzdata', body: text('Package: tzdata\nVersion: 2024a-0+deb12u1\n') },
    { path: 'var/lib/dpkg/info/libc6:amd64.md5sums', body: text('abc  lib/x86_64-linux-gnu/libc.so.6\n') },
    { path: 'lib/apk/db/installed', body: first(apkInstalledSeeds()) },
    { path: 'var/lib/rpm/Packages.db', body: first(rpm.ndb) },
    { path: 'usr/lib/node_modules/lodash/package.json', body: text('{"name":"lodash","version":"4.17.20"}') },
    {
      path: 'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA',
      body: text('Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n'),
    },
    { path: 'app/app-1.0.0.jar', body: jarSeeds()[1] ?? Buffer.alloc(0) },
    { path: 'usr/local/bin/app', body: first(goBinarySeeds()), mode: 0o755 },
    { path: 'root/.aws/credentials', body: text('[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n') },
  ];
}

/** A layer that inflates past the fuzz limit, and one with more entries than the limit allows. */
async function hostileLayers(): Promise<Buffer[]> {
  const bomb = tar.pack();
  bomb.entry(
    { name: 'zeros', size: fuzzLayerLimits.maxLayerBytes + 512 },
    Buffer.alloc(fuzzLayerLimits.maxLayerBytes + 512),
  );
  bomb.finalize();
  const flood = tar.pack();
  for (let i = 0; i <= fuzzLayerLimits.maxEntries; i++) flood.entry({ name: `d/${i}`, type: 'directory' });
  flood.finalize();
  const collect = async (pack: AsyncIterable<Buffer>) => {
    const chunks: Buffer[] = [];
    for await (const chunk of pack) chunks.push(chunk);
    return Buffer.concat(chunks);
  };
  const bombTar = await collect(bomb as unknown as AsyncIterable<Buffer>);
  const floodTar = await collect(flood as unknown as AsyncIterable<Buffer>);
  return [gzipSync(bombTar), zstdCompressSync(bombTar), gzipSync(floodTar)];
}

async function layerWalkerTarget(): Promise<FuzzTarget> {
  const seeds = await layerSeeds();
  const secrets = new SecretScanner();
  const built = fc
    .tuple(
      tarEntries(await layerContents()),
      fc.constantFrom(0 as const, 1 as const, 2 as const),
      fc.constantFrom(...compressions),
      fc.option(fc.nat(), { nil: undefined, freq: 8 }),
    )
    .map(([entries, endBlocks, compression, cut]) => {
      const layer = compress(writeTar(entries, endBlocks), compression);
      return cut === undefined ? layer : layer.subarray(0, cut % (layer.length + 1));
    });
  // Edits of the plain tar, then compressed, so the tar parser (not the decompressor's checksum) meets the damage.
  const editedThenCompressed = fc
    .tuple(mutatedBytes([seeds.tar]), fc.constantFrom(...compressions))
    .map(([bytes, compression]) => compress(bytes, compression));
  const layer = fc.oneof(
    { weight: 10, arbitrary: built },
    { weight: 5, arbitrary: editedThenCompressed },
    { weight: 2, arbitrary: mutatedBytes([seeds.gzip, seeds.zstd]) },
    { weight: 1, arbitrary: fc.constantFrom(...(await hostileLayers())) },
  );
  // Small chunks make header peeking and the tar parser meet every boundary; each chunk of a compressed layer is
  // also a round trip to zlib's thread pool, so they are the rarer case.
  const chunkSize = fc.oneof(
    { weight: 4, arbitrary: fc.constant(65535) },
    { weight: 3, arbitrary: fc.integer({ min: 512, max: 8192 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 }) },
  );
  return {
    name: 'layer-walker',
    issue: true,
    inputs: fc.tuple(chunkSize, layer).map(([size, bytes]) => encodeLayerInput(size, bytes)),
    check: (input) => checkLayer(input, secrets),
    workBytes: (input) => Math.max(input.length, decompressedLength(input.subarray(2))),
  };
}

/** One index of a fuzzed archive written to `file`: TarIndexError or members that all lie inside the file. */
export async function checkTarIndex(file: string, bytes: Buffer): Promise<Verdict> {
  await writeFile(file, bytes);
  const { value, problem, millis } = await expectTyped('indexTar', () => indexTar(file), [TarIndexError]);
  if (problem !== undefined || value === undefined) return verdict(millis, problem);
  if (value.size > bytes.length / 512)
    return verdict(millis, `indexTar: ${value.size} members in ${bytes.length} bytes`);
  for (const member of value.values()) {
    if (member.offset % 512 !== 0 || member.offset < 512 || member.offset + member.size > bytes.length) {
      return verdict(
        millis,
        `indexTar: member ${JSON.stringify(member.name)} at ${member.offset}+${member.size} lies outside the ${bytes.length}-byte archive`,
      );
    }
  }
  return { millis };
}

async function tarIndexTarget(scratchFile: string): Promise<FuzzTarget> {
  const seeds = await layerSeeds();
  // A docker-save-like archive: the seed layer stored as a member, next to the seed's own members.
  const archive = Buffer.concat([seeds.tar.subarray(0, seeds.tar.length - 1024), seeds.tar]);
  const built = fc
    .tuple(tarEntries(await layerContents()), fc.constantFrom(0 as const, 1 as const, 2 as const))
    .map(([entries, endBlocks]) => writeTar(entries, endBlocks));
  return {
    name: 'tar-index',
    issue: true,
    inputs: fc.oneof(
      { weight: 3, arbitrary: built },
      { weight: 2, arbitrary: mutatedBytes([seeds.tar, archive]) },
    ),
    check: (input) => checkTarIndex(scratchFile, input),
  };
}
