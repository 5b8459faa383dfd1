import { evaluateObject, type CheckResult } from '../../checks/evaluate.ts';
import {
  evaluateCustomChecks,
  type CustomCheck,
  type CustomCheckEvaluationError,
} from '../../checks/custom/index.ts';
import type { Check, CheckContext, CheckSeverity } from '../../checks/types.ts';
import type { ManifestFile, ManifestObject } from './manifests.ts';

/** One check on one object in Trivy's JSON (`DetectedMisconfiguration`), field for field. */
export interface Misconfiguration {
  Type: 'Kubernetes Security Check';
  ID: string;
  AVDID: string;
  Title: string;
  Description: string;
  Message?: string;
  Namespace: string;
  Query: string;
  Resolution: string;
  Severity: CheckSeverity;
  PrimaryURL?: string;
  References?: string[];
  Status: 'PASS' | 'FAIL';
  CauseMetadata?: { Provider: 'Kubernetes'; Service: 'general'; StartLine?: number; EndLine?: number };
}

export interface MisconfigurationResult {
  Target: string;
  Class: 'config';
  Type: 'kubernetes';
  MisconfSummary: { Successes: number; Failures: number };
  Misconfigurations?: Misconfiguration[];
}

export interface MisconfigurationReport {
  SchemaVersion: 2;
  CreatedAt: string;
  ArtifactName: string;
  ArtifactType: 'filesystem';
  Metadata: Record<string, never>;
  Results?: MisconfigurationResult[];
}

export interface AuditOptions {
  checks: readonly Check[];
  customChecks: readonly CustomCheck[];
  context: CheckContext;
  severities: ReadonlySet<string>;
  includeNonFailures: boolean;
  onCustomCheckError(error: CustomCheckEvaluationError): void;
}

const legacyId = /^[A-Z]+\d+$/;

/** The Rego package Trivy reports for a built-in check: `builtin.kubernetes.KSV041` (short legacy ID form). */
function regoNamespace(check: Check): string {
  const legacy = check.aliases.find((alias) => legacyId.test(alias)) ?? check.id.replace('-', '');
  return `builtin.kubernetes.${legacy}`;
}

function isCustom(check: Check): check is CustomCheck {
  return (check as Partial<CustomCheck>).custom === true;
}

function misconfiguration(
  check: Check,
  where: ManifestObject,
  message: string | undefined,
): Misconfiguration {
  const avdId = check.aliases[0] ?? check.id;
  const custom = isCustom(check);
  const primaryUrl = custom ? undefined : `https://avd.aquasec.com/misconfig/${avdId.toLowerCase()}`;
  const namespace = custom ? `custom.kubernetes.${check.policyName}` : regoNamespace(check);
  const references = [...(check.references ?? []), ...(primaryUrl === undefined ? [] : [primaryUrl])];
  return {
    Type: 'Kubernetes Security Check',
    ID: check.id,
    AVDID: avdId,
    Title: check.title,
    Description: check.description,
    ...(message === undefined ? {} : { Message: message }),
    Namespace: namespace,
    Query: custom ? check.expression : `data.${namespace}.deny`,
    Resolution: check.remediation,
    Severity: check.severity,
    ...(primaryUrl === undefined ? {} : { PrimaryURL: primaryUrl }),
    ...(references.length === 0 ? {} : { References: references }),
    Status: message === undefined ? 'PASS' : 'FAIL',
    CauseMetadata: {
      Provider: 'Kubernetes',
      Service: 'general',
      ...(where.startLine === undefined ? {} : { StartLine: where.startLine }),
      ...(where.endLine === undefined ? {} : { EndLine: where.endLine }),
    },
  };
}

/** Evaluates every object of one file and returns its Trivy result, filtered by severity. */
export function auditManifestFile(file: ManifestFile, options: AuditOptions): MisconfigurationResult {
  let successes = 0;
  const entries: Misconfiguration[] = [];
  for (const where of file.objects) {
    const results: CheckResult[] = evaluateObject(where.object, {
      checks: options.checks,
      context: options.context,
    });
    const custom = evaluateCustomChecks(where.object, options.customChecks, options.context);
    for (const error of custom.errors) options.onCustomCheckError(error);
    for (const result of [...results, ...custom.results]) {
      if (!options.severities.has(result.check.severity)) continue;
      if (result.success) {
        successes++;
        if (options.includeNonFailures) entries.push(misconfiguration(result.check, where, undefined));
      } else {
        for (const message of result.messages) entries.push(misconfiguration(result.check, where, message));
      }
    }
  }
  const failures = entries.filter((entry) => entry.Status === 'FAIL').length;
  return {
    Target: file.target,
    Class: 'config',
    Type: 'kubernetes',
    MisconfSummary: { Successes: successes, Failures: failures },
    ...(entries.length === 0 ? {} : { Misconfigurations: entries }),
  };
}
