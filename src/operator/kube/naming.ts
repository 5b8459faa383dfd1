/**
 * Names of the objects the operator writes (contract §2.1, §2.6): reports are found again by name on every
 * reconcile, so these must be pure functions of the owner and never change for the same input.
 */
import { shortHash, wideHash } from './hash.ts';

const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const DNS1123_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

/** A Kubernetes label value: at most 63 characters, alphanumerics at both ends, `-_.` inside; empty is allowed. */
export function isValidLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/** An RFC 1123 label: at most 63 lower-case alphanumerics or `-`, alphanumeric at both ends. */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

/** An RFC 1123 subdomain (what most object names must be): at most 253 characters, labels joined by dots. */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/**
 * VulnerabilityReport, ExposedSecretReport, SbomReport (and ClusterVulnerabilityReport):
 * `<kind>-<owner>-<container>` as upstream writes it, e.g. `replicaset-nginx-6d4cf56db6-nginx`; when that would
 * not be a valid label value (too long), `<kind>-<hash(owner-container)>`.
 */
export function imageReportName(ownerKind: string, ownerName: string, containerName: string): string {
  const kind = ownerKind.toLowerCase();
  const candidate = `${kind}-${ownerName}-${containerName}`;
  if (isValidLabelValue(candidate) && isDns1123Subdomain(candidate)) return candidate;
  return `${kind}-${shortHash(`${ownerName}-${containerName}`)}`;
}

/**
 * ConfigAuditReport and RbacAssessmentReport (and their Cluster* kinds): `<kind>-<name>`, hashed when the result
 * is not a DNS-1123 label — so `system:` ClusterRoles and dotted names (CRDs) always hash.
 */
export function resourceReportName(kind: string, name: string): string {
  const lowerKind = kind.toLowerCase();
  const candidate = `${lowerKind}-${name}`;
  return isDns1123Label(candidate) ? candidate : `${lowerKind}-${shortHash(name)}`;
}

/** InfraAssessmentReport and ClusterInfraAssessmentReport: `<kind>-<name>`, hashed when not a valid label value. */
export function infraReportName(kind: string, name: string): string {
  const lowerKind = kind.toLowerCase();
  const candidate = `${lowerKind}-${name}`;
  return isValidLabelValue(candidate) && isDns1123Subdomain(candidate)
    ? candidate
    : `${lowerKind}-${shortHash(name)}`;
}

/** ClusterSbomReport (image cache): the hash of `<registry>/<repository without library/>:<tag>`. */
export function clusterSbomReportName(registryServer: string, repository: string, tag: string): string {
  return shortHash(`${registryServer}/${repository.replace(/^library\//, '')}:${tag}`);
}

/** Upstream's per-workload scan Job name: `scan-vulnerabilityreport-<hash(kind, namespace, name)>`. */
export function ownerScanJobName(owner: { kind: string; namespace: string; name: string }): string {
  return `scan-vulnerabilityreport-${shortHash({ kind: owner.kind, namespace: owner.namespace, name: owner.name })}`;
}

/**
 * trivy-ts runs one analysis per image digest and platform, so its Jobs are keyed by those:
 * `scan-vulnerabilityreport-<16-character hash>` (41 characters, a valid DNS-1123 label). The wide hash keeps two
 * images from ever sharing a Job name.
 */
export function scanJobName(digest: string, platform: string): string {
  if (!DIGEST.test(digest)) {
    throw new TypeError(`scanJobName needs an image digest such as sha256:<64 hex>, got "${digest}"`);
  }
  if (platform.length === 0) throw new TypeError('scanJobName needs a platform such as linux/amd64');
  return `scan-vulnerabilityreport-${wideHash({ digest, platform })}`;
}
