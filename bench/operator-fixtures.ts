/**
 * The cluster of the operator benchmark: 100 small Debian images built with umoci (one shared base layer plus one
 * small layer of their own: a dpkg status and npm packages that vary per image), a fixture vulnerability DB whose
 * advisories match them, and 1,000 Deployments over 10 namespaces whose containers share those images.
 * Bench-only; nothing here is shipped. The image layout is cached under `.cache/bench/` (keyed by FIXTURE_VERSION).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { debianStatus } from '../test/operator/harness.ts';
import { TrivyDbFixture } from '../test/support/trivy-db-fixture.ts';

const run = promisify(execFile);

/** Bump when the image content changes: the cached layout is rebuilt. */
export const FIXTURE_VERSION = 'v1';
export const IMAGE_COUNT = 100;
/** Synthetic Debian packages the images draw from, each with advisories in the fixture DB. */
const POOL = 120;
const PER_IMAGE = 24;
const NPM_PACKAGES = ['lodash', 'minimist', 'express', 'semver', 'debug', 'qs'] as const;

interface Pkg {
  name: string;
  version: string;
  source?: string;
}

const COMMON: Pkg[] = [
  { name: 'base-files', version: '12.4+deb12u5' },
  { name: 'bash', version: '5.2.15-2+b2' },
  { name: 'libc6', version: '2.36-9+deb12u4', source: 'glibc' },
  { name: 'zlib1g', version: '1:1.2.13.dfsg-1', source: 'zlib' },
  { name: 'coreutils', version: '9.1-1' },
  { name: 'tzdata', version: '2024a-0+deb12u1' },
];

const poolPackage = (k: number) => `libbench${String(k).padStart(3, '0')}`;

/** The dpkg packages of image `i`: common ones, openssl at one of two versions, and 24 of the pool. */
export function imagePackages(i: number): Pkg[] {
  const packages = [
    ...COMMON,
    {
      name: 'libssl3',
      version: i % 3 === 0 ? '3.0.14-1~deb12u1' : '3.0.11-1~deb12u2',
      source: 'openssl',
    },
  ];
  for (let j = 0; j < PER_IMAGE; j++) {
    const k = (i * 7 + j * 5) % POOL;
    packages.push({ name: poolPackage(k), version: `1.${(i + j) % 10}-1` });
  }
  // dpkg lists packages once each; two draws of the same pool entry keep the first.
  return packages.filter((pkg, index) => packages.findIndex((other) => other.name === pkg.name) === index);
}

/** npm packages of image `i` (`srv/app/node_modules/<name>/package.json`). */
export function imageNpmPackages(i: number): { name: string; version: string }[] {
  return NPM_PACKAGES.map((name, n) => ({ name, version: `1.${(i + n) % 8}.${(i * 3 + n) % 5}` }));
}

/** The files of image `i`'s own layer. */
function imageLayerFiles(i: number): Record<string, string> {
  const files: Record<string, string> = {
    'var/lib/dpkg/status': debianStatus(imagePackages(i)),
    'etc/bench-image': `${i}\n`,
    'srv/app/package.json': JSON.stringify({ name: `bench-app-${i}`, version: '1.0.0' }),
    'srv/app/server.js': `// bench app ${i}\nconsole.log('listening');\n`.repeat(20),
  };
  for (const pkg of imageNpmPackages(i)) {
    files[`srv/app/node_modules/${pkg.name}/package.json`] = JSON.stringify({
      name: pkg.name,
      version: pkg.version,
      license: 'MIT',
    });
    files[`srv/app/node_modules/${pkg.name}/index.js`] =
      `module.exports = function ${pkg.name}() {};\n`.repeat(40);
  }
  return files;
}

