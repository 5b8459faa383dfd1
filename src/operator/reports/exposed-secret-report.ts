/** The `report` payload of an ExposedSecretReport (contract §1.5), projected from the scanner's secret results. */
import type { Report } from '../../scanner/report/model.ts';
import { share } from './shared-parts.ts';
import type {
  ExposedSecret,
  ExposedSecretReportData,
  ExposedSecretSummary,
  SecretSeverity,
} from './types.ts';
import { imageReportHead, type ImageReportInput } from './vulnerability-report.ts';

export type ExposedSecretReportInput = ImageReportInput;

const SECRET_SEVERITIES: ReadonlySet<string> = new Set(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);

/**
 * The CRD's severity enum has no UNKNOWN (upstream gap #19: a custom rule without a severity made the whole report
 * fail validation). Such findings are reported as LOW, the nearest valid rank, so they keep their place at the
 * bottom of the order and the report is still accepted.
 */
export function secretSeverity(severity: string): SecretSeverity {
  return SECRET_SEVERITIES.has(severity) ? (severity as SecretSeverity) : 'LOW';
}

export function buildExposedSecretReport(input: ExposedSecretReportInput): ExposedSecretReportData {
  const { secrets, summary } = secretsOf(input.scan);
  return {
    ...imageReportHead(input),
    summary,
    secrets,
  };
}

/** Per scan result: the list every container running the image shares. */
const secretsOfScan = new WeakMap<Report, { secrets: ExposedSecret[]; summary: ExposedSecretSummary }>();

function secretsOf(scan: Report) {
  let found = secretsOfScan.get(scan);
  if (!found) {
    const secrets: ExposedSecret[] = [];
    for (const result of scan.Results ?? []) {
      for (const finding of result.Secrets ?? []) {
        secrets.push({
          target: result.Target,
          ruleID: finding.RuleID,
          title: finding.Title,
          category: finding.Category,
          severity: secretSeverity(finding.Severity),
          match: finding.Match,
        });
      }
    }
    found = { secrets: share(secrets), summary: exposedSecretSummary(secrets) };
    secretsOfScan.set(scan, found);
  }
  return found;
}

export function exposedSecretSummary(secrets: readonly { severity: string }[]): ExposedSecretSummary {
  const summary: ExposedSecretSummary = { criticalCount: 0, highCount: 0, mediumCount: 0, lowCount: 0 };
  for (const { severity } of secrets) {
    if (severity === 'CRITICAL') summary.criticalCount++;
    else if (severity === 'HIGH') summary.highCount++;
    else if (severity === 'MEDIUM') summary.mediumCount++;
    else summary.lowCount++;
  }
  return summary;
}
