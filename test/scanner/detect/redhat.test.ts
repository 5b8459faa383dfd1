import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  dockerfileLabels,
  redhatContentManifestAnalyzer,
  redhatDockerfileAnalyzer,
} from '../../../src/scanner/analyzers/os/redhat-buildinfo.ts';
import { TrivyDb } from '../../../src/scanner/db/trivy-db/index.ts';
import { detectVulnerabilities } from '../../../src/scanner/detect/detector.ts';
import { redHatPackageKey } from '../../../src/scanner/detect/redhat.ts';
import { mergeLayers } from '../../../src/scanner/image/layer-merge.ts';
import type { LayerAnalysis } from '../../../src/scanner/image/layer-walker.ts';
import type { BuildInfo, OperatingSystem, Package } from '../../../src/scanner/inventory.ts';
import { TrivyDbFixture } from '../../support/trivy-db-fixture.ts';

const redhatSource = {
  ID: 'redhat',
  Name: 'Red Hat OVAL v2',
  URL: 'https://www.redhat.com/security/data/oval/v2/',
};

/**
 * A `Red Hat` bucket as trivy-db writes it: RHSA keys with per-CVE severities and CPE indices, CVE keys for
 * unfixed issues, modular packages keyed by stream, and `Red Hat CPE` mapping repositories and NVRs to indices
 * (1 = RHEL 9 BaseOS, 2 = RHEL 9 AppStream, 3 = RHEL 8 BaseOS, 4 = an image build's own CPE).
 */
function fixture(): TrivyDbFixture {
  return (
    new TrivyDbFixture()
      .addDataSource('Red Hat', redhatSource)
      .addDataSource('Oracle Linux 8', {
        ID: 'oracle-oval',
        Name: 'Oracle Linux OVAL definitions',
        URL: 'https://linux.oracle.com/security/oval/',
      })
      .addDataSource('rocky 9', {
        ID: 'rocky',
        Name: 'Rocky Linux updateinfo',
        URL: 'https://download.rockylinux.org/pub/rocky/',
      })
      .addAdvisory('Red Hat', 'openssl-libs', 'RHSA-2024:2447', {
        Entries: [
          {
            FixedVersion: '1:3.0.7-27.el9',
            Cves: [
              { ID: 'CVE-2023-5678', Severity: 2 },
              { ID: 'CVE-2024-0727', Severity: 1 },
            ],
            Arches: ['aarch64', 'x86_64'],
            Affected: [1, 2],
          },
          // The same package on RHEL 8: another CPE, another fixed version.
          { FixedVersion: '1:1.1.1k-12.el8_9', Cves: [{ ID: 'CVE-2023-5678', Severity: 2 }], Affected: [3] },
        ],
      })
      // A later erratum fixing CVE-2023-5678 again (the first fix was incomplete): the newer fixed version wins.
      .addAdvisory('Red Hat', 'openssl-libs', 'RHSA-2024:3000', {
        Entries: [
          { FixedVersion: '1:3.0.7-28.el9', Cves: [{ ID: 'CVE-2023-5678', Severity: 2 }], Affected: [1] },
        ],
      })
      .addAdvisory('Red Hat', 'openssl-libs', 'CVE-2024-2511', {
        Entries: [{ Cves: [{ Severity: 1 }], Status: 5, Affected: [1] }],
      })
      // Only for s390x: never matches an x86_64 package.
      .addAdvisory('Red Hat', 'openssl-libs', 'RHSA-2024:9999', {
        Entries: [
          {
            FixedVersion: '1:3.0.7-99.el9',
            Cves: [{ ID: 'CVE-2099-0001', Severity: 4 }],
            Arches: ['s390x'],
            Affected: [1],
          },
        ],
      })
      .addAdvisory('Red Hat', 'tzdata', 'RHSA-2024:1111', {
        Entries: [
          {
            FixedVersion: '2024a-1.el9',
            Cves: [{ ID: 'CVE-2024-1111', Severity: 1 }],
            Arches: ['x86_64'],
            Affected: [1],
          },
        ],
      })
      .addAdvisory('Red Hat', 'nodejs:18::nodejs', 'RHSA-2024:0001', {
        Entries: [
          {
            FixedVersion: '1:18.19.1-1.module+el9.3.0+21260+d2b9bb0a',
            Cves: [{ ID: 'CVE-2024-21892', Severity: 3 }],
            Affected: [2],
          },
        ],
      })
      .addAdvisory('Red Hat', 'nodejs', 'RHSA-2024:0002', {
        Entries: [
          { FixedVersion: '1:20.0.0-1.el9', Cves: [{ ID: 'CVE-2024-0002', Severity: 3 }], Affected: [2] },
        ],
      })
      .addAdvisory('Red Hat', 'bash', 'RHSA-2024:4444', {
        Entries: [
          { FixedVersion: '5.1.8-9.el9', Cves: [{ ID: 'CVE-2024-4444', Severity: 2 }], Affected: [4] },
        ],
      })
      .addRaw('Red Hat CPE', 'repository', 'rhel-9-for-x86_64-baseos-rpms', '[1]')
      .addRaw('Red Hat CPE', 'repository', 'rhel-9-for-x86_64-appstream-rpms', '[2]')
      .addRaw('Red Hat CPE', 'repository', 'rhel-8-for-x86_64-baseos-rpms', '[3]')
      .addRaw('Red Hat CPE', 'repository', 'ubi-9-for-x86_64-baseos-rpms', '[1]')
      .addRaw('Red Hat CPE', 'nvr', 'ubi9-container-9.3-1610-x86_64', '[4]')
      .addRaw('Red Hat CPE', 'cpe', '1', '"cpe:/o:redhat:enterprise_linux:9::baseos"')
      .addVulnerability('CVE-2023-5678', {
        Title: 'openssl: excessive time spent in DH checks',
        VendorSeverity: { nvd: 3, redhat: 1 },
      })
      .addAdvisory('Oracle Linux 8', 'openssl', 'CVE-2023-0286', {
        FixedVersion: '1:1.1.1k-9.el8_7',
        Entries: [
          { FixedVersion: '1:1.1.1k-9.el8_7', Arches: ['x86_64'], VendorIDs: ['ELSA-2023-1405'] },
          { FixedVersion: '1:1.1.1k-9.0.1.el8_7', Arches: ['aarch64'], VendorIDs: ['ELSA-2023-1405'] },
        ],
      })
      .addAdvisory('Oracle Linux 8', 'glibc', 'CVE-2024-2961', {
        FixedVersion: '2.28-236.0.1.ksplice1.el8_9.13',
      })
      .addAdvisory('rocky 9', 'openssl', 'CVE-2023-5678', {
        Entries: [{ FixedVersion: '1:3.0.7-25.el9_3', Arches: ['x86_64'], VendorIDs: ['RLSA-2024:1234'] }],
      })
  );
}