/** The base layer: what every image shares (a small Debian-looking root). */
function baseLayerFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'etc/debian_version': '12.5\n',
    'etc/os-release':
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
    'var/lib/dpkg/status': debianStatus(COMMON),
  };
  for (let n = 0; n < 60; n++) {
    files[`usr/share/doc/pkg-${n}/copyright`] =
      `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nLicense: GPL-2+\n`.repeat(
        30,
      );
  }
  return files;
}

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  await rm(root, { recursive: true, force: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

export const imageTag = (i: number) => `app-${String(i).padStart(3, '0')}`;

/**
 * An OCI layout holding the 100 images (tags `app-000`…`app-099`), built once and cached: `umoci insert` of the
 * base tree into `base`, then per image `umoci tag base` and `umoci insert` of its own small tree.
 */
export async function benchImageLayout(cacheRoot: string): Promise<{ layout: string; built: boolean }> {
  const root = join(cacheRoot, `operator-images-${FIXTURE_VERSION}`);
  const layout = join(root, 'layout');
  const done = join(root, 'complete');
  if (existsSync(done)) return { layout, built: false };
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', `${layout}:base`]);
  const tree = join(root, 'tree');
  await writeTree(tree, baseLayerFiles());
  await run('umoci', ['insert', '--image', `${layout}:base`, tree, '/']);
  for (let i = 0; i < IMAGE_COUNT; i++) {
    await writeTree(tree, imageLayerFiles(i));
    await run('umoci', ['tag', '--image', `${layout}:base`, imageTag(i)]);
    await run('umoci', ['insert', '--image', `${layout}:${imageTag(i)}`, tree, '/']);
  }
  await rm(tree, { recursive: true, force: true });
  await run('umoci', ['gc', '--layout', layout]);
  await writeFile(done, `${new Date().toISOString()}\n`);
  return { layout, built: true };
}

/** Pushes every image to `registryHost/bench/app-NNN:1.0` with skopeo, `parallel` at a time. */
export async function pushBenchImages(layout: string, registryHost: string, parallel = 4): Promise<string[]> {
  const refs = Array.from({ length: IMAGE_COUNT }, (_, i) => `${registryHost}/bench/${imageTag(i)}:1.0`);
  let next = 0;
  const worker = async () => {
    while (next < IMAGE_COUNT) {
      const i = next++;
      await run('skopeo', [
        'copy',
        '--quiet',
        '--insecure-policy',
        '--dest-tls-verify=false',
        `oci:${layout}:${imageTag(i)}`,
        `docker://${refs[i]}`,
      ]);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return refs;
}

/** The manifest digest the registry serves for `ref` (`host/repo:tag`). */
export async function manifestDigest(ref: string): Promise<string> {
  const [host, ...rest] = ref.split('/');
  const [repository, tag] = rest.join('/').split(':');
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  const digest = response.headers.get('docker-content-digest');
  if (!response.ok || !digest) throw new Error(`no digest for ${ref}: HTTP ${response.status}`);
  return digest;
}

const SEVERITIES = [1, 2, 3, 4, 2] as const;

/** Advisories for everything the images hold; `update` adds the CVE of the simulated DB update. */
export function benchDb(options: { update?: boolean } = {}): TrivyDbFixture {
  const fixture = new TrivyDbFixture()
    .addDataSource('debian 12', {
      ID: 'debian',
      Name: 'Debian Security Tracker',
      URL: 'https://security-tracker.debian.org',
    })
    .addDataSource('npm::GitHub Security Advisory npm', {
      ID: 'ghsa',
      Name: 'GitHub Security Advisory npm',
      URL: 'https://github.com/advisories',
    })
    .addAdvisory('debian 12', 'openssl', 'CVE-2024-5535', { FixedVersion: '3.0.14-1~deb12u1' })
    .addAdvisory('debian 12', 'bash', 'CVE-2022-3715', { Status: 2 })
    .addAdvisory('debian 12', 'zlib', 'CVE-2023-45853', { FixedVersion: '1:1.2.13.dfsg-2' })
    .addAdvisory('debian 12', 'glibc', 'CVE-2023-6246', { FixedVersion: '2.36-9+deb12u5' })
    .addVulnerability('CVE-2024-5535', { Title: 'openssl: buffer overread', VendorSeverity: { debian: 3 } })
    .addVulnerability('CVE-2022-3715', { Title: 'bash: heap overflow', VendorSeverity: { debian: 1 } })
    .addVulnerability('CVE-2023-45853', { Title: 'zlib: integer overflow', VendorSeverity: { debian: 4 } })
    .addVulnerability('CVE-2023-6246', { Title: 'glibc: syslog overflow', VendorSeverity: { debian: 3 } });
  for (let k = 0; k < POOL; k++) {
    for (let m = 0; m < 3; m++) {
      const id = `CVE-2030-${String(k * 10 + m + 1000).padStart(5, '0')}`;
      fixture
        .addAdvisory('debian 12', poolPackage(k), id, { FixedVersion: `1.${4 + m * 2}-1` })
        .addVulnerability(id, {
          Title: `${poolPackage(k)}: flaw ${m}`,
          Description: `A synthetic flaw ${m} in ${poolPackage(k)} for the operator benchmark.`,
          VendorSeverity: { debian: SEVERITIES[(k + m) % SEVERITIES.length] },
          References: [`https://example.org/${id}`],
        });
    }
  }
  NPM_PACKAGES.forEach((name, n) => {
    const id = `GHSA-bench-${n}`;
    fixture
      .addAdvisory('npm::GitHub Security Advisory npm', name, id, {
        VulnerableVersions: ['<1.5.0'],
        PatchedVersions: ['1.5.0'],
      })
      .addVulnerability(id, { Title: `${name}: prototype pollution`, VendorSeverity: { ghsa: 3 } });
  });
  if (options.update) {
    fixture
      .addAdvisory('debian 12', 'openssl', UPDATE_CVE, { FixedVersion: '3.0.15-1~deb12u1' })
      .addVulnerability(UPDATE_CVE, { Title: 'openssl: new flaw', VendorSeverity: { debian: 4 } });
  }
  return fixture;
}

/** Present in every image once the DB update arrives (every image has libssl3 below 3.0.15). */
export const UPDATE_CVE = 'CVE-2031-0001';

export const NAMESPACES = 10;
export const WORKLOADS = 1_000;

/**
 * Deployment `d`: container `app` on image d mod 100; every other one a `sidecar` on another image; every fifth a
 * `proxy` on image 0 (one image many workloads share).
 */
export function benchDeployment(d: number, refs: readonly string[]) {
  const name = `app-${String(d).padStart(4, '0')}`;
  const containers = [{ name: 'app', image: refs[d % IMAGE_COUNT]! }];
  if (d % 2 === 0) containers.push({ name: 'sidecar', image: refs[(d * 37 + 11) % IMAGE_COUNT]! });
  if (d % 5 === 0) containers.push({ name: 'proxy', image: refs[0]! });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: `bench-${d % NAMESPACES}`, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers } },
    },
  };
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}
