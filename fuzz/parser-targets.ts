import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { analyzers } from '../src/scanner/analyzers/registry.ts';
import { cargoLockAnalyzer } from '../src/scanner/analyzers/lang/cargo-lock.ts';
import { composerVendorAnalyzer } from '../src/scanner/analyzers/lang/composer-vendor.ts';
import { dotnetDepsAnalyzer } from '../src/scanner/analyzers/lang/dotnet-deps.ts';
import { parseElf } from '../src/scanner/analyzers/lang/elf.ts';
import { gemspecAnalyzer } from '../src/scanner/analyzers/lang/gemspec.ts';
import { goBinaryAnalyzer, readGoBuildInfo } from '../src/scanner/analyzers/lang/gobinary.ts';
import { jarAnalyzer } from '../src/scanner/analyzers/lang/jar.ts';
import { nodePackageAnalyzer } from '../src/scanner/analyzers/lang/node-pkg.ts';
import { pythonPackageAnalyzer } from '../src/scanner/analyzers/lang/python-pkg.ts';
import { rustBinaryAnalyzer } from '../src/scanner/analyzers/lang/rustbinary.ts';
import type { Analyzer } from '../src/scanner/analyzers/types.ts';
import { LayerError, walkLayer } from '../src/scanner/image/layer-walker.ts';
import { TarIndexError, indexTar } from '../src/scanner/image/tar-index.ts';
import { SecretScanner } from '../src/scanner/secrets/scanner.ts';
import { buildElf64 } from '../test/support/elf-builder.ts';
import { checkInput, inputs, type FuzzTarget } from '../test/scanner/analyzers/pkg/fuzz-targets.ts';
import { layerSeeds } from './layer-seeds.ts';

/**
 * Fuzz targets for the image-side parsers: the layer walker, the archive tar index and the language analyzers.
 * Each target pairs an input generator (seed files with byte/integer edits and truncations, random bytes, and for
 * text formats lines recombined from the seeds) with a check of the contract: the parser returns, or throws its
 * own typed error, within a time bound. Anything else (another exception, a hang) is reported as a message.
 */
export interface ParserTarget {
  name: string;
  inputs: fc.Arbitrary<Buffer>;
  check(input: Buffer): Promise<string | undefined>;
}

/** Seeds are a few KiB; a well-behaved parser answers in milliseconds, so this bound only catches hangs. */
export const maxMillisPerInput = 2000;

const text = (s: string): Buffer => Buffer.from(s);

