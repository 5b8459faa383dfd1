import { namespaceIncluded, type OperatorConfiguration } from '../config/index.ts';
import type { OwnerResolutionOptions } from '../kube/ownership.ts';
import type { WorkloadKind } from '../kube/pod-spec.ts';
import { auditedKinds } from './audited-kinds.ts';

/** Everything the config audit's decisions depend on; replaced as a whole when the configuration changes. */
export interface ConfigAuditSettings {
  /** Kinds audited now (`trivy.supportedConfigAuditKinds` ∩ targets, RBAC scanner switch). */
  kinds: ReadonlySet<string>;
  /** `trivy.severity`. */
  severities: readonly string[];
  recordFailedChecksOnly: boolean;
  mergeRbacWithConfigAudit: boolean;
  reportTtlMs: number | null;
  resourceLabels: readonly string[];
  additionalLabels: Readonly<Record<string, string>>;
  /** Workloads: current revisions only (`OPERATOR_CONFIG_AUDIT_SCANNER_SCAN_ONLY_CURRENT_REVISIONS`), skip labels. */
  ownership: OwnerResolutionOptions;
  namespaceIncluded: (namespace: string) => boolean;
  scannerVersion: string;
  /** Re-evaluation after a check change: `OPERATOR_BATCH_DELETE_LIMIT` keys, then `OPERATOR_BATCH_DELETE_DELAY`. */
  batch: { size: number; delayMs: number };
}

export function configAuditSettings(
  config: OperatorConfiguration,
  scannerVersion: string,
): ConfigAuditSettings {
  const { env, operator, trivy } = config;
  return {
    kinds: auditedKinds(trivy.supportedConfigAuditKinds, env),
    severities: trivy.severities,
    recordFailedChecksOnly: operator.report.recordFailedChecksOnly,
    mergeRbacWithConfigAudit: env.mergeRbacFindingWithConfigAudit,
    reportTtlMs: env.scannerReportTtlMs,
    resourceLabels: operator.report.resourceLabels,
    additionalLabels: operator.report.additionalLabels,
    ownership: {
      targetWorkloads: env.targetWorkloads as readonly WorkloadKind[],
      scanOnlyCurrentRevisions: env.configAuditScannerScanOnlyCurrentRevisions,
      skipResourceByLabels: operator.skipResourceByLabels,
    },
    namespaceIncluded: (namespace) => namespaceIncluded(env, namespace),
    scannerVersion,
    batch: { size: env.batchDeleteLimit, delayMs: env.batchDeleteDelayMs },
  };
}
