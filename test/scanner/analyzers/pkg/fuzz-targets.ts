import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';
import type { Analyzer } from '../../../../src/scanner/analyzers/types.ts';
import { AnalyzerError } from '../../../../src/scanner/analyzers/types.ts';
import { alpineAnalyzer, apkRepositoriesAnalyzer } from '../../../../src/scanner/analyzers/os/alpine.ts';
import { amazonAnalyzer } from '../../../../src/scanner/analyzers/os/amazon.ts';
import { debianAnalyzer } from '../../../../src/scanner/analyzers/os/debian.ts';
import { osReleaseAnalyzer } from '../../../../src/scanner/analyzers/os/os-release.ts';
import { redhatReleaseAnalyzer } from '../../../../src/scanner/analyzers/os/redhat-release.ts';
import { ubuntuAnalyzer } from '../../../../src/scanner/analyzers/os/ubuntu.ts';
import { ubuntuEsmAnalyzer } from '../../../../src/scanner/analyzers/os/ubuntu-esm.ts';
import { apkAnalyzer } from '../../../../src/scanner/analyzers/pkg/apk/installed.ts';
import { dpkgAnalyzer } from '../../../../src/scanner/analyzers/pkg/dpkg/analyzer.ts';
import { rpmAnalyzer } from '../../../../src/scanner/analyzers/pkg/rpm/rpmdb.ts';
import { sampleHeaderBlob } from './rpm/header-writer.ts';
import { writeBerkeleyDb, writeNdb } from './rpm/fixtures.ts';

/**
 * Fuzz targets for every OS-detection and OS-package parser, shared by the in-suite property tests (thousands of
 * inputs) and, for their seeds, the `npm run fuzz` campaign (a million). Inputs are random bytes, valid seed files with random byte
 * and integer edits, truncations, and shuffled seed lines. The property: the analyzer returns (a result or
 * nothing) or throws AnalyzerError, and does so quickly; any other exception or a slow input is a bug.
 */
export interface FuzzTarget {
  name: string;
  analyzer: Analyzer;
  path: string;
  seeds: Buffer[];
  /** Text formats also get inputs recombined from their seed lines. */
  text: boolean;
}

const blobs = [sampleHeaderBlob('openssl-libs'), sampleHeaderBlob('glibc', ['openssl-libs'])];

