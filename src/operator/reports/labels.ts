/**
 * Labels and annotations written on reports (contract §2.2, §2.3). Reports are found again by these labels, so the
 * operator's own keys are written last and always win over user-configured ones (upstream gap #19).
 */
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { formatGoDuration } from '../config/index.ts';
import { shortHash } from '../kube/hash.ts';
import { imageReportName, isValidLabelValue } from '../kube/naming.ts';
import {
  keyOf,
  MANAGED_BY_LABEL,
  MANAGED_BY_OPERATOR,
  reportOwnerReference,
  type ObjectKey,
} from '../kube/ownership.ts';
import type { Workload } from '../kube/pod-spec.ts';
import type { ReportKind } from './types.ts';

export const RESOURCE_KIND_LABEL = 'trivy-operator.resource.kind';
export const RESOURCE_NAME_LABEL = 'trivy-operator.resource.name';
export const RESOURCE_NAME_HASH_LABEL = 'trivy-operator.resource.name-hash';
export const RESOURCE_NAMESPACE_LABEL = 'trivy-operator.resource.namespace';
export const CONTAINER_NAME_LABEL = 'trivy-operator.container.name';
export const RESOURCE_SPEC_HASH_LABEL = 'resource-spec-hash';
/** Misconfiguration reports: the hash of the checks and settings their content came from. */
export const PLUGIN_CONFIG_HASH_LABEL = 'plugin-config-hash';
export { MANAGED_BY_LABEL, MANAGED_BY_OPERATOR };

/** Holds the real owner name when it cannot be a label value (the label then carries its hash). */
export const RESOURCE_NAME_ANNOTATION = 'trivy-operator.resource.name';
export const REPORT_TTL_ANNOTATION = 'trivy-operator.aquasecurity.github.io/report-ttl';
/** The TTL that marks a report of an old revision as historical: the TTL reconciler deletes it at once. */
export const HISTORICAL_REPORT_TTL = '0s';

/** Report kinds that carry `report-ttl` (ExposedSecret, Sbom and cluster-scoped misconfig reports do not). */
const TTL_KINDS: ReadonlySet<ReportKind> = new Set([
  'VulnerabilityReport',
  'ConfigAuditReport',
  'RbacAssessmentReport',
  'InfraAssessmentReport',
  'ClusterSbomReport',
]);

export interface OwnerIdentity extends ObjectKey {
  /** The owner's own labels, for `report.resourceLabels`. */
  labels?: Readonly<Record<string, string>>;
}

export interface ReportLabelOptions {
  owner: OwnerIdentity;
  /** Vulnerability, exposed-secret and SBOM reports. */
  containerName?: string;
  /** `resource-spec-hash`. */
  resourceSpecHash?: string;
  /** `plugin-config-hash` (config audit, RBAC and infra reports). */
  pluginConfigHash?: string;
  /** `report.resourceLabels`: keys copied from the owner's labels when present. */
  resourceLabels?: readonly string[];
  /** `report.additionalLabels`. */
  additionalLabels?: Readonly<Record<string, string>>;
}

/** The labels that identify an owner: kind, name (or name-hash) and namespace. */
export function ownerLabels(owner: ObjectKey): Record<string, string> {
  const labels: Record<string, string> = { [RESOURCE_KIND_LABEL]: owner.kind };
  if (isValidLabelValue(owner.name)) labels[RESOURCE_NAME_LABEL] = owner.name;
  else labels[RESOURCE_NAME_HASH_LABEL] = shortHash(owner.name);
  labels[RESOURCE_NAMESPACE_LABEL] = owner.namespace;
  return labels;
}

export function reportLabels(options: ReportLabelOptions): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.additionalLabels ?? {})) labels[key] = value;
  for (const key of options.resourceLabels ?? []) {
    const value = options.owner.labels?.[key];
    if (value !== undefined) labels[key] = value;
  }
  labels[MANAGED_BY_LABEL] = MANAGED_BY_OPERATOR;
  Object.assign(labels, ownerLabels(options.owner));
  if (options.containerName !== undefined) labels[CONTAINER_NAME_LABEL] = options.containerName;
  if (options.resourceSpecHash !== undefined) labels[RESOURCE_SPEC_HASH_LABEL] = options.resourceSpecHash;
  if (options.pluginConfigHash !== undefined) labels[PLUGIN_CONFIG_HASH_LABEL] = options.pluginConfigHash;
  return labels;
}

export interface ReportAnnotationOptions {
  kind: ReportKind;
  owner: ObjectKey;
  /**
   * `OPERATOR_SCANNER_REPORT_TTL` (or `OPERATOR_CACHE_REPORT_TTL` for ClusterSbomReport) in milliseconds, written
   * as a Go duration (`24h0m0s`); `null` or absent when TTLs are disabled.
   */
  reportTtlMs?: number | null;
}

export function reportAnnotations(options: ReportAnnotationOptions): Record<string, string> {
  const annotations: Record<string, string> = {};
  const ttl = options.reportTtlMs;
  if (ttl !== undefined && ttl !== null && TTL_KINDS.has(options.kind)) {
    if (!Number.isFinite(ttl) || ttl < 0)
      throw new RangeError(`a report TTL must be 0 or more milliseconds, got ${ttl}`);
    annotations[REPORT_TTL_ANNOTATION] = formatGoDuration(ttl);
  }
  if (!isValidLabelValue(options.owner.name)) annotations[RESOURCE_NAME_ANNOTATION] = options.owner.name;
  return annotations;
}

/** The annotations that replace a report's when its owner is found to be an old revision (contract §3.9). */
export function historicalReportAnnotations(): Record<string, string> {
  return { [REPORT_TTL_ANNOTATION]: HISTORICAL_REPORT_TTL };
}

/** A label selector (`kubectl -l` syntax) matching every report of an owner. */
export function selectorForOwner(owner: ObjectKey): string {
  return Object.entries(ownerLabels(owner))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

export interface ImageReportMetadataOptions {
  kind: 'VulnerabilityReport' | 'ExposedSecretReport' | 'SbomReport';
  owner: Workload;
  containerName: string;
  resourceSpecHash: string;
  resourceLabels?: readonly string[];
  additionalLabels?: Readonly<Record<string, string>>;
  /** Milliseconds; only VulnerabilityReports carry it. */
  reportTtlMs?: number | null;
}

/** Name, namespace, labels, annotations and the owner reference of a workload container's image report. */
export function imageReportMetadata(options: ImageReportMetadataOptions): V1ObjectMeta {
  const key = keyOf(options.owner);
  const owner: OwnerIdentity = { ...key, labels: options.owner.object.metadata?.labels ?? {} };
  const annotations = reportAnnotations({
    kind: options.kind,
    owner: key,
    ...(options.reportTtlMs === undefined ? {} : { reportTtlMs: options.reportTtlMs }),
  });
  return {
    name: imageReportName(key.kind, key.name, options.containerName),
    namespace: key.namespace,
    labels: reportLabels({
      owner,
      containerName: options.containerName,
      resourceSpecHash: options.resourceSpecHash,
      ...(options.resourceLabels ? { resourceLabels: options.resourceLabels } : {}),
      ...(options.additionalLabels ? { additionalLabels: options.additionalLabels } : {}),
    }),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    ownerReferences: [reportOwnerReference(options.owner)],
  };
}
