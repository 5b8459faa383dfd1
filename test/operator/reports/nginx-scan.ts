/**
 * A scanner report for `nginx:1.27.2` as the operator receives it: Debian packages with findings from several
 * sources (vendor and NVD CVSS, NVD only, none, an unknown severity), a Node.js application and two secrets.
 */
import type { Report } from '../../../src/scanner/report/model.ts';

export const NGINX_DIGEST = 'sha256:bc5eac5eafc581aeda3008b4b1f07ebba230de2f27d47767129a6a905c84f470';

const osLayer = {
  Digest: 'sha256:2d429b9e73a6cf90a5bb85105c8118b30a1b2deedeae3ea9587055ffcb80eb45',
  DiffID: 'sha256:98b5f35ea9d3eca6ed1881b5fe5d1e02024e1450822879e4c13bb48c9386d0ad',
};
const appLayer = {
  Digest: 'sha256:7ae63c8fdd1f0da3bfe3e2f6c1b8ad3d3a0ae5a12b2b4c1f0b3ad0d7ce1a9b02',
  DiffID: 'sha256:e4ad7a6c1e4c3a4c77e3dbbf0ab2b5a6c8e1d4f9b0a7c6d5e4f3a2b1c0d9e8f7',
};
const debianSource = {
  ID: 'debian',
  Name: 'Debian Security Tracker',
  URL: 'https://salsa.debian.org/security-tracker-team/security-tracker',
};

