/**
 * The scanner end to end with real parts (issue "Native image scanner", tests with real parts): images built by
 * umoci from a debootstrap'ed bookworm rootfs, real npm packages, Debian's Python and Java artifacts and
 * hand-written Alpine databases, pushed with skopeo to Debian's docker-registry on 127.0.0.1 and scanned by
 * `bin/trivy-ts image` with a fixture DB whose advisories name the versions in those images.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Package } from '../../src/scanner/inventory.ts';
import type { DetectedVulnerability, Report, Result } from '../../src/scanner/report/model.ts';
import { bookwormMinbase } from '../support/debootstrap.ts';
import { pushImage } from '../support/oci-image.ts';
import { startRegistry, type RunningRegistry } from '../support/registry.ts';
import {
  alpinePackages,
  appPaths,
  buildScannerImages,
  distrolessPackages,
  dpkgQuery,
  nextDebianUpdate,
  npmPackages,
  scannerFixtureDb,
  type DpkgEntry,
  type ScannerImages,
} from './scanner-fixtures.ts';
import { trivyTs } from '../support/cli.ts';

type Row = [pkg: string, id: string, installed: string, fixed: string, status: string];

const rows = (result: Result | undefined): Row[] =>
  (result?.Vulnerabilities ?? [])
    .map((v: DetectedVulnerability): Row => [
      v.PkgName,
      v.VulnerabilityID,
      v.InstalledVersion,
      v.FixedVersion ?? '',
      v.Status ?? '',
    ])
    .sort((a, b) => a.join('\0').localeCompare(b.join('\0')));

const sorted = (list: Row[]) => [...list].sort((a, b) => a.join('\0').localeCompare(b.join('\0')));
const byClass = (report: Report, type: string) => report.Results?.find((result) => result.Type === type);
const versionOf = (pkg: Package) =>
  `${pkg.Epoch ? `${pkg.Epoch}:` : ''}${pkg.Version}${pkg.Release ? `-${pkg.Release}` : ''}`;
const sourceVersionOf = (pkg: Package) =>
  `${pkg.SrcEpoch ? `${pkg.SrcEpoch}:` : ''}${pkg.SrcVersion}${pkg.SrcRelease ? `-${pkg.SrcRelease}` : ''}`;

describe('trivy-ts image on real images from a real registry', () => {
  let scratch: string;
  let cacheDir: string;
  let registry: RunningRegistry;
  let images: ScannerImages;
  let dpkg: Map<string, DpkgEntry>;
  let debianVersion: string;
  let rootfs: string;
  const refs: Record<string, string> = {};

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-e2e-scanner-'));
    [rootfs, registry] = await Promise.all([bookwormMinbase(), startRegistry()]);
    dpkg = await dpkgQuery(rootfs);
    debianVersion = (await readFile(join(rootfs, 'etc/debian_version'), 'utf8')).trim();
    cacheDir = join(scratch, 'cache');
    scannerFixtureDb(dpkg).writeCacheDir(cacheDir);
    images = await buildScannerImages(scratch, rootfs);
    for (const tag of ['bookworm', 'purged', 'app', 'whiteout', 'opaque'] as const) {
      refs[tag] = `${registry.host}/e2e/debian:${tag}`;
      await pushImage(images[tag], refs[tag]);
    }
    refs.distroless = `${registry.host}/e2e/distroless:slim`;
    await pushImage(images.distroless, refs.distroless);
    refs.alpine = `${registry.host}/e2e/alpine:3.19`;
    await pushImage(images.alpineAmd64, refs.alpine);
    refs.multi = `${registry.host}/e2e/alpine:multi`;
    await pushImage(images.alpineIndex, refs.multi, { all: true });
  });
  after(async () => {
    await registry?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const scan = async (reference: string, extra: string[] = []): Promise<Report> => {
    const run = await trivyTs([
      'image',
      reference,
      '--insecure',
      '--skip-db-update',
      '--cache-dir',
      cacheDir,
      '--scanners',
      'vuln',
      '--format',
      'json',
      ...extra,
    ]);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as Report;
  };

  /** Expected Debian rows for the binaries of `source` that are installed, from dpkg's own view. */
  const debianRows = (source: string, id: string, fixed: string, status: string, except: string[] = []) =>
    [...dpkg.values()]
      .filter((entry) => entry.sourceName === source && !except.includes(entry.name))
      .map((entry): Row => [entry.name, id, entry.version, fixed, status]);

  const bookwormRows = (except: string[] = []): Row[] => {
    const source = (name: string) => dpkg.get(name)?.sourceVersion ?? '';
    return sorted([
      ...debianRows('glibc', 'CVE-2026-10001', nextDebianUpdate(source('libc6')), 'fixed'),
      ...debianRows('glibc', 'CVE-2010-4756', '', 'will_not_fix'),
      ...debianRows('bash', 'CVE-2026-10002', `${source('bash')}+b1`, 'fixed'),
      ...debianRows('e2fsprogs', 'CVE-2026-10003', '', 'affected', except),
      ...debianRows('tzdata', 'CVE-2026-10004', nextDebianUpdate(source('tzdata')), 'fixed', except),
      ...debianRows('zlib', 'CVE-2023-45853', '', 'will_not_fix'),
    ]);
  };

  it('reads the real dpkg database: every package, version and source package dpkg lists', async () => {
    const report = await scan(refs.bookworm ?? '');
    assert.deepEqual(report.Metadata.OS, { Family: 'debian', Name: debianVersion });
    const os = byClass(report, 'debian');
    assert.equal(os?.Target, `${refs.bookworm} (debian ${debianVersion})`);
    const packages = os?.Packages ?? [];
    assert.ok(dpkg.size > 50, `dpkg lists ${dpkg.size} packages`);
    assert.deepEqual(
      packages.map((pkg) => [pkg.Name, versionOf(pkg), pkg.SrcName, sourceVersionOf(pkg), pkg.Arch]).sort(),
      [...dpkg.values()]
        .map((entry) => [
          entry.name,
          entry.version,
          entry.sourceName,
          entry.sourceVersion,
          entry.architecture,
        ])
        .sort(),
    );
    const libc6 = packages.find((pkg) => pkg.Name === 'libc6');
    assert.equal(libc6?.SrcName, 'glibc');
    assert.equal(
      libc6?.Identifier?.PURL,
      `pkg:deb/debian/libc6@${encodeURIComponent(dpkg.get('libc6')?.version ?? '')}?arch=amd64&distro=debian-${debianVersion}`,
    );
    const md5sums = await readFile(join(rootfs, 'var/lib/dpkg/info/libc6:amd64.md5sums'), 'utf8');
    assert.deepEqual(
      [...(libc6?.InstalledFiles ?? [])].sort(),
      md5sums
        .trim()
        .split('\n')
        .map((line) => `/${line.slice(34)}`)
        .sort(),
      'file lists come from the real md5sums',
    );
    assert.equal(packages.find((pkg) => pkg.Name === 'libc-bin')?.SrcName, 'glibc');
    assert.equal(packages.find((pkg) => pkg.Name === 'zlib1g')?.SrcName, 'zlib');
  });

  it('matches Debian advisories by source package and source version: fixed, unfixed and not affected', async () => {
    // Preconditions on the real rootfs the fixture DB relies on.
    assert.match(dpkg.get('libc6')?.sourceVersion ?? '', /^2\.36-9\+deb12u([3-9]|\d\d+)$/);
    assert.match(dpkg.get('bash')?.version ?? '', /\+b\d+$/, 'bash is a binNMU');
    assert.match(dpkg.get('zlib1g')?.version ?? '', /^1:1\.2\.13\.dfsg-1/);

    const report = await scan(refs.bookworm ?? '');
    const os = byClass(report, 'debian');
    // Not reported: CVE-2023-4911 (fixed in u3, older than the installed glibc), CVE-2022-37434 (zlib's epoch) and
    // openssl (not installed).
    assert.deepEqual(rows(os), bookwormRows());
    const libc6 = os?.Vulnerabilities?.find(
      (v) => v.PkgName === 'libc6' && v.VulnerabilityID === 'CVE-2026-10001',
    );
    assert.equal(libc6?.Severity, 'MEDIUM');
    assert.equal(libc6?.SeveritySource, 'debian');
    assert.equal(libc6?.DataSource?.ID, 'debian');
    assert.equal(libc6?.PkgIdentifier?.PURL, os?.Packages?.find((p) => p.Name === 'libc6')?.Identifier?.PURL);
    assert.equal(libc6?.Layer?.DiffID, report.Metadata.DiffIDs?.[0]);
  });

  it('does not report packages a later layer purged with dpkg (status rewritten, files whited out)', async () => {
    const report = await scan(refs.purged ?? '');
    assert.equal(report.Metadata.DiffIDs?.length, 2);
    const os = byClass(report, 'debian');
    const names = (os?.Packages ?? []).map((pkg) => pkg.Name);
    assert.ok(!names.includes('e2fsprogs') && !names.includes('tzdata'), names.join(' '));
    assert.ok(names.includes('libext2fs2'), 'the rest of the e2fsprogs source stays');
    assert.equal(names.length, dpkg.size - 2);
    assert.deepEqual(rows(os), bookwormRows(['e2fsprogs', 'tzdata']));
    // Packages installed by the first layer keep it as their origin even though the status file was rewritten.
    assert.equal(
      os?.Packages?.find((pkg) => pkg.Name === 'libc6')?.Layer?.DiffID,
      report.Metadata.DiffIDs?.[0],
    );
  });

  it('finds npm, Python and Java packages with their advisories, reusing the cached base layer', async () => {
    const run = await trivyTs([
      'image',
      refs.app ?? '',
      '--insecure',
      '--skip-db-update',
      '--cache-dir',
      cacheDir,
      '--scanners',
      'vuln',
      '--format',
      'json',
      '--debug',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as Report;
    const [baseLayer, appLayer] = report.Metadata.DiffIDs ?? [];
    const layerLog = run.stderr
      .split('\n')
      .filter((line) => line.includes('layer analyzed'))
      .map((line) => JSON.parse(line) as { layer: string; cached: boolean });
    assert.deepEqual(
      layerLog.map((entry) => [entry.layer, entry.cached]).sort(),
      [
        [baseLayer, true],
        [appLayer, false],
      ].sort(),
    );

    assert.deepEqual(
      (report.Results ?? []).map((result) => `${result.Class}:${result.Type}:${result.Target}`),
      [
        `os-pkgs:debian:${refs.app} (debian ${debianVersion})`,
        'lang-pkgs:jar:Java',
        'lang-pkgs:node-pkg:Node.js',
        'lang-pkgs:python-pkg:Python',
      ],
    );
    assert.deepEqual(rows(byClass(report, 'debian')), bookwormRows());

    const node = byClass(report, 'node-pkg');
    assert.deepEqual(rows(node), [
      ['lodash', 'CVE-2021-23337', npmPackages.lodash, '4.17.21', 'fixed'],
      ['lodash', 'CVE-2026-10011', npmPackages.lodash, '', 'affected'],
      ['minimist', 'CVE-2021-44906', npmPackages.minimist, '0.2.4, 1.2.6', 'fixed'],
    ]);
    assert.deepEqual((node?.Packages ?? []).map((pkg) => [pkg.Name, pkg.Version, pkg.FilePath]).sort(), [
      ['lodash', npmPackages.lodash, `${appPaths.node}/node_modules/lodash/package.json`],
      ['minimist', npmPackages.minimist, `${appPaths.node}/node_modules/minimist/package.json`],
    ]);
    const lodash = node?.Vulnerabilities?.find((v) => v.VulnerabilityID === 'CVE-2021-23337');
    assert.equal(lodash?.Severity, 'HIGH');
    assert.equal(lodash?.PkgIdentifier?.PURL, 'pkg:npm/lodash@4.17.20');
    assert.equal(lodash?.Layer?.DiffID, appLayer);

    const python = byClass(report, 'python-pkg');
    assert.deepEqual(rows(python), [
      ['cryptography', 'CVE-2023-0286', '38.0.4', '39.0.1', 'fixed'],
      ['cryptography', 'CVE-2023-49083', '38.0.4', '41.0.6', 'fixed'],
    ]);
    assert.deepEqual(
      (python?.Packages ?? []).map((pkg) => [pkg.Name, pkg.Version, pkg.FilePath]),
      [['cryptography', '38.0.4', `${appPaths.sitePackages}/cryptography-38.0.4.dist-info/METADATA`]],
    );

    const java = byClass(report, 'jar');
    assert.deepEqual(rows(java), [
      ['com.google.guava:guava', 'CVE-2023-2976', '31.1-jre', '32.0.0-android', 'fixed'],
      ['commons-io:commons-io', 'CVE-2024-47554', '2.11.0', '2.14.0', 'fixed'],
    ]);
    assert.deepEqual((java?.Packages ?? []).map((pkg) => [pkg.Name, pkg.Version, pkg.FilePath]).sort(), [
      ['com.google.guava:guava', '31.1-jre', `${appPaths.war}/WEB-INF/lib/guava-31.1-jre.jar`],
      ['commons-io:commons-io', '2.11.0', appPaths.commonsIo],
    ]);
  });

  it('drops what later layers delete with whiteouts: a node module and a war', async () => {
    const report = await scan(refs.whiteout ?? '');
    assert.equal(report.Metadata.DiffIDs?.length, 4);
    assert.deepEqual(rows(byClass(report, 'node-pkg')), [
      ['lodash', 'CVE-2021-23337', npmPackages.lodash, '4.17.21', 'fixed'],
      ['lodash', 'CVE-2026-10011', npmPackages.lodash, '', 'affected'],
    ]);
    assert.deepEqual(
      (byClass(report, 'jar')?.Packages ?? []).map((pkg) => pkg.Name),
      ['commons-io:commons-io'],
    );
    assert.deepEqual(rows(byClass(report, 'jar')), [
      ['commons-io:commons-io', 'CVE-2024-47554', '2.11.0', '2.14.0', 'fixed'],
    ]);
  });

  it('hides everything below an opaque directory: only the upgraded lodash is left', async () => {
    const report = await scan(refs.opaque ?? '');
    const node = byClass(report, 'node-pkg');
    assert.deepEqual(
      (node?.Packages ?? []).map((pkg) => [pkg.Name, pkg.Version]),
      [['lodash', '4.17.21']],
    );
    assert.deepEqual(rows(node), [['lodash', 'CVE-2026-10011', '4.17.21', '', 'affected']]);
    assert.equal(node?.Packages?.[0]?.Layer?.DiffID, report.Metadata.DiffIDs?.at(-1));
    // Python and Java, outside the opaque directory, are untouched.
    assert.equal(rows(byClass(report, 'python-pkg')).length, 2);
    assert.equal(rows(byClass(report, 'jar')).length, 2);
  });

  it('drops a distroless status.d entry deleted by a later layer', async () => {
    const report = await scan(refs.distroless ?? '');
    const os = byClass(report, 'debian');
    assert.deepEqual(
      (os?.Packages ?? []).map((pkg) => pkg.Name).sort(),
      distrolessPackages.filter((name) => name !== 'tzdata').sort(),
    );
    const source = (name: string) => dpkg.get(name)?.sourceVersion ?? '';
    assert.deepEqual(
      rows(os),
      sorted([
        [
          'libc6',
          'CVE-2026-10001',
          dpkg.get('libc6')?.version ?? '',
          nextDebianUpdate(source('libc6')),
          'fixed',
        ],
        ['libc6', 'CVE-2010-4756', dpkg.get('libc6')?.version ?? '', '', 'will_not_fix'],
        ['zlib1g', 'CVE-2023-45853', dpkg.get('zlib1g')?.version ?? '', '', 'will_not_fix'],
      ]),
    );
  });

  it('reads a hand-written apk database: binary packages matched through their origin', async () => {
    const report = await scan(refs.alpine ?? '');
    // Alpine 3.19 left support on 2025-11-01.
    assert.deepEqual(report.Metadata.OS, { Family: 'alpine', Name: '3.19.1', EOSL: true });
    const os = byClass(report, 'alpine');
    assert.deepEqual(
      (os?.Packages ?? []).map((pkg) => [pkg.Name, pkg.Version, pkg.SrcName, pkg.Arch]).sort(),
      Object.entries(alpinePackages.x86_64)
        .map(([name, [version, origin]]) => [name, version, origin, 'x86_64'])
        .sort(),
    );
    // Not reported: CVE-2022-48174 (fixed in r1), CVE-2024-0727 (fixed in the installed r5), zlib's (1.3.1 > 1.3).
    assert.deepEqual(rows(os), [
      ['busybox', 'CVE-2023-42363', '1.36.1-r15', '1.36.1-r16', 'fixed'],
      ['libcrypto3', 'CVE-2024-2511', '3.1.4-r5', '3.1.4-r6', 'fixed'],
      ['libssl3', 'CVE-2024-2511', '3.1.4-r5', '3.1.4-r6', 'fixed'],
      ['musl', 'CVE-2025-26519', '1.2.4_git20230717-r4', '1.2.4_git20230717-r5', 'fixed'],
      ['ssl_client', 'CVE-2023-42363', '1.36.1-r15', '1.36.1-r16', 'fixed'],
    ]);
    assert.equal(
      os?.Packages?.find((pkg) => pkg.Name === 'ssl_client')?.Identifier?.PURL,
      'pkg:apk/alpine/ssl_client@1.36.1-r15?arch=x86_64&distro=3.19.1',
    );
  });

  it('picks the platform of a multi-arch index with --platform, and says which platforms exist', async () => {
    const arm = await scan(refs.multi ?? '', ['--platform', 'linux/arm64']);
    assert.equal(arm.Metadata.ImageConfig?.architecture, 'arm64');
    const armOs = byClass(arm, 'alpine');
    assert.deepEqual(
      (armOs?.Packages ?? []).map((pkg) => [pkg.Name, pkg.Version, pkg.Arch]).sort(),
      Object.entries(alpinePackages.aarch64)
        .map(([name, [version]]) => [name, version, 'aarch64'])
        .sort(),
    );
    assert.deepEqual(rows(armOs), [
      ['libcrypto3', 'CVE-2024-2511', '3.1.4-r5', '3.1.4-r6', 'fixed'],
      ['libssl3', 'CVE-2024-2511', '3.1.4-r5', '3.1.4-r6', 'fixed'],
    ]);
    assert.match(arm.Metadata.RepoDigests?.[0] ?? '', /@sha256:[0-9a-f]{64}$/);

    const amd = await scan(refs.multi ?? '', ['--platform', 'linux/amd64']);
    assert.equal(amd.Metadata.ImageConfig?.architecture, 'amd64');
    assert.equal(rows(byClass(amd, 'alpine')).length, 5);
    assert.notEqual(amd.Metadata.ImageID, arm.Metadata.ImageID);

    const missing = await trivyTs([
      'image',
      refs.multi ?? '',
      '--insecure',
      '--skip-db-update',
      '--cache-dir',
      cacheDir,
      '--platform',
      'linux/s390x',
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no image for platform linux\/s390x/);
    assert.match(missing.stderr, /linux\/amd64, linux\/arm64/);
  });

  it('prints the table with summary counts of the same findings', async () => {
    const run = await trivyTs([
      'image',
      refs.alpine ?? '',
      '--insecure',
      '--skip-db-update',
      '--cache-dir',
      cacheDir,
      '--scanners',
      'vuln',
      '--exit-code',
      '4',
    ]);
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stdout, /Total: 5 \(UNKNOWN: 0, LOW: 0, MEDIUM: 4, HIGH: 1, CRITICAL: 0\)/);
    assert.ok(!run.stdout.includes('\u001b['), 'no colour when piped');
  });
});
