/**
 * ConfigAuditReport, ClusterConfigAuditReport, RbacAssessmentReport and ClusterRbacAssessmentReport objects
 * (contract §1.7, §1.8, §2): name `<kind>-<name>` (hashed when not a DNS-1123 label, so `system:` roles hash),
 * owner labels, `resource-spec-hash`, `plugin-config-hash`, the TTL annotation on namespaced kinds, and one
 * controller ownerReference with `blockOwnerDeletion: false`. Pure: the controller decides, this only shapes.
 */
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { resourceReportName } from '../kube/naming.ts';
import type { ObjectKey } from '../kube/ownership.ts';
import {
  REPORT_TTL_ANNOTATION,
  RESOURCE_NAME_ANNOTATION,
  reportAnnotations,
  reportLabels,
} from '../reports/labels.ts';
import {
  REPORT_API_VERSION,
  REPORT_RESOURCES,
  type AnyReport,
  type CheckResult,
  type MisconfigurationSummary,
  type ReportKind,
} from '../reports/types.ts';

export type MisconfigurationReportKind =
  'ConfigAuditReport' | 'ClusterConfigAuditReport' | 'RbacAssessmentReport' | 'ClusterRbacAssessmentReport';

/** The audited object as the report refers to it. */
export interface AuditedOwner extends ObjectKey {
  apiVersion: string;
  uid: string;
  labels: Readonly<Record<string, string>>;
}

export interface ReportMetadataOptions {
  reportKind: MisconfigurationReportKind;
  owner: AuditedOwner;
  resourceSpecHash: string;
  pluginConfigHash: string;
  resourceLabels: readonly string[];
  additionalLabels: Readonly<Record<string, string>>;
  /** `OPERATOR_SCANNER_REPORT_TTL` in ms; null: no TTL. Only namespaced kinds carry it. */
  reportTtlMs: number | null;
}

export function ownerReferenceTo(owner: AuditedOwner): V1OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.name,
    uid: owner.uid,
    controller: true,
    blockOwnerDeletion: false,
  };
}

/** Name, namespace, labels, annotations and owner of the report; what decides whether a stored report is current. */
export function misconfigurationReportMetadata(options: ReportMetadataOptions): V1ObjectMeta {
  const { owner } = options;
  const namespaced = REPORT_RESOURCES[options.reportKind].namespaced;
  const annotations = reportAnnotations({
    kind: options.reportKind,
    owner,
    reportTtlMs: options.reportTtlMs,
  });
  return {
    name: resourceReportName(owner.kind, owner.name),
    ...(namespaced ? { namespace: owner.namespace } : {}),
    labels: reportLabels({
      owner,
      resourceSpecHash: options.resourceSpecHash,
      pluginConfigHash: options.pluginConfigHash,
      resourceLabels: options.resourceLabels,
      additionalLabels: options.additionalLabels,
    }),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    ownerReferences: [ownerReferenceTo(owner)],
  };
}

export interface ReportBodyOptions {
  checks: CheckResult[];
  summary: MisconfigurationSummary;
  scannerVersion: string;
  now: Date;
}

/** The whole report object. RBAC assessments carry no `updateTimestamp` (their CRD has none). */
export function buildMisconfigurationReport(
  kind: MisconfigurationReportKind,
  metadata: V1ObjectMeta,
  body: ReportBodyOptions,
): AnyReport {
  const scanner = { name: 'Trivy', vendor: 'Aqua Security', version: body.scannerVersion };
  const assessment = kind === 'RbacAssessmentReport' || kind === 'ClusterRbacAssessmentReport';
  return {
    apiVersion: REPORT_API_VERSION,
    kind,
    metadata,
    report: {
      ...(assessment ? {} : { updateTimestamp: body.now.toISOString() }),
      scanner,
      summary: body.summary,
      checks: body.checks,
    },
  } as AnyReport;
}

/** Whether a stored report already has what `wanted` describes: same labels (so both hashes), TTL and owner. */
export function isCurrent(stored: AnyReport, wanted: V1ObjectMeta): boolean {
  const sameRecord = (a: Record<string, string> | undefined, b: Record<string, string> | undefined) => {
    const left = Object.entries(a ?? {});
    return left.length === Object.keys(b ?? {}).length && left.every(([key, value]) => b?.[key] === value);
  };
  if (!sameRecord(stored.metadata.labels, wanted.labels)) return false;
  for (const key of [REPORT_TTL_ANNOTATION, RESOURCE_NAME_ANNOTATION]) {
    if (stored.metadata.annotations?.[key] !== wanted.annotations?.[key]) return false;
  }
  const owner = stored.metadata.ownerReferences?.[0];
  const wantedOwner = wanted.ownerReferences?.[0];
  return owner?.uid === wantedOwner?.uid && stored.metadata.ownerReferences?.length === 1;
}

export function isMisconfigurationReportKind(kind: ReportKind): kind is MisconfigurationReportKind {
  return (
    kind === 'ConfigAuditReport' ||
    kind === 'ClusterConfigAuditReport' ||
    kind === 'RbacAssessmentReport' ||
    kind === 'ClusterRbacAssessmentReport'
  );
}