export function nginxScan(): Report {
  return {
    SchemaVersion: 2,
    Trivy: { Version: '0.1.0' },
    CreatedAt: '2024-11-22T16:04:05.123456789+01:00',
    ArtifactName: 'nginx:1.27.2',
    ArtifactType: 'container_image',
    Metadata: {
      OS: { Family: 'debian', Name: '12.7' },
      ImageID: 'sha256:60c8a892f36fa3a08ad1f4e8a6a5d3f5b0f6b8b2bd9a3a4f0e3f06c0f17d6b5e',
      DiffIDs: [osLayer.DiffID, appLayer.DiffID],
      RepoTags: ['nginx:1.27.2'],
      RepoDigests: [`nginx@${NGINX_DIGEST}`],
      ImageConfig: { architecture: 'amd64', os: 'linux' },
    },
    Results: [
      {
        Target: 'nginx:1.27.2 (debian 12.7)',
        Class: 'os-pkgs',
        Type: 'debian',
        Packages: [
          {
            ID: 'libssl3@3.0.14-1~deb12u2',
            Name: 'libssl3',
            Identifier: { PURL: 'pkg:deb/debian/libssl3@3.0.14-1~deb12u2?arch=amd64&distro=debian-12.7' },
            Version: '3.0.14',
            Release: '1~deb12u2',
            Arch: 'amd64',
            SrcName: 'openssl',
            SrcVersion: '3.0.14',
            SrcRelease: '1~deb12u2',
            Licenses: ['Apache-2.0'],
            DependsOn: ['libc6@2.36-9+deb12u8'],
            Layer: osLayer,
          },
          {
            ID: 'libc6@2.36-9+deb12u8',
            Name: 'libc6',
            Identifier: { PURL: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u8?arch=amd64&distro=debian-12.7' },
            Version: '2.36',
            Release: '9+deb12u8',
            Arch: 'amd64',
            SrcName: 'glibc',
            SrcVersion: '2.36',
            SrcRelease: '9+deb12u8',
            Licenses: ['LGPL-2.1'],
            Layer: osLayer,
          },
          {
            ID: 'libxml2@2.9.14+dfsg-1.3~deb12u1',
            Name: 'libxml2',
            Identifier: {
              PURL: 'pkg:deb/debian/libxml2@2.9.14%2Bdfsg-1.3~deb12u1?arch=amd64&distro=debian-12.7',
            },
            Version: '2.9.14+dfsg',
            Release: '1.3~deb12u1',
            Arch: 'amd64',
            SrcName: 'libxml2',
            SrcVersion: '2.9.14+dfsg',
            SrcRelease: '1.3~deb12u1',
            Licenses: ['MIT'],
            DependsOn: ['libc6@2.36-9+deb12u8'],
            Layer: osLayer,
          },
        ],
        Vulnerabilities: [
          {
            VulnerabilityID: 'CVE-2024-5535',
            VendorIDs: ['DSA-5764-1'],
            PkgID: 'libssl3@3.0.14-1~deb12u2',
            PkgName: 'libssl3',
            PkgIdentifier: { PURL: 'pkg:deb/debian/libssl3@3.0.14-1~deb12u2?arch=amd64&distro=debian-12.7' },
            InstalledVersion: '3.0.14-1~deb12u2',
            FixedVersion: '3.0.15-1~deb12u1',
            Status: 'fixed',
            Layer: osLayer,
            SeveritySource: 'nvd',
            PrimaryURL: 'https://avd.aquasec.com/nvd/cve-2024-5535',
            DataSource: debianSource,
            Title: 'openssl: SSL_select_next_proto buffer overread',
            Description:
              'Calling the OpenSSL API function SSL_select_next_proto with an empty supported client protocols buffer may cause a crash.',
            Severity: 'CRITICAL',
            CweIDs: ['CWE-200'],
            VendorSeverity: { debian: 1, nvd: 4, redhat: 1 },
            CVSS: {
              nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H', V3Score: 9.1 },
              redhat: { V3Vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:L', V3Score: 4.8 },
            },
            References: [
              'https://www.openssl.org/news/secadv/20240627.txt',
              'https://nvd.nist.gov/vuln/detail/CVE-2024-5535',
            ],
            PublishedDate: '2024-06-27T11:15:24.447Z',
            LastModifiedDate: '2024-10-30T21:35:06.443Z',
          },
          {
            VulnerabilityID: 'CVE-2024-25062',
            PkgID: 'libxml2@2.9.14+dfsg-1.3~deb12u1',
            PkgName: 'libxml2',
            PkgPath: 'usr/lib/x86_64-linux-gnu/libxml2.so.2',
            PkgIdentifier: {
              PURL: 'pkg:deb/debian/libxml2@2.9.14%2Bdfsg-1.3~deb12u1?arch=amd64&distro=debian-12.7',
            },
            InstalledVersion: '2.9.14+dfsg-1.3~deb12u1',
            Status: 'affected',
            Layer: osLayer,
            SeveritySource: 'nvd',
            PrimaryURL: 'https://avd.aquasec.com/nvd/cve-2024-25062',
            DataSource: debianSource,
            Title: 'libxml2: use-after-free in XMLReader',
            Severity: 'HIGH',
            VendorSeverity: { nvd: 3 },
            CVSS: { nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', V3Score: 7.5 } },
            PublishedDate: '2024-02-04T16:15:45Z',
          },
          {
            VulnerabilityID: 'CVE-2010-4756',
            PkgID: 'libc6@2.36-9+deb12u8',
            PkgName: 'libc6',
            InstalledVersion: '2.36-9+deb12u8',
            Status: 'affected',
            Layer: osLayer,
            PrimaryURL: 'https://avd.aquasec.com/nvd/cve-2010-4756',
            Title: 'glibc: glob implementation can cause excessive CPU and memory consumption',
            Severity: 'LOW',
            VendorSeverity: { debian: 1 },
          },
          {
            VulnerabilityID: 'TEMP-0841856-B18BAF',
            PkgID: 'libc6@2.36-9+deb12u8',
            PkgName: 'libc6',
            InstalledVersion: '2.36-9+deb12u8',
            Status: 'affected',
            Layer: osLayer,
            SeveritySource: 'debian',
            PrimaryURL: 'https://security-tracker.debian.org/tracker/TEMP-0841856-B18BAF',
            Severity: 'UNKNOWN',
            VendorSeverity: { debian: 0 },
          },
        ],
      },
      {
        Target: 'Node.js',
        Class: 'lang-pkgs',
        Type: 'node-pkg',
        Packages: [
          {
            ID: 'cross-spawn@7.0.3',
            Name: 'cross-spawn',
            Identifier: { PURL: 'pkg:npm/cross-spawn@7.0.3' },
            Version: '7.0.3',
            Licenses: ['MIT'],
            FilePath: 'usr/local/lib/node_modules/npm/node_modules/cross-spawn/package.json',
            Layer: appLayer,
          },
        ],
        Vulnerabilities: [
          {
            VulnerabilityID: 'CVE-2024-21538',
            PkgID: 'cross-spawn@7.0.3',
            PkgName: 'cross-spawn',
            PkgPath: 'usr/local/lib/node_modules/npm/node_modules/cross-spawn/package.json',
            PkgIdentifier: { PURL: 'pkg:npm/cross-spawn@7.0.3' },
            InstalledVersion: '7.0.3',
            FixedVersion: '7.0.5, 6.0.6',
            Status: 'fixed',
            Layer: appLayer,
            SeveritySource: 'ghsa',
            PrimaryURL: 'https://avd.aquasec.com/nvd/cve-2024-21538',
            DataSource: {
              ID: 'ghsa',
              Name: 'GitHub Security Advisory npm',
              URL: 'https://github.com/advisories?query=type%3Areviewed+ecosystem%3Anpm',
            },
            Title: 'cross-spawn: regular expression denial of service',
            Description:
              'Versions of the package cross-spawn before 7.0.5 are vulnerable to Regular Expression Denial of Service (ReDoS).',
            Severity: 'HIGH',
            VendorSeverity: { ghsa: 3, nvd: 3, redhat: 2 },
            CVSS: {
              ghsa: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', V3Score: 7.5 },
              nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', V3Score: 7.5 },
              redhat: { V3Vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H', V3Score: 5.9 },
            },
            References: ['https://github.com/advisories/GHSA-3xgq-45jj-v275'],
            PublishedDate: '2024-11-08T05:15:06.453Z',
            LastModifiedDate: '2024-11-19T14:15:17.627Z',
          },
        ],
      },
      {
        Target: 'etc/nginx/conf.d/upstream.env',
        Class: 'secret',
        Secrets: [
          {
            RuleID: 'aws-access-key-id',
            Category: 'AWS',
            Severity: 'CRITICAL',
            Title: 'AWS Access Key ID',
            StartLine: 3,
            EndLine: 3,
            Code: { Lines: [] },
            Match: 'AWS_ACCESS_KEY_ID=********************',
            Layer: appLayer,
          },
        ],
      },
      {
        Target: 'app/config/internal.yaml',
        Class: 'secret',
        Secrets: [
          {
            RuleID: 'acme-internal-token',
            Category: 'Acme',
            Severity: 'UNKNOWN',
            Title: 'Acme internal token',
            StartLine: 12,
            EndLine: 12,
            Code: { Lines: [] },
            Match: 'token: *****************',
            Layer: appLayer,
          },
        ],
      },
    ],
  };
}
