/**
 * Fixture Trivy DBs (schema 2) for tests: a builder with realistic content written through the test-only bbolt
 * writer, in Trivy's cache layout (`<cache>/db/trivy.db` + `metadata.json`) or as the `db.tar.gz` layer of the
 * OCI artifact. `writeSyntheticTrivyDb` streams a large DB of the same shape for benchmarks.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer as streamBytes } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { BoltFileWriter, type BoltWriteSummary, type BoltWriterOptions } from './bbolt-writer.ts';

/** Stored forms (ints for Status/Severity, as in the DB), not the decoded ones. */
export interface StoredDataSource {
  ID: string;
  Name: string;
  URL: string;
  BaseID?: string;
}

export interface FixtureMetadata {
  Version?: number;
  NextUpdate: string;
  UpdatedAt: string;
  DownloadedAt: string;
}

/** A value to store: an object is JSON-encoded; a string is stored as is (to plant malformed values). */
export type StoredValue = object | string;

function encode(value: StoredValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function sortedKeys<V>(map: Map<string, V>): string[] {
  return [...map.keys()].sort(byBytes);
}

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

function rfc3339(time: Date): string {
  return time.toISOString().replace(/\.000Z$/, 'Z');
}

export class TrivyDbFixture {
  /** bucket → package → vulnerability ID → advisory. */
  readonly advisories = new Map<string, Map<string, Map<string, StoredValue>>>();
  readonly vulnerabilities = new Map<string, StoredValue>();
  readonly dataSources = new Map<string, StoredValue>();
  /** Extra top-level buckets holding nested buckets of raw values (e.g. `Red Hat CPE`). */
  readonly rawBuckets = new Map<string, Map<string, Map<string, string>>>();
  metadata: FixtureMetadata;

  constructor(now: Date = new Date()) {
    const updated = new Date(now.getTime() - 60 * 60 * 1000);
    this.metadata = {
      Version: 2,
      UpdatedAt: rfc3339(updated),
      NextUpdate: rfc3339(new Date(updated.getTime() + 24 * 60 * 60 * 1000)),
      DownloadedAt: rfc3339(new Date(now.getTime() - 30 * 60 * 1000)),
    };
  }

  addAdvisory(bucket: string, pkg: string, vulnerabilityId: string, advisory: StoredValue): this {
    let packages = this.advisories.get(bucket);
    if (!packages) this.advisories.set(bucket, (packages = new Map()));
    let ids = packages.get(pkg);
    if (!ids) packages.set(pkg, (ids = new Map()));
    ids.set(vulnerabilityId, advisory);
    return this;
  }

  addVulnerability(id: string, vulnerability: StoredValue): this {
    this.vulnerabilities.set(id, vulnerability);
    return this;
  }

  addDataSource(bucket: string, dataSource: StoredDataSource | string): this {
    this.dataSources.set(bucket, dataSource);
    return this;
  }

  addRaw(bucket: string, nested: string, key: string, value: string): this {
    let children = this.rawBuckets.get(bucket);
    if (!children) this.rawBuckets.set(bucket, (children = new Map()));
    let values = children.get(nested);
    if (!values) children.set(nested, (values = new Map()));
    values.set(key, value);
    return this;
  }

  /** Writes trivy.db (bbolt) to `path`. */
  writeDb(path: string, options: BoltWriterOptions = {}): BoltWriteSummary {
    const writer = BoltFileWriter.create(path, options);
    try {
      const topLevel = new Set([
        ...this.advisories.keys(),
        ...this.rawBuckets.keys(),
        'data-source',
        'vulnerability',
      ]);
      for (const name of [...topLevel].sort(byBytes)) {
        writer.beginBucket(name);
        if (name === 'vulnerability' || name === 'data-source') {
          const values = name === 'vulnerability' ? this.vulnerabilities : this.dataSources;
          for (const key of sortedKeys(values)) writer.put(key, encode(values.get(key)!));
        } else {
          const nested = this.advisories.get(name) ?? this.rawBuckets.get(name)!;
          for (const child of sortedKeys(nested)) {
            writer.beginBucket(child);
            const values = nested.get(child)! as Map<string, StoredValue>;
            for (const key of sortedKeys(values)) writer.put(key, encode(values.get(key)!));
            writer.endBucket();
          }
        }
        writer.endBucket();
      }
      return writer.finish();
    } catch (error) {
      writer.abort();
      throw error;
    }
  }

  metadataJson(overrides: Partial<FixtureMetadata> = {}): string {
    return JSON.stringify({ ...this.metadata, ...overrides });
  }

  /** Writes `<cacheDir>/db/trivy.db` and `<cacheDir>/db/metadata.json`. */
  writeCacheDir(cacheDir: string): { dbPath: string; metadataPath: string; summary: BoltWriteSummary } {
    const dir = join(cacheDir, 'db');
    mkdirSync(dir, { recursive: true });
    const dbPath = join(dir, 'trivy.db');
    const metadataPath = join(dir, 'metadata.json');
    const summary = this.writeDb(dbPath);
    writeFileSync(metadataPath, this.metadataJson());
    return { dbPath, metadataPath, summary };
  }
}

/** The `db.tar.gz` layer of the trivy-db OCI artifact: `trivy.db` + `metadata.json` (DownloadedAt zero, as published). */
export async function buildTrivyDbLayer(
  fixture: TrivyDbFixture = realisticTrivyDbFixture(),
): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'trivy-db-layer-'));
  try {
    fixture.writeDb(join(dir, 'trivy.db'));
    const members: [string, Buffer][] = [
      ['trivy.db', readFileSync(join(dir, 'trivy.db'))],
      ['metadata.json', Buffer.from(fixture.metadataJson({ DownloadedAt: GO_ZERO_TIME }))],
    ];
    const pack = tar.pack();
    const tarball = streamBytes(pack);
    const mtime = new Date(fixture.metadata.UpdatedAt);
    for (const [name, content] of members)
      pack.entry({ name, size: content.length, mode: 0o644, mtime }, content);
    pack.finalize();
    return gzipSync(await tarball);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a realistic fixture DB into a cache dir (Trivy's layout) and returns the file paths. */
export function writeTrivyDbCacheDir(
  cacheDir: string,
  fixture: TrivyDbFixture = realisticTrivyDbFixture(),
): { dbPath: string; metadataPath: string; summary: BoltWriteSummary } {
  return fixture.writeCacheDir(cacheDir);
}

/** Data sources as trivy-db names them (bucket → source). */
export const FIXTURE_DATA_SOURCES: Record<string, StoredDataSource> = {
  'alpine 3.19': { ID: 'alpine', Name: 'Alpine Secdb', URL: 'https://secdb.alpinelinux.org/' },
  'debian 12': {
    ID: 'debian',
    Name: 'Debian Security Tracker',
    URL: 'https://salsa.debian.org/security-tracker-team/security-tracker',
  },
  'ubuntu 22.04': {
    ID: 'ubuntu',
    Name: 'Ubuntu CVE Tracker',
    URL: 'https://git.launchpad.net/ubuntu-cve-tracker',
  },
  'Red Hat': { ID: 'redhat', Name: 'Red Hat OVAL v2', URL: 'https://www.redhat.com/security/data/oval/v2/' },
  'npm::GitHub Security Advisory npm': {
    ID: 'ghsa',
    Name: 'GitHub Security Advisory npm',
    URL: 'https://github.com/advisories?query=type%3Areviewed+ecosystem%3Anpm',
  },
  'npm::Node.js Ecosystem Security Working Group': {
    ID: 'nodejs-security-wg',
    Name: 'Node.js Ecosystem Security Working Group',
    URL: 'https://github.com/nodejs/security-wg',
  },
  'pip::GitHub Security Advisory pip': {
    ID: 'ghsa',
    Name: 'GitHub Security Advisory pip',
    URL: 'https://github.com/advisories?query=type%3Areviewed+ecosystem%3Apip',
  },
  'maven::GitHub Security Advisory Maven': {
    ID: 'ghsa',
    Name: 'GitHub Security Advisory Maven',
    URL: 'https://github.com/advisories?query=type%3Areviewed+ecosystem%3Amaven',
  },
  'go::The Go Vulnerability Database': {
    ID: 'govulndb',
    Name: 'The Go Vulnerability Database',
    URL: 'https://pkg.go.dev/vuln/',
  },
};

function nvdVulnerability(fields: {
  title: string;
  description: string;
  severity: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  score: number;
  vector: string;
  cwe: string;
  vendors: Record<string, number>;
  published: string;
  references: string[];
}): object {
  const level = { LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 }[fields.severity];
  return {
    Title: fields.title,
    Description: fields.description,
    Severity: fields.severity,
    CweIDs: [fields.cwe],
    VendorSeverity: { nvd: level, ...fields.vendors },
    CVSS: { nvd: { V3Vector: fields.vector, V3Score: fields.score } },
    References: fields.references,
    PublishedDate: fields.published,
    LastModifiedDate: '2025-11-04T18:15:00.123Z',
  };
}

/**
 * A small DB whose entries look like the real one: OS advisories keyed by (source) package, language buckets from
 * two npm sources (the Node.js WG bucket sorts after the GHSA one, so its lodash advisory wins), pip, Maven and Go,
 * `Red Hat` with `Entries`, `Red Hat CPE`, details in `vulnerability` and every bucket in `data-source`.
 */
export function realisticTrivyDbFixture(now: Date = new Date()): TrivyDbFixture {
  const fixture = new TrivyDbFixture(now);
  for (const [bucket, source] of Object.entries(FIXTURE_DATA_SOURCES)) fixture.addDataSource(bucket, source);

  fixture
    .addAdvisory('debian 12', 'openssl', 'CVE-2024-0727', { FixedVersion: '3.0.13-1~deb12u1' })
    .addAdvisory('debian 12', 'openssl', 'CVE-2023-5678', {
      FixedVersion: '3.0.13-1~deb12u1',
      VendorIDs: ['DSA-5621-1'],
    })
    .addAdvisory('debian 12', 'openssl', 'CVE-2024-2511', { Status: 6, Severity: 1 })
    .addAdvisory('debian 12', 'glibc', 'CVE-2023-4911', {
      FixedVersion: '2.36-9+deb12u3',
      VendorIDs: ['DSA-5514-1'],
    })
    .addAdvisory('debian 12', 'glibc', 'CVE-2010-4756', { Status: 5, Severity: 1 })
    .addAdvisory('debian 12', 'bash', 'CVE-2022-3715', { FixedVersion: '5.2.15-2+b2' })
    .addAdvisory('debian 12', 'zlib', 'CVE-2023-45853', { Status: 5, Severity: 4 })
    .addAdvisory('debian 12', 'perl', 'CVE-2023-31484', { Status: 2 });
  fixture
    .addAdvisory('alpine 3.19', 'openssl', 'CVE-2024-0727', { FixedVersion: '3.1.4-r5' })
    .addAdvisory('alpine 3.19', 'openssl', 'CVE-2023-6129', { FixedVersion: '3.1.4-r3' })
    .addAdvisory('alpine 3.19', 'busybox', 'CVE-2023-42363', { FixedVersion: '1.36.1-r16' })
    .addAdvisory('alpine 3.19', 'musl', 'CVE-2025-26519', { FixedVersion: '1.2.4_git20230717-r5' });
  fixture
    .addAdvisory('ubuntu 22.04', 'openssl', 'CVE-2024-0727', {
      FixedVersion: '3.0.2-0ubuntu1.14',
      Severity: 1,
    })
    .addAdvisory('ubuntu 22.04', 'glibc', 'CVE-2023-4911', { FixedVersion: '2.35-0ubuntu3.4', Severity: 3 })
    .addAdvisory('ubuntu 22.04', 'glibc', 'CVE-2016-20013', { Severity: 1, Status: 6 });
  fixture.addAdvisory('Red Hat', 'openssl', 'RHSA-2024:2447', {
    Entries: [
      {
        FixedVersion: '1:3.0.7-27.el9',
        Cves: [{ ID: 'CVE-2023-5678', Severity: 1 }],
        Arches: ['aarch64', 'x86_64'],
        Affected: [3, 4],
      },
    ],
  });
  fixture.addAdvisory('Red Hat', 'openssl', 'CVE-2024-2511', {
    Entries: [{ Cves: [{ ID: 'CVE-2024-2511', Severity: 1 }], Status: 5, Affected: [3] }],
  });
  fixture
    .addRaw('Red Hat CPE', 'repository', 'rhel-9-for-x86_64-baseos-rpms', '[3]')
    .addRaw('Red Hat CPE', 'repository', 'rhel-9-for-x86_64-appstream-rpms', '[4]')
    .addRaw('Red Hat CPE', 'cpe', '3', '"cpe:/o:redhat:enterprise_linux:9::baseos"')
    .addRaw('Red Hat CPE', 'cpe', '4', '"cpe:/a:redhat:enterprise_linux:9::appstream"');

  const ghsaNpm = 'npm::GitHub Security Advisory npm';
  const nodeWg = 'npm::Node.js Ecosystem Security Working Group';
  fixture
    .addAdvisory(ghsaNpm, 'lodash', 'CVE-2019-10744', {
      VulnerableVersions: ['<4.17.12'],
      PatchedVersions: ['4.17.12'],
      VendorIDs: ['GHSA-jf85-cpcp-j695'],
      Severity: 4,
    })
    .addAdvisory(ghsaNpm, 'lodash', 'CVE-2020-8203', {
      VulnerableVersions: ['<4.17.19'],
      PatchedVersions: ['4.17.19'],
    })
    .addAdvisory(ghsaNpm, 'minimist', 'CVE-2021-44906', {
      VulnerableVersions: ['<0.2.4', '>=1.0.0, <1.2.6'],
      PatchedVersions: ['0.2.4', '1.2.6'],
    })
    .addAdvisory(ghsaNpm, '@babel/traverse', 'CVE-2023-45133', {
      VulnerableVersions: ['<7.23.2', '>=8.0.0-alpha.0, <8.0.0-alpha.4'],
      PatchedVersions: ['7.23.2', '8.0.0-alpha.4'],
    })
    .addAdvisory(nodeWg, 'lodash', 'CVE-2019-10744', {
      VulnerableVersions: ['< 4.17.12'],
      PatchedVersions: ['>=4.17.12'],
    });
  fixture
    .addAdvisory('pip::GitHub Security Advisory pip', 'jinja2', 'CVE-2024-22195', {
      VulnerableVersions: ['<3.1.3'],
      PatchedVersions: ['3.1.3'],
    })
    .addAdvisory('pip::GitHub Security Advisory pip', 'python-multipart', 'CVE-2024-24762', {
      VulnerableVersions: ['<0.0.7'],
      PatchedVersions: ['0.0.7'],
    });
  fixture.addAdvisory(
    'maven::GitHub Security Advisory Maven',
    'org.apache.logging.log4j:log4j-core',
    'CVE-2021-44228',
    {
      VulnerableVersions: ['>=2.13.0, <2.15.0', '>=2.0-beta9, <2.12.2'],
      PatchedVersions: ['2.15.0', '2.12.2'],
    },
  );
  fixture.addAdvisory('go::The Go Vulnerability Database', 'golang.org/x/net', 'CVE-2023-44487', {
    VulnerableVersions: ['<0.17.0'],
    PatchedVersions: ['0.17.0'],
    VendorIDs: ['GO-2023-2102'],
  });

  const details: [string, Parameters<typeof nvdVulnerability>[0]][] = [
    [
      'CVE-2024-0727',
      {
        title: 'openssl: denial of service via null dereference',
        description:
          'Processing a maliciously formatted PKCS12 file may lead OpenSSL to crash leading to a potential Denial of Service attack.',
        severity: 'MEDIUM',
        score: 5.5,
        vector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H',
        cwe: 'CWE-476',
        vendors: { debian: 1, ubuntu: 1, alpine: 2, redhat: 1 },
        published: '2024-01-26T09:15:07.837Z',
        references: [
          'https://www.openssl.org/news/secadv/20240125.txt',
          'https://nvd.nist.gov/vuln/detail/CVE-2024-0727',
        ],
      },
    ],
    [
      'CVE-2023-4911',
      {
        title: 'glibc: buffer overflow in ld.so leading to privilege escalation',
        description:
          "A buffer overflow was discovered in the GNU C Library's dynamic loader ld.so while processing the GLIBC_TUNABLES environment variable.",
        severity: 'HIGH',
        score: 7.8,
        vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
        cwe: 'CWE-787',
        vendors: { debian: 3, ubuntu: 3, redhat: 3 },
        published: '2023-10-03T18:15:10.463Z',
        references: [
          'https://www.qualys.com/2023/10/03/cve-2023-4911/looney-tunables-local-privilege-escalation-glibc-ld-so.txt',
        ],
      },
    ],
    [
      'CVE-2019-10744',
      {
        title: 'nodejs-lodash: prototype pollution in defaultsDeep function leading to modifying properties',
        description:
          'Versions of lodash lower than 4.17.12 are vulnerable to Prototype Pollution via defaultsDeep.',
        severity: 'CRITICAL',
        score: 9.1,
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H',
        cwe: 'CWE-1321',
        vendors: { ghsa: 4, 'nodejs-security-wg': 3 },
        published: '2019-07-26T00:15:11.217Z',
        references: [
          'https://github.com/advisories/GHSA-jf85-cpcp-j695',
          'https://snyk.io/vuln/SNYK-JS-LODASH-450202',
        ],
      },
    ],
    [
      'CVE-2021-44228',
      {
        title:
          'log4j-core: Remote code execution in Log4j 2.x when logs contain an attacker-controlled string value',
        description:
          'Apache Log4j2 JNDI features used in configuration, log messages, and parameters do not protect against attacker controlled LDAP and other JNDI related endpoints.',
        severity: 'CRITICAL',
        score: 10,
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
        cwe: 'CWE-502',
        vendors: { ghsa: 4, redhat: 4 },
        published: '2021-12-10T10:15:09.143Z',
        references: ['https://logging.apache.org/log4j/2.x/security.html'],
      },
    ],
    [
      'CVE-2023-45853',
      {
        title: 'zlib: integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_6',
        description:
          'MiniZip in zlib through 1.3 has an integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_64.',
        severity: 'CRITICAL',
        score: 9.8,
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
        cwe: 'CWE-190',
        vendors: { debian: 4 },
        published: '2023-10-14T02:15:09.323Z',
        references: ['https://github.com/madler/zlib/pull/843'],
      },
    ],
  ];
  for (const [id, fields] of details) fixture.addVulnerability(id, nvdVulnerability(fields));
  fixture.addVulnerability('CVE-2022-3715', {
    Title: 'bash: a heap-buffer-overflow in valid_parameter_transform',
    Description:
      'A flaw was found in the bash package, where a heap-buffer overflow can occur in valid parameter_transform.',
    Severity: 'HIGH',
    VendorSeverity: { debian: 1, nvd: 3, redhat: 2 },
    PublishedDate: '2023-01-05T15:15:09.213Z',
  });
  fixture.addVulnerability('CVE-2024-2511', {
    Title: 'openssl: Unbounded memory growth with session handling in TLSv1.3',
    VendorSeverity: { redhat: 1 },
  });
  return fixture;
}

/** Shape of the synthetic benchmark DB; the defaults give ≈ 1.1 M advisories in a ≈ 400 MB file. */
export interface SyntheticDbShape {
  osBuckets: number;
  packagesPerOsBucket: number;
  languageBuckets: number;
  packagesPerLanguageBucket: number;
  vulnerabilities: number;
  seed: number;
}

export const DEFAULT_SYNTHETIC_SHAPE: SyntheticDbShape = {
  osBuckets: 10,
  packagesPerOsBucket: 12_000,
  languageBuckets: 6,
  packagesPerLanguageBucket: 10_000,
  vulnerabilities: 300_000,
  seed: 20260701,
};

/** Small deterministic PRNG (mulberry32) so the synthetic DB is the same on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OS_BUCKETS = [
  'alpine 3.18',
  'alpine 3.19',
  'alpine 3.20',
  'amazon linux 2',
  'debian 11',
  'debian 12',
  'rocky 9',
  'ubuntu 20.04',
  'ubuntu 22.04',
  'ubuntu 24.04',
  'Oracle Linux 8',
  'SUSE Linux Enterprise 15.5',
];
const LANGUAGE_BUCKETS = [
  'npm::GitHub Security Advisory npm',
  'pip::GitHub Security Advisory pip',
  'maven::GitHub Security Advisory Maven',
  'go::The Go Vulnerability Database',
  'npm::Node.js Ecosystem Security Working Group',
  'rubygems::Ruby Advisory Database',
  'composer::PHP Security Advisories Database',
  'cargo::GitHub Security Advisory Rust',
];
const SYLLABLES = [
  'lib',
  'ssl',
  'core',
  'x',
  'py',
  'net',
  'util',
  'gtk',
  'io',
  'perl',
  'tools',
  'data',
  'js',
  'crypt',
  'z',
];
const WORDS =
  'buffer overflow heap memory parser crafted request remote attacker denial service via function leads to'.split(
    ' ',
  );

export function syntheticVulnerabilityId(index: number): string {
  return `CVE-${2005 + (index % 20)}-${String(10000 + Math.floor(index / 20)).padStart(5, '0')}`;
}

function syntheticPackageNames(count: number, random: () => number): string[] {
  const names = new Set<string>();
  while (names.size < count) {
    const parts = 1 + Math.floor(random() * 3);
    let name = '';
    for (let i = 0; i < parts; i++) name += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    names.add(`${name}${Math.floor(random() * 1000)}`);
  }
  return [...names].sort(byBytes);
}

function sentence(random: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(random() * WORDS.length)]!);
  return out.join(' ');
}

/** Advisories per package: mostly a handful, a long tail, and an occasional kernel-sized package. */
function advisoryCount(random: () => number): number {
  const r = random();
  if (r < 0.001) return 1500 + Math.floor(random() * 1500);
  return 1 + Math.floor(random() ** 4 * 30);
}

export interface SyntheticDbSummary extends BoltWriteSummary {
  advisories: number;
  packages: number;
  vulnerabilities: number;
  buckets: string[];
}

/**
 * Streams a large Trivy DB of realistic shape to `<cacheDir>/db/` (same layout as a real cache dir), never holding
 * more than one package's advisories in memory.
 */
export function writeSyntheticTrivyDb(
  cacheDir: string,
  shape: SyntheticDbShape = DEFAULT_SYNTHETIC_SHAPE,
  onPackage?: (bucket: string, pkg: string, advisories: number) => void,
): SyntheticDbSummary {
  const random = prng(shape.seed);
  const dir = join(cacheDir, 'db');
  mkdirSync(dir, { recursive: true });
  const advisoryBuckets = [
    ...OS_BUCKETS.slice(0, shape.osBuckets).map((name) => ({
      name,
      packages: shape.packagesPerOsBucket,
      os: true,
    })),
    ...LANGUAGE_BUCKETS.slice(0, shape.languageBuckets).map((name) => ({
      name,
      packages: shape.packagesPerLanguageBucket,
      os: false,
    })),
  ];
  const dataSources = new Map<string, string>(
    advisoryBuckets.map(({ name, os }) => {
      const id = os
        ? name.split(' ')[0]!.toLowerCase()
        : name.includes('GitHub')
          ? 'ghsa'
          : name.split('::')[1]!;
      return [
        name,
        JSON.stringify({
          ID: id,
          Name: os ? `${name} security tracker` : name.split('::')[1],
          URL: `https://example.org/${id}`,
        }),
      ];
    }),
  );
  const writer = BoltFileWriter.create(join(dir, 'trivy.db'));
  let advisories = 0;
  let packages = 0;
  try {
    const topLevel = [...advisoryBuckets.map((bucket) => bucket.name), 'data-source', 'vulnerability'].sort(
      byBytes,
    );
    for (const name of topLevel) {
      writer.beginBucket(name);
      if (name === 'data-source') {
        for (const key of [...dataSources.keys()].sort(byBytes)) writer.put(key, dataSources.get(key)!);
      } else if (name === 'vulnerability') {
        const ids = Array.from({ length: shape.vulnerabilities }, (_, i) => syntheticVulnerabilityId(i)).sort(
          byBytes,
        );
        for (const id of ids) writer.put(id, JSON.stringify(syntheticVulnerability(id, random)));
      } else {
        const bucket = advisoryBuckets.find((candidate) => candidate.name === name)!;
        for (const pkg of syntheticPackageNames(bucket.packages, random)) {
          writer.beginBucket(pkg);
          const count = advisoryCount(random);
          const ids = new Set<string>();
          for (let i = 0; i < count; i++)
            ids.add(syntheticVulnerabilityId(Math.floor(random() * shape.vulnerabilities)));
          for (const id of [...ids].sort(byBytes)) {
            writer.put(
              id,
              JSON.stringify(bucket.os ? syntheticOsAdvisory(random) : syntheticLanguageAdvisory(random)),
            );
          }
          advisories += ids.size;
          packages++;
          onPackage?.(name, pkg, ids.size);
          writer.endBucket();
        }
      }
      writer.endBucket();
    }
    const summary = writer.finish();
    const now = new Date();
    writeFileSync(
      join(dir, 'metadata.json'),
      JSON.stringify({
        Version: 2,
        NextUpdate: rfc3339(new Date(now.getTime() + 24 * 3600 * 1000)),
        UpdatedAt: rfc3339(now),
        DownloadedAt: rfc3339(now),
      }),
    );
    return { ...summary, advisories, packages, vulnerabilities: shape.vulnerabilities, buckets: topLevel };
  } catch (error) {
    writer.abort();
    throw error;
  }
}

function version(random: () => number): string {
  return `${Math.floor(random() * 5)}.${Math.floor(random() * 30)}.${Math.floor(random() * 20)}`;
}

function syntheticOsAdvisory(random: () => number): object {
  const r = random();
  if (r < 0.15) return { Status: 2 + Math.floor(random() * 5), Severity: Math.floor(random() * 5) };
  const advisory: Record<string, unknown> = {
    FixedVersion: `${version(random)}-${1 + Math.floor(random() * 9)}+deb12u${Math.floor(random() * 5)}`,
  };
  if (r < 0.5) advisory.VendorIDs = [`DSA-${5000 + Math.floor(random() * 900)}-1`];
  if (r > 0.8) advisory.Severity = Math.floor(random() * 5);
  return advisory;
}

function syntheticLanguageAdvisory(random: () => number): object {
  const fixed = version(random);
  return {
    VulnerableVersions: [`>=${version(random)}, <${fixed}`],
    PatchedVersions: [fixed],
    ...(random() < 0.3 ? { VendorIDs: [`GHSA-${Math.floor(random() * 1e9).toString(36)}-abcd-efgh`] } : {}),
  };
}

function syntheticVulnerability(id: string, random: () => number): object {
  const score = Math.round(random() * 100) / 10;
  const severity = score >= 9 ? 'CRITICAL' : score >= 7 ? 'HIGH' : score >= 4 ? 'MEDIUM' : 'LOW';
  const references = Array.from(
    { length: 2 + Math.floor(random() * 8) },
    (_, i) => `https://security-tracker.example.org/advisories/${id.toLowerCase()}/${i}`,
  );
  return {
    Title: `${sentence(random, 4)} in ${SYLLABLES[Math.floor(random() * SYLLABLES.length)]}`,
    Description: sentence(random, 40 + Math.floor(random() * 80)),
    Severity: severity,
    CweIDs: [`CWE-${20 + Math.floor(random() * 900)}`],
    VendorSeverity: {
      nvd: Math.ceil(score / 2.5),
      debian: Math.floor(random() * 5),
      ubuntu: Math.floor(random() * 5),
    },
    CVSS: { nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', V3Score: score } },
    References: references,
    PublishedDate: '2023-05-04T12:15:09.123Z',
    LastModifiedDate: '2024-11-21T08:00:00Z',
  };
}