const rpm = (fields: Partial<Package> & { Name: string; Version: string; Release: string }): Package => ({
  ID: `${fields.Name}@${fields.Version}-${fields.Release}.${fields.Arch ?? 'x86_64'}`,
  Arch: 'x86_64',
  ...fields,
});

interface Case {
  name: string;
  os: OperatingSystem;
  packages: Package[];
  /** `package:vulnerability:fixed:status:severity[:vendor IDs]` in report order. */
  expected: string[];
}

const ubiBuild: BuildInfo = {
  ContentSets: ['ubi-9-for-x86_64-baseos-rpms'],
  Nvr: 'ubi9-container-9.3-1610',
  Arch: 'x86_64',
};

const cases: Case[] = [
  {
    name: 'RHEL 9 with the default content sets: RHSA expanded per CVE, newer fix wins, unfixed CVE key, arch filter',
    os: { Family: 'redhat', Name: '9.3' },
    packages: [rpm({ Name: 'openssl-libs', Version: '3.0.7', Release: '24.el9', Epoch: 1 })],
    expected: [
      'openssl-libs:CVE-2023-5678:1:3.0.7-28.el9:fixed:MEDIUM:RHSA-2024:2447,RHSA-2024:3000',
      'openssl-libs:CVE-2024-0727:1:3.0.7-27.el9:fixed:LOW:RHSA-2024:2447',
      'openssl-libs:CVE-2024-2511::will_not_fix:LOW:',
    ],
  },
  {
    name: 'an installed version at the fix is not vulnerable; the unfixed CVE still is',
    os: { Family: 'redhat', Name: '9.4' },
    packages: [rpm({ Name: 'openssl-libs', Version: '3.0.7', Release: '28.el9', Epoch: 1 })],
    expected: ['openssl-libs:CVE-2024-2511::will_not_fix:LOW:'],
  },
  {
    name: 'RHEL 8 content sets select the RHEL 8 entry only',
    os: { Family: 'redhat', Name: '8.9' },
    packages: [rpm({ Name: 'openssl-libs', Version: '1.1.1k', Release: '7.el8_6', Epoch: 1 })],
    expected: ['openssl-libs:CVE-2023-5678:1:1.1.1k-12.el8_9:fixed:MEDIUM:RHSA-2024:2447'],
  },
  {
    name: 'CentOS uses the same bucket and defaults by major release',
    os: { Family: 'centos', Name: '9' },
    packages: [rpm({ Name: 'tzdata', Version: '2023c', Release: '1.el9', Arch: 'noarch' })],
    expected: ['tzdata:CVE-2024-1111:2024a-1.el9:fixed:LOW:RHSA-2024:1111'],
  },
  {
    name: 'modular packages are looked up by module stream, not by their bare name',
    os: { Family: 'redhat', Name: '9.3' },
    packages: [
      rpm({
        Name: 'nodejs',
        Version: '18.18.2',
        Release: '2.module+el9.3.0+20250+f2ba4a6f',
        Epoch: 1,
        Modularitylabel: 'nodejs:18:9030020231110124018:rhel9',
      }),
    ],
    expected: ['nodejs:CVE-2024-21892:1:18.19.1-1.module+el9.3.0+21260+d2b9bb0a:fixed:HIGH:RHSA-2024:0001'],
  },
  {
    name: "an image's content manifest and build NVR replace the defaults",
    os: { Family: 'redhat', Name: '9.3' },
    packages: [
      rpm({ Name: 'bash', Version: '5.1.8', Release: '6.el9', BuildInfo: ubiBuild }),
      rpm({
        Name: 'tzdata',
        Version: '2023c',
        Release: '1.el9',
        Arch: 'noarch',
        BuildInfo: { ContentSets: ['rhel-9-for-x86_64-appstream-rpms'] },
      }),
    ],
    // bash: CPE 4 comes from the NVR; tzdata: AppStream only, so the BaseOS advisory does not apply.
    expected: ['bash:CVE-2024-4444:5.1.8-9.el9:fixed:MEDIUM:RHSA-2024:4444'],
  },
  {
    name: 'third-party RPMs and gpg-pubkey are never matched against Red Hat advisories',
    os: { Family: 'redhat', Name: '9.3' },
    packages: [
      rpm({ Name: 'openssl-libs', Version: '3.0.7', Release: '24.el9', Epoch: 1, ThirdParty: true }),
      rpm({ Name: 'gpg-pubkey', Version: 'fd431d51', Release: '4ae0493b', Arch: 'None' }),
    ],
    expected: [],
  },
  {
    name: 'Oracle Linux: entries per architecture, ksplice fixes only for ksplice builds',
    os: { Family: 'oracle', Name: '8.9' },
    packages: [
      rpm({ Name: 'openssl', Version: '1.1.1k', Release: '7.el8_6', Epoch: 1, Arch: 'aarch64' }),
      rpm({ Name: 'glibc', Version: '2.28', Release: '236.0.1.el8', Arch: 'x86_64' }),
    ],
    expected: ['openssl:CVE-2023-0286:1:1.1.1k-9.0.1.el8_7:fixed:UNKNOWN:ELSA-2023-1405'],
  },
  {
    name: 'Rocky Linux: entries for the package architecture carry the fix and the RLSA',
    os: { Family: 'rocky', Name: '9.3' },
    packages: [rpm({ Name: 'openssl', Version: '3.0.7', Release: '24.el9', Epoch: 1 })],
    expected: ['openssl:CVE-2023-5678:1:3.0.7-25.el9_3:fixed:HIGH:RLSA-2024:1234'],
  },
];

