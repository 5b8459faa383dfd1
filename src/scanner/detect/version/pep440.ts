/**
 * Python versions (PEP 440). Parsing and normalisation (aliases such as `alpha`/`c`/`preview`, `-`/`_` separators,
 * `v` prefix, implicit post releases) come from @renovatebot/pep440; ordering and specifiers follow pypa/packaging,
 * which Trivy's go-pep440-version ports, with pre-releases always included: dev < pre (a < b < rc) < final < post,
 * local versions after their public version, `<V`/`>V` excluding pre-/post-releases and local versions of V itself.
 * Trivy's extra operators `=` and bare versions mean `==`; `===` is not supported.
 */
import { explain } from '@renovatebot/pep440';
import { defineScheme, type VersionPredicate } from './define.ts';
import {
  alternativesOf,
  anyOf,
  compareStrings,
  readComparators,
  type Operator,
} from './constraint-syntax.ts';
import type { ParsedVersion } from './types.ts';

export interface Pep440Version extends ParsedVersion {
  readonly epoch: number;
  readonly release: readonly number[];
  /** `a`, `b` or `rc` with its number. */
  readonly pre: readonly [string, number] | undefined;
  readonly post: number | undefined;
  readonly dev: number | undefined;
  /** Local segment parts, numbers as numbers (`ubuntu.1` → ['ubuntu', 1]); empty when there is none. */
  readonly local: readonly (string | number)[];
}

export function parsePep440(raw: string): Pep440Version | undefined {
  const explained = explain(raw.trim());
  if (!explained) return undefined;
  const pre = explained.pre ? ([String(explained.pre[0]), Number(explained.pre[1])] as const) : undefined;
  return {
    original: raw,
    epoch: explained.epoch,
    release: explained.release,
    pre,
    post: explained.post === null ? undefined : Number(explained.post),
    dev: explained.dev === null ? undefined : Number(explained.dev),
    local: explained.local
      ? explained.local.split('.').map((part) => (/^[0-9]+$/.test(part) ? Number(part) : part))
      : [],
  };
}

function compareNumbers(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function compareRelease(a: readonly number[], b: readonly number[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const result = compareNumbers(a[i] ?? 0, b[i] ?? 0);
    if (result !== 0) return result;
  }
  return 0;
}

const PRE_ORDER: Record<string, number> = { a: 0, b: 1, rc: 2 };

/** Rank of the pre-release slot: a dev-only release sorts before any pre-release, a final after all of them. */
function preRank(v: Pep440Version): [number, number] {
  if (v.pre) return [PRE_ORDER[v.pre[0]] ?? 0, v.pre[1]];
  if (v.post === undefined && v.dev !== undefined) return [-Infinity, 0];
  return [Infinity, 0];
}

function compareLocal(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (typeof x !== typeof y) return typeof x === 'string' ? -1 : 1;
    const result = typeof x === 'number' ? compareNumbers(x, y as number) : compareStrings(x, y as string);
    if (result !== 0) return result;
  }
  return compareNumbers(a.length, b.length);
}

function comparePublic(a: Pep440Version, b: Pep440Version): number {
  if (a.epoch !== b.epoch) return compareNumbers(a.epoch, b.epoch);
  const release = compareRelease(a.release, b.release);
  if (release !== 0) return release;
  const [aPre, aPreNumber] = preRank(a);
  const [bPre, bPreNumber] = preRank(b);
  if (aPre !== bPre) return compareNumbers(aPre, bPre);
  if (aPreNumber !== bPreNumber) return compareNumbers(aPreNumber, bPreNumber);
  const post = compareNumbers(a.post ?? -Infinity, b.post ?? -Infinity);
  if (post !== 0) return post;
  return compareNumbers(a.dev ?? Infinity, b.dev ?? Infinity);
}

export function comparePep440(a: Pep440Version, b: Pep440Version): number {
  return comparePublic(a, b) || compareLocal(a.local, b.local);
}

const isPreRelease = (v: Pep440Version): boolean => v.pre !== undefined || v.dev !== undefined;
const sameBase = (a: Pep440Version, b: Pep440Version): boolean =>
  a.epoch === b.epoch && compareRelease(a.release, b.release) === 0;

