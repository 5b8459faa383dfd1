import { checkSeverities, type CheckSeverity } from '../../checks/types.ts';
import { terminalTable } from '../../util/terminal-table.ts';
import { paint as paintText, type TextStyle } from '../../util/terminal-style.ts';
import type {
  Misconfiguration,
  MisconfigurationReport,
  MisconfigurationResult,
} from './misconfiguration-report.ts';

const severityColors: Record<CheckSeverity, TextStyle> = {
  LOW: 'blue',
  MEDIUM: 'yellow',
  HIGH: 'red',
  CRITICAL: 'redBright',
};

export interface MisconfigurationTableOptions {
  /** Severities selected with `--severity`, listed in the failure counts. */
  severities: readonly CheckSeverity[];
  color: boolean;
}

/** `trivy config`-style text: a summary table, then for each file its counts and one block per finding. */
export function formatMisconfigurationTable(
  report: MisconfigurationReport,
  options: MisconfigurationTableOptions,
): string {
  const results = report.Results ?? [];
  const paint = (color: TextStyle, text: string) => (options.color ? paintText(color, text) : text);
  const summary = terminalTable(['Target', 'Type', 'Misconfigurations'], options.color);
  for (const result of results)
    summary.push([result.Target, result.Type, String(result.MisconfSummary.Failures)]);
  const sections = [`Report Summary\n\n${summary.toString()}\n`];
  for (const result of results) {
    if (!result.Misconfigurations?.length) continue;
    sections.push(formatResult(result, options, paint));
  }
  return `${sections.join('\n')}\n`;
}

function formatResult(
  result: MisconfigurationResult,
  options: MisconfigurationTableOptions,
  paint: (color: TextStyle, text: string) => string,
): string {
  const title = `${result.Target} (${result.Type})`;
  const { Successes, Failures } = result.MisconfSummary;
  const failures = (result.Misconfigurations ?? []).filter((entry) => entry.Status === 'FAIL');
  const counts = checkSeverities
    .filter((severity) => options.severities.includes(severity))
    .map((severity) => `${severity}: ${failures.filter((entry) => entry.Severity === severity).length}`)
    .join(', ');
  const lines = [
    options.color ? paintText('bold', title) : title,
    '='.repeat(title.length),
    `Tests: ${Successes + Failures} (SUCCESSES: ${Successes}, FAILURES: ${Failures})`,
    `Failures: ${Failures} (${counts})`,
    '',
  ];
  const ordered = [...(result.Misconfigurations ?? [])].sort(
    (a, b) =>
      statusRank(a) - statusRank(b) ||
      checkSeverities.indexOf(b.Severity) - checkSeverities.indexOf(a.Severity),
  );
  for (const entry of ordered) lines.push(...formatEntry(entry, paint), '');
  return lines.join('\n');
}

function statusRank(entry: Misconfiguration): number {
  return entry.Status === 'FAIL' ? 0 : 1;
}

function formatEntry(entry: Misconfiguration, paint: (color: TextStyle, text: string) => string): string[] {
  const label =
    entry.Status === 'FAIL' ? paint(severityColors[entry.Severity], entry.Severity) : paint('green', 'PASS');
  const lines = [`${label} ${entry.AVDID}: ${entry.Title}`];
  if (entry.Message !== undefined) lines.push(`  ${entry.Message}`);
  const start = entry.CauseMetadata?.StartLine;
  const end = entry.CauseMetadata?.EndLine;
  const where =
    start === undefined
      ? undefined
      : end !== undefined && end !== start
        ? `lines ${start}-${end}`
        : `line ${start}`;
  const footer = [where, entry.PrimaryURL].filter((part) => part !== undefined).join(' · ');
  if (footer !== '') lines.push(`  ${footer}`);
  return lines;
}
