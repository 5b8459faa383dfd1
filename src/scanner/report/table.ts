import type Table from 'cli-table3';
import { terminalTable } from '../../util/terminal-table.ts';
import { paint, type TextStyle } from '../../util/terminal-style.ts';
import type { SecretFinding } from '../secrets/types.ts';
import { severities, type DetectedVulnerability, type Report, type Result, type Severity } from './model.ts';

export interface TableOptions {
  /** Severities selected with `--severity`: totals list only these. */
  severities: readonly Severity[];
  /** Scanners that ran, in column order: a summary cell is `-` when the scanner does not apply to a target. */
  scanners: readonly ('vuln' | 'secret')[];
  /** Colour and bold underlines on a terminal; plain text with `=` underlines otherwise. */
  color: boolean;
}

const severityColors: Record<Severity, TextStyle> = {
  UNKNOWN: 'cyan',
  LOW: 'blue',
  MEDIUM: 'yellow',
  HIGH: 'red',
  CRITICAL: 'redBright',
};

const aggregatedTargets: Record<string, string> = {
  'python-pkg': 'Python',
  'node-pkg': 'Node.js',
  gemspec: 'Ruby',
  jar: 'Java',
  'conda-pkg': 'Conda',
};

/** `trivy image`'s default table output: a summary, then one table per target that has findings. */
export function formatTable(report: Report, options: TableOptions): string {
  const results = report.Results ?? [];
  const sections = [formatSummary(results, options)];
  for (const result of results) {
    if (result.Vulnerabilities?.length) sections.push(formatVulnerabilities(result, options));
    if (result.Secrets?.length) sections.push(formatSecrets(result, options));
  }
  return `${sections.join('\n')}\n`;
}

function formatSummary(results: readonly Result[], options: TableOptions): string {
  const head = [
    'Target',
    'Type',
    ...options.scanners.map((scanner) => (scanner === 'vuln' ? 'Vulnerabilities' : 'Secrets')),
  ];
  const table = terminalTable(head, options.color);
  for (const result of results) {
    for (const row of summaryRows(result)) {
      table.push([
        row.target,
        result.Class === 'secret' ? 'text' : (result.Type ?? ''),
        ...options.scanners.map((scanner) => {
          if (scanner === 'vuln') return result.Class === 'secret' ? '-' : String(row.vulnerabilities);
          return result.Class === 'secret' ? String(result.Secrets?.length ?? 0) : '-';
        }),
      ]);
    }
  }
  return [
    heading('Report Summary', options.color),
    '',
    table.toString(),
    "Legend:\n- '-': Not scanned\n- '0': Clean (no security findings detected)\n",
  ].join('\n');
}

/** Aggregated language results (one per type) are listed per manifest file in the summary, as Trivy does. */
function summaryRows(result: Result): { target: string; vulnerabilities: number }[] {
  if (result.Class !== 'lang-pkgs' || !aggregatedTargets[result.Type ?? '']) {
    return [{ target: result.Target, vulnerabilities: result.Vulnerabilities?.length ?? 0 }];
  }
  const counts = new Map<string, number>();
  for (const pkg of result.Packages ?? []) if (pkg.FilePath) counts.set(pkg.FilePath, 0);
  for (const vulnerability of result.Vulnerabilities ?? []) {
    const path = vulnerability.PkgPath ?? result.Target;
    counts.set(path, (counts.get(path) ?? 0) + 1);
  }
  if (counts.size === 0) return [{ target: result.Target, vulnerabilities: 0 }];
  return [...counts].map(([target, vulnerabilities]) => ({ target, vulnerabilities }));
}

