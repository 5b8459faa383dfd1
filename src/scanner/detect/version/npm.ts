/**
 * npm semver, delegated to node-semver with `includePrerelease`, as Trivy matches npm advisories with pre-releases
 * included (`1.2.3-beta` satisfies `<1.2.5`). Advisory ranges use commas between comparators and sometimes the Go
 * library's `==`, `=>` and `=<` spellings; those are rewritten into node-semver syntax before parsing.
 */
import type * as Semver from 'semver';
import type { Comparator, SemVer } from 'semver';
import { lazyRequire } from '../../../util/lazy-require.ts';
import { defineScheme, type VersionPredicate } from './define.ts';
import { orderingHolds } from './constraint-syntax.ts';
import type { ParsedVersion } from './types.ts';

const OPTIONS = { includePrerelease: true, loose: false } as const;
/** Loaded when an npm version is first parsed: most scans have none. */
const semver = lazyRequire<typeof Semver>('semver');

export interface NpmVersion extends ParsedVersion {
  readonly semver: SemVer;
}

export function parseNpm(raw: string): NpmVersion | undefined {
  try {
    return { original: raw, semver: new (semver().SemVer)(raw.trim(), OPTIONS) };
  } catch {
    return undefined;
  }
}

export function compareNpm(a: NpmVersion, b: NpmVersion): number {
  return a.semver.compare(b.semver);
}

/** Rewrites Trivy-DB range spellings into node-semver's: `,` → space, `==` → `=`, `=>` → `>=`, `=<` → `<=`. */
export function toNodeSemverRange(constraint: string): string {
  return constraint.replace(/,/g, ' ').replace(/==/g, '=').replace(/=>/g, '>=').replace(/=</g, '<=');
}

function comparatorPredicate(comparator: Comparator): VersionPredicate<NpmVersion> {
  const bound: unknown = comparator.semver;
  // node-semver's "any version" comparator (from `*` or `x`) holds a symbol instead of a SemVer.
  if (!(bound instanceof semver().SemVer)) return () => true;
  const op = comparator.operator === '' ? '=' : comparator.operator;
  return (version) => orderingHolds(op, version.semver.compare(bound));
}

function parseNpmConstraint(raw: string): VersionPredicate<NpmVersion> | string {
  // node-semver reads an empty alternative as "any version"; in an advisory it can only be a malformed entry, and
  // matching every version on it would flood reports, so it is rejected.
  if (raw.split('||').some((alternative) => alternative.trim() === '')) return 'empty alternative';
  try {
    const range = new (semver().Range)(toNodeSemverRange(raw), OPTIONS);
    // With includePrerelease, Range#test is "every comparator of some set holds"; evaluating the desugared
    // comparators directly skips node-semver's per-call argument coercion on this hot path.
    const sets = range.set.map((set) => set.map(comparatorPredicate));
    return (version) => sets.some((set) => set.every((holds) => holds(version)));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export const npmScheme = defineScheme({
  name: 'npm',
  parse: parseNpm,
  compare: compareNpm,
  parseConstraint: parseNpmConstraint,
});
