import type { Advisory, DataSource, Vulnerability } from '../db/trivy-db/index.ts';
import { severityName } from '../db/trivy-db/index.ts';
import type { DetectedVulnerability, Severity, VulnerabilityStatus } from '../report/model.ts';

/** The facts detection knows about one match, before the DB's vulnerability details are added. */
export interface Match {
  advisory: Advisory;
  pkgId?: string;
  pkgName: string;
  pkgPath?: string;
  pkgIdentifier?: DetectedVulnerability['PkgIdentifier'];
  installedVersion: string;
  fixedVersion: string;
  layer?: DetectedVulnerability['Layer'];
  dataSource?: DataSource;
  /** `sha256:` of artifact, target, package and vulnerability: stable across scans of the same artifact. */
  fingerprint?: string;
  /** Per-package severity from the OS vendor (Debian urgency): overrides the selected one. */
  vendorSeverity?: { source: string; level: number };
}

/**
 * Trivy's FillInfo: status, the `vulnerability` record's details, the severity chosen by source precedence, and the
 * primary URL. Field order is Trivy's JSON order.
 */
export function fillInfo(match: Match, details: Vulnerability | undefined): DetectedVulnerability {
  const { advisory } = match;
  const vendorSeverity: Record<string, number> = { ...details?.VendorSeverity };
  let severity: Severity;
  let severitySource: string | undefined;
  if (match.vendorSeverity) {
    vendorSeverity[match.vendorSeverity.source] = match.vendorSeverity.level;
    severity = severityName(match.vendorSeverity.level);
    severitySource = match.vendorSeverity.source;
  } else {
    ({ severity, source: severitySource } = selectSeverity(
      advisory.VulnerabilityID,
      match.dataSource,
      details,
    ));
  }
  const status: VulnerabilityStatus = match.fixedVersion
    ? 'fixed'
    : ((advisory.Status as VulnerabilityStatus | undefined) ?? 'affected');
  const primaryUrl = primaryUrlOf(advisory.VulnerabilityID, details?.References ?? []);

  const finding: DetectedVulnerability = {
    VulnerabilityID: advisory.VulnerabilityID,
    ...(advisory.VendorIDs?.length ? { VendorIDs: advisory.VendorIDs } : {}),
    ...(match.pkgId ? { PkgID: match.pkgId } : {}),
    PkgName: match.pkgName,
    ...(match.pkgPath ? { PkgPath: match.pkgPath } : {}),
    ...(match.pkgIdentifier ? { PkgIdentifier: match.pkgIdentifier } : {}),
    InstalledVersion: match.installedVersion,
    ...(match.fixedVersion ? { FixedVersion: match.fixedVersion } : {}),
    Status: status,
    ...(match.layer ? { Layer: match.layer } : {}),
    ...(severitySource ? { SeveritySource: severitySource } : {}),
    ...(primaryUrl ? { PrimaryURL: primaryUrl } : {}),
    ...(match.dataSource ? { DataSource: match.dataSource } : {}),
    ...(match.fingerprint ? { Fingerprint: match.fingerprint } : {}),
    ...(details?.Title ? { Title: details.Title } : {}),
    ...(details?.Description ? { Description: details.Description } : {}),
    Severity: severity,
    ...(details?.CweIDs?.length ? { CweIDs: details.CweIDs } : {}),
    ...(Object.keys(vendorSeverity).length ? { VendorSeverity: vendorSeverity } : {}),
    ...(details?.CVSS && Object.keys(details.CVSS).length ? { CVSS: details.CVSS } : {}),
    ...(details?.References?.length ? { References: details.References } : {}),
    ...(details?.PublishedDate ? { PublishedDate: details.PublishedDate } : {}),
    ...(details?.LastModifiedDate ? { LastModifiedDate: details.LastModifiedDate } : {}),
  };
  return finding;
}

/**
 * `--vuln-severity-source auto`: the advisory's own source first, then GHSA (for GHSA IDs) and NVD, then the DB's
 * deprecated severity string, else UNKNOWN.
 */
export function selectSeverity(
  vulnerabilityId: string,
  dataSource: DataSource | undefined,
  details: Vulnerability | undefined,
): { severity: Severity; source?: string } {
  const vendor = details?.VendorSeverity ?? {};
  const own = dataSource?.BaseID || dataSource?.ID;
  const candidates = [own, ...(vulnerabilityId.startsWith('GHSA-') ? ['ghsa', 'nvd'] : ['nvd'])];
  for (const source of candidates) {
    if (source && vendor[source] !== undefined) return { severity: severityName(vendor[source]), source };
  }
  const legacy = details?.Severity?.toUpperCase();
  if (legacy && ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].includes(legacy)) {
    return { severity: legacy as Severity };
  }
  return { severity: 'UNKNOWN' };
}

const vendorReferencePrefixes = [
  'https://www.debian.org',
  'https://lists.debian.org',
  'https://ubuntu.com/security/notices',
  'https://usn.ubuntu.com',
  'https://access.redhat.com',
  'https://rhn.redhat.com',
  'https://errata.almalinux.org',
  'https://lists.opensuse.org',
  'https://linux.oracle.com/errata',
  'https://www.npmjs.com',
  'https://hackerone.com',
  'https://groups.google.com',
];

/** The one link a person should open first (spec §4.5). */
export function primaryUrlOf(id: string, references: readonly string[]): string | undefined {
  if (id.startsWith('CVE-')) return `https://avd.aquasec.com/nvd/${id.toLowerCase()}`;
  if (id.startsWith('RUSTSEC-')) return `https://osv.dev/vulnerability/${id}`;
  if (id.startsWith('GHSA-')) return `https://github.com/advisories/${id}`;
  if (id.startsWith('TEMP-')) return `https://security-tracker.debian.org/tracker/${id}`;
  return references.find((reference) =>
    vendorReferencePrefixes.some((prefix) => reference.startsWith(prefix)),
  );
}
