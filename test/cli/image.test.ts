import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Report } from '../../src/scanner/report/model.ts';
import { buildOciImage, skopeoCopy } from '../support/oci-image.ts';
import { startRegistry, type RunningRegistry } from '../support/registry.ts';
import { TrivyDbFixture } from '../support/trivy-db-fixture.ts';
import { trivyTs } from '../support/cli.ts';

const execFileAsync = promisify(execFile);

const dpkgStatus = `Package: libssl3
Status: install ok installed
Priority: optional
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u2
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Description: Secure Sockets Layer toolkit - shared libraries

Package: bash
Status: install ok installed
Architecture: amd64
Version: 5.2.15-2+b2
Maintainer: Matthias Klose <doko@debian.org>
Description: GNU Bourne Again SHell

Package: removed-tool
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1
Maintainer: Someone <someone@debian.org>
Description: configuration files only
`;

function fixtureDb(): TrivyDbFixture {
  return new TrivyDbFixture()
    .addDataSource('debian 12', {
      ID: 'debian',
      Name: 'Debian Security Tracker',
      URL: 'https://salsa.debian.org/security-tracker-team/security-tracker',
    })
    .addDataSource('npm::GitHub Security Advisory npm', {
      ID: 'ghsa',
      Name: 'GitHub Security Advisory npm',
      URL: 'https://github.com/advisories',
    })
    .addAdvisory('debian 12', 'openssl', 'CVE-2024-5535', { FixedVersion: '3.0.14-1~deb12u1' })
    .addAdvisory('debian 12', 'openssl', 'CVE-2023-0001', { FixedVersion: '3.0.9-1' })
    .addAdvisory('debian 12', 'bash', 'CVE-2022-3715', { Status: 2 })
    .addAdvisory('npm::GitHub Security Advisory npm', 'lodash', 'CVE-2021-23337', {
      VulnerableVersions: ['<4.17.21'],
      PatchedVersions: ['4.17.21'],
    })
    .addAdvisory('npm::GitHub Security Advisory npm', 'minimist', 'CVE-2021-44906', {
      VulnerableVersions: ['<1.2.6'],
      PatchedVersions: ['1.2.6'],
    })
    .addVulnerability('CVE-2024-5535', {
      Title: 'openssl: buffer overread',
      VendorSeverity: { debian: 1, nvd: 4 },
    })
    .addVulnerability('CVE-2022-3715', { Title: 'bash: heap overflow', VendorSeverity: { debian: 1 } })
    .addVulnerability('CVE-2021-23337', { Title: 'lodash: command injection', VendorSeverity: { ghsa: 3 } })
    .addVulnerability('CVE-2021-44906', {
      Title: 'minimist: prototype pollution',
      VendorSeverity: { ghsa: 4 },
    });
}