function formatVulnerabilities(result: Result, options: TableOptions): string {
  const vulnerabilities = result.Vulnerabilities ?? [];
  const target = result.Class === 'lang-pkgs' ? `${result.Target} (${result.Type})` : result.Target;
  const table = terminalTable(
    ['Library', 'Vulnerability', 'Severity', 'Status', 'Installed Version', 'Fixed Version', 'Title'],
    options.color,
    { wordWrap: true, colWidths: [null, null, null, null, null, null, 60] },
  );
  const rows = vulnerabilities.map((vulnerability) => vulnerabilityRow(vulnerability, options));
  for (const row of mergeRepeatedLibraries(rows)) table.push(row);
  return [
    heading(target, options.color),
    totals(
      vulnerabilities.map((vulnerability) => vulnerability.Severity),
      options,
    ),
    '',
    table.toString(),
    '',
  ].join('\n');
}

function vulnerabilityRow(vulnerability: DetectedVulnerability, options: TableOptions): string[] {
  const library = vulnerability.PkgPath
    ? `${vulnerability.PkgName} (${vulnerability.PkgPath.slice(vulnerability.PkgPath.lastIndexOf('/') + 1)})`
    : vulnerability.PkgName;
  const title = truncateWords(vulnerability.Title || vulnerability.Description || '', 12);
  return [
    library,
    vulnerability.VulnerabilityID,
    colorSeverity(vulnerability.Severity, options.color),
    vulnerability.Status ?? '',
    vulnerability.InstalledVersion,
    vulnerability.FixedVersion ?? '',
    vulnerability.PrimaryURL ? `${title}\n${vulnerability.PrimaryURL}` : title,
  ];
}

/** Identical adjacent Library cells are merged vertically, as Trivy's table does. */
function mergeRepeatedLibraries(rows: string[][]): Table.Cell[][] {
  const merged: Table.Cell[][] = [];
  for (let i = 0; i < rows.length;) {
    let span = 1;
    while (i + span < rows.length && rows[i + span]?.[0] === rows[i]?.[0]) span++;
    for (let j = 0; j < span; j++) {
      const row = rows[i + j] ?? [];
      merged.push(j === 0 ? [{ content: row[0] ?? '', rowSpan: span }, ...row.slice(1)] : row.slice(1));
    }
    i += span;
  }
  return merged;
}

function formatSecrets(result: Result, options: TableOptions): string {
  const findings = result.Secrets ?? [];
  const blocks = findings.map((finding) => secretBlock(finding, options.color));
  return [
    heading(`${result.Target} (secrets)`, options.color),
    totals(
      findings.map((finding) => finding.Severity as Severity),
      options,
    ),
    '',
    ...blocks,
  ].join('\n');
}

function secretBlock(finding: SecretFinding, color: boolean): string {
  const header = `${colorSeverity(finding.Severity as Severity, color)}: ${finding.Category} (${finding.RuleID})`;
  const lines = (finding.Code?.Lines ?? []).map((line) => {
    const text = `${String(line.Number).padStart(4)} ${line.IsCause ? '[' : ' '} ${line.Content}`;
    return line.IsCause && color ? paint('red', text) : text;
  });
  return [header, '═'.repeat(60), finding.Title, '─'.repeat(60), ...lines, '─'.repeat(60), ''].join('\n');
}

function totals(found: readonly Severity[], options: TableOptions): string {
  const selected = severities.filter((severity) => options.severities.includes(severity));
  const counts = selected.map(
    (severity) => `${severity}: ${found.filter((value) => value === severity).length}`,
  );
  const total = found.filter((severity) => selected.includes(severity)).length;
  return `Total: ${total} (${counts.join(', ')})`;
}

function heading(text: string, color: boolean): string {
  return color ? paint(['bold', 'underline'], text) : `${text}\n${'='.repeat(text.length)}`;
}

function colorSeverity(severity: Severity, color: boolean): string {
  return color ? paint(severityColors[severity] ?? 'white', severity) : severity;
}

function truncateWords(text: string, words: number): string {
  const parts = text.split(/\s+/).filter((part) => part !== '');
  return parts.length > words ? `${parts.slice(0, words).join(' ')}...` : parts.join(' ');
}
