/**
 * Images and the fixture DB for the scanner's end-to-end test. Everything is built here from real parts: a
 * debootstrap'ed bookworm rootfs, packages a real `dpkg --purge` removes, npm packages from the npm registry, a
 * Python dist-info and Java archives shipped by Debian packages (installed by `.ci/run`), umoci for every layer.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  buildOciImage,
  combineIntoIndex,
  insertLayer,
  layerFromChroot,
  rootfsImage,
  tagImage,
  whiteoutLayer,
  type BuiltImage,
} from '../support/oci-image.ts';
import { TrivyDbFixture } from '../support/trivy-db-fixture.ts';

const run = promisify(execFile);

// ---------------------------------------------------------------------------------------------------------------
// What the real parts contain

export interface DpkgEntry {
  name: string;
  /** The Version field as dpkg stores it (epoch included). */
  version: string;
  sourceName: string;
  sourceVersion: string;
  architecture: string;
}

/** Installed packages of a rootfs as dpkg itself lists them (not our parser). */
export async function dpkgQuery(rootfs: string): Promise<Map<string, DpkgEntry>> {
  const { stdout } = await run('dpkg-query', [
    `--admindir=${join(rootfs, 'var/lib/dpkg')}`,
    '-W',
    '-f',
    '${db:Status-Abbrev}|${Package}|${Version}|${source:Package}|${source:Version}|${Architecture}\n',
  ]);
  const entries = new Map<string, DpkgEntry>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('ii')) continue;
    const [, name = '', version = '', sourceName = '', sourceVersion = '', architecture = ''] =
      line.split('|');
    entries.set(name, { name, version, sourceName, sourceVersion, architecture });
  }
  return entries;
}

/** The next Debian security update of a version: `2.36-9+deb12u14` → `2.36-9+deb12u15`, `5.2.15-2` → `5.2.15-3`. */
export function nextDebianUpdate(version: string): string {
  const match = /^(.*?)(\d+)$/.exec(version);
  if (!match) throw new Error(`cannot bump ${version}`);
  return `${match[1]}${Number(match[2]) + 1}`;
}

/** Debian-packaged artifacts the images carry (from `.ci/run`'s apt list). */
export const debianArtifacts = {
  python: {
    dir: '/usr/lib/python3/dist-packages/cryptography-38.0.4.dist-info',
    deb: 'python3-cryptography',
  },
  commonsIo: { jar: '/usr/share/java/commons-io-2.11.0.jar', deb: 'libcommons-io-java' },
  guava: { jar: '/usr/share/java/guava-31.1-jre.jar', deb: 'libguava-java' },
} as const;