/** packaging's `_version_split` of the normalised public version, with the release zero-padded to `padTo`. */
function prefixTokens(v: Pep440Version, padTo: number): string[] {
  const release = v.release.map(String);
  while (release.length < padTo) release.push('0');
  const tokens = [String(v.epoch), ...release];
  if (v.pre) tokens.push(`${v.pre[0]}${v.pre[1]}`);
  if (v.post !== undefined) tokens.push(`post${v.post}`);
  if (v.dev !== undefined) tokens.push(`dev${v.dev}`);
  return tokens;
}

/** `==X.*`: X is a prefix of the version's public part (`1.1a1` starts with `1.1`, `1.10` does not). */
function prefixMatches(v: Pep440Version, prefix: Pep440Version): boolean {
  const expected = prefixTokens(prefix, 0);
  const actual = prefixTokens(v, prefix.release.length).slice(0, expected.length);
  return actual.length === expected.length && actual.every((token, i) => token === expected[i]);
}

function specifierPredicate(op: Operator, text: string): VersionPredicate<Pep440Version> | string {
  const wildcard = text.endsWith('.*');
  const spec = parsePep440(wildcard ? text.slice(0, -2) : text);
  if (!spec) return `version parse error (${text})`;
  const hasLocal = spec.local.length > 0;
  if (wildcard && !(op === '=' || op === '!=')) return `a wildcard is not allowed with ${op}`;
  if (wildcard && (spec.dev !== undefined || hasLocal))
    return 'a wildcard cannot be combined with a dev or local version';
  if (hasLocal && !(op === '=' || op === '!=')) return 'local versions cannot be specified';

  const equal = (v: Pep440Version): boolean => {
    if (wildcard) return prefixMatches(v, spec);
    return hasLocal ? comparePep440(v, spec) === 0 : comparePublic(v, spec) === 0;
  };
  switch (op) {
    case '=':
      return equal;
    case '!=':
      return (v) => !equal(v);
    case '<=':
      return (v) => comparePublic(v, spec) <= 0;
    case '>=':
      return (v) => comparePublic(v, spec) >= 0;
    // Pre-releases of V do not satisfy <V unless V is itself a pre-release (<3.1 rejects 3.1rc1, accepts 3.0rc1).
    case '<':
      return (v) =>
        comparePublic(v, spec) < 0 && !(!isPreRelease(spec) && isPreRelease(v) && sameBase(v, spec));
    // Post-releases and local versions of V do not satisfy >V (>3.1 rejects 3.1.post1 and 3.1+local).
    case '>':
      return (v) =>
        comparePep440(v, spec) > 0 &&
        !(spec.post === undefined && v.post !== undefined && sameBase(v, spec)) &&
        !(v.local.length > 0 && sameBase(v, spec));
    case '~=': {
      if (spec.release.length < 2) return 'the compatible operator needs at least two release segments';
      const prefix: Pep440Version = {
        original: text,
        epoch: spec.epoch,
        release: spec.release.slice(0, -1),
        pre: undefined,
        post: undefined,
        dev: undefined,
        local: [],
      };
      return (v) => comparePublic(v, spec) >= 0 && prefixMatches(v, prefix);
    }
    default:
      return `unsupported operator ${op}`;
  }
}

const OPERATORS = ['===', '~=', '==', '!=', '<=', '>=', '<', '>', '='];
const isVersionChar = (char: string): boolean => /[0-9A-Za-z.!+_\-*]/.test(char);

function parsePep440Constraint(raw: string): VersionPredicate<Pep440Version> | string {
  const groups: VersionPredicate<Pep440Version>[][] = [];
  for (const alternative of alternativesOf(raw)) {
    const text = alternative.trim() === '*' ? '>=0.0.0' : alternative;
    const comparators = readComparators(text, OPERATORS, isVersionChar);
    if (typeof comparators === 'string') return comparators;
    const group: VersionPredicate<Pep440Version>[] = [];
    for (const { op, version } of comparators) {
      const predicate = specifierPredicate(op, version);
      if (typeof predicate === 'string') return predicate;
      group.push(predicate);
    }
    groups.push(group);
  }
  return anyOf(groups);
}

export const pep440Scheme = defineScheme({
  name: 'pep440',
  parse: parsePep440,
  compare: comparePep440,
  parseConstraint: parsePep440Constraint,
});
