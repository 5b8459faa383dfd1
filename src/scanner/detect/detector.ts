import { hash } from 'node:crypto';
import type { Advisory, TrivyDb, Vulnerability } from '../db/trivy-db/index.ts';
import type { Application, OperatingSystem, Package } from '../inventory.ts';
import type { MergedInventory } from '../image/layer-merge.ts';
import type { DetectedVulnerability, Result } from '../report/model.ts';
import { severityRank } from '../report/model.ts';
import { silentLogger, type Logger } from '../../util/logger.ts';
import {
  applicationEcosystem,
  ecosystemScheme,
  isOsPackageVulnerable,
  isVulnerable,
  languageFixedVersion,
  osMatchingRule,
} from './version/index.ts';
import { fillInfo, type Match } from './fill-info.ts';
import { isEndOfLife, osDriver } from './os-drivers.ts';
import { cpeIndicesFor, matchRedHat, type RedHatFinding } from './redhat.ts';
import { installedVersion } from './version/package-version.ts';

export interface DetectOptions {
  /** ArtifactName, used in the OS target and in fingerprints. */
  artifactName: string;
  /** Trivy's ArtifactID; fingerprints are stable per artifact. */
  artifactId?: string;
  logger?: Logger;
  now?: number;
}

export interface Detection {
  os?: OperatingSystem;
  results: Result[];
}

/** Display names of the aggregated language results (one per type, packages from many files). */
const aggregatedTargets: Readonly<Record<string, string>> = {
  'python-pkg': 'Python',
  'conda-pkg': 'Conda',
  gemspec: 'Ruby',
  'node-pkg': 'Node.js',
  jar: 'Java',
};

/**
 * Inventory in, vulnerabilities out (spec §4): OS packages against their distribution's advisories, language
 * packages against the ecosystem's advisories from every source, then Trivy's FillInfo, dedup and ordering.
 * Every package and application gets a result, even when clean, so `--list-all-pkgs` can show them; without a DB
 * (`--scanners secret`) the results list packages only.
 */
export function detectVulnerabilities(
  db: TrivyDb | undefined,
  inventory: MergedInventory,
  options: DetectOptions,
): Detection {
  const logger = options.logger ?? silentLogger;
  const results: Result[] = [];
  let os = inventory.OS;
  const details = db ? vulnerabilityDetails(db) : undefined;

  if (os && inventory.Packages.length > 0) {
    const osResult = detectOs(db, details, os, inventory, options, logger);
    if (osResult) {
      results.push(osResult.result);
      os = osResult.os;
    }
  }
  const languageResults = inventory.Applications.map((application) =>
    detectApplication(db, details, application, options, logger),
  );
  languageResults.sort((a, b) => a.Target.localeCompare(b.Target));
  results.push(...languageResults);
  return { ...(os ? { os } : {}), results };
}

/**
 * The DB's vulnerability details, looked up once per ID for this detection: the binary packages of one source package
 * (libc6, libc-bin, …) share its advisories, so the same IDs come back for each of them.
 */
function vulnerabilityDetails(db: TrivyDb): (id: string) => Vulnerability | undefined {
  const seen = new Map<string, Vulnerability | undefined>();
  return (id) => {
    if (seen.has(id)) return seen.get(id);
    const found = db.vulnerability(id);
    seen.set(id, found);
    return found;
  };
}

