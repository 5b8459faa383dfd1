/**
 * The generic comparator Trivy uses for Go, Cargo, Composer, NuGet, Pub, Hex, Conan, Swift, Julia and Kubernetes
 * (aquasecurity/go-version): `v?N(.N)*[-pre][+build]` with any number of numeric segments compared after zero
 * padding (`1.0 == 1.0.0`), build metadata ignored (`+incompatible`), and semver-style pre-release ordering. Go
 * pseudo-versions (`v0.0.0-20210101000000-abcdef123456`) are pre-releases of their base and order by timestamp.
 */
import { defineScheme, type CachedScheme, type VersionPredicate } from './define.ts';
import {
  alternativesOf,
  anyOf,
  canonicalOperator,
  compareStrings,
  orderingHolds,
} from './constraint-syntax.ts';
import type { ParsedVersion, SchemeName } from './types.ts';

type PreReleasePart = bigint | string;

export interface GenericVersion extends ParsedVersion {
  readonly segments: readonly bigint[];
  /** Empty for a release. */
  readonly preRelease: readonly PreReleasePart[];
  readonly preReleaseText: string;
}

const IDENT = String.raw`[0-9A-Za-z\-~]`;
const VERSION_SOURCE =
  String.raw`v?([0-9]+(?:\.[0-9]+)*)` +
  String.raw`(?:-([0-9]+${IDENT}*(?:\.${IDENT}+)*)|-?([A-Za-z\-~]+${IDENT}*(?:\.${IDENT}+)*))?` +
  String.raw`(?:\+(${IDENT}+(?:\.${IDENT}+)*))?`;
const VERSION_RE = new RegExp(`^${VERSION_SOURCE}$`);
// Longer operators first so that alternation picks `>=` before `>`; the empty operator means equality.
const OPERATORS_SOURCE = ['~>', '>=', '=>', '<=', '=<', '==', '!=', '>', '<', '=', '~', '^']
  .map((op) => op.replace(/[\^]/g, '\\^'))
  .join('|');
const COMPARATOR_RE = new RegExp(String.raw`(${OPERATORS_SOURCE}|)\s*(${VERSION_SOURCE})`, 'g');

const UINT64_MAX = 2n ** 64n - 1n;

function toUint64(digits: string): bigint | undefined {
  if (!/^[0-9]+$/.test(digits)) return undefined;
  const value = BigInt(digits);
  return value <= UINT64_MAX ? value : undefined;
}

export function parseGeneric(raw: string): GenericVersion | undefined {
  const match = VERSION_RE.exec(raw);
  if (!match) return undefined;
  const segments: bigint[] = [];
  for (const text of match[1]!.split('.')) {
    const value = toUint64(text);
    if (value === undefined) return undefined;
    segments.push(value);
  }
  const preReleaseText = match[3] ?? match[2] ?? '';
  return {
    original: raw,
    segments,
    preRelease: preReleaseText === '' ? [] : preReleaseText.split('.').map((part) => toUint64(part) ?? part),
    preReleaseText,
  };
}

