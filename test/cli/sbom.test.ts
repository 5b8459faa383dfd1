import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DetectedVulnerability, Report } from '../../src/scanner/report/model.ts';
import { buildOciImage } from '../support/oci-image.ts';
import { TrivyDbFixture } from '../support/trivy-db-fixture.ts';
import { trivyTs } from '../support/cli.ts';

const dpkgStatus = `Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u2
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Description: Secure Sockets Layer toolkit - shared libraries

Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1
Maintainer: Mark Brown <broonie@debian.org>
Description: compression library - runtime

Package: bash
Status: install ok installed
Architecture: amd64
Version: 5.2.15-2+b2
Maintainer: Matthias Klose <doko@debian.org>
Description: GNU Bourne Again SHell
`;

const cargoLock = `version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["smallvec"]

[[package]]
name = "smallvec"
version = "1.6.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
`;

const ghsaNpm = 'npm::GitHub Security Advisory npm';
const ghsaRust = 'cargo::GitHub Security Advisory Rust';

function fixtureDb(): TrivyDbFixture {
  return (
    new TrivyDbFixture()
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
      .addDataSource(ghsaNpm, {
        ID: 'ghsa',
        Name: 'GitHub Security Advisory npm',
        URL: 'https://github.com/advisories',
      })
      .addDataSource(ghsaRust, {
        ID: 'ghsa',
        Name: 'GitHub Security Advisory Rust',
        URL: 'https://github.com/advisories',
      })
      // Matched through the source package (openssl, zlib) while the binary package is reported.
      .addAdvisory('debian 12', 'openssl', 'CVE-2024-5535', { FixedVersion: '3.0.14-1~deb12u1' })
      .addAdvisory('debian 12', 'zlib', 'CVE-2023-45853', { Status: 5, Severity: 4 })
      .addAdvisory('debian 12', 'zlib', 'CVE-2018-25032', { FixedVersion: '1:1.2.11.dfsg-4' })
      .addAdvisory('debian 12', 'bash', 'CVE-2022-3715', { Status: 2 })
      .addAdvisory('alpine 3.19', 'openssl', 'CVE-2024-0727', { FixedVersion: '3.1.4-r5' })
      .addAdvisory(ghsaNpm, 'lodash', 'CVE-2021-23337', {
        VulnerableVersions: ['<4.17.21'],
        PatchedVersions: ['4.17.21'],
      })
      .addAdvisory(ghsaNpm, '@babel/traverse', 'CVE-2023-45133', {
        VulnerableVersions: ['<7.23.2'],
        PatchedVersions: ['7.23.2'],
      })
      .addAdvisory(ghsaRust, 'smallvec', 'CVE-2021-25900', {
        VulnerableVersions: ['>=0.6.3, <0.6.14', '>=1.0.0, <1.6.1'],
        PatchedVersions: ['1.6.1'],
      })
      .addVulnerability('CVE-2024-5535', {
        Title: 'openssl: buffer overread',
        VendorSeverity: { debian: 1, nvd: 4 },
      })
      .addVulnerability('CVE-2021-23337', { Title: 'lodash: command injection', VendorSeverity: { ghsa: 3 } })
      .addVulnerability('CVE-2021-25900', { Title: 'smallvec: buffer overflow', VendorSeverity: { ghsa: 4 } })
  );
}

/** What must survive the round trip: every field detection derives from the package. */
function findings(report: Report): string[] {
  return (report.Results ?? [])
    .flatMap((result) =>
      (result.Vulnerabilities ?? []).map((v: DetectedVulnerability) =>
        JSON.stringify([
          result.Class,
          result.Type,
          result.Class === 'os-pkgs' ? '' : result.Target,
          v.VulnerabilityID,
          v.PkgID,
          v.PkgName,
          v.PkgPath,
          v.PkgIdentifier?.PURL,
          v.InstalledVersion,
          v.FixedVersion,
          v.Status,
          v.Severity,
          v.Layer,
        ]),
      ),
    )
    .sort();
}