function analyzerTarget(name: string, analyzer: Analyzer, path: string, seeds: Buffer[], isText: boolean) {
  const target: FuzzTarget = { name, analyzer, path, seeds, text: isText };
  return {
    name,
    inputs: inputs(target),
    check: (input: Buffer) => checkInput(target, input, maxMillisPerInput),
  } satisfies ParserTarget;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function withinTime<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer after ${maxMillisPerInput} ms`)),
      maxMillisPerInput,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const compressions = ['none', 'gzip', 'zstd'] as const;
type Compression = (typeof compressions)[number];

function compress(bytes: Buffer, compression: Compression): Buffer {
  if (compression === 'gzip') return gzipSync(bytes, { level: 1 });
  if (compression === 'zstd') return zstdCompressSync(bytes);
  return bytes;
}

/** Feeds `bytes` in chunks of `chunkSize`, so header peeking and tar parsing see every kind of boundary. */
function chunked(bytes: Buffer, chunkSize: number): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
  return Readable.from(chunks, { objectMode: false });
}

/**
 * A fuzzed layer travels as one Buffer so that failing inputs can be saved and replayed as they are: two bytes of
 * chunk size (how the bytes are fed to the walker, so header peeking and tar parsing meet every boundary), then
 * the layer bytes.
 */
export function encodeLayerInput(chunkSize: number, layer: Buffer): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(Math.min(Math.max(chunkSize, 1), 0xffff));
  return Buffer.concat([head, layer]);
}

/** One walk of a fuzzed layer: resolves, or rejects with LayerError; anything else is a message. */
export async function checkLayer(input: Buffer, secrets: SecretScanner): Promise<string | undefined> {
  const chunkSize = input.length >= 2 ? Math.max(1, input.readUInt16BE(0)) : 1;
  const layer = input.subarray(2);
  try {
    await withinTime(
      walkLayer(chunked(layer, chunkSize), {
        analyzers,
        diffId: 'sha256:fuzz',
        secrets,
        // Small limits so that bombs and entry floods are exercised by small inputs too.
        limits: { maxFileBytes: 64 * 1024, maxLayerBytes: 8 * 1024 * 1024, maxEntries: 2000 },
      }),
      'walkLayer',
    );
  } catch (error) {
    if (!(error instanceof LayerError)) return `walkLayer threw ${describeError(error)}`;
  }
  return undefined;
}

async function layerWalkerTarget(): Promise<ParserTarget> {
  const seeds = await layerSeeds();
  const secrets = new SecretScanner();
  const seedTar: FuzzTarget = {
    name: 'tar',
    analyzer: jarAnalyzer,
    path: '',
    seeds: [seeds.tar],
    text: false,
  };
  const seedCompressed: FuzzTarget = { ...seedTar, seeds: [seeds.gzip, seeds.zstd] };
  // Mostly: edit the tar, then compress it, so the tar parser (not the decompressor's checksum) meets the damage.
  const editedThenCompressed = fc
    .tuple(inputs(seedTar), fc.constantFrom(...compressions))
    .map(([bytes, compression]) => compress(bytes, compression));
  const layer = fc.oneof(
    { weight: 3, arbitrary: editedThenCompressed },
    { weight: 1, arbitrary: inputs(seedCompressed) },
  );
  const chunkSize = fc.oneof(fc.constantFrom(7, 512, 65535), fc.integer({ min: 1, max: 4096 }));
  return {
    name: 'layer-walker',
    inputs: fc.tuple(chunkSize, layer).map(([size, bytes]) => encodeLayerInput(size, bytes)),
    check: (input) => checkLayer(input, secrets),
  };
}

/** One index of a fuzzed archive written to `file`: resolves, or rejects with TarIndexError. */
export async function checkTarIndex(file: string, bytes: Buffer): Promise<string | undefined> {
  await writeFile(file, bytes);
  try {
    await withinTime(indexTar(file), 'indexTar');
  } catch (error) {
    if (!(error instanceof TarIndexError)) return `indexTar threw ${describeError(error)}`;
  }
  return undefined;
}

async function tarIndexTarget(scratchFile: string): Promise<ParserTarget> {
  const seeds = await layerSeeds();
  // A docker-save-like archive: the seed layer stored as a member, next to small JSON documents.
  const outer = await layerSeeds();
  const seedArchive = Buffer.concat([outer.tar.subarray(0, outer.tar.length - 1024), seeds.tar]);
  const target: FuzzTarget = {
    name: 'tar-index',
    analyzer: jarAnalyzer,
    path: '',
    seeds: [seeds.tar, seedArchive],
    text: false,
  };
  return { name: 'tar-index', inputs: inputs(target), check: (input) => checkTarIndex(scratchFile, input) };
}

function jarSeeds(): Buffer[] {
  const pom = (group: string, artifact: string, version: string) =>
    text(`#Generated by Maven\ngroupId=${group}\nartifactId=${artifact}\nversion=${version}\n`);
  const inner = Buffer.from(
    zipSync({
      'META-INF/MANIFEST.MF': text(
        'Manifest-Version: 1.0\r\nImplementation-Title: inner\r\nImplementation-Version: 2.0\r\n' +
          'Implementation-Vendor-Id: org.example\r\n',
      ),
      'org/example/Inner.class': Buffer.alloc(64, 0xca),
    }),
  );
  const outer = Buffer.from(
    zipSync({
      'META-INF/MANIFEST.MF': text('Manifest-Version: 1.0\r\nMain-Class: org.example.App\r\n'),
      'META-INF/maven/org.example/app/pom.properties': pom('org.example', 'app', '1.0.0'),
      'BOOT-INF/lib/inner-2.0.jar': inner,
      'BOOT-INF/lib/stored.jar': [inner, { level: 0 }],
      'org/example/App.class': text('class bytes '.repeat(40)),
    }),
  );
  const seeds = [outer, inner];
  // A jar built by the real Java toolchain, when the machine has one (Debian ships several under /usr/share/java).
  try {
    const real = readFileSync('/usr/share/java/commons-cli.jar');
    if (real.length < 512 * 1024) seeds.push(real);
  } catch {
    // no system jar: the generated ones still cover the format
  }
  return seeds;
}

