/**
 * The two advisory matching rules of Trivy's detection as pure functions: OS packages against a fixed version
 * (spec §4.2) and language packages against vulnerable/patched/unaffected ranges (spec §4.3).
 */
import type { OsMatchingRule } from './registry.ts';
import { InvalidVersionError, type VersionScheme } from './types.ts';

/** The advisory fields the OS rule reads (Trivy DB advisory JSON, spec §1.4). */
export interface OsAdvisory {
  readonly FixedVersion?: string;
  readonly AffectedVersion?: string;
}

/**
 * Whether an installed OS package version is affected: an advisory without a fixed version matches (unfixed) unless
 * the family has no unfixed path; otherwise installed < fixed. Alpine also rejects advisories whose AffectedVersion
 * is newer than the installed version. Throws InvalidVersionError for an unparsable installed, fixed or affected
 * version (Trivy logs and skips those).
 */
export function isOsPackageVulnerable(
  installed: string,
  advisory: OsAdvisory,
  rule: OsMatchingRule,
): boolean {
  const { scheme } = rule;
  if (rule.honoursAffectedVersion && advisory.AffectedVersion) {
    if (scheme.compare(advisory.AffectedVersion, installed) > 0) return false;
  }
  const fixed = advisory.FixedVersion ?? '';
  if (fixed === '') {
    if (!rule.matchesUnfixed) return false;
    // Trivy parses the installed version before looking at advisories, so an unreadable one never matches.
    if (scheme.parse(installed) === undefined) throw new InvalidVersionError(scheme.name, installed);
    return true;
  }
  return scheme.compare(installed, fixed) < 0;
}

/** The advisory fields the language rule reads (spec §1.4). */
export interface LanguageAdvisory {
  readonly VulnerableVersions?: readonly string[];
  readonly PatchedVersions?: readonly string[];
  readonly UnaffectedVersions?: readonly string[];
}

function satisfiesAny(scheme: VersionScheme, version: string, constraints: readonly string[]): boolean {
  // Every entry must parse, as Trivy joins them with " || " into one constraint before checking.
  let matched = false;
  for (const constraint of constraints) {
    if (scheme.satisfies(version, constraint)) matched = true;
  }
  return matched;
}

/**
 * Trivy's language rule:
 * 1. an empty string among VulnerableVersions ∪ PatchedVersions ⇒ vulnerable;
 * 2. with VulnerableVersions, the version must satisfy one of them, else not vulnerable;
 * 3. secure = PatchedVersions ∪ UnaffectedVersions; when empty the result of step 2 stands (not vulnerable when
 *    there were no VulnerableVersions either), else vulnerable iff the version satisfies none of them.
 * Throws InvalidVersionError / InvalidConstraintError; Trivy logs those and treats the advisory as not matching.
 */
export function isVulnerable(version: string, advisory: LanguageAdvisory, scheme: VersionScheme): boolean {
  const vulnerable = advisory.VulnerableVersions ?? [];
  const patched = advisory.PatchedVersions ?? [];
  const unaffected = advisory.UnaffectedVersions ?? [];
  if (vulnerable.includes('') || patched.includes('')) return true;

  let matched = false;
  if (vulnerable.length > 0) {
    matched = satisfiesAny(scheme, version, vulnerable);
    if (!matched) return false;
  }
  const secure = [...patched, ...unaffected];
  if (secure.length === 0) return matched;
  return !satisfiesAny(scheme, version, secure);
}

/**
 * The FixedVersion Trivy shows for a language finding: the distinct PatchedVersions joined by ", "; without them,
 * every `<X` bound (not `<=`) found in VulnerableVersions.
 */
export function languageFixedVersion(advisory: LanguageAdvisory): string {
  const patched = advisory.PatchedVersions ?? [];
  if (patched.length > 0) return [...new Set(patched)].join(', ');
  const bounds: string[] = [];
  for (const range of advisory.VulnerableVersions ?? []) {
    for (const part of range.split(',')) {
      const comparator = part.trim();
      if (comparator.startsWith('<') && !comparator.startsWith('<=')) bounds.push(comparator.slice(1).trim());
    }
  }
  return [...new Set(bounds)].join(', ');
}
