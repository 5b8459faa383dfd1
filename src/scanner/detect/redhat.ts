import type { Advisory, AdvisoryStatus, SeverityLevel } from '../db/trivy-db/index.ts';
import type { BuildInfo, Package } from '../inventory.ts';
import type { VersionScheme } from './version/types.ts';

/**
 * Red Hat Enterprise Linux and CentOS (spec §1.6): one `Red Hat` bucket for every release, whose advisories are
 * scoped by CPE. The image's content sets (or the defaults of its major release) and its build NVR are mapped to
 * CPE indices through `Red Hat CPE`; an advisory entry applies when its `Affected` indices meet them.
 */
export const redHatBucket = 'Red Hat';

/** Repositories a RHEL release installs from when the image carries no content manifest. */
export const defaultContentSets: Readonly<Record<string, readonly string[]>> = {
  '6': ['rhel-6-server-rpms', 'rhel-6-server-extras-rpms'],
  '7': ['rhel-7-server-rpms', 'rhel-7-server-extras-rpms'],
  '8': ['rhel-8-for-x86_64-baseos-rpms', 'rhel-8-for-x86_64-appstream-rpms'],
  '9': ['rhel-9-for-x86_64-baseos-rpms', 'rhel-9-for-x86_64-appstream-rpms'],
};

/** The lookups of the `Red Hat CPE` bucket. */
export interface RedHatCpeLookup {
  redHatCpeIndices(kind: 'repository' | 'nvr', key: string): readonly number[];
}

/** Repositories and NVRs → the CPE indices they stand for (deduplicated). */
export function cpeIndicesFor(
  lookup: RedHatCpeLookup,
  buildInfo: BuildInfo | undefined,
  majorRelease: string,
): Set<number> {
  const indices = new Set<number>();
  const contentSets = buildInfo?.ContentSets?.length
    ? buildInfo.ContentSets
    : (defaultContentSets[majorRelease] ?? []);
  for (const contentSet of contentSets)
    for (const index of lookup.redHatCpeIndices('repository', contentSet)) indices.add(index);
  if (buildInfo?.Nvr && buildInfo.Arch)
    for (const index of lookup.redHatCpeIndices('nvr', `${buildInfo.Nvr}-${buildInfo.Arch}`))
      indices.add(index);
  return indices;
}

/** Modular packages are keyed `module:stream::name` (from `nodejs:18:8090020230510:c27ad7f8`). */
export function redHatPackageKey(pkg: Package): string {
  const [module, stream] = (pkg.Modularitylabel ?? '').split(':');
  return module && stream ? `${module}:${stream}::${pkg.Name}` : pkg.Name;
}

export interface RedHatFinding {
  vulnerabilityId: string;
  fixedVersion: string;
  vendorIds: string[];
  status?: AdvisoryStatus;
  severity: SeverityLevel;
}

/**
 * Trivy's Red Hat matching for one package: entries outside the image's CPEs or for other architectures (noarch
 * packages match any) are dropped; an RHSA entry yields one finding per CVE it fixes (the RHSA becomes a vendor
 * ID); an unfixed entry matches as is; fixed entries match when the installed version is older, and two
 * advisories fixing one CVE merge, the newer fixed version winning.
 */
export function matchRedHat(
  advisories: readonly Advisory[],
  pkg: Package,
  installed: string,
  cpeIndices: ReadonlySet<number>,
  scheme: VersionScheme,
): RedHatFinding[] {
  const found = new Map<string, RedHatFinding>();
  for (const advisory of advisories) {
    for (const entry of advisory.Entries ?? [advisory]) {
      if (!(entry.Affected ?? []).some((index) => cpeIndices.has(index))) continue;
      if (entry.Arches?.length && pkg.Arch !== 'noarch' && !entry.Arches.includes(pkg.Arch ?? '')) continue;
      const cves = entry.Cves?.length ? entry.Cves : [{ ID: advisory.VulnerabilityID }];
      for (const cve of cves) {
        const isCveKey = advisory.VulnerabilityID.startsWith('CVE-');
        const id = isCveKey ? advisory.VulnerabilityID : cve.ID;
        if (!id) continue;
        const fixed = entry.FixedVersion ?? '';
        const finding: RedHatFinding = {
          vulnerabilityId: id,
          fixedVersion: fixed,
          vendorIds: isCveKey ? [] : [advisory.VulnerabilityID],
          ...(entry.Status ? { status: entry.Status } : {}),
          severity: cve.Severity ?? 0,
        };
        const existing = found.get(id);
        if (fixed === '') {
          // Several RHSAs may name one CVE: an unfixed entry never replaces a fix found earlier.
          if (!existing) found.set(id, { ...finding, vendorIds: [] });
          continue;
        }
        if (scheme.compare(installed, fixed) >= 0) continue;
        if (!existing) {
          found.set(id, finding);
          continue;
        }
        existing.vendorIds = [...new Set([...existing.vendorIds, ...finding.vendorIds])];
        if (existing.fixedVersion === '' || scheme.compare(existing.fixedVersion, fixed) < 0) {
          existing.fixedVersion = fixed;
          delete existing.status;
        }
      }
    }
  }
  return [...found.values()];
}