function goBuildInfoSection(goVersion: string, modInfo: string): Buffer {
  const varint = (n: number) => {
    const bytes: number[] = [];
    let rest = n;
    while (rest >= 0x80) {
      bytes.push((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 128);
    }
    bytes.push(rest);
    return Buffer.from(bytes);
  };
  const header = Buffer.alloc(32);
  header.write('\xff Go buildinf:', 0, 'latin1');
  header[14] = 8;
  header[15] = 0x2;
  const str = (s: string) => Buffer.concat([varint(Buffer.byteLength(s)), Buffer.from(s)]);
  return Buffer.concat([header, str(goVersion), str(modInfo)]);
}

function goSeeds(): Buffer[] {
  const start = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex').toString('latin1');
  const end = Buffer.from('f932433186182072008242104116d8f2', 'hex').toString('latin1');
  const modInfo =
    `${start}path\texample.com/app\nmod\texample.com/app\t(devel)\t\n` +
    'dep\tgithub.com/a/b\tv1.2.3\th1:abc=\ndep\tgolang.org/x/net\tv0.1.0\n=>\t./local\t\n' +
    'dep\tgithub.com/c/d\tv0.0.0-20200101000000-abcdefabcdef\n=>\tgithub.com/e/f\tv1.0.0\th1:x=\n' +
    `build\t-ldflags="-X main.version=1.4.2"\nbuild\tGOOS=linux\n${end}`;
  const seeds = [
    buildElf64([{ name: '.go.buildinfo', data: goBuildInfoSection('go1.22.3', modInfo) }]).image,
    // Not ELF: found by the magic at a 16-byte boundary.
    Buffer.concat([Buffer.alloc(64), goBuildInfoSection('go1.21.0 X:boringcrypto', modInfo)]),
  ];
  // The build info of a real Go executable on this machine (skopeo, umoci), re-wrapped in a small ELF.
  for (const binary of ['/usr/bin/umoci', '/usr/bin/skopeo']) {
    try {
      const image = readFileSync(binary);
      const section = parseElf(image)?.sections.find((s) => s.name === '.go.buildinfo');
      if (section && section.size < 64 * 1024) {
        const data = image.subarray(section.offset, section.offset + section.size);
        seeds.push(buildElf64([{ name: '.go.buildinfo', data }]).image);
        break;
      }
    } catch {
      // no Go binary here: the synthetic seeds still cover both layouts
    }
  }
  return seeds;
}

function rustSeeds(): Buffer[] {
  const audit = {
    packages: [
      { name: 'app', version: '0.1.0', source: 'local', dependencies: [1, 2] },
      { name: 'serde', version: '1.0.190', source: 'crates.io' },
      { name: 'cc', version: '1.0.83', source: 'crates.io', kind: 'build' },
    ],
  };
  const data = deflateSync(JSON.stringify(audit));
  return [
    buildElf64([
      { name: '.dep-v0', data },
      { name: '.text', data: Buffer.alloc(32, 0x90) },
    ]).image,
  ];
}

/** Every target, in a stable order; `scratchFile` is where the tar-index target writes each input. */
export async function parserTargets(scratchFile: string): Promise<ParserTarget[]> {
  return [
    await layerWalkerTarget(),
    await tarIndexTarget(scratchFile),
    analyzerTarget(
      'package.json',
      nodePackageAnalyzer,
      'usr/lib/node_modules/x/package.json',
      [
        text(
          '{\n  "name": "@scope/pkg",\n  "version": "1.2.3",\n  "license": "MIT",\n' +
            '  "licenses": [{"type": "Apache-2.0"}, "BSD"],\n  "dependencies": {"a": "^1"}\n}\n',
        ),
        text('{"name":"x","version":"0.0.1","license":{"type":"ISC"}}'),
      ],
      true,
    ),
    analyzerTarget(
      'python METADATA',
      pythonPackageAnalyzer,
      'usr/lib/python3/site-packages/requests-2.31.0.dist-info/METADATA',
      [
        text(
          'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\n' +
            'Classifier: License :: OSI Approved :: Apache Software License\nLicense-Expression: Apache-2.0\n' +
            'Description: long\n  continued\n\nbody text\n',
        ),
        text('Metadata-Version: 1.0\r\nName: six\r\nVersion: 1.16.0\r\nLicense: UNKNOWN\r\n'),
      ],
      true,
    ),
    analyzerTarget('jar', jarAnalyzer, 'app/lib/app-1.0.0.jar', jarSeeds(), false),
    {
      ...analyzerTarget('go buildinfo', goBinaryAnalyzer, 'usr/local/bin/app', goSeeds(), false),
      // The analyzer is readGoBuildInfo plus packaging; check the reader directly too, as other code calls it.
      check: async (input: Buffer) => {
        try {
          readGoBuildInfo(input);
        } catch (error) {
          return `readGoBuildInfo threw ${describeError(error)}`;
        }
        return checkInput(
          {
            name: 'go buildinfo',
            analyzer: goBinaryAnalyzer,
            path: 'usr/local/bin/app',
            seeds: [],
            text: false,
          },
          input,
          maxMillisPerInput,
        );
      },
    },
    analyzerTarget('rust binary', rustBinaryAnalyzer, 'usr/local/bin/app', rustSeeds(), false),
    analyzerTarget(
      'composer installed.json',
      composerVendorAnalyzer,
      'app/vendor/composer/installed.json',
      [
        text(
          '{"packages":[{"name":"Monolog/Monolog","version":"3.5.0","license":["MIT"],' +
            '"require":{"php":">=8.1","psr/log":"^3"}},{"name":"psr/log","version":"3.0.0","license":"MIT"}]}',
        ),
        text('[{"name":"a/b","version":"1.0"}]'),
      ],
      true,
    ),
    analyzerTarget(
      'dotnet deps.json',
      dotnetDepsAnalyzer,
      'app/app.deps.json',
      [
        text(
          '\uFEFF{"runtimeTarget":{"name":".NETCoreApp,Version=v8.0"},"libraries":{' +
            '"app/1.0.0":{"type":"project"},"Newtonsoft.Json/13.0.1":{"type":"package","sha512":"x"},' +
            '"System.Text.Json/8.0.0":{"type":"package"}}}',
        ),
      ],
      true,
    ),
    analyzerTarget(
      'Cargo.lock',
      cargoLockAnalyzer,
      'app/Cargo.lock',
      [
        text(
          'version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n "serde",\n' +
            ' "rand 0.8.5 (registry+https://github.com/rust-lang/crates.io-index)",\n]\n\n[[package]]\n' +
            'name = "serde"\nversion = "1.0.190"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n' +
            'checksum = "abc"\n\n[[package]]\nname = "rand"\nversion = "0.8.5"\n',
        ),
      ],
      true,
    ),
    analyzerTarget(
      'gemspec',
      gemspecAnalyzer,
      'usr/lib/ruby/gems/3.1.0/specifications/rack-3.0.8.gemspec',
      [
        text(
          '# -*- encoding: utf-8 -*-\nGem::Specification.new do |s|\n  s.name = "rack".freeze\n' +
            '  s.version = "3.0.8"\n  s.licenses = ["MIT".freeze, \'BSD\']\nend\n',
        ),
      ],
      true,
    ),
  ];
}
