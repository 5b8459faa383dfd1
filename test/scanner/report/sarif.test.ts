import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DetectedVulnerability, Report, Result } from '../../../src/scanner/report/model.ts';
import type { SarifLog } from '../../../src/scanner/report/sarif.ts';
import { formatSarif, locationUri, sarifLevel, securitySeverity } from '../../../src/scanner/report/sarif.ts';
import { assertGolden, assertSchemaValid } from './format-check.ts';
import { sampleReport } from './sample-report.ts';

const parse = (text: string) => JSON.parse(text) as SarifLog;

function vulnerability(id: string, extra: Partial<DetectedVulnerability> = {}): DetectedVulnerability {
  return { VulnerabilityID: id, PkgName: 'pkg', InstalledVersion: '1.0', Severity: 'HIGH', ...extra };
}

function report(results: Result[], extra: Partial<Report> = {}): Report {
  return {
    SchemaVersion: 2,
    CreatedAt: '2026-01-02T03:04:05Z',
    ArtifactName: 'alpine:3.19',
    ArtifactType: 'container_image',
    Metadata: {},
    Results: results,
    ...extra,
  };
}

describe('SARIF output', () => {
  it('matches the golden file and the official SARIF 2.1.0 schema', () => {
    const text = formatSarif(sampleReport());
    assertSchemaValid('sarif', JSON.parse(text));
    assertGolden('sarif.json', text);
  });

  it('describes the tool and the image as Trivy does', () => {
    const run = parse(formatSarif(sampleReport())).runs[0];
    assert.ok(run);
    assert.deepEqual(
      { ...run.tool.driver, rules: undefined },
      {
        fullName: 'Trivy Vulnerability Scanner',
        informationUri: 'https://github.com/aquasecurity/trivy',
        name: 'Trivy',
        rules: undefined,
        version: '0.1.0',
      },
    );
    assert.deepEqual(run.properties, {
      imageName: 'registry.example.com/shop/web:1.4',
      repoTags: ['registry.example.com/shop/web:1.4'],
      repoDigests: [
        'registry.example.com/shop/web@sha256:e3b1c5f0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2',
      ],
      imageID: 'sha256:7d3ed2e9a1c84f6b5e0d9c8b7a6f5e4d3c2b1a09f8e7d6c5b4a3928171605f4e',
    });
    assert.deepEqual(run.originalUriBaseIds, { ROOTPATH: { uri: 'file:///' } });
  });

  it('has one rule per distinct ID, shared by every result that names it', () => {
    const log = parse(
      formatSarif(
        report([
          {
            Target: 'alpine:3.19 (alpine 3.19.1)',
            Class: 'os-pkgs',
            Type: 'alpine',
            Vulnerabilities: [
              vulnerability('CVE-1', { PkgName: 'libssl3' }),
              vulnerability('CVE-1', { PkgName: 'libcrypto3' }),
              vulnerability('CVE-2', { PkgName: 'musl' }),
            ],
          },
          {
            Target: 'app/package-lock.json',
            Class: 'lang-pkgs',
            Type: 'npm',
            Vulnerabilities: [vulnerability('CVE-2', { PkgName: 'left-pad' })],
          },
        ]),
      ),
    );
    const run = log.runs[0];
    assert.ok(run);
    assert.deepEqual(
      run.tool.driver.rules.map((rule) => [rule.id, rule.name]),
      [
        ['CVE-1', 'OsPackageVulnerability'],
        ['CVE-2', 'OsPackageVulnerability'],
      ],
    );
    assert.deepEqual(
      run.results.map((result) => [result.ruleId, result.ruleIndex]),
      [
        ['CVE-1', 0],
        ['CVE-1', 0],
        ['CVE-2', 1],
        ['CVE-2', 1],
      ],
    );
    assertSchemaValid('sarif', log);
  });

  it('maps severities to SARIF levels and GitHub security-severity', () => {
    assert.deepEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN', 'BOGUS'].map(sarifLevel), [
      'error',
      'error',
      'warning',
      'note',
      'note',
      'none',
    ]);
    assert.deepEqual(
      (['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const).map((severity) =>
        securitySeverity(vulnerability('CVE-1', { Severity: severity })),
      ),
      ['9.5', '8.0', '5.5', '2.0', '0.0'],
    );
    // The severity source's CVSS v3 score wins over the severity, formatted with one decimal.
    assert.equal(
      securitySeverity(
        vulnerability('CVE-1', {
          Severity: 'LOW',
          SeveritySource: 'redhat',
          CVSS: { redhat: { V3Score: 7 }, nvd: { V3Score: 9.8 } },
        }),
      ),
      '7.0',
    );
    // Another source's score is not used.
    assert.equal(
      securitySeverity(
        vulnerability('CVE-1', {
          Severity: 'LOW',
          SeveritySource: 'redhat',
          CVSS: { nvd: { V3Score: 9.8 } },
        }),
      ),
      '2.0',
    );
  });

  it('writes rule help, CVSS properties and the result message in Trivy’s wording', () => {
    const log = parse(
      formatSarif(
        report([
          {
            Target: 'alpine:3.19 (alpine 3.19.1)',
            Class: 'os-pkgs',
            Type: 'alpine',
            Vulnerabilities: [
              vulnerability('CVE-2024-0001', {
                PkgName: 'busybox',
                InstalledVersion: '1.36.1-r15',
                FixedVersion: '1.36.1-r16',
                Severity: 'MEDIUM',
                SeveritySource: 'nvd',
                PrimaryURL: 'https://avd.aquasec.com/nvd/cve-2024-0001',
                Title: 'busybox: use after free',
                CVSS: { nvd: { V2Vector: 'AV:N/AC:L/Au:N/C:P/I:P/A:P', V2Score: 7.5, V3Score: 6.5 } },
              }),
            ],
          },
        ]),
      ),
    );
    const run = log.runs[0];
    const rule = run?.tool.driver.rules[0];
    assert.ok(run && rule);
    assert.equal(rule.shortDescription.text, 'busybox: use after free');
    assert.equal(rule.fullDescription.text, 'busybox: use after free', 'no description: the title stands in');
    assert.equal(rule.helpUri, 'https://avd.aquasec.com/nvd/cve-2024-0001');
    assert.deepEqual(rule.properties, {
      tags: ['vulnerability', 'security', 'MEDIUM'],
      precision: 'very-high',
      'security-severity': '6.5',
      cvssv2_vector: 'AV:N/AC:L/Au:N/C:P/I:P/A:P',
      cvssv2_score: 7.5,
      cvssv3_baseScore: 6.5,
    });
    assert.match(rule.help.markdown, /\|MEDIUM\|busybox\|1\.36\.1-r16\|\[CVE-2024-0001\]\(https:\/\/avd/);
    assert.equal(
      run.results[0]?.message.text,
      'Package: busybox\nInstalled Version: 1.36.1-r15\nVulnerability CVE-2024-0001\nSeverity: MEDIUM\n' +
        'Fixed Version: 1.36.1-r16\nLink: [CVE-2024-0001](https://avd.aquasec.com/nvd/cve-2024-0001)',
    );
    assert.equal(run.results[0]?.level, 'warning');
  });

  it('locates OS findings at the image repository and files relative to ROOTPATH', () => {
    assert.equal(locationUri('alpine:3.19 (alpine 3.19.1)', 'os-pkgs'), 'library/alpine');
    assert.equal(
      locationUri('ghcr.io/org/app@sha256:' + 'a'.repeat(64) + ' (debian 12.7)', 'os-pkgs'),
      'org/app',
    );
    assert.equal(locationUri('/var/lib/app/.env', 'secret'), 'var/lib/app/.env');
    assert.equal(locationUri('app/my dir/100%.json', 'lang-pkgs'), 'app/my%20dir/100%25.json');

    const run = parse(formatSarif(sampleReport())).runs[0];
    assert.ok(run);
    const uris = run.results.map((result) => result.locations[0]?.physicalLocation.artifactLocation.uri);
    assert.deepEqual(uris, [
      'shop/web',
      'shop/web',
      'shop/web',
      'app/node_modules/express/package.json',
      'app/node_modules/send/node_modules/debug/package.json',
      'app/config/.env',
    ]);
    const secret = run.results.at(-1)?.locations[0]?.physicalLocation.region;
    assert.deepEqual(secret, { startLine: 3, startColumn: 1, endLine: 3, endColumn: 1 });
    assert.ok(
      run.results.every(
        (result) => result.locations[0]?.physicalLocation.artifactLocation.uriBaseId === 'ROOTPATH',
      ),
    );
  });

  it('leaves out image properties for other artifacts and stays valid without findings', () => {
    const log = parse(formatSarif(report([], { ArtifactType: 'filesystem', ArtifactName: '.' })));
    assert.equal(log.runs[0]?.properties, undefined);
    assert.deepEqual(log.runs[0]?.results, []);
    assertSchemaValid('sarif', log);
  });

  it('is checked by a schema that does reject a broken log', () => {
    const log = parse(formatSarif(sampleReport())) as unknown as { runs: { results: { level: string }[] }[] };
    const result = log.runs[0]?.results[0];
    assert.ok(result);
    result.level = 'fatal';
    assert.throws(() => assertSchemaValid('sarif', log), /sarif schema violations/);
  });
});
