import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { formatJson } from '../../../src/scanner/report/json.ts';
import type { DetectedVulnerability, Report } from '../../../src/scanner/report/model.ts';
import { formatTable } from '../../../src/scanner/report/table.ts';
import { assertGolden } from './format-check.ts';
import { sampleReport } from './sample-report.ts';

const vulnerability = (id: string, pkg: string, severity: DetectedVulnerability['Severity'], extra = {}) => ({
  VulnerabilityID: id,
  PkgName: pkg,
  InstalledVersion: '1.0.0',
  FixedVersion: '1.0.1',
  Status: 'fixed' as const,
  Severity: severity,
  Title: 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen',
  PrimaryURL: `https://avd.aquasec.com/nvd/${id.toLowerCase()}`,
  ...extra,
});

const report: Report = {
  SchemaVersion: 2,
  CreatedAt: '2026-11-22T14:00:00Z',
  ArtifactName: 'example:1.0',
  ArtifactType: 'container_image',
  Metadata: { OS: { Family: 'debian', Name: '12.5' } },
  Results: [
    {
      Target: 'example:1.0 (debian 12.5)',
      Class: 'os-pkgs',
      Type: 'debian',
      Vulnerabilities: [
        vulnerability('CVE-2024-0001', 'libssl3', 'CRITICAL'),
        vulnerability('CVE-2024-0002', 'libssl3', 'HIGH'),
        vulnerability('CVE-2024-0003', 'zlib1g', 'LOW'),
      ],
    },
    {
      Target: 'Node.js',
      Class: 'lang-pkgs',
      Type: 'node-pkg',
      Packages: [
        { Name: 'lodash', Version: '4.17.20', FilePath: 'app/node_modules/lodash/package.json' },
        { Name: 'ms', Version: '2.1.3', FilePath: 'app/node_modules/ms/package.json' },
      ],
      Vulnerabilities: [
        vulnerability('CVE-2021-23337', 'lodash', 'HIGH', {
          PkgPath: 'app/node_modules/lodash/package.json',
        }),
      ],
    },
    {
      Target: '/app/.env',
      Class: 'secret',
      Secrets: [
        {
          RuleID: 'aws-access-key-id',
          Category: 'AWS',
          Severity: 'CRITICAL',
          Title: 'AWS Access Key ID',
          StartLine: 2,
          EndLine: 2,
          Match: 'AWS_ACCESS_KEY_ID=********************',
          Code: {
            Lines: [
              {
                Number: 2,
                Content: 'AWS_ACCESS_KEY_ID=********************',
                IsCause: true,
                Annotation: '',
                Truncated: false,
                Highlighted: 'AWS_ACCESS_KEY_ID=********************',
                FirstCause: true,
                LastCause: true,
              },
            ],
          },
        },
      ],
    },
  ],
};

describe('table output', () => {
  const plain = formatTable(report, {
    severities: ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'],
    scanners: ['vuln', 'secret'],
    color: false,
  });

  it('summarises every target, splitting aggregated language results per manifest', () => {
    assert.match(plain, /Report Summary\n={14}/);
    assert.match(plain, /│ example:1\.0 \(debian 12\.5\)\s+│ debian\s+│ 3\s+│ -\s+│/);
    assert.match(plain, /│ app\/node_modules\/lodash\/package\.json\s+│ node-pkg\s+│ 1\s+│ -\s+│/);
    assert.match(plain, /│ app\/node_modules\/ms\/package\.json\s+│ node-pkg\s+│ 0\s+│ -\s+│/);
    assert.match(plain, /│ \/app\/\.env\s+│ text\s+│ -\s+│ 1\s+│/);
  });

  it('prints totals per selected severity and one table row per finding', () => {
    assert.match(plain, /Total: 3 \(UNKNOWN: 0, LOW: 1, MEDIUM: 0, HIGH: 1, CRITICAL: 1\)/);
    assert.match(plain, /Node\.js \(node-pkg\)\n=+/);
    assert.match(plain, /lodash \(package\.json\)/);
    assert.match(plain, /│ one two three four five six seven eight nine ten eleven +│\n[│ ]+twelve\.\.\./);
    assert.doesNotMatch(plain, /thirteen/);
    // libssl3 appears once: its two rows share one merged Library cell.
    assert.equal(plain.match(/libssl3/g)?.length, 1);
    assert.ok(!plain.includes('\u001b['), 'no escape codes when colour is off');
  });

  it('lists only the selected severities', () => {
    const high = formatTable(report, { severities: ['HIGH', 'CRITICAL'], scanners: ['vuln'], color: false });
    assert.match(high, /Total: 2 \(HIGH: 1, CRITICAL: 1\)/);
  });

  it('prints secrets as blocks with the redacted cause line', () => {
    assert.match(
      plain,
      /CRITICAL: AWS \(aws-access-key-id\)\n═+\nAWS Access Key ID\n─+\n {3}2 \[ AWS_ACCESS_KEY_ID=\*+/,
    );
  });

  it('colours severities and underlines targets on a terminal', () => {
    const colored = formatTable(report, { severities: ['CRITICAL'], scanners: ['vuln'], color: true });
    assert.ok(colored.includes('\u001b[4m'), 'underlined target');
    assert.ok(colored.includes('\u001b[91mCRITICAL'), 'bright red CRITICAL');
  });

  /** Every severity and both scanners: how the sample report is rendered for the golden files. */
  const sampleOptions = {
    severities: ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const,
    scanners: ['vuln', 'secret'] as const,
  };

  it('matches the golden table of the shared sample report, plain and coloured', () => {
    assertGolden('table.txt', formatTable(sampleReport(), { ...sampleOptions, color: false }));
    assertGolden('table-color.txt', formatTable(sampleReport(), { ...sampleOptions, color: true }));
  });

  it('renders the same bytes whatever TERM, FORCE_COLOR and NO_COLOR say: the caller alone decides colour', () => {
    const script = [
      `import { formatTable } from ${JSON.stringify(new URL('../../../src/scanner/report/table.ts', import.meta.url).href)};`,
      `import { sampleReport } from ${JSON.stringify(new URL('./sample-report.ts', import.meta.url).href)};`,
      `const options = ${JSON.stringify(sampleOptions)};`,
      'const render = (color) => formatTable(sampleReport(), { ...options, color });',
      'process.stdout.write(JSON.stringify([render(true), render(false)]));',
    ].join('\n');
    const expected = [true, false].map((color) => formatTable(sampleReport(), { ...sampleOptions, color }));
    const environments = [
      { FORCE_COLOR: '0' },
      { FORCE_COLOR: '3' },
      { TERM: 'dumb' },
      { NO_COLOR: '1' },
      {},
    ];
    for (const extra of environments) {
      const { FORCE_COLOR: _force, NO_COLOR: _no, TERM: _term, ...base } = process.env;
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...base, ...extra },
        encoding: 'utf8',
      });
      assert.deepEqual(
        JSON.parse(output),
        expected,
        `coloured and plain output with ${JSON.stringify(extra)}`,
      );
    }
  });

  it('matches the golden JSON of the shared sample report', () => {
    const json = formatJson(sampleReport());
    assert.deepEqual(JSON.parse(json), sampleReport(), 'JSON output is the report, nothing added or lost');
    assertGolden('report.json', json);
  });

  it('writes JSON with two-space indent, omitted empty fields and a trailing newline', () => {
    const json = formatJson({ ...report, Results: undefined });
    assert.ok(json.endsWith('}\n'));
    assert.match(json, /\n {2}"SchemaVersion": 2,/);
    assert.doesNotMatch(json, /Results/);
  });
});
