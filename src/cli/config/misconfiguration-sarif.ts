/**
 * `trivy-ts config --format sarif`: failed checks as a SARIF 2.1.0 log, with the tool driver, rule shape, levels and
 * `security-severity` Trivy uses for misconfigurations, so code-scanning uploads of either tool read alike. Passed
 * checks are not results (SARIF has no "pass").
 */
import { sarifLevel, sarifSchemaUri, type SarifLog } from '../../scanner/report/sarif.ts';
import { trivyTsVersion } from '../../util/version.ts';
import type { Misconfiguration, MisconfigurationReport } from './misconfiguration-report.ts';

/** GitHub's `security-severity` for a check's severity (misconfigurations carry no CVSS score). */
const severityScores: Readonly<Record<string, string>> = {
  CRITICAL: '9.5',
  HIGH: '8.0',
  MEDIUM: '5.5',
  LOW: '2.0',
};

type Run = SarifLog['runs'][number];
type Rule = Run['tool']['driver']['rules'][number];
type SarifResult = Run['results'][number];

/** A target as a URI reference relative to ROOTPATH; standard input has no path. */
function targetUri(target: string): string {
  if (target === '-') return 'stdin';
  return target
    .replace(/^\/+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function rule(entry: Misconfiguration): Rule {
  const link = `[${entry.AVDID}](${entry.PrimaryURL ?? ''})`;
  return {
    id: entry.ID,
    name: 'Misconfiguration',
    shortDescription: { text: entry.Title },
    fullDescription: { text: entry.Description || entry.Title },
    defaultConfiguration: { level: sarifLevel(entry.Severity) },
    ...(entry.PrimaryURL ? { helpUri: entry.PrimaryURL } : {}),
    help: {
      text:
        `Misconfiguration ${entry.ID}\nType: ${entry.Type}\nSeverity: ${entry.Severity}\nCheck: ${entry.Title}\n` +
        `Message: ${entry.Message ?? ''}\nLink: ${link}\n${entry.Description}`,
      markdown:
        `**Misconfiguration ${entry.ID}**\n| Type | Severity | Check | Message | Link |\n| --- | --- | --- | --- | --- |\n` +
        `|${entry.Type}|${entry.Severity}|${entry.Title}|${entry.Message ?? ''}|${link}|\n\n${entry.Description}`,
    },
    properties: {
      tags: ['misconfiguration', 'security', entry.Severity],
      precision: 'very-high',
      'security-severity': severityScores[entry.Severity] ?? '0.0',
    },
  };
}

/** Serialises the failed checks of a `trivy-ts config` report (two-space indent, trailing newline). */
export function formatMisconfigurationSarif(report: MisconfigurationReport): string {
  const rules: Rule[] = [];
  const ruleIndexes = new Map<string, number>();
  const results: SarifResult[] = [];
  for (const result of report.Results ?? []) {
    const uri = targetUri(result.Target);
    for (const entry of result.Misconfigurations ?? []) {
      if (entry.Status !== 'FAIL') continue;
      let ruleIndex = ruleIndexes.get(entry.ID);
      if (ruleIndex === undefined) {
        ruleIndex = rules.push(rule(entry)) - 1;
        ruleIndexes.set(entry.ID, ruleIndex);
      }
      const startLine = Math.max(1, entry.CauseMetadata?.StartLine ?? 1);
      const endLine = Math.max(startLine, entry.CauseMetadata?.EndLine ?? startLine);
      results.push({
        ruleId: entry.ID,
        ruleIndex,
        level: sarifLevel(entry.Severity),
        message: {
          text:
            `Artifact: ${result.Target}\nType: ${result.Type}\nVulnerability ${entry.ID}\n` +
            `Severity: ${entry.Severity}\nMessage: ${entry.Message ?? ''}\nLink: [${entry.AVDID}](${entry.PrimaryURL ?? ''})`,
        },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri, uriBaseId: 'ROOTPATH' },
              region: { startLine, startColumn: 1, endLine, endColumn: 1 },
            },
            message: { text: result.Target },
          },
        ],
      });
    }
  }
  const log: SarifLog = {
    version: '2.1.0',
    $schema: sarifSchemaUri,
    runs: [
      {
        tool: {
          driver: {
            fullName: 'Trivy Vulnerability Scanner',
            informationUri: 'https://github.com/aquasecurity/trivy',
            name: 'Trivy',
            rules,
            version: trivyTsVersion,
          },
        },
        results,
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { ROOTPATH: { uri: 'file:///' } },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
