import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TrivyDb } from '../../../src/scanner/db/trivy-db/index.ts';
import { detectVulnerabilities } from '../../../src/scanner/detect/detector.ts';
import type { MergedInventory } from '../../../src/scanner/image/layer-merge.ts';
import { TrivyDbFixture } from '../../support/trivy-db-fixture.ts';

const debianSource = {
  ID: 'debian',
  Name: 'Debian Security Tracker',
  URL: 'https://salsa.debian.org/security-tracker-team/security-tracker',
};
const ghsaNpm = {
  ID: 'ghsa',
  Name: 'GitHub Security Advisory npm',
  URL: 'https://github.com/advisories?query=type%3Areviewed+ecosystem%3Anpm',
};
const nodeWg = {
  ID: 'nodejs-security-wg',
  Name: 'Node.js Ecosystem Security Working Group',
  URL: 'https://github.com/nodejs/security-wg',
};

function fixture(): TrivyDbFixture {
  return (
    new TrivyDbFixture()
      .addDataSource('debian 12', debianSource)
      .addDataSource('npm::GitHub Security Advisory npm', ghsaNpm)
      .addDataSource('npm::Node.js Ecosystem Security Working Group', nodeWg)
      // openssl is the source of libssl3; fixed in a newer revision, an older fix, and an unfixed one.
      .addAdvisory('debian 12', 'openssl', 'CVE-2024-5535', {
        FixedVersion: '3.0.14-1~deb12u1',
        VendorIDs: ['DSA-5728-1'],
      })
      .addAdvisory('debian 12', 'openssl', 'CVE-2022-0001', { FixedVersion: '3.0.2-1' })
      .addAdvisory('debian 12', 'openssl', 'CVE-2010-0928', { Status: 2, Severity: 1 })
      .addAdvisory('debian 12', 'bash', 'CVE-2022-3715', { Status: 5 })
      .addVulnerability('CVE-2024-5535', {
        Title: 'openssl: SSL_select_next_proto buffer overread',
        Severity: 'LOW',
        VendorSeverity: { debian: 1, nvd: 4 },
        References: ['https://www.openssl.org/news/secadv/20240627.txt'],
        PublishedDate: '2024-06-27T11:15:24Z',
      })
      .addVulnerability('CVE-2010-0928', { Title: 'openssl: RSA fault attack', VendorSeverity: { nvd: 2 } })
      .addVulnerability('CVE-2022-3715', { Severity: 'HIGH' })
      // Two sources for lodash: the later bucket (byte order) wins on the same ID.
      .addAdvisory('npm::GitHub Security Advisory npm', 'lodash', 'CVE-2021-23337', {
        VulnerableVersions: ['<4.17.21'],
        PatchedVersions: ['4.17.21'],
      })
      .addAdvisory('npm::Node.js Ecosystem Security Working Group', 'lodash', 'CVE-2021-23337', {
        VulnerableVersions: ['< 4.17.21'],
        PatchedVersions: ['>= 4.17.21'],
      })
      .addAdvisory('npm::GitHub Security Advisory npm', 'lodash', 'GHSA-p6mc-m468-83gw', {
        VulnerableVersions: ['>=3.7.0, <4.17.19'],
      })
      .addAdvisory('npm::GitHub Security Advisory npm', 'minimist', 'GHSA-xvch-5gv4-984h', {
        VulnerableVersions: ['<0.2.4', '>=1.0.0, <1.2.6'],
        PatchedVersions: ['0.2.4', '1.2.6'],
      })
      .addVulnerability('CVE-2021-23337', {
        Title: 'Command injection in lodash',
        VendorSeverity: { ghsa: 3, 'nodejs-security-wg': 3, nvd: 3 },
      })
      .addVulnerability('GHSA-xvch-5gv4-984h', {
        Title: 'Prototype Pollution in minimist',
        VendorSeverity: { ghsa: 4 },
      })
  );
}

