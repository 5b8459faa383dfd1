import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  applyFilters,
  IgnoreFileError,
  loadIgnoreFile,
  parsePlainIgnore,
  parseSeverities,
  parseYamlIgnore,
  unfixedStatuses,
} from '../../../src/scanner/report/filter.ts';
import type { DetectedVulnerability, Result } from '../../../src/scanner/report/model.ts';

const all = parseSeverities('UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL');
const finding = (
  id: string,
  severity: DetectedVulnerability['Severity'],
  extra: Partial<DetectedVulnerability> = {},
) => ({
  VulnerabilityID: id,
  PkgName: 'pkg',
  InstalledVersion: '1',
  Severity: severity,
  Status: 'fixed' as const,
  ...extra,
});
const results: Result[] = [
  {
    Target: 'img (debian 12)',
    Class: 'os-pkgs',
    Vulnerabilities: [
      finding('CVE-1', 'CRITICAL'),
      finding('CVE-2', 'LOW', { Status: 'affected' }),
      finding('CVE-3', 'HIGH', {
        PkgPath: 'app/node_modules/x/package.json',
        PkgIdentifier: { PURL: 'pkg:npm/x@1' },
      }),
    ],
  },
  {
    Target: '/app/.env',
    Class: 'secret',
    Secrets: [
      {
        RuleID: 'github-pat',
        Category: 'GitHub',
        Severity: 'CRITICAL',
        Title: 't',
        StartLine: 1,
        EndLine: 1,
        Match: '',
        Code: { Lines: [] },
      },
    ],
  },
];
const ids = (filtered: Result[]) =>
  filtered.flatMap((r) => [
    ...(r.Vulnerabilities ?? []).map((v) => v.VulnerabilityID),
    ...(r.Secrets ?? []).map((s) => s.RuleID),
  ]);

describe('result filters', () => {
  it('parses --severity case-insensitively and refuses unknown names', () => {
    assert.deepEqual(parseSeverities('high, critical'), ['HIGH', 'CRITICAL']);
    assert.throws(() => parseSeverities('HIGH,SEVERE'), /unknown severity "SEVERE"/);
  });

  it('keeps only selected severities and drops unfixed findings with --ignore-unfixed', () => {
    assert.deepEqual(
      ids(applyFilters(results, { severities: parseSeverities('CRITICAL,HIGH'), ignoreStatuses: [] })),
      ['CVE-1', 'CVE-3', 'github-pat'],
    );
    assert.deepEqual(ids(applyFilters(results, { severities: all, ignoreStatuses: unfixedStatuses })), [
      'CVE-1',
      'CVE-3',
      'github-pat',
    ]);
  });

  it('honours plain .trivyignore IDs, comments and expiry dates', () => {
    const ignore = parsePlainIgnore(
      '# accepted risk\nCVE-1\nCVE-2 exp:2020-01-01\n\ngithub-pat exp:2999-01-01\n',
    );
    const kept = ids(
      applyFilters(results, { severities: all, ignoreStatuses: [], ignore, now: Date.parse('2026-11-22') }),
    );
    assert.deepEqual(kept, ['CVE-2', 'CVE-3']);
    assert.throws(() => parsePlainIgnore('CVE-1 until:tomorrow'), IgnoreFileError);
  });

  it('honours the YAML form with paths and purls', () => {
    const ignore = parseYamlIgnore(`
vulnerabilities:
  - id: CVE-3
    paths: ["app/**/package.json"]
    statement: not reachable
  - id: CVE-1
    purls: ["pkg:deb/debian/none@1"]
secrets:
  - id: github-pat
    paths: ["/app/.env"]
`);
    assert.deepEqual(ids(applyFilters(results, { severities: all, ignoreStatuses: [], ignore })), [
      'CVE-1',
      'CVE-2',
    ]);
    assert.throws(() => parseYamlIgnore('vulnerabilities:\n  - paths: [x]\n'), /vulnerabilities\.0\.id/);
  });

  it('reads ignore files, treating a missing default file as empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trivy-ts-ignore-'));
    try {
      assert.deepEqual(await loadIgnoreFile(join(dir, '.trivyignore'), true), {
        vulnerabilities: [],
        secrets: [],
      });
      await assert.rejects(loadIgnoreFile(join(dir, 'given.trivyignore')), IgnoreFileError);
      await writeFile(join(dir, 'x.yaml'), 'vulnerabilities:\n  - id: CVE-9\n');
      assert.equal((await loadIgnoreFile(join(dir, 'x.yaml'))).vulnerabilities[0]?.id, 'CVE-9');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
