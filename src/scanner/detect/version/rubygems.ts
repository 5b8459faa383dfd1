/**
 * RubyGems versions (Gem::Version): segments split on `.` and on digit/letter boundaries (`1.0.a1` → 1, 0, "a", 1),
 * `-` read as `.pre.`; any letter makes a pre-release, older than the release; numbers compare numerically, strings
 * lexically, a string sorts before a number; trailing zeros are not significant. Constraints: `,` joins
 * requirements, `||` separates alternatives, and `~>` is the pessimistic operator (`~> 2.2` means >= 2.2, < 3).
 * Also used for CocoaPods, as Trivy does.
 */
import { defineScheme, type VersionPredicate } from './define.ts';
import {
  alternativesOf,
  anyOf,
  canonicalOperator,
  compareStrings,
  orderingHolds,
} from './constraint-syntax.ts';
import type { ParsedVersion } from './types.ts';

type Segment = number | string;

export interface GemVersion extends ParsedVersion {
  /** Canonical segments: the numeric head and the rest (from the first letter), each without trailing zeros. */
  readonly segments: readonly Segment[];
  /** Numeric segments before the first letter, as written (Gem::Version#release keeps only these). */
  readonly releaseSegments: readonly number[];
}

const VERSION_PATTERN = String.raw`[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?`;
const VERSION_RE = new RegExp(String.raw`^(${VERSION_PATTERN})?$`);
const REQUIREMENT_RE = new RegExp(String.raw`^(~>|>=|=>|<=|=<|!=|=|>|<|) *(${VERSION_PATTERN})$`);
const SEGMENT_RE = /[0-9]+|[a-zA-Z]+/g;

function trimTrailingZeros(segments: Segment[]): Segment[] {
  let end = segments.length;
  while (end > 0 && segments[end - 1] === 0) end--;
  return segments.slice(0, end);
}

function fromSegments(original: string, all: readonly Segment[]): GemVersion {
  const firstString = all.findIndex((segment) => typeof segment === 'string');
  const head = (firstString < 0 ? [...all] : all.slice(0, firstString)) as number[];
  const tail = firstString < 0 ? [] : all.slice(firstString);
  return {
    original,
    segments: [...trimTrailingZeros(head), ...trimTrailingZeros([...tail])],
    releaseSegments: head,
  };
}

export function parseGem(raw: string): GemVersion | undefined {
  const match = VERSION_RE.exec(raw.trim());
  if (!match) return undefined;
  const text = (match[1] ?? '0').replace(/-/g, '.pre.');
  const all: Segment[] = [];
  for (const [segment] of text.matchAll(SEGMENT_RE)) {
    const numeric = /^[0-9]/.test(segment);
    if (numeric && segment.length > 15) return undefined;
    all.push(numeric ? Number(segment) : segment);
  }
  return fromSegments(raw, all);
}

export function compareGem(a: GemVersion, b: GemVersion): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const x = a.segments[i] ?? 0;
    const y = b.segments[i] ?? 0;
    if (x === y) continue;
    if (typeof x === 'string' && typeof y === 'number') return -1;
    if (typeof x === 'number' && typeof y === 'string') return 1;
    return typeof x === 'number' ? (x < (y as number) ? -1 : 1) : compareStrings(x, y as string);
  }
  return 0;
}

/** Gem::Version#release: the version without its pre-release part. */
function release(v: GemVersion): GemVersion {
  return fromSegments(v.original, v.releaseSegments);
}

/** Gem::Version#bump: drop the pre-release part and the last segment, then increment the new last one. */
function bump(v: GemVersion): GemVersion {
  const segments = [...v.releaseSegments];
  if (segments.length > 1) segments.pop();
  segments[segments.length - 1] = (segments[segments.length - 1] ?? 0) + 1;
  return fromSegments(v.original, segments);
}

function requirementPredicate(text: string): VersionPredicate<GemVersion> | string {
  // Trimmed and with inner whitespace collapsed first, so the regex never backtracks over long blank runs.
  const match = REQUIREMENT_RE.exec(text.trim().replace(/\s+/g, ' '));
  if (!match) return `improper constraint: ${text.trim()}`;
  const bound = parseGem(match[2]!);
  if (!bound) return `version parse error (${match[2]})`;
  const op = canonicalOperator(match[1]!);
  switch (op) {
    case '=':
    case '!=':
    case '>':
    case '<':
    case '>=':
    case '<=':
      return (v) => orderingHolds(op, compareGem(v, bound));
    case '~>': {
      const upper = bump(bound);
      return (v) => compareGem(v, bound) >= 0 && compareGem(release(v), upper) < 0;
    }
    default:
      return `unsupported operator ${match[1]}`;
  }
}

function parseGemConstraint(raw: string): VersionPredicate<GemVersion> | string {
  const groups: VersionPredicate<GemVersion>[][] = [];
  for (const alternative of alternativesOf(raw)) {
    const group: VersionPredicate<GemVersion>[] = [];
    for (const requirement of alternative.split(',')) {
      const predicate = requirementPredicate(requirement);
      if (typeof predicate === 'string') return predicate;
      group.push(predicate);
    }
    groups.push(group);
  }
  return anyOf(groups);
}

export const rubygemsScheme = defineScheme({
  name: 'rubygems',
  parse: parseGem,
  compare: compareGem,
  parseConstraint: parseGemConstraint,
});