const inventory: MergedInventory = {
  OS: { Family: 'debian', Name: '12.5' },
  Packages: [
    {
      ID: 'libssl3@3.0.11-1~deb12u2',
      Name: 'libssl3',
      Version: '3.0.11',
      Release: '1~deb12u2',
      SrcName: 'openssl',
      SrcVersion: '3.0.11',
      SrcRelease: '1~deb12u2',
      Identifier: { PURL: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.5' },
      Layer: { DiffID: 'sha256:aaa' },
    },
    {
      ID: 'bash@5.2.15-2+b2',
      Name: 'bash',
      Version: '5.2.15',
      Release: '2+b2',
      SrcName: 'bash',
      SrcVersion: '5.2.15',
      SrcRelease: '2',
    },
    { ID: 'tzdata@2024a-0+deb12u1', Name: 'tzdata', Version: '2024a', Release: '0+deb12u1' },
    { ID: 'vendor@1.0', Name: 'openssl', Version: '0.1', ThirdParty: true },
  ],
  Applications: [
    {
      Type: 'node-pkg',
      FilePath: '',
      Packages: [
        {
          ID: 'lodash@4.17.20',
          Name: 'lodash',
          Version: '4.17.20',
          FilePath: 'app/node_modules/lodash/package.json',
        },
        {
          ID: 'minimist@1.2.5',
          Name: 'minimist',
          Version: '1.2.5',
          FilePath: 'app/node_modules/minimist/package.json',
        },
        {
          ID: 'minimist@1.2.8',
          Name: 'minimist',
          Version: '1.2.8',
          FilePath: 'other/node_modules/minimist/package.json',
        },
      ],
    },
  ],
};

describe('vulnerability detection against a trivy-db file', () => {
  let cacheDir: string;
  let db: TrivyDb;
  before(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'trivy-ts-detect-'));
    fixture().writeCacheDir(cacheDir);
    db = TrivyDb.open(cacheDir);
  });
  after(() => {
    db.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const detection = () =>
    detectVulnerabilities(db, inventory, { artifactName: 'example:1', now: Date.parse('2026-11-22') });

  it('matches OS packages through their source package, reporting the binary package', () => {
    const os = detection().results[0];
    assert.equal(os?.Target, 'example:1 (debian 12.5)');
    assert.equal(os?.Class, 'os-pkgs');
    assert.deepEqual(
      os?.Vulnerabilities?.map((v) => [
        v.PkgName,
        v.VulnerabilityID,
        v.InstalledVersion,
        v.FixedVersion ?? '',
        v.Status,
        v.Severity,
        v.SeveritySource ?? '',
      ]),
      [
        ['bash', 'CVE-2022-3715', '5.2.15-2+b2', '', 'will_not_fix', 'HIGH', ''],
        ['libssl3', 'CVE-2010-0928', '3.0.11-1~deb12u2', '', 'affected', 'LOW', 'debian'],
        ['libssl3', 'CVE-2024-5535', '3.0.11-1~deb12u2', '3.0.14-1~deb12u1', 'fixed', 'LOW', 'debian'],
      ],
    );
  });

  it('fills details, primary URL, data source, layer and a stable fingerprint', () => {
    const first = detection().results[0]?.Vulnerabilities?.find((v) => v.VulnerabilityID === 'CVE-2024-5535');
    assert.equal(first?.PrimaryURL, 'https://avd.aquasec.com/nvd/cve-2024-5535');
    assert.deepEqual(first?.VendorIDs, ['DSA-5728-1']);
    assert.equal(first?.DataSource?.ID, 'debian');
    assert.equal(first?.Layer?.DiffID, 'sha256:aaa');
    assert.equal(first?.Title, 'openssl: SSL_select_next_proto buffer overread');
    assert.match(first?.Fingerprint ?? '', /^sha256:[a-f0-9]{64}$/);
    assert.equal(
      first?.Fingerprint,
      detection().results[0]?.Vulnerabilities?.find((v) => v.VulnerabilityID === 'CVE-2024-5535')
        ?.Fingerprint,
    );
    // The per-package Debian severity is written into VendorSeverity too.
    const unfixed = detection().results[0]?.Vulnerabilities?.find(
      (v) => v.VulnerabilityID === 'CVE-2010-0928',
    );
    assert.deepEqual(unfixed?.VendorSeverity, { nvd: 2, debian: 1 });
  });

  it('matches language packages across all sources of the ecosystem with ranges', () => {
    const node = detection().results[1];
    assert.equal(node?.Target, 'Node.js');
    assert.deepEqual(
      node?.Vulnerabilities?.map((v) => [
        v.PkgName,
        v.InstalledVersion,
        v.VulnerabilityID,
        v.FixedVersion,
        v.DataSource?.ID,
        v.Severity,
        v.PkgPath,
      ]),
      [
        [
          'lodash',
          '4.17.20',
          'CVE-2021-23337',
          '>= 4.17.21',
          'nodejs-security-wg',
          'HIGH',
          'app/node_modules/lodash/package.json',
        ],
        [
          'minimist',
          '1.2.5',
          'GHSA-xvch-5gv4-984h',
          '0.2.4, 1.2.6',
          'ghsa',
          'CRITICAL',
          'app/node_modules/minimist/package.json',
        ],
      ],
    );
    assert.equal(node?.Vulnerabilities?.[1]?.PrimaryURL, 'https://github.com/advisories/GHSA-xvch-5gv4-984h');
    assert.equal(node?.Packages?.length, 3, 'clean packages are still listed');
  });

  it('flags an end-of-life release', () => {
    const old = detectVulnerabilities(
      db,
      { ...inventory, OS: { Family: 'debian', Name: '10.13' } },
      {
        artifactName: 'old',
        now: Date.parse('2026-11-22'),
      },
    );
    assert.equal(old.os?.EOSL, true);
    assert.equal(detection().os?.EOSL, undefined);
  });
});