function detectOs(
  db: TrivyDb | undefined,
  details: ((id: string) => Vulnerability | undefined) | undefined,
  os: OperatingSystem,
  inventory: MergedInventory,
  options: DetectOptions,
  logger: Logger,
): { result: Result; os: OperatingSystem } | undefined {
  const driver = osDriver(os.Family);
  const rule = osMatchingRule(os.Family);
  const target = `${options.artifactName} (${os.Family} ${os.Name})`;
  const base: Result = { Target: target, Class: 'os-pkgs', Type: os.Family, Packages: inventory.Packages };
  if (!db || !details) return { result: base, os };
  if (!driver || !rule) {
    logger.warn({ family: os.Family }, 'OS packages of this family are not matched against advisories yet');
    return { result: base, os };
  }
  const eol = isEndOfLife(driver, os, inventory.Repository, options.now);
  if (eol === undefined)
    logger.warn({ os: `${os.Family} ${os.Name}` }, 'this OS version is not in the end-of-life table');
  if (eol)
    logger.warn(
      { os: `${os.Family} ${os.Name}` },
      'This OS version is no longer supported by the distribution',
    );
  const bucket = driver.bucket(os, inventory.Repository);
  const dataSource = db.dataSource(bucket);

  const findings: DetectedVulnerability[] = [];
  const osMatch = (
    pkg: Package,
    advisory: Advisory,
    fixedVersion: string,
    vendorSeverity?: Match['vendorSeverity'],
  ) =>
    fillInfo(
      {
        advisory,
        ...(pkg.ID ? { pkgId: pkg.ID } : {}),
        pkgName: pkg.Name,
        ...(pkg.Identifier ? { pkgIdentifier: pkg.Identifier } : {}),
        installedVersion: installedVersion(pkg),
        fixedVersion,
        ...(pkg.Layer ? { layer: pkg.Layer } : {}),
        ...(dataSource ? { dataSource } : {}),
        fingerprint: fingerprint(options, target, pkg, advisory.VulnerabilityID),
        ...(vendorSeverity ? { vendorSeverity } : {}),
      },
      details(advisory.VulnerabilityID),
    );
  const redHat = os.Family === 'redhat' || os.Family === 'centos';
  const cpeIndices = new Map<string, Set<number>>();
  for (const pkg of inventory.Packages) {
    if (pkg.Name === 'gpg-pubkey' || pkg.ThirdParty) continue;
    const compared = driver.comparedVersion(pkg);
    const advisories = db.advisories(bucket, driver.packageKey(pkg));
    if (redHat) {
      const buildKey = JSON.stringify(pkg.BuildInfo ?? null);
      let indices = cpeIndices.get(buildKey);
      if (!indices)
        cpeIndices.set(buildKey, (indices = cpeIndicesFor(db, pkg.BuildInfo, driver.release(os, undefined))));
      let matches: RedHatFinding[];
      try {
        matches = matchRedHat(advisories, pkg, compared, indices, rule.scheme);
      } catch (error) {
        logger.debug({ pkg: pkg.Name, error: (error as Error).message }, 'skipping');
        continue;
      }
      for (const found of matches) {
        const advisory: Advisory = {
          VulnerabilityID: found.vulnerabilityId,
          ...(found.vendorIds.length ? { VendorIDs: found.vendorIds } : {}),
          ...(found.status ? { Status: found.status } : {}),
        };
        findings.push(
          osMatch(pkg, advisory, found.fixedVersion, { source: 'redhat', level: found.severity }),
        );
      }
      continue;
    }
    for (const advisory of advisories.flatMap((candidate) => forArchitecture(candidate, pkg))) {
      let vulnerable: boolean;
      try {
        vulnerable = isOsPackageVulnerable(compared, advisory, rule);
      } catch (error) {
        logger.debug(
          { pkg: pkg.Name, advisory: advisory.VulnerabilityID, error: (error as Error).message },
          'skipping',
        );
        continue;
      }
      if (!vulnerable || !sameFlavour(os.Family, pkg, advisory)) continue;
      findings.push(
        osMatch(
          pkg,
          advisory,
          advisory.FixedVersion ?? '',
          os.Family === 'debian' && advisory.Severity
            ? { source: 'debian', level: advisory.Severity }
            : undefined,
        ),
      );
    }
  }
  return {
    result: { ...base, Vulnerabilities: finalize(findings) },
    os: { ...os, ...(eol ? { EOSL: true } : {}) },
  };
}

/**
 * Oracle, Rocky and others store arch- or stream-specific fixes as `Entries`: each entry for the package's
 * architecture (any, when the entry names none or the package is noarch) stands for an advisory of its own.
 */
function forArchitecture(advisory: Advisory, pkg: Package): Advisory[] {
  if (!advisory.Entries?.length) return [advisory];
  return advisory.Entries.filter(
    (entry) => !entry.Arches?.length || pkg.Arch === 'noarch' || entry.Arches.includes(pkg.Arch ?? ''),
  ).map((entry) => ({
    VulnerabilityID: advisory.VulnerabilityID,
    ...(advisory.DataSource ? { DataSource: advisory.DataSource } : {}),
    ...entry,
    ...((entry.VendorIDs ?? advisory.VendorIDs) ? { VendorIDs: entry.VendorIDs ?? advisory.VendorIDs } : {}),
  }));
}