describe('trivy-ts sbom (SBOMs from our own image scan and from other tools)', () => {
  let scratch: string;
  let cacheDir: string;
  let layout: string;
  const common = () => ['--cache-dir', cacheDir, '--skip-db-update'];

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-sbom-cli-'));
    cacheDir = join(scratch, 'cache');
    fixtureDb().writeCacheDir(cacheDir);
    layout = join(scratch, 'layout');
    await buildOciImage(layout, 'app', [
      { add: { 'etc/debian_version': '12.5\n', 'var/lib/dpkg/status': dpkgStatus } },
      {
        add: {
          'app/node_modules/lodash/package.json': JSON.stringify({
            name: 'lodash',
            version: '4.17.20',
            license: 'MIT',
          }),
          'app/node_modules/@babel/traverse/package.json': JSON.stringify({
            name: '@babel/traverse',
            version: '7.22.0',
          }),
          'srv/Cargo.lock': cargoLock,
        },
      },
    ]);
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  for (const format of ['cyclonedx', 'spdx-json'] as const) {
    it(`image → ${format} → sbom scan finds what the image scan found`, async () => {
      const image = await trivyTs([
        'image',
        '--input',
        `${layout}:app`,
        ...common(),
        '--scanners',
        'vuln',
        '--format',
        'json',
      ]);
      assert.equal(image.code, 0, image.stderr);
      const imageReport = JSON.parse(image.stdout) as Report;
      const expected = findings(imageReport);
      assert.equal(expected.length, 6, expected.join('\n'));

      const sbomPath = join(scratch, `image.${format}.json`);
      const written = await trivyTs([
        'image',
        '--input',
        `${layout}:app`,
        ...common(),
        '--format',
        format,
        '--output',
        sbomPath,
      ]);
      assert.equal(written.code, 0, written.stderr);
      const scanned = await trivyTs(['sbom', sbomPath, ...common(), '--format', 'json']);
      assert.equal(scanned.code, 0, scanned.stderr);
      const report = JSON.parse(scanned.stdout) as Report;
      assert.equal(report.ArtifactType, format === 'cyclonedx' ? 'cyclonedx' : 'spdx');
      assert.equal(report.ArtifactName, sbomPath);
      assert.deepEqual(report.Metadata.OS, { Family: 'debian', Name: '12.5' });
      assert.equal(report.Metadata.ImageID, imageReport.Metadata.ImageID);
      assert.deepEqual(findings(report), expected);
      assert.deepEqual(
        (report.Results ?? []).map((result) => result.Target),
        [`${sbomPath} (debian 12.5)`, 'Node.js', 'srv/Cargo.lock'],
      );
    });
  }

  it('reads a third-party CycloneDX BOM (purls only, source packages in the upstream qualifier)', async () => {
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      version: 1,
      metadata: { component: { type: 'container', name: 'shop/web:1.4', 'bom-ref': 'root' } },
      components: [
        { type: 'operating-system', name: 'debian', version: '12', 'bom-ref': 'os' },
        {
          type: 'library',
          name: 'libssl3',
          version: '3.0.11-1~deb12u2',
          purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=debian-12',
          'bom-ref': 'a',
        },
        {
          type: 'library',
          name: 'lodash',
          version: '4.17.20',
          purl: 'pkg:npm/lodash@4.17.20',
          'bom-ref': 'b',
        },
        { type: 'library', name: 'left-pad', version: '1.3.0', 'bom-ref': 'c' },
      ],
      dependencies: [
        { ref: 'root', dependsOn: ['os', 'b'] },
        { ref: 'os', dependsOn: ['a'] },
      ],
    };
    const path = join(scratch, 'third-party.cdx.json');
    await writeFile(path, JSON.stringify(bom));
    const run = await trivyTs(['sbom', path, ...common(), '--format', 'json', '--exit-code', '5']);
    assert.equal(run.code, 5, run.stderr);
    assert.match(run.stderr, /components without a package URL/);
    const report = JSON.parse(run.stdout) as Report;
    assert.deepEqual(
      (report.Results ?? []).flatMap((result) =>
        (result.Vulnerabilities ?? []).map((v) => `${result.Target}:${v.PkgName}:${v.VulnerabilityID}`),
      ),
      [`${path} (debian 12):libssl3:CVE-2024-5535`, 'Node.js:lodash:CVE-2021-23337'],
    );
  });

  it('reads a third-party SPDX document without an OS package (OS from the distro qualifier)', async () => {
    const document = {
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'alpine-app',
      documentNamespace: 'https://example.com/alpine-app',
      creationInfo: { created: '2024-01-01T00:00:00Z', creators: ['Tool: syft-1.0.0'] },
      packages: [
        {
          name: 'libssl3',
          SPDXID: 'SPDXRef-Package-apk-libssl3',
          versionInfo: '3.1.4-r2',
          downloadLocation: 'NONE',
          externalRefs: [
            {
              referenceCategory: 'PACKAGE-MANAGER',
              referenceType: 'purl',
              referenceLocator:
                'pkg:apk/alpine/libssl3@3.1.4-r2?arch=x86_64&upstream=openssl&distro=alpine-3.19.0',
            },
          ],
        },
        {
          name: '@babel/traverse',
          SPDXID: 'SPDXRef-Package-npm-traverse',
          versionInfo: '7.22.0',
          downloadLocation: 'NONE',
          externalRefs: [
            {
              referenceCategory: 'PACKAGE-MANAGER',
              referenceType: 'purl',
              referenceLocator: 'pkg:npm/%40babel/traverse@7.22.0',
            },
          ],
        },
      ],
      relationships: [
        {
          spdxElementId: 'SPDXRef-DOCUMENT',
          relationshipType: 'DESCRIBES',
          relatedSpdxElement: 'SPDXRef-Package-apk-libssl3',
        },
      ],
    };
    const path = join(scratch, 'third-party.spdx.json');
    await writeFile(path, JSON.stringify(document));
    const report = JSON.parse(
      (await trivyTs(['sbom', path, ...common(), '--format', 'json'])).stdout,
    ) as Report;
    assert.deepEqual([report.Metadata.OS?.Family, report.Metadata.OS?.Name], ['alpine', '3.19.0']);
    assert.deepEqual(
      (report.Results ?? []).flatMap((result) =>
        (result.Vulnerabilities ?? []).map((v) => `${v.PkgName}:${v.VulnerabilityID}:${v.FixedVersion}`),
      ),
      ['libssl3:CVE-2024-0727:3.1.4-r5', '@babel/traverse:CVE-2023-45133:7.23.2'],
    );
  });

  it('filters, writes tables and explains unreadable input', async () => {
    const sbomPath = join(scratch, 'image.cyclonedx.json');
    const table = await trivyTs([
      'sbom',
      sbomPath,
      ...common(),
      '--severity',
      'CRITICAL,HIGH',
      '--ignore-unfixed',
    ]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /Report Summary/);
    assert.match(table.stdout, /CVE-2021-25900/);
    assert.doesNotMatch(table.stdout, /CVE-2023-45853/, 'unfixed findings are dropped');

    const cases: [string, string, RegExp][] = [
      [
        'bom.xml',
        '<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>',
        /XML; only the JSON forms/,
      ],
      ['bom.spdx', 'SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n', /tag-value/],
      ['broken.json', '{"bomFormat": "CycloneDX", "components": [', /not valid JSON/],
      ['other.json', '{"hello": "world"}', /neither a CycloneDX BOM nor an SPDX document/],
      ['spdx3.json', '{"spdxVersion": "SPDX-3.0"}', /SPDX-3\.0 is not supported/],
    ];
    for (const [name, content, message] of cases) {
      const path = join(scratch, name);
      await writeFile(path, content);
      const run = await trivyTs(['sbom', path, ...common()]);
      assert.equal(run.code, 1, name);
      assert.match(run.stderr, message, name);
    }
    const missing = await trivyTs(['sbom', join(scratch, 'missing.json'), ...common()]);
    assert.match(missing.stderr, /cannot read .*missing\.json/);
  });
});