function sqliteSeed(): Buffer {
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

async function berkeleyDbSeeds(): Promise<Buffer[]> {
  const dir = await mkdtemp(join(tmpdir(), 'trivy-ts-fuzz-bdb-'));
  try {
    const seeds: Buffer[] = [];
    for (const [i, options] of [{ pageSize: 512 }, { pageSize: 512, bigEndian: true }].entries()) {
      const file = join(dir, `Packages-${i}`);
      await writeBerkeleyDb(
        file,
        blobs.map((blob, n) => ({ hnum: n + 1, blob })),
        options,
      );
      seeds.push(await readFile(file));
    }
    return seeds;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const text = (s: string): Buffer => Buffer.from(s);

export async function fuzzTargets(): Promise<FuzzTarget[]> {
  return [
    {
      name: 'os-release',
      analyzer: osReleaseAnalyzer,
      path: 'etc/os-release',
      seeds: [
        text(
          'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n# c\nX=\'y\'\n',
        ),
      ],
      text: true,
    },
    {
      name: 'debian_version',
      analyzer: debianAnalyzer,
      path: 'etc/debian_version',
      seeds: [text('12.5\n')],
      text: true,
    },
    {
      name: 'lsb-release',
      analyzer: ubuntuAnalyzer,
      path: 'etc/lsb-release',
      seeds: [
        text(
          'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION="Ubuntu"\n',
        ),
      ],
      text: true,
    },
    {
      name: 'ubuntu-esm',
      analyzer: ubuntuEsmAnalyzer,
      path: 'var/lib/ubuntu-advantage/status.json',
      seeds: [
        text('{"services":[{"name":"esm-infra","status":"enabled"},{"name":"fips","status":"disabled"}]}'),
      ],
      text: true,
    },
    {
      name: 'alpine-release',
      analyzer: alpineAnalyzer,
      path: 'etc/alpine-release',
      seeds: [text('3.19.1\n')],
      text: true,
    },
    {
      name: 'apk-repositories',
      analyzer: apkRepositoriesAnalyzer,
      path: 'etc/apk/repositories',
      seeds: [text('https://dl-cdn.alpinelinux.org/alpine/v3.19/main\nhttp://m/alpine/edge/testing\n#x\n')],
      text: true,
    },
    {
      name: 'redhat-release',
      analyzer: redhatReleaseAnalyzer,
      path: 'etc/redhat-release',
      seeds: [text('CentOS Linux release 7.9.2009 (Core)\n')],
      text: true,
    },
    {
      name: 'system-release',
      analyzer: amazonAnalyzer,
      path: 'etc/system-release',
      seeds: [text('Amazon Linux release 2 (Karoo)\n'), text('Amazon Linux AMI release 2018.03\n')],
      text: true,
    },
    {
      name: 'dpkg status',
      analyzer: dpkgAnalyzer,
      path: 'var/lib/dpkg/status',
      seeds: [
        text(
          'Package: bsdutils\nStatus: install ok installed\nSource: util-linux (2.38.1-5)\nVersion: 1:2.38.1-5+b1\n' +
            'Depends: libc6 (>= 2.34) | libc, python3:any\nDescription: x\n more\n\nPackage: libc6\nVersion: 2.36-9\n' +
            'Status: deinstall ok config-files\n\nPackage: libc\nVersion: 2.36-9\nMaintainer: A <a@docker.com>\n',
        ),
      ],
      text: true,
    },
    {
      name: 'dpkg md5sums',
      analyzer: dpkgAnalyzer,
      path: 'var/lib/dpkg/info/libc6:amd64.md5sums',
      seeds: [
        text('33f1cb6525f26614bd3a334d63632484  lib/x86_64-linux-gnu/libc.so.6\nabc  usr/share/doc/x\n'),
      ],
      text: true,
    },
    {
      name: 'apk installed',
      analyzer: apkAnalyzer,
      path: 'lib/apk/db/installed',
      seeds: [
        text(
          'C:Q1Pbm2TTC4AAQU1yZ4eq3XkXGWtTw=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT OR (GPL 2.0)\no:musl\n' +
            'p:so:libc.musl-x86_64.so.1=1\nF:lib\nR:libc.so\n\nP:busybox\nV:1.36.1-r15\nD:so:libc.musl-x86_64.so.1 !x musl>=1\n',
        ),
      ],
      text: true,
    },
    {
      name: 'rpm sqlite',
      analyzer: rpmAnalyzer,
      path: 'var/lib/rpm/rpmdb.sqlite',
      seeds: [sqliteSeed()],
      text: false,
    },
    {
      name: 'rpm bdb',
      analyzer: rpmAnalyzer,
      path: 'var/lib/rpm/Packages',
      seeds: await berkeleyDbSeeds(),
      text: false,
    },
    {
      name: 'rpm ndb',
      analyzer: rpmAnalyzer,
      path: 'var/lib/rpm/Packages.db',
      seeds: [writeNdb(blobs)],
      text: false,
    },
  ];
}

type Edit = { at: number; value: number; width: 1 | 2 | 4; bigEndian: boolean };

function applyEdits(seed: Buffer, edits: readonly Edit[], cut: number | null): Buffer {
  const out = Buffer.from(seed);
  for (const { at, value, width, bigEndian } of edits) {
    const pos = at % Math.max(1, out.length - width);
    if (pos + width > out.length) continue;
    if (width === 1) out[pos] = value & 0xff;
    else if (width === 2 && bigEndian) out.writeUInt16BE(value & 0xffff, pos);
    else if (width === 2) out.writeUInt16LE(value & 0xffff, pos);
    else if (bigEndian) out.writeUInt32BE(value >>> 0, pos);
    else out.writeUInt32LE(value >>> 0, pos);
  }
  return cut === null ? out : out.subarray(0, cut % (out.length + 1));
}

export function inputs(target: FuzzTarget): fc.Arbitrary<Buffer> {
  const edit: fc.Arbitrary<Edit> = fc.record({
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(0, 1, 0xff, 0xffff, 0x7fffffff, 0xffffffff), fc.nat()),
    width: fc.constantFrom(1 as const, 2 as const, 4 as const),
    bigEndian: fc.boolean(),
  });
  const mutated = fc
    .tuple(
      fc.constantFrom(...target.seeds),
      fc.array(edit, { maxLength: 12 }),
      fc.option(fc.nat(), { nil: null }),
    )
    .map(([seed, edits, cut]) => applyEdits(seed, edits, cut));
  const random = fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes));
  if (!target.text) return fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: random });
  const lines = target.seeds.flatMap((seed) => seed.toString('utf8').split('\n'));
  const recombined = fc
    .array(fc.oneof(fc.constantFrom(...lines), fc.string({ unit: 'binary', maxLength: 40 })), {
      maxLength: 40,
    })
    .map((parts) => Buffer.from(parts.join('\n')));
  return fc.oneof(mutated, random, recombined);
}

/** Slowest acceptable input: these are at most a few KiB, so anything near this is a hang in the making. */
export const maxMillisPerInput = 2000;

/** Runs one input; returns an error message for a property violation, undefined when the analyzer behaved. */
export async function checkInput(
  target: FuzzTarget,
  content: Buffer,
  maxMillis = maxMillisPerInput,
): Promise<string | undefined> {
  const started = performance.now();
  try {
    await target.analyzer.analyze({ path: target.path, size: content.length, mode: 0o644, content });
  } catch (error) {
    if (!(error instanceof AnalyzerError)) {
      return `${target.name}: threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    }
  }
  const elapsed = performance.now() - started;
  if (elapsed > maxMillis) return `${target.name}: took ${elapsed.toFixed(0)} ms on ${content.length} bytes`;
  return undefined;
}

export function property(target: FuzzTarget): fc.IAsyncProperty<[Buffer]> {
  return fc.asyncProperty(inputs(target), async (content) => {
    const problem = await checkInput(target, content);
    if (problem !== undefined) throw new Error(problem);
  });
}