describe('Red Hat family detection (fixture DB)', () => {
  let dir: string;
  let db: TrivyDb;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'trivy-ts-redhat-'));
    fixture().writeCacheDir(dir);
    db = TrivyDb.open(dir);
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const testCase of cases) {
    it(testCase.name, () => {
      const detection = detectVulnerabilities(
        db,
        { OS: testCase.os, Packages: testCase.packages, Applications: [] },
        { artifactName: 'ubi9:latest' },
      );
      const found = (detection.results[0]?.Vulnerabilities ?? []).map((v) =>
        [
          v.PkgName,
          v.VulnerabilityID,
          v.FixedVersion ?? '',
          v.Status,
          v.Severity,
          (v.VendorIDs ?? []).join(','),
        ].join(':'),
      );
      assert.deepEqual(found, testCase.expected);
    });
  }

  it('takes the severity from the Red Hat entry and records it as the redhat vendor severity', () => {
    const detection = detectVulnerabilities(
      db,
      {
        OS: { Family: 'redhat', Name: '9.3' },
        Packages: [rpm({ Name: 'openssl-libs', Version: '3.0.7', Release: '24.el9', Epoch: 1 })],
        Applications: [],
      },
      { artifactName: 'ubi9:latest' },
    );
    const finding = detection.results[0]?.Vulnerabilities?.find((v) => v.VulnerabilityID === 'CVE-2023-5678');
    assert.equal(finding?.SeveritySource, 'redhat');
    assert.deepEqual(finding?.VendorSeverity, { nvd: 3, redhat: 2 });
    assert.equal(finding?.DataSource?.ID, 'redhat');
    assert.equal(finding?.Title, 'openssl: excessive time spent in DH checks');
    assert.equal(detection.results[0]?.Target, 'ubi9:latest (redhat 9.3)');
  });

  it('flags end-of-life releases (CentOS 7 ended in 2024)', () => {
    const detection = detectVulnerabilities(
      db,
      {
        OS: { Family: 'centos', Name: '7.9.2009' },
        Packages: [rpm({ Name: 'bash', Version: '4.2.46', Release: '34.el7' })],
        Applications: [],
      },
      { artifactName: 'centos:7' },
    );
    assert.equal(detection.os?.EOSL, true);
  });
});