/** Oracle ships ksplice and FIPS builds of some packages: their fixes apply only to the same flavour. */
function sameFlavour(family: string, pkg: Package, advisory: Advisory): boolean {
  if (family !== 'oracle' || !advisory.FixedVersion) return true;
  const fixed = advisory.FixedVersion;
  const release = pkg.Release ?? '';
  const fips = (text: string) => text.includes('fips');
  return fixed.includes('.ksplice1.') === release.includes('.ksplice1.') && fips(fixed) === fips(release);
}

function detectApplication(
  db: TrivyDb | undefined,
  details: ((id: string) => Vulnerability | undefined) | undefined,
  application: Application,
  options: DetectOptions,
  logger: Logger,
): Result {
  const target = application.FilePath || aggregatedTargets[application.Type] || application.Type;
  const result: Result = {
    Target: target,
    Class: 'lang-pkgs',
    Type: application.Type,
    Packages: application.Packages,
  };
  const ecosystem = applicationEcosystem(application.Type);
  const scheme = ecosystem === undefined ? undefined : ecosystemScheme(ecosystem);
  if (!db || !details || !ecosystem || !scheme) return result;

  const findings: DetectedVulnerability[] = [];
  for (const pkg of application.Packages) {
    if (!pkg.Version) continue;
    for (const advisory of db.languageAdvisories(ecosystem, pkg.Name)) {
      let vulnerable: boolean;
      try {
        vulnerable = isVulnerable(pkg.Version, advisory, scheme);
      } catch (error) {
        logger.debug(
          { pkg: pkg.Name, advisory: advisory.VulnerabilityID, error: (error as Error).message },
          'skipping',
        );
        continue;
      }
      if (!vulnerable) continue;
      findings.push(fillInfo(languageMatch(pkg, advisory, application), details(advisory.VulnerabilityID)));
    }
  }
  return { ...result, Vulnerabilities: finalize(findings) };
}

function languageMatch(pkg: Package, advisory: Match['advisory'], application: Application): Match {
  const ownFile = pkg.FilePath && pkg.FilePath !== application.FilePath ? pkg.FilePath : undefined;
  return {
    advisory,
    ...(pkg.ID ? { pkgId: pkg.ID } : {}),
    pkgName: pkg.Name,
    ...(ownFile || (pkg.FilePath && aggregatedTargets[application.Type]) ? { pkgPath: pkg.FilePath } : {}),
    ...(pkg.Identifier ? { pkgIdentifier: pkg.Identifier } : {}),
    installedVersion: pkg.Version,
    fixedVersion: languageFixedVersion(advisory),
    ...(pkg.Layer ? { layer: pkg.Layer } : {}),
    ...(advisory.DataSource ? { dataSource: advisory.DataSource } : {}),
  };
}

/** Dedup (the greater FixedVersion wins) and Trivy's order. */
function finalize(findings: DetectedVulnerability[]): DetectedVulnerability[] {
  const unique = new Map<string, DetectedVulnerability>();
  for (const finding of findings) {
    const key = [
      finding.VulnerabilityID,
      finding.PkgID,
      finding.PkgName,
      finding.InstalledVersion,
      finding.PkgPath,
    ].join('/');
    const existing = unique.get(key);
    if (!existing || (finding.FixedVersion ?? '') > (existing.FixedVersion ?? '')) unique.set(key, finding);
  }
  return [...unique.values()].sort(
    (a, b) =>
      compare(a.PkgName, b.PkgName) ||
      compare(a.PkgID ?? '', b.PkgID ?? '') ||
      compare(a.InstalledVersion, b.InstalledVersion) ||
      severityRank(b.Severity) - severityRank(a.Severity) ||
      compare(a.VulnerabilityID, b.VulnerabilityID) ||
      compare(a.PkgPath ?? '', b.PkgPath ?? ''),
  );
}

function fingerprint(options: DetectOptions, target: string, pkg: Package, vulnerabilityId: string): string {
  const artifact = options.artifactId ?? options.artifactName;
  // The one-shot hash: one per finding, and a Hash object per call costs more than the digest itself.
  return `sha256:${hash('sha256', `${artifact}:${target}:${pkg.ID ?? pkg.Name}:${vulnerabilityId}`)}`;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
