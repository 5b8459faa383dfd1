import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Report } from '../../src/scanner/report/model.ts';
import { TrivyDbFixture } from '../support/trivy-db-fixture.ts';
import { trivyTs } from '../support/cli.ts';

const execFileAsync = promisify(execFile);

const ghsaNpm = 'npm::GitHub Security Advisory npm';

/** Advisories naming the versions `npm install` puts into the project below, plus an OS advisory for the rootfs. */
function fixtureDb(): TrivyDbFixture {
  return (
    new TrivyDbFixture()
      .addDataSource(ghsaNpm, {
        ID: 'ghsa',
        Name: 'GitHub Security Advisory npm',
        URL: 'https://github.com/advisories',
      })
      .addDataSource('debian 12', {
        ID: 'debian',
        Name: 'Debian Security Tracker',
        URL: 'https://salsa.debian.org/security-tracker-team/security-tracker',
      })
      .addDataSource('go::The Go Vulnerability Database', {
        ID: 'govulndb',
        Name: 'The Go Vulnerability Database',
        URL: 'https://pkg.go.dev/vuln/',
      })
      .addAdvisory(ghsaNpm, 'lodash', 'CVE-2021-23337', {
        VulnerableVersions: ['<4.17.21'],
        PatchedVersions: ['4.17.21'],
      })
      .addAdvisory(ghsaNpm, 'lodash', 'CVE-2020-28500', {
        VulnerableVersions: ['>=4.0.0, <4.17.21'],
        PatchedVersions: ['4.17.21'],
      })
      // Fixed before the installed version: not reported.
      .addAdvisory(ghsaNpm, 'lodash', 'CVE-2019-10744', {
        VulnerableVersions: ['<4.17.12'],
        PatchedVersions: ['4.17.12'],
      })
      .addAdvisory(ghsaNpm, 'minimist', 'CVE-2021-44906', {
        VulnerableVersions: ['<1.2.6'],
        PatchedVersions: ['1.2.6'],
      })
      .addAdvisory('debian 12', 'openssl', 'CVE-2024-5535', { FixedVersion: '3.0.14-1~deb12u1' })
      .addAdvisory('go::The Go Vulnerability Database', 'golang.org/x/net', 'CVE-2023-44487', {
        VulnerableVersions: ['<0.17.0'],
        PatchedVersions: ['0.17.0'],
      })
      .addVulnerability('CVE-2021-23337', { Title: 'lodash: command injection', VendorSeverity: { ghsa: 3 } })
      .addVulnerability('CVE-2020-28500', { Title: 'lodash: ReDoS', VendorSeverity: { ghsa: 2 } })
      .addVulnerability('CVE-2021-44906', {
        Title: 'minimist: prototype pollution',
        VendorSeverity: { ghsa: 4 },
      })
      .addVulnerability('CVE-2024-5535', { Title: 'openssl: buffer overread', VendorSeverity: { debian: 1 } })
      .addVulnerability('CVE-2023-44487', { Title: 'HTTP/2 rapid reset', VendorSeverity: { govulndb: 3 } })
  );
}

const dpkgStatus = `Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u2
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Description: Secure Sockets Layer toolkit - shared libraries
`;