describe('trivy-ts image (umoci image, fixture DB, real registry)', () => {
  let scratch: string;
  let cacheDir: string;
  let layout: string;
  let registry: RunningRegistry;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-image-cli-'));
    cacheDir = join(scratch, 'cache');
    fixtureDb().writeCacheDir(cacheDir);
    layout = join(scratch, 'layout');
    await buildOciImage(layout, 'app', [
      {
        add: {
          'etc/debian_version': '12.5\n',
          'var/lib/dpkg/status': dpkgStatus,
          'app/node_modules/lodash/package.json': JSON.stringify({
            name: 'lodash',
            version: '4.17.20',
            license: 'MIT',
          }),
          'app/node_modules/minimist/package.json': JSON.stringify({ name: 'minimist', version: '1.2.5' }),
        },
      },
      // A later layer removes minimist (whiteout) and leaves a credential behind.
      {
        remove: ['app/node_modules/minimist'],
        add: { 'app/.env': 'GITHUB_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB\n' },
      },
    ]);
    registry = await startRegistry();
  });
  after(async () => {
    await registry?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  const scanJson = async (extra: string[]) => {
    const run = await trivyTs([
      'image',
      '--input',
      `${layout}:app`,
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

  it('reports OS and language vulnerabilities and secrets in Trivy JSON', async () => {
    const report = await scanJson([]);
    assert.equal(report.SchemaVersion, 2);
    assert.equal(report.ArtifactType, 'container_image');
    assert.deepEqual(report.Metadata.OS, { Family: 'debian', Name: '12.5' });
    assert.equal(report.Metadata.DiffIDs?.length, 2);
    const targets = (report.Results ?? []).map((result) => `${result.Class}:${result.Target}`);
    assert.deepEqual(targets, [
      `os-pkgs:${layout}:app (debian 12.5)`,
      'lang-pkgs:Node.js',
      'secret:/app/.env',
    ]);
    const [os, node, secret] = report.Results ?? [];
    assert.deepEqual(
      os?.Vulnerabilities?.map((v) => [
        v.PkgName,
        v.VulnerabilityID,
        v.InstalledVersion,
        v.FixedVersion ?? '',
        v.Status,
      ]),
      [
        ['bash', 'CVE-2022-3715', '5.2.15-2+b2', '', 'affected'],
        ['libssl3', 'CVE-2024-5535', '3.0.11-1~deb12u2', '3.0.14-1~deb12u1', 'fixed'],
      ],
    );
    assert.equal(
      os?.Vulnerabilities?.[1]?.PkgIdentifier?.PURL,
      'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.5',
    );
    assert.deepEqual(os?.Packages?.map((pkg) => pkg.Name).sort(), ['bash', 'libssl3']);
    // minimist was deleted by the upper layer: never reported.
    assert.deepEqual(
      node?.Vulnerabilities?.map((v) => [v.PkgName, v.VulnerabilityID, v.Severity, v.PkgPath]),
      [['lodash', 'CVE-2021-23337', 'HIGH', 'app/node_modules/lodash/package.json']],
    );
    assert.deepEqual(
      node?.Packages?.map((pkg) => pkg.Name),
      ['lodash'],
    );
    assert.equal(secret?.Secrets?.[0]?.RuleID, 'github-pat');
    assert.equal(secret?.Secrets?.[0]?.Layer?.DiffID, report.Metadata.DiffIDs?.[1]);
    assert.doesNotMatch(
      JSON.stringify(report),
      /ghp_0123456789abcdefghij/,
      'the secret never appears in the report',
    );
  });

  it('filters by severity and fix status and honours .trivyignore and --exit-code', async () => {
    const high = await scanJson(['--severity', 'HIGH,CRITICAL', '--scanners', 'vuln']);
    assert.deepEqual(
      (high.Results ?? []).flatMap((result) => (result.Vulnerabilities ?? []).map((v) => v.VulnerabilityID)),
      ['CVE-2021-23337'],
    );
    const fixedOnly = await scanJson(['--ignore-unfixed', '--scanners', 'vuln']);
    assert.ok(!JSON.stringify(fixedOnly).includes('CVE-2022-3715'));

    const ignoreDir = await mkdtemp(join(scratch, 'ignore-'));
    await writeFile(
      join(ignoreDir, '.trivyignore'),
      '# accepted\nCVE-2021-23337\nCVE-2024-5535\nCVE-2022-3715\ngithub-pat\n',
    );
    const clean = await trivyTs(
      [
        'image',
        '--input',
        `${layout}:app`,
        '--cache-dir',
        cacheDir,
        '--skip-db-update',
        '--exit-code',
        '3',
        '--format',
        'json',
      ],
      { cwd: ignoreDir },
    );
    assert.equal(clean.code, 0, clean.stderr);
    const dirty = await trivyTs([
      'image',
      '--input',
      `${layout}:app`,
      '--cache-dir',
      cacheDir,
      '--skip-db-update',
      '--exit-code',
      '3',
    ]);
    assert.equal(dirty.code, 3);
    assert.match(dirty.stdout, /Report Summary/);
    assert.match(dirty.stdout, /Total: 2 \(UNKNOWN: 0, LOW: 2, MEDIUM: 0, HIGH: 0, CRITICAL: 0\)/);
  });

  it('scans only what --pkg-types and --scanners ask for', async () => {
    const library = await scanJson(['--pkg-types', 'library', '--scanners', 'vuln']);
    assert.deepEqual(
      (library.Results ?? []).map((result) => result.Class),
      ['lang-pkgs'],
    );
    const secretsOnly = await scanJson(['--scanners', 'secret']);
    assert.ok((secretsOnly.Results ?? []).every((result) => !result.Vulnerabilities?.length));
  });

  it('leaves out what --skip-files and --skip-dirs name, and caches that analysis apart', async () => {
    const targets = (report: Report) => (report.Results ?? []).map((result) => result.Target).sort();
    const full = await scanJson([]);
    assert.ok(targets(full).includes('/app/.env'), targets(full).join(', '));
    const skipped = await scanJson(['--skip-dirs', '/app/node_modules/', '--skip-files', '**/.env']);
    assert.ok(!targets(skipped).some((target) => target.includes('.env') || target === 'Node.js'));
    assert.deepEqual(
      [
        ...new Set(
          (skipped.Results ?? []).flatMap((result) => result.Vulnerabilities ?? []).map((v) => v.PkgName),
        ),
      ].sort(),
      ['bash', 'libssl3'],
      'only the OS packages remain',
    );
    // A pattern that matches nothing changes nothing; the unskipped analysis is still served from the cache.
    const none = await scanJson(['--skip-files', 'nothing/here', '--skip-dirs', 'no/such/dir']);
    assert.deepEqual(targets(none), targets(full));
    assert.deepEqual(targets(await scanJson([])), targets(full));
  });

  it('reuses cached layer analyses on the second scan', async () => {
    const layerCache = join(cacheDir, 'layers');
    const entries = (await readdir(layerCache)).filter((name) => name.endsWith('.json.gz'));
    assert.ok(entries.length >= 2, `cache entries: ${entries.join(', ')}`);
    const again = await scanJson([]);
    assert.equal(again.Results?.length, 3);
  });

  it('scans the same image from a docker save archive and from a registry', async () => {
    const archive = join(scratch, 'app.tar');
    await skopeoCopy(`oci:${layout}:app`, `docker-archive:${archive}:example/app:1.0`);
    const fromArchive = await trivyTs([
      'image',
      '--input',
      archive,
      '--cache-dir',
      cacheDir,
      '--skip-db-update',
      '--format',
      'json',
    ]);
    assert.equal(fromArchive.code, 0, fromArchive.stderr);
    assert.deepEqual((JSON.parse(fromArchive.stdout) as Report).Metadata.RepoTags, ['example/app:1.0']);

    await execFileAsync('skopeo', [
      'copy',
      '--quiet',
      '--insecure-policy',
      '--dest-tls-verify=false',
      `oci:${layout}:app`,
      `docker://${registry.host}/example/app:1.0`,
    ]);
    const remote = await trivyTs([
      'image',
      `${registry.host}/example/app:1.0`,
      '--insecure',
      '--cache-dir',
      cacheDir,
      '--skip-db-update',
      '--format',
      'json',
    ]);
    assert.equal(remote.code, 0, remote.stderr);
    const report = JSON.parse(remote.stdout) as Report;
    assert.deepEqual(report.Metadata.RepoTags, [`${registry.host}/example/app:1.0`]);
    assert.match(
      report.Metadata.RepoDigests?.[0] ?? '',
      new RegExp(`^${registry.host}/example/app@sha256:[a-f0-9]{64}$`),
    );
    assert.match(report.ArtifactID ?? '', /^sha256:[a-f0-9]{64}$/);
    assert.equal(report.Results?.length, 3);
  });

  it('writes SARIF, and CycloneDX/SPDX SBOMs that list packages and add vulnerabilities only when asked', async () => {
    const scan = async (extra: string[]) => {
      const run = await trivyTs([
        'image',
        '--input',
        `${layout}:app`,
        '--cache-dir',
        cacheDir,
        '--skip-db-update',
        ...extra,
      ]);
      assert.equal(run.code, 0, run.stderr);
      return JSON.parse(run.stdout) as Record<string, unknown>;
    };
    const sarif = (await scan(['--format', 'sarif'])) as {
      version: string;
      runs: { results: { ruleId: string }[] }[];
    };
    assert.equal(sarif.version, '2.1.0');
    assert.deepEqual(sarif.runs[0]?.results.map((result) => result.ruleId).sort(), [
      'CVE-2021-23337',
      'CVE-2022-3715',
      'CVE-2024-5535',
      'github-pat',
    ]);
    const bom = (await scan(['--format', 'cyclonedx'])) as {
      components: { name: string }[];
      vulnerabilities?: unknown[];
    };
    assert.ok(bom.components.some((component) => component.name === 'lodash'));
    assert.equal(bom.vulnerabilities, undefined);
    const bomWithVulns = (await scan(['--format', 'cyclonedx', '--scanners', 'vuln'])) as {
      vulnerabilities?: { id: string }[];
    };
    assert.deepEqual(bomWithVulns.vulnerabilities?.map((v) => v.id).sort(), [
      'CVE-2021-23337',
      'CVE-2022-3715',
      'CVE-2024-5535',
    ]);
    const spdx = (await scan(['--format', 'spdx-json'])) as {
      spdxVersion: string;
      packages: { name: string }[];
    };
    assert.equal(spdx.spdxVersion, 'SPDX-2.3');
    assert.ok(spdx.packages.some((pkg) => pkg.name === 'libssl3'));
  });

  it('explains what is wrong with bad invocations', async () => {
    const neither = await trivyTs(['image', '--cache-dir', cacheDir]);
    assert.equal(neither.code, 1);
    assert.match(neither.stderr, /no image given/);
    const badSeverity = await trivyTs(['image', 'x', '--severity', 'SEVERE', '--cache-dir', cacheDir]);
    assert.match(badSeverity.stderr, /unknown severity "SEVERE"/);
    const noDb = await trivyTs([
      'image',
      '--input',
      layout,
      '--skip-db-update',
      '--cache-dir',
      join(scratch, 'empty-cache'),
    ]);
    assert.equal(noDb.code, 1);
    assert.match(noDb.stderr, /--skip-db-update|db update/);
  });
});