function requireArtifact(path: string, deb: string): string {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: install the Debian package ${deb} (listed in .ci/run)`);
  }
  return path;
}

/** `npm install` from the npm registry into `dir/node_modules` (no lifecycle scripts run). */
async function npmInstall(dir: string, packages: string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ private: true }, null, 2)}\n`);
  try {
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...packages],
      {
        cwd: dir,
        timeout: 180_000,
      },
    );
  } catch (error) {
    throw new Error(`npm install ${packages.join(' ')} failed (is the npm registry reachable?)`, {
      cause: error,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Images

/** The npm packages the app layer installs, at versions with known advisories. */
export const npmPackages = { lodash: '4.17.20', minimist: '1.2.5' } as const;

export const appPaths = {
  node: 'usr/src/app',
  sitePackages: 'usr/local/lib/python3.11/site-packages',
  commonsIo: 'opt/app/lib/commons-io-2.11.0.jar',
  war: 'opt/app/webapps/shop.war',
} as const;

export interface ScannerImages {
  /** The debootstrap rootfs as one layer. */
  bookworm: BuiltImage;
  /** bookworm + a layer in which a real `dpkg --purge e2fsprogs tzdata` ran. */
  purged: BuiltImage;
  /** bookworm + an application layer: npm packages, a Python dist-info, a jar and a war with a nested jar. */
  app: BuiltImage;
  /** app + layers that delete minimist and the war (whiteouts). */
  whiteout: BuiltImage;
  /** app + a layer replacing node_modules with an opaque directory holding only lodash 4.17.21. */
  opaque: BuiltImage;
  /** distroless-style dpkg (`status.d/` files copied from the real status file); a later layer deletes one. */
  distroless: BuiltImage;
  alpineAmd64: BuiltImage;
  alpineArm64: BuiltImage;
  /** An index of the two Alpine images (linux/amd64, linux/arm64). */
  alpineIndex: BuiltImage;
}

export async function buildScannerImages(scratch: string, rootfs: string): Promise<ScannerImages> {
  const layout = join(scratch, 'layout');
  const bookworm = await rootfsImage(layout, 'bookworm', rootfs);

  const purged = await layerFromChroot(bookworm, 'purged', ['dpkg', '--purge', 'e2fsprogs', 'tzdata']);

  const appRoot = join(scratch, 'app-layer');
  await npmInstall(
    join(appRoot, appPaths.node),
    Object.entries(npmPackages).map(([name, version]) => `${name}@${version}`),
  );
  await cp(
    requireArtifact(debianArtifacts.python.dir, debianArtifacts.python.deb),
    join(appRoot, appPaths.sitePackages, 'cryptography-38.0.4.dist-info'),
    { recursive: true },
  );
  await mkdir(join(appRoot, 'opt/app/lib'), { recursive: true });
  await copyFile(
    requireArtifact(debianArtifacts.commonsIo.jar, debianArtifacts.commonsIo.deb),
    join(appRoot, appPaths.commonsIo),
  );
  await buildWar(
    join(scratch, 'war'),
    join(appRoot, appPaths.war),
    requireArtifact(debianArtifacts.guava.jar, debianArtifacts.guava.deb),
  );
  const app = await tagImage(bookworm, 'app');
  await insertLayer(app, appRoot, '/');

  const whiteout = await tagImage(app, 'whiteout');
  await whiteoutLayer(whiteout, `/${appPaths.node}/node_modules/minimist`);
  await whiteoutLayer(whiteout, `/${appPaths.war}`);

  const upgraded = join(scratch, 'upgraded');
  await npmInstall(upgraded, ['lodash@4.17.21']);
  const opaque = await tagImage(app, 'opaque');
  await insertLayer(opaque, join(upgraded, 'node_modules'), `/${appPaths.node}/node_modules`, {
    opaque: true,
  });

  const distroless = await buildDistroless(join(scratch, 'distroless'), rootfs);

  const alpineLayout = join(scratch, 'alpine');
  const alpineAmd64 = await buildOciImage(alpineLayout, 'amd64', [{ add: alpineFiles('x86_64') }], {
    architecture: 'amd64',
    os: 'linux',
  });
  const alpineArm64 = await buildOciImage(alpineLayout, 'arm64', [{ add: alpineFiles('aarch64') }], {
    architecture: 'arm64',
    os: 'linux',
  });
  await combineIntoIndex(alpineLayout, 'multi', { amd64: 'linux/amd64', arm64: 'linux/arm64' });
  const alpineIndex = { layout: alpineLayout, tag: 'multi', reference: `${alpineLayout}:multi` };

  return { bookworm, purged, app, whiteout, opaque, distroless, alpineAmd64, alpineArm64, alpineIndex };
}

/** A war (a zip, as `jar` writes one) with Debian's guava jar in WEB-INF/lib. */
async function buildWar(staging: string, war: string, nestedJar: string): Promise<void> {
  await mkdir(join(staging, 'WEB-INF', 'lib'), { recursive: true });
  await mkdir(join(staging, 'META-INF'), { recursive: true });
  await writeFile(join(staging, 'META-INF', 'MANIFEST.MF'), 'Manifest-Version: 1.0\r\n\r\n');
  await writeFile(
    join(staging, 'WEB-INF', 'web.xml'),
    '<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"/>\n',
  );
  await copyFile(nestedJar, join(staging, 'WEB-INF', 'lib', 'guava-31.1-jre.jar'));
  await mkdir(join(war, '..'), { recursive: true });
  await run('zip', ['-q', '-r', war, 'META-INF', 'WEB-INF'], { cwd: staging });
}

/** Packages the distroless image lists, one `status.d` file each, copied verbatim from the real status file. */
export const distrolessPackages = ['libc6', 'zlib1g', 'tzdata'] as const;

async function buildDistroless(layout: string, rootfs: string): Promise<BuiltImage> {
  const status = await readFile(join(rootfs, 'var/lib/dpkg/status'), 'utf8');
  const stanzas = new Map(
    status
      .split(/\n\n+/)
      .map((stanza) => [/^Package: (.+)$/m.exec(stanza)?.[1] ?? '', `${stanza.trim()}\n`] as const),
  );
  const files: Record<string, string> = {
    'etc/debian_version': await readFile(join(rootfs, 'etc/debian_version'), 'utf8'),
    'etc/os-release': await readFile(join(rootfs, 'usr/lib/os-release'), 'utf8'),
  };
  for (const name of distrolessPackages) {
    const stanza = stanzas.get(name);
    if (!stanza) throw new Error(`${name} is not in the bookworm status file`);
    files[`var/lib/dpkg/status.d/${name}`] = stanza;
  }
  return buildOciImage(layout, 'slim', [{ add: files }, { remove: ['var/lib/dpkg/status.d/tzdata'] }]);
}

/**
 * An Alpine 3.19 installed database, hand-written in apk's format with the packages (and versions) of the
 * alpine:3.19.1 image; the arm64 variant is a later rebuild with newer busybox and musl.
 */
export const alpinePackages = {
  x86_64: {
    'alpine-baselayout-data': ['3.4.3-r2', 'alpine-baselayout'],
    busybox: ['1.36.1-r15', 'busybox'],
    ssl_client: ['1.36.1-r15', 'busybox'],
    musl: ['1.2.4_git20230717-r4', 'musl'],
    libcrypto3: ['3.1.4-r5', 'openssl'],
    libssl3: ['3.1.4-r5', 'openssl'],
    zlib: ['1.3.1-r0', 'zlib'],
  },
  aarch64: {
    'alpine-baselayout-data': ['3.4.3-r2', 'alpine-baselayout'],
    busybox: ['1.36.1-r17', 'busybox'],
    musl: ['1.2.4_git20230717-r5', 'musl'],
    libcrypto3: ['3.1.4-r5', 'openssl'],
    libssl3: ['3.1.4-r5', 'openssl'],
  },
} as const satisfies Record<string, Record<string, readonly [string, string]>>;

function alpineFiles(arch: keyof typeof alpinePackages): Record<string, string> {
  const stanzas = Object.entries(alpinePackages[arch]).map(([name, [version, origin]]) =>
    [
      `C:Q1${Buffer.from(`${name}-${version}`).toString('base64').padEnd(27, 'A').slice(0, 27)}=`,
      `P:${name}`,
      `V:${version}`,
      `A:${arch}`,
      'S:100000',
      'I:200000',
      `T:${name} (fixture)`,
      'U:https://alpinelinux.org',
      'L:MIT',
      `o:${origin}`,
      'm:Natanael Copa <ncopa@alpinelinux.org>',
      't:1706000000',
      `F:usr/share/${name}`,
      'R:README',
      '',
    ].join('\n'),
  );
  return {
    'etc/alpine-release': '3.19.1\n',
    'etc/os-release': 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n',
    'lib/apk/db/installed': `${stanzas.join('\n')}\n`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The fixture DB

const ghsa = (ecosystem: string) => ({
  ID: 'ghsa',
  Name: `GitHub Security Advisory ${ecosystem}`,
  URL: `https://github.com/advisories?query=type%3Areviewed+ecosystem%3A${ecosystem.toLowerCase()}`,
});

/** Trivy DB statuses as stored (ints). */
export const storedStatus = { affected: 2, willNotFix: 5 } as const;

/**
 * Advisories naming the real versions in the images: what is fixed in a later version (vulnerable), fixed in an
 * earlier one (not affected) and not fixed at all, for Debian (by source package), Alpine (by origin), npm, pip and
 * Maven. Debian "fixed later" versions are derived from the rootfs (its next security update), since the
 * debootstrap'ed versions move with bookworm point releases. IDs in CVE-2026-100xx are invented for those cases;
 * the other IDs are real, with ranges close to the published ones except where a case needs a particular shape (a
 * zlib fix written without its epoch, statuses for unfixed cases).
 */
export function scannerFixtureDb(dpkg: ReadonlyMap<string, DpkgEntry>): TrivyDbFixture {
  const source = (binary: string) => {
    const entry = dpkg.get(binary);
    if (!entry) throw new Error(`${binary} is not installed in the bookworm rootfs`);
    return entry.sourceVersion;
  };
  const db = new TrivyDbFixture()
    .addDataSource('debian 12', {
      ID: 'debian',
      Name: 'Debian Security Tracker',
      URL: 'https://salsa.debian.org/security-tracker-team/security-tracker',
    })
    .addDataSource('alpine 3.19', {
      ID: 'alpine',
      Name: 'Alpine Secdb',
      URL: 'https://secdb.alpinelinux.org/',
    })
    .addDataSource('npm::GitHub Security Advisory npm', ghsa('npm'))
    .addDataSource('pip::GitHub Security Advisory pip', ghsa('pip'))
    .addDataSource('maven::GitHub Security Advisory Maven', ghsa('Maven'));

  db.addAdvisory('debian 12', 'glibc', 'CVE-2023-4911', {
    FixedVersion: '2.36-9+deb12u3',
    VendorIDs: ['DSA-5514-1'],
  })
    .addAdvisory('debian 12', 'glibc', 'CVE-2026-10001', { FixedVersion: nextDebianUpdate(source('libc6')) })
    .addAdvisory('debian 12', 'glibc', 'CVE-2010-4756', { Status: storedStatus.willNotFix })
    // A binNMU (bash 5.2.15-2+b13 from source 5.2.15-2): the source version is compared, so a fix in
    // 5.2.15-2+b1 applies although the binary version is higher.
    .addAdvisory('debian 12', 'bash', 'CVE-2026-10002', { FixedVersion: `${source('bash')}+b1` })
    .addAdvisory('debian 12', 'e2fsprogs', 'CVE-2026-10003', { Status: storedStatus.affected })
    .addAdvisory('debian 12', 'tzdata', 'CVE-2026-10004', {
      FixedVersion: nextDebianUpdate(source('tzdata')),
    })
    // zlib1g is 1:1.2.13.dfsg-1: the epoch puts it above a fix without one.
    .addAdvisory('debian 12', 'zlib', 'CVE-2022-37434', { FixedVersion: '1.2.13.dfsg-2' })
    .addAdvisory('debian 12', 'zlib', 'CVE-2023-45853', { Status: storedStatus.willNotFix })
    .addAdvisory('debian 12', 'openssl', 'CVE-2024-0727', { FixedVersion: '3.0.13-1~deb12u1' });

  db.addAdvisory('alpine 3.19', 'busybox', 'CVE-2023-42363', { FixedVersion: '1.36.1-r16' })
    .addAdvisory('alpine 3.19', 'busybox', 'CVE-2022-48174', { FixedVersion: '1.36.1-r1' })
    .addAdvisory('alpine 3.19', 'openssl', 'CVE-2024-0727', { FixedVersion: '3.1.4-r5' })
    .addAdvisory('alpine 3.19', 'openssl', 'CVE-2024-2511', { FixedVersion: '3.1.4-r6' })
    .addAdvisory('alpine 3.19', 'musl', 'CVE-2025-26519', { FixedVersion: '1.2.4_git20230717-r5' })
    .addAdvisory('alpine 3.19', 'zlib', 'CVE-2023-45853', { FixedVersion: '1.3-r2' });

  const npm = 'npm::GitHub Security Advisory npm';
  db.addAdvisory(npm, 'lodash', 'CVE-2021-23337', {
    VulnerableVersions: ['<4.17.21'],
    PatchedVersions: ['4.17.21'],
    VendorIDs: ['GHSA-35jh-r3h4-6jhm'],
  })
    .addAdvisory(npm, 'lodash', 'CVE-2020-8203', {
      VulnerableVersions: ['>=3.7.0, <4.17.19'],
      PatchedVersions: ['4.17.19'],
    })
    .addAdvisory(npm, 'lodash', 'CVE-2026-10011', { VulnerableVersions: ['>=4.0.0'] })
    .addAdvisory(npm, 'minimist', 'CVE-2021-44906', {
      VulnerableVersions: ['<0.2.4', '>=1.0.0, <1.2.6'],
      PatchedVersions: ['0.2.4', '1.2.6'],
    });
  const pip = 'pip::GitHub Security Advisory pip';
  db.addAdvisory(pip, 'cryptography', 'CVE-2023-0286', {
    VulnerableVersions: ['>=0.8.1, <39.0.1'],
    PatchedVersions: ['39.0.1'],
  })
    .addAdvisory(pip, 'cryptography', 'CVE-2023-49083', {
      VulnerableVersions: ['<41.0.6'],
      PatchedVersions: ['41.0.6'],
    })
    .addAdvisory(pip, 'cryptography', 'CVE-2020-36242', {
      VulnerableVersions: ['>=3.1, <3.3.2'],
      PatchedVersions: ['3.3.2'],
    });
  const maven = 'maven::GitHub Security Advisory Maven';
  db.addAdvisory(maven, 'commons-io:commons-io', 'CVE-2024-47554', {
    VulnerableVersions: ['>=2.0, <2.14.0'],
    PatchedVersions: ['2.14.0'],
  })
    .addAdvisory(maven, 'commons-io:commons-io', 'CVE-2021-29425', {
      VulnerableVersions: ['<2.7'],
      PatchedVersions: ['2.7'],
    })
    .addAdvisory(maven, 'com.google.guava:guava', 'CVE-2023-2976', {
      VulnerableVersions: ['>=1.0, <32.0.0-android'],
      PatchedVersions: ['32.0.0-android'],
    })
    .addAdvisory(maven, 'com.google.guava:guava', 'CVE-2018-10237', {
      VulnerableVersions: ['>=11.0, <24.1.1'],
      PatchedVersions: ['24.1.1'],
    });

  const details: [string, string, Record<string, number>][] = [
    ['CVE-2023-4911', 'glibc: buffer overflow in ld.so', { debian: 3, nvd: 3 }],
    ['CVE-2026-10001', 'glibc: fixture flaw fixed in the next bookworm update', { debian: 2, nvd: 3 }],
    ['CVE-2010-4756', 'glibc: glob implementation can cause excessive CPU use', { debian: 1, nvd: 2 }],
    ['CVE-2026-10002', 'bash: fixture flaw fixed by a rebuild', { debian: 1 }],
    ['CVE-2026-10003', 'e2fsprogs: fixture flaw without a fix', { nvd: 2 }],
    ['CVE-2026-10004', 'tzdata: fixture flaw fixed in the next bookworm update', { debian: 1 }],
    ['CVE-2023-45853', 'zlib: integer overflow in zipOpenNewFileInZip4_6', { debian: 1, nvd: 4 }],
    ['CVE-2023-42363', 'busybox: use-after-free in awk', { nvd: 2 }],
    ['CVE-2024-2511', 'openssl: unbounded memory growth with session handling in TLSv1.3', { nvd: 2 }],
    ['CVE-2025-26519', 'musl: iconv EUC-KR out-of-bounds write', { nvd: 3 }],
    ['CVE-2021-23337', 'lodash: command injection via template', { ghsa: 3, nvd: 3 }],
    ['CVE-2026-10011', 'lodash: fixture flaw without a fix', { ghsa: 1 }],
    ['CVE-2021-44906', 'minimist: prototype pollution', { ghsa: 4, nvd: 4 }],
    ['CVE-2023-0286', 'openssl: X.400 address type confusion in X.509 GeneralName', { ghsa: 3 }],
    ['CVE-2023-49083', 'cryptography: NULL-dereference when loading PKCS7 certificates', { ghsa: 2 }],
    ['CVE-2024-47554', 'commons-io: possible denial of service attack on untrusted input', { ghsa: 2 }],
    ['CVE-2023-2976', 'guava: insecure temporary directory creation', { ghsa: 3, nvd: 2 }],
  ];
  for (const [id, title, severities] of details) {
    db.addVulnerability(id, { Title: title, VendorSeverity: severities });
  }
  return db;
}
