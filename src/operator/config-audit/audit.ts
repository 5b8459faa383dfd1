/**
 * One object through the checks, into the `report.checks` and `report.summary` of a misconfiguration report
 * (contract §1.3, §1.7, §3.4): severity filter, failed checks only unless `report.recordFailedChecksOnly` is off,
 * summary counts of failed checks. A custom check that cannot be evaluated on the object is returned as an error
 * and leaves the built-in checks untouched.
 */
import { evaluateCustomChecks, type CustomCheckEvaluationError } from '../../checks/custom/index.ts';
import { evaluateObject, type CheckResult as Evaluation } from '../../checks/evaluate.ts';
import type { KubernetesObject } from '../../checks/types.ts';
import type { CheckResult, MisconfigurationSummary } from '../reports/types.ts';
import { reportCheckId, type CheckSet } from './check-set.ts';

export const CHECK_CATEGORY = 'Kubernetes Security Check';

export interface AuditOutcome {
  checks: CheckResult[];
  summary: MisconfigurationSummary;
  errors: CustomCheckEvaluationError[];
}

function toReportCheck(evaluation: Evaluation): CheckResult {
  const { check } = evaluation;
  return {
    checkID: reportCheckId(check),
    title: check.title,
    description: check.description,
    severity: check.severity,
    category: CHECK_CATEGORY,
    ...(evaluation.messages.length > 0 ? { messages: evaluation.messages } : {}),
    remediation: check.remediation,
    success: evaluation.success,
  };
}

/** Evaluates `document` (an object of `kind`, see `auditDocument`) against the checks of its kind. */
export function auditObject(document: KubernetesObject, kind: string, checkSet: CheckSet): AuditOutcome {
  const { builtIn, custom } = checkSet.forKind(kind);
  const context = checkSet.options.context;
  const evaluations = evaluateObject(document, { checks: builtIn, context });
  const customOutcome = evaluateCustomChecks(document, custom, context);
  const summary: MisconfigurationSummary = { criticalCount: 0, highCount: 0, mediumCount: 0, lowCount: 0 };
  const checks: CheckResult[] = [];
  for (const evaluation of [...evaluations, ...customOutcome.results]) {
    if (!checkSet.severities.has(evaluation.check.severity)) continue;
    if (evaluation.success && checkSet.options.recordFailedChecksOnly) continue;
    checks.push(toReportCheck(evaluation));
    if (evaluation.success) continue;
    switch (evaluation.check.severity) {
      case 'CRITICAL':
        summary.criticalCount++;
        break;
      case 'HIGH':
        summary.highCount++;
        break;
      case 'MEDIUM':
        summary.mediumCount++;
        break;
      case 'LOW':
        summary.lowCount++;
        break;
    }
  }
  return { checks, summary, errors: customOutcome.errors };
}