describe('trivy-ts fs (real npm project, fixture DB)', () => {
  let scratch: string;
  let cacheDir: string;
  let project: string;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-fs-cli-'));
    cacheDir = join(scratch, 'cache');
    fixtureDb().writeCacheDir(cacheDir);
    project = join(scratch, 'project');
    await mkdir(project);
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'demo', version: '1.0.0', private: true }),
    );
    // A real lock file from the real registry: npm resolves and records the exact versions.
    await execFileAsync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--save-exact', 'lodash@4.17.20'],
      { cwd: project },
    );
    await execFileAsync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--save-exact',
        '--save-dev',
        'minimist@1.2.5',
      ],
      { cwd: project },
    );
    await writeFile(join(project, '.env'), 'GITHUB_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB\n');
    await mkdir(join(project, 'svc'));
    await writeFile(
      join(project, 'svc', 'go.mod'),
      'module example.com/svc\n\ngo 1.21\n\nrequire golang.org/x/net v0.10.0\n',
    );
    // Never read: version-control internals, and a link pointing out of the project.
    await mkdir(join(project, '.git'));
    await writeFile(
      join(project, '.git', 'package-lock.json'),
      JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/evil': { version: '1.0.0' } } }),
    );
    const outside = join(scratch, 'outside');
    await mkdir(outside);
    await writeFile(
      join(outside, 'package-lock.json'),
      JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/minimist': { version: '0.0.1' } } }),
    );
    await symlink(outside, join(project, 'linked'));
    await symlink(join(outside, 'package-lock.json'), join(project, 'linked-lock.json'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  const scanJson = async (extra: string[], target = project) => {
    const run = await trivyTs([
      'fs',
      target,
      '--cache-dir',
      cacheDir,
      '--skip-db-update',
      '--format',
      'json',
      ...extra,
    ]);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as Report;
  };

  it('reports lock-file vulnerabilities and secrets in Trivy JSON with ArtifactType filesystem', async () => {
    const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    assert.equal(
      lock.packages['node_modules/lodash']?.version,
      '4.17.20',
      'npm installed the pinned version',
    );

    const report = await scanJson([]);
    assert.equal(report.ArtifactType, 'filesystem');
    assert.equal(report.ArtifactName, project);
    assert.equal(report.Metadata.OS, undefined);
    assert.deepEqual(
      (report.Results ?? []).map((result) => `${result.Class}:${result.Type ?? ''}:${result.Target}`),
      ['lang-pkgs:npm:package-lock.json', 'lang-pkgs:gomod:svc/go.mod', 'secret::.env'],
    );
    const [npm, gomod, secret] = report.Results ?? [];
    // minimist is a dev dependency: left out unless asked for, as Trivy does.
    assert.deepEqual(
      npm?.Vulnerabilities?.map((v) => [
        v.PkgName,
        v.VulnerabilityID,
        v.InstalledVersion,
        v.FixedVersion,
        v.Severity,
      ]),
      [
        ['lodash', 'CVE-2021-23337', '4.17.20', '4.17.21', 'HIGH'],
        ['lodash', 'CVE-2020-28500', '4.17.20', '4.17.21', 'MEDIUM'],
      ],
    );
    assert.deepEqual(
      npm?.Packages?.map((pkg) => [pkg.ID, pkg.Relationship, pkg.Identifier?.PURL, pkg.Licenses]),
      [['lodash@4.17.20', 'direct', 'pkg:npm/lodash@4.17.20', ['MIT']]],
    );
    assert.deepEqual(
      gomod?.Vulnerabilities?.map((v) => [v.PkgName, v.VulnerabilityID]),
      [['golang.org/x/net', 'CVE-2023-44487']],
    );
    assert.equal(secret?.Secrets?.[0]?.RuleID, 'github-pat');
    assert.doesNotMatch(JSON.stringify(report), /ghp_0123456789abcdefghij/, 'the secret never appears');
    assert.doesNotMatch(JSON.stringify(report), /evil|0\.0\.1/, 'nothing from .git or behind a symlink');
  });

  it('leaves out files and directories named by --skip-files and --skip-dirs', async () => {
    const report = await scanJson(['--skip-files', '.env', '--skip-dirs', 'svc']);
    assert.deepEqual(
      (report.Results ?? []).map((result) => `${result.Class}:${result.Type ?? ''}:${result.Target}`),
      ['lang-pkgs:npm:package-lock.json'],
    );
  });

  it('includes dev dependencies on request and filters like image does', async () => {
    const withDev = await scanJson(['--include-dev-deps', '--scanners', 'vuln']);
    const npm = withDev.Results?.find((result) => result.Target === 'package-lock.json');
    assert.deepEqual(
      npm?.Packages?.map((pkg) => [pkg.ID, pkg.Dev ?? false]),
      [
        ['lodash@4.17.20', false],
        ['minimist@1.2.5', true],
      ],
    );
    assert.ok(npm?.Vulnerabilities?.some((v) => v.VulnerabilityID === 'CVE-2021-44906'));

    const high = await scanJson(['--severity', 'HIGH,CRITICAL', '--scanners', 'vuln']);
    assert.deepEqual(
      (high.Results ?? []).flatMap((result) => (result.Vulnerabilities ?? []).map((v) => v.VulnerabilityID)),
      ['CVE-2021-23337', 'CVE-2023-44487'],
    );
    const osOnly = await scanJson(['--pkg-types', 'os', '--scanners', 'vuln']);
    assert.equal(osOnly.Results, undefined);
    const secretsOnly = await scanJson(['--scanners', 'secret']);
    assert.ok((secretsOnly.Results ?? []).every((result) => !result.Vulnerabilities?.length));
    assert.equal(secretsOnly.Results?.filter((result) => result.Class === 'secret').length, 1);
  });

  it('honours .trivyignore, --exit-code, --output and the table format', async () => {
    const ignoreDir = await mkdtemp(join(scratch, 'ignore-'));
    await writeFile(
      join(ignoreDir, '.trivyignore'),
      'CVE-2021-23337\nCVE-2020-28500\nCVE-2023-44487\ngithub-pat\n',
    );
    const clean = await trivyTs(
      ['fs', project, '--cache-dir', cacheDir, '--skip-db-update', '--exit-code', '4'],
      { cwd: ignoreDir },
    );
    assert.equal(clean.code, 0, clean.stderr);
    const dirty = await trivyTs([
      'fs',
      project,
      '--cache-dir',
      cacheDir,
      '--skip-db-update',
      '--exit-code',
      '4',
    ]);
    assert.equal(dirty.code, 4);
    assert.match(dirty.stdout, /Report Summary/);
    assert.match(dirty.stdout, /package-lock\.json \(npm\)/);
    assert.match(dirty.stdout, /Total: 2 \(UNKNOWN: 0, LOW: 0, MEDIUM: 1, HIGH: 1, CRITICAL: 0\)/);

    const output = join(scratch, 'report.sarif');
    const sarif = await trivyTs([
      'fs',
      project,
      '--cache-dir',
      cacheDir,
      '--skip-db-update',
      '--format',
      'sarif',
      '--output',
      output,
    ]);
    assert.equal(sarif.code, 0, sarif.stderr);
    assert.equal(sarif.stdout, '');
    const document = JSON.parse(await readFile(output, 'utf8')) as {
      version: string;
      runs: { results: { ruleId: string }[] }[];
    };
    assert.equal(document.version, '2.1.0');
    assert.ok(document.runs[0]?.results.some((result) => result.ruleId === 'CVE-2021-23337'));
  });

  it('scans an unpacked root filesystem: OS packages, with the OS in the metadata', async () => {
    const rootfs = join(scratch, 'rootfs');
    await mkdir(join(rootfs, 'etc'), { recursive: true });
    await mkdir(join(rootfs, 'var/lib/dpkg'), { recursive: true });
    await mkdir(join(rootfs, 'proc'), { recursive: true });
    await writeFile(join(rootfs, 'etc/debian_version'), '12.5\n');
    await writeFile(join(rootfs, 'var/lib/dpkg/status'), dpkgStatus);
    // /proc is never walked at the root of a scanned system.
    await writeFile(join(rootfs, 'proc/requirements.txt'), 'django==1.0\n');
    const report = await scanJson(['--scanners', 'vuln'], rootfs);
    assert.deepEqual(report.Metadata.OS, { Family: 'debian', Name: '12.5' });
    assert.deepEqual(
      (report.Results ?? []).map((result) => result.Target),
      [`${rootfs} (debian 12.5)`],
    );
    const [os] = report.Results ?? [];
    assert.deepEqual(
      os?.Vulnerabilities?.map((v) => [v.PkgName, v.VulnerabilityID, v.FixedVersion]),
      [['libssl3', 'CVE-2024-5535', '3.0.14-1~deb12u1']],
    );
    assert.equal(
      os?.Packages?.[0]?.Identifier?.PURL,
      'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.5',
    );
    assert.equal(os?.Packages?.[0]?.Layer, undefined, 'a directory has no layers');
  });

  it('scans a single lock file, and writes a CycloneDX SBOM of the project', async () => {
    const single = await scanJson(['--scanners', 'vuln'], join(project, 'package-lock.json'));
    assert.deepEqual(
      (single.Results ?? []).map((result) => result.Target),
      ['package-lock.json'],
    );
    const bom = await trivyTs([
      'fs',
      project,
      '--cache-dir',
      cacheDir,
      '--skip-db-update',
      '--format',
      'cyclonedx',
    ]);
    assert.equal(bom.code, 0, bom.stderr);
    const document = JSON.parse(bom.stdout) as {
      metadata: { component: { type: string; name: string } };
      components: { name: string }[];
      vulnerabilities?: unknown[];
    };
    assert.deepEqual(
      [document.metadata.component.type, document.metadata.component.name],
      ['application', project],
    );
    assert.ok(document.components.some((component) => component.name === 'lodash'));
    assert.equal(
      document.vulnerabilities,
      undefined,
      'SBOM formats scan vulnerabilities only with --scanners',
    );
  });

  it('explains bad invocations', async () => {
    const missing = await trivyTs(['fs', join(scratch, 'nope'), '--cache-dir', cacheDir, '--skip-db-update']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot scan .*nope/);
    const link = await trivyTs(['fs', join(project, 'linked'), '--cache-dir', cacheDir, '--skip-db-update']);
    assert.equal(link.code, 1);
    assert.match(link.stderr, /symbolic link is not followed/);
    const scanners = await trivyTs(['fs', project, '--scanners', 'misconfig', '--cache-dir', cacheDir]);
    assert.match(scanners.stderr, /--scanners: unknown value "misconfig"/);
    const help = await trivyTs(['fs', '--help']);
    assert.match(help.stdout, /--include-dev-deps/);
    assert.match(help.stdout, /package-lock\.json, yarn\.lock/);
  });
});