function compareSegments(a: readonly bigint[], b: readonly bigint[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? 0n;
    const y = b[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function comparePart(a: PreReleasePart, b: PreReleasePart): number {
  if (typeof a === 'bigint') {
    if (typeof b !== 'bigint') return -1;
    return a === b ? 0 : a < b ? -1 : 1;
  }
  if (typeof b === 'bigint') return 1;
  return compareStrings(a, b);
}

function comparePreRelease(a: GenericVersion, b: GenericVersion): number {
  if (a.preReleaseText === b.preReleaseText) return 0;
  if (a.preRelease.length === 0) return 1;
  if (b.preRelease.length === 0) return -1;
  const length = Math.max(a.preRelease.length, b.preRelease.length);
  for (let i = 0; i < length; i++) {
    const x = a.preRelease[i];
    const y = b.preRelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const result = comparePart(x, y);
    if (result !== 0) return result;
  }
  return 0;
}

export function compareGeneric(a: GenericVersion, b: GenericVersion): number {
  return compareSegments(a.segments, b.segments) || comparePreRelease(a, b);
}

function withSegments(base: GenericVersion, segments: bigint[], keepPreRelease: boolean): GenericVersion {
  return keepPreRelease
    ? { ...base, segments }
    : { original: base.original, segments, preRelease: [], preReleaseText: '' };
}

/** Upper bound of `~>` (Gem::Version#bump style): `~>1.2.3` → 1.3.0, `~>1.2` → 2.0, `~>1` → 2. */
function pessimisticBump(v: GenericVersion): GenericVersion {
  const segments = [...v.segments];
  if (segments.length === 1) {
    segments[0] = segments[0]! + 1n;
    return withSegments(v, segments, true);
  }
  segments[segments.length - 1] = 0n;
  segments[segments.length - 2] = segments[segments.length - 2]! + 1n;
  return withSegments(v, segments, false);
}

/** Upper bound of `~`: `~1.2` → 1.3, otherwise like `~>`. */
function tildeBump(v: GenericVersion): GenericVersion {
  if (v.segments.length === 2) return withSegments(v, [v.segments[0]!, v.segments[1]! + 1n], true);
  return pessimisticBump(v);
}

/** Upper bound of `^`: bump the first non-zero segment (`^0.2.3` → 0.3.0), or the last one if all are zero. */
function caretBump(v: GenericVersion): GenericVersion {
  const segments = [...v.segments];
  const first = segments.findIndex((segment) => segment !== 0n);
  if (first >= 0) {
    segments[first] = segments[first]! + 1n;
    for (let i = first + 1; i < segments.length; i++) segments[i] = 0n;
  } else {
    segments[segments.length - 1] = segments[segments.length - 1]! + 1n;
  }
  return withSegments(v, segments, false);
}

function comparatorPredicate(
  opText: string,
  bound: GenericVersion,
): VersionPredicate<GenericVersion> | undefined {
  const op = canonicalOperator(opText);
  switch (op) {
    case '=':
    case '!=':
    case '>':
    case '<':
    case '>=':
    case '<=':
      return (v) => orderingHolds(op, compareGeneric(v, bound));
    case '~>':
    case '~':
    case '^': {
      const upper = op === '~>' ? pessimisticBump(bound) : op === '~' ? tildeBump(bound) : caretBump(bound);
      return (v) => compareGeneric(v, bound) >= 0 && compareGeneric(v, upper) < 0;
    }
    default:
      return undefined;
  }
}

/**
 * Like go-version's NewConstraints: every `op version` found in an alternative is AND-ed and text between them
 * (commas, spaces) is skipped; an alternative without any comparator is an error.
 */
function parseGenericConstraint(raw: string): VersionPredicate<GenericVersion> | string {
  const groups: VersionPredicate<GenericVersion>[][] = [];
  for (const alternative of alternativesOf(raw)) {
    const group: VersionPredicate<GenericVersion>[] = [];
    // Collapsing blank runs keeps the scan linear; it cannot change what matches (versions hold no whitespace).
    for (const match of alternative.replace(/\s+/g, ' ').matchAll(COMPARATOR_RE)) {
      const bound = parseGeneric(match[2]!);
      if (bound === undefined) return `version parse error (${match[2]})`;
      const predicate = comparatorPredicate(match[1]!, bound);
      if (predicate === undefined) return `unknown operator ${JSON.stringify(match[1])}`;
      group.push(predicate);
    }
    if (group.length === 0) return `improper constraint: ${alternative.trim()}`;
    groups.push(group);
  }
  return anyOf(groups);
}

export function createGenericScheme(name: SchemeName): CachedScheme<GenericVersion> {
  return defineScheme({
    name,
    parse: parseGeneric,
    compare: compareGeneric,
    parseConstraint: parseGenericConstraint,
  });
}

export const genericScheme = createGenericScheme('generic');
export const goScheme = createGenericScheme('go');
export const cargoScheme = createGenericScheme('cargo');
export const composerScheme = createGenericScheme('composer');
export const nugetScheme = createGenericScheme('nuget');