describe('Red Hat build info', () => {
  it('reads content sets from a content manifest and the NVR from the build Dockerfile labels', async () => {
    const manifest = await redhatContentManifestAnalyzer.analyze({
      path: 'root/buildinfo/content_manifests/ubi9-container-9.3-1610.json',
      size: 0,
      mode: 0o644,
      content: Buffer.from(
        JSON.stringify({
          metadata: { icm_version: 1 },
          content_sets: ['rhel-9-for-x86_64-baseos-rpms', 'rhel-9-for-x86_64-appstream-rpms'],
        }),
      ),
    });
    assert.deepEqual(manifest, {
      buildInfo: { ContentSets: ['rhel-9-for-x86_64-baseos-rpms', 'rhel-9-for-x86_64-appstream-rpms'] },
    });
    const dockerfile = [
      'FROM sha256:0123',
      'LABEL maintainer="Red Hat, Inc."',
      'LABEL com.redhat.component="ubi9-container" \\',
      '      name="ubi9"    version="9.3"',
      'LABEL "release"="1610" "architecture"="x86_64"',
      'RUN dnf -y update',
    ].join('\n');
    const build = await redhatDockerfileAnalyzer.analyze({
      path: 'root/buildinfo/Dockerfile-ubi9-9.3-1610',
      size: 0,
      mode: 0o644,
      content: Buffer.from(dockerfile),
    });
    assert.deepEqual(build, { buildInfo: { Nvr: 'ubi9-container-9.3-1610', Arch: 'x86_64' } });
    assert.equal(dockerfileLabels('LABEL version 9.4\n').get('version'), '9.4');
    assert.equal(
      redhatContentManifestAnalyzer.required({
        path: 'root/buildinfo/content_manifests/x.json',
        size: 1,
        mode: 0,
      }),
      true,
    );
    assert.equal(
      redhatContentManifestAnalyzer.required({
        path: 'buildinfo/content_manifests/x.json',
        size: 1,
        mode: 0,
      }),
      false,
    );
  });

  it('gives each package the build info of its layer, the base layer borrowing from the layer above', () => {
    const layer = (diffId: string, packages: Package[], buildInfo?: BuildInfo): LayerAnalysis => ({
      SchemaVersion: 2,
      DiffID: diffId,
      ...(buildInfo ? { BuildInfo: buildInfo } : {}),
      PackageInfos: packages.length ? [{ FilePath: `var/lib/rpm/rpmdb.sqlite`, Packages: packages }] : [],
      Applications: [],
      OpaqueDirs: [],
      WhiteoutFiles: [],
      Secrets: [],
      PackageFiles: [],
    });
    const base = rpm({ Name: 'bash', Version: '5.1.8', Release: '6.el9' });
    const added = rpm({ Name: 'tzdata', Version: '2023c', Release: '1.el9', Arch: 'noarch' });
    const user = rpm({ Name: 'git', Version: '2.39.3', Release: '1.el9' });
    const merged = mergeLayers([
      layer('sha256:1', [base]),
      layer('sha256:2', [base, added], ubiBuild),
      layer('sha256:3', [base, added, user]),
    ]);
    const infos = Object.fromEntries(merged.Packages.map((pkg) => [pkg.Name, pkg.BuildInfo]));
    assert.deepEqual(infos, { bash: ubiBuild, tzdata: ubiBuild, git: ubiBuild });
    assert.equal(
      redHatPackageKey(
        rpm({
          Name: 'perl',
          Version: '5',
          Release: '1',
          Modularitylabel: 'perl:5.32:8040020210617:9fe1d287',
        }),
      ),
      'perl:5.32::perl',
    );
  });
});
