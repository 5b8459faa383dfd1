import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { deflateSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { parseElf } from '../src/scanner/analyzers/lang/elf.ts';
import { baseAddress, buildElf64 } from '../test/support/elf-builder.ts';
import { sampleHeaderBlob } from '../test/scanner/analyzers/pkg/rpm/header-writer.ts';
import {
  buildRpms,
  installIntoSqliteDb,
  samplePackages,
  sqliteHeaderBlobs,
  writeBerkeleyDb,
  writeNdb,
} from '../test/scanner/analyzers/pkg/rpm/fixtures.ts';

/**
 * Valid inputs the mutations start from. Real files come first where this machine has them (its own dpkg
 * database, Python METADATA, npm package.json files, Java jars from Debian, Go build info from umoci/skopeo, rpm
 * databases written by rpm and Berkeley DB); hand-written seeds add the shapes real files rarely show.
 */
const text = (s: string): Buffer => Buffer.from(s);

function machineFile(path: string, maxBytes: number): Buffer | undefined {
  try {
    const bytes = readFileSync(path);
    return bytes.length > 0 && bytes.length <= maxBytes ? bytes : undefined;
  } catch {
    return undefined;
  }
}

function present(buffers: (Buffer | undefined)[]): Buffer[] {
  return buffers.filter((b): b is Buffer => b !== undefined);
}

/** The first paragraphs of a real status file: real field order, continuation lines and Source forms. */
function statusHead(path: string, paragraphs: number): Buffer | undefined {
  const bytes = machineFile(path, 64 * 1024 * 1024);
  if (bytes === undefined) return undefined;
  return text(
    bytes
      .toString('utf8')
      .split('\n\n')
      .filter((p) => /^Source: \S+ \(/m.test(p) || /^Depends:/m.test(p))
      .slice(0, paragraphs)
      .join('\n\n') + '\n',
  );
}

export function dpkgStatusSeeds(): Buffer[] {
  return present([
    statusHead('/var/lib/dpkg/status', 12),
    text(
      'Package: bsdutils\nStatus: install ok installed\nSource: util-linux (2.38.1-5)\nVersion: 1:2.38.1-5+b1\n' +
        'Depends: libc6 (>= 2.34) | libc, python3:any\nDescription: x\n more\n\nPackage: libc6\nVersion: 2.36-9\n' +
        'Status: deinstall ok config-files\n\nPackage: libc\nVersion: 2.36-9\nMaintainer: A <a@docker.com>\n',
    ),
    // distroless status.d: one paragraph per file, no Status field
    text('Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\nSource: tzdata\n'),
  ]);
}

export function dpkgMd5sumsSeeds(): Buffer[] {
  const real: Buffer[] = [];
  try {
    for (const name of readdirSync('/var/lib/dpkg/info').filter((n) => n.endsWith('.md5sums'))) {
      const bytes = machineFile(join('/var/lib/dpkg/info', name), 4096);
      if (bytes !== undefined && bytes.length > 200) real.push(bytes);
      if (real.length === 2) break;
    }
  } catch {
    // not a dpkg system
  }
  return [
    ...real,
    text('33f1cb6525f26614bd3a334d63632484  lib/x86_64-linux-gnu/libc.so.6\nabc  usr/share/doc/x\n'),
  ];
}

export function apkInstalledSeeds(): Buffer[] {
  return [
    text(
      'C:Q1Pbm2TTC4AAQU1yZ4eq3XkXGWtTw=\nP:musl\nV:1.2.4-r2\nA:x86_64\nS:383152\nI:622592\nT:the musl c library\n' +
        'U:https://musl.libc.org/\nL:MIT\no:musl\nm:Timo Teräs <timo.teras@iki.fi>\nt:1698765432\n' +
        'c:f93af038c3de7146121c2ea8124ba5ce29b4b058\np:so:libc.musl-x86_64.so.1=1\nF:lib\nR:ld-musl-x86_64.so.1\n' +
        'a:0:0:755\nZ:Q1Q2tpVbWCgaX5HUdPnPzQfVMsTio=\nR:libc.musl-x86_64.so.1\n\n' +
        'C:Q1zcdP5Jz7aNkeyRm4TOr3dXj6Gg0=\nP:busybox\nV:1.36.1-r15\nA:x86_64\nL:GPL-2.0-only\no:busybox\n' +
        'D:so:libc.musl-x86_64.so.1 !busybox-extras musl>=1.2\nF:bin\nR:busybox\nF:etc\nR:securetty\n\n' +
        'P:ssl_client\nV:1.36.1-r15\nL:MIT OR (GPL-2.0 AND BSD-3-Clause)\no:busybox\nD:so:libc.musl-x86_64.so.1\n',
    ),
    text('P:a\nV:1.0_rc1-r0\nL:\nD:\np:\n'),
  ];
}

export function pythonMetadataSeeds(): Buffer[] {
  return present([
    machineFile('/usr/lib/python3/dist-packages/blinker-1.5.dist-info/METADATA', 16 * 1024),
    machineFile('/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA', 16 * 1024),
    text(
      'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\n' +
        'Classifier: License :: OSI Approved :: Apache Software License\nLicense-Expression: Apache-2.0\n' +
        'Description: long\n  continued\n\nbody text\n',
    ),
    text('Metadata-Version: 1.0\r\nName: six\r\nVersion: 1.16.0\r\nLicense: UNKNOWN\r\n'),
  ]);
}

export function packageJsonSeeds(): Buffer[] {
  const fromNodeModules = ['semver', 'fflate', 'picomatch'].map((name) =>
    machineFile(join(import.meta.dirname, '..', 'node_modules', name, 'package.json'), 16 * 1024),
  );
  return present([
    ...fromNodeModules,
    text(
      '{\n  "name": "@scope/pkg",\n  "version": "1.2.3",\n  "license": "MIT",\n' +
        '  "licenses": [{"type": "Apache-2.0"}, "BSD"],\n  "dependencies": {"a": "^1"}\n}\n',
    ),
    text('{"name":"x","version":"0.0.1","license":{"type":"ISC"}}'),
  ]);
}

const pom = (group: string, artifact: string, version: string) =>
  text(`#Generated by Maven\ngroupId=${group}\nartifactId=${artifact}\nversion=${version}\n`);

export const manifestSeed = text(
  'Manifest-Version: 1.0\r\nImplementation-Title: inner\r\nImplementation-Version: 2.0\r\n' +
    'Implementation-Vendor-Id: org.example\r\nBundle-SymbolicName: org.example.inner;singleton:=true\r\n' +
    'Implementation-Vendor: org.example\r\n',
);

export function jarSeeds(): Buffer[] {
  const inner = Buffer.from(
    zipSync({
      'META-INF/MANIFEST.MF': manifestSeed,
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
  // Jars built by the real Java toolchain (Debian ships them under /usr/share/java).
  return present([
    outer,
    inner,
    machineFile('/usr/share/java/commons-cli.jar', 128 * 1024),
    machineFile('/usr/share/java/slf4j-nop.jar', 64 * 1024),
  ]);
}

export function pomSeed(): Buffer {
  return pom('org.example', 'app', '1.0.0');
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  let rest = n;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

export const modInfoStart = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
export const modInfoEnd = Buffer.from('f932433186182072008242104116d8f2', 'hex');

export const modInfoSeed =
  'path\texample.com/app\nmod\texample.com/app\t(devel)\t\n' +
  'dep\tgithub.com/a/b\tv1.2.3\th1:abc=\ndep\tgolang.org/x/net\tv0.1.0\n=>\t./local\t\n' +
  'dep\tgithub.com/c/d\tv0.0.0-20200101000000-abcdefabcdef\n=>\tgithub.com/e/f\tv1.0.0\th1:x=\n' +
  'build\t-ldflags="-X main.version=1.4.2"\nbuild\tGOOS=linux\n';

/** Go ≥ 1.18 build info: 32-byte header (magic, pointer size, flags with bit 2 = inline strings), two varint strings. */
export function goInlineBuildInfo(goVersion: string, modInfo: Buffer): Buffer {
  const header = Buffer.alloc(32);
  header.write('\xff Go buildinf:', 0, 'latin1');
  header[14] = 8;
  header[15] = 0x2;
  const str = (b: Buffer) => Buffer.concat([varint(b.length), b]);
  return Buffer.concat([header, str(Buffer.from(goVersion)), str(modInfo)]);
}

/**
 * Go < 1.18 build info: the header holds pointers to two Go string headers (pointer, length), which point at the
 * string bytes; all addresses are virtual, mapped by the ELF's load segment.
 */
export function goPointerBuildInfoElf(goVersion: string, modInfo: Buffer): Buffer {
  const strings = Buffer.concat([Buffer.from(goVersion), modInfo]);
  const section = Buffer.alloc(32 + 32 + strings.length);
  const { image, offsets } = buildElf64([{ name: '.go.buildinfo', data: section }]);
  const at = offsets.get('.go.buildinfo') ?? 0;
  const address = (offset: number) => BigInt(baseAddress + at + offset);
  image.write('\xff Go buildinf:', at, 'latin1');
  image[at + 14] = 8;
  image[at + 15] = 0;
  image.writeBigUInt64LE(address(32), at + 16);
  image.writeBigUInt64LE(address(48), at + 24);
  image.writeBigUInt64LE(address(64), at + 32);
  image.writeBigUInt64LE(BigInt(Buffer.byteLength(goVersion)), at + 40);
  image.writeBigUInt64LE(address(64 + Buffer.byteLength(goVersion)), at + 48);
  image.writeBigUInt64LE(BigInt(modInfo.length), at + 56);
  strings.copy(image, at + 64);
  return image;
}

export function withSentinels(modInfo: string): Buffer {
  return Buffer.concat([modInfoStart, Buffer.from(modInfo), modInfoEnd]);
}

export function goBinarySeeds(): Buffer[] {
  const modInfo = withSentinels(modInfoSeed);
  const seeds = [
    buildElf64([{ name: '.go.buildinfo', data: goInlineBuildInfo('go1.22.3', modInfo) }]).image,
    // Not ELF (a Mach-O or PE file, say): found by the magic at a 16-byte boundary.
    Buffer.concat([Buffer.alloc(64), goInlineBuildInfo('go1.21.0 X:boringcrypto', modInfo)]),
    goPointerBuildInfoElf('go1.16.15', modInfo),
  ];
  // The build info of a real Go executable on this machine, re-wrapped in a small ELF.
  for (const binary of ['/usr/bin/umoci', '/usr/bin/skopeo']) {
    const image = machineFile(binary, 64 * 1024 * 1024);
    const section = image && parseElf(image)?.sections.find((s) => s.name === '.go.buildinfo');
    if (image && section && section.size < 64 * 1024) {
      const data = image.subarray(section.offset, section.offset + section.size);
      seeds.push(buildElf64([{ name: '.go.buildinfo', data }]).image);
      break;
    }
  }
  return seeds;
}

export function rustBinarySeeds(): Buffer[] {
  const audit = {
    packages: [
      { name: 'app', version: '0.1.0', source: 'local', dependencies: [1, 2] },
      { name: 'serde', version: '1.0.190', source: 'crates.io' },
      { name: 'cc', version: '1.0.83', source: 'crates.io', kind: 'build' },
    ],
  };
  return [
    buildElf64([
      { name: '.dep-v0', data: deflateSync(JSON.stringify(audit)) },
      { name: '.text', data: Buffer.alloc(32, 0x90) },
    ]).image,
  ];
}

export interface RpmSeeds {
  /** Header blobs as rpmdb stores them: written by rpm itself, plus hand-encoded ones. */
  blobs: Buffer[];
  sqlite: Buffer[];
  bdb: Buffer[];
  ndb: Buffer[];
}

const rpmSeedCache = join(import.meta.dirname, '..', '.cache', 'fuzz', 'seeds', 'rpm-v1');

/**
 * rpm databases written by the real tools (rpmbuild + `rpm --justdb` for SQLite, `db5.3_load` for Berkeley DB in both
 * byte orders, with overflow pages and page checksums); NDB has no writer on Debian and is laid out by the test
 * writer. Built once and kept under `.cache/fuzz/seeds`; `real: false` (or a machine without rpm) gives the
 * hand-encoded seeds only, which need no tools.
 */
export async function rpmSeeds(real: boolean): Promise<RpmSeeds> {
  const synthetic = [sampleHeaderBlob('openssl-libs'), sampleHeaderBlob('glibc', ['openssl-libs'])];
  const seeds: RpmSeeds = {
    blobs: [...synthetic],
    sqlite: [syntheticSqlite(synthetic)],
    bdb: [],
    ndb: [writeNdb(synthetic)],
  };
  const made = real ? await realRpmDatabases() : undefined;
  if (made !== undefined) {
    seeds.blobs.push(...made.blobs);
    seeds.sqlite.push(made.sqlite);
    seeds.bdb.push(...made.bdb);
    seeds.ndb.push(writeNdb(made.blobs));
  }
  // Berkeley DB seeds need db5.3_load even for the synthetic blobs; without it the rpm targets still have the others.
  if (seeds.bdb.length === 0) seeds.bdb.push(...(await berkeleyDbFiles(synthetic, [{ pageSize: 512 }])));
  return seeds;
}

function syntheticSqlite(blobs: readonly Buffer[]): Buffer {
  const db = new DatabaseSync(':memory:');
  try {
    db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
    for (const blob of blobs) insert.run(blob);
    return Buffer.from(db.serialize());
  } finally {
    db.close();
  }
}

type BdbOptions = { pageSize: number; bigEndian?: boolean; checksum?: boolean };

async function berkeleyDbFiles(blobs: readonly Buffer[], variants: readonly BdbOptions[]): Promise<Buffer[]> {
  const dir = await mkdtemp(join(tmpdir(), 'trivy-ts-fuzz-bdb-'));
  try {
    const files: Buffer[] = [];
    for (const [i, options] of variants.entries()) {
      const file = join(dir, `Packages-${i}`);
      await writeBerkeleyDb(
        file,
        blobs.map((blob, n) => ({ hnum: n + 1, blob })),
        options,
      );
      files.push(await readFile(file));
    }
    return files;
  } catch (error) {
    console.error(`fuzz seeds: no Berkeley DB seeds (${(error as Error).message})`);
    return [];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface RealRpmDatabases {
  blobs: Buffer[];
  /** `rpmdb.sqlite` exactly as rpm wrote it (WAL mode, rpm's index tables). */
  sqlite: Buffer;
  bdb: Buffer[];
}

async function realRpmDatabases(): Promise<RealRpmDatabases | undefined> {
  const blobFiles = ['blob-0', 'blob-1', 'blob-2', 'blob-3'].map((f) => join(rpmSeedCache, f));
  const sqliteCopy = join(rpmSeedCache, 'rpmdb.sqlite');
  const bdbFiles = ['bdb-le-512', 'bdb-be-512', 'bdb-le-4096-checksum'].map((f) => join(rpmSeedCache, f));
  if ([...blobFiles, sqliteCopy, ...bdbFiles].every((f) => existsSync(f))) {
    return {
      blobs: await Promise.all(blobFiles.map((f) => readFile(f))),
      sqlite: await readFile(sqliteCopy),
      bdb: await Promise.all(bdbFiles.map((f) => readFile(f))),
    };
  }
  const work = await mkdtemp(join(tmpdir(), 'trivy-ts-fuzz-rpm-'));
  try {
    // The sample set minus its 400-file package: small headers keep the fuzzing rate high.
    const specs = samplePackages().map((spec) => ({ ...spec, files: spec.files.slice(0, 3) }));
    const rpms = await buildRpms(work, specs);
    const sqliteFile = await installIntoSqliteDb(join(work, 'db'), rpms);
    const blobs = sqliteHeaderBlobs(sqliteFile).map((row) => row.blob);
    const sqlite = await readFile(sqliteFile);
    const bdb = await berkeleyDbFiles(blobs, [
      { pageSize: 512 },
      { pageSize: 512, bigEndian: true },
      { pageSize: 4096, checksum: true },
    ]);
    if (blobs.length !== blobFiles.length || bdb.length !== bdbFiles.length) return undefined;
    await mkdir(rpmSeedCache, { recursive: true });
    await Promise.all([
      ...blobs.map((b, i) => writeFile(blobFiles[i] ?? '', b)),
      ...bdb.map((b, i) => writeFile(bdbFiles[i] ?? '', b)),
      writeFile(sqliteCopy, sqlite),
    ]);
    return { blobs, sqlite, bdb };
  } catch (error) {
    console.error(
      `fuzz seeds: no real rpm databases, using hand-encoded headers (${(error as Error).message})`,
    );
    return undefined;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
