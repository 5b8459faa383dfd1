/** Turns the pure rules of one version scheme into a cached VersionScheme with typed errors. */
import { LRUCache } from 'lru-cache';
import {
  InvalidConstraintError,
  InvalidVersionError,
  type ParsedVersion,
  type SchemeName,
  type VersionScheme,
} from './types.ts';

export type VersionPredicate<V> = (version: V) => boolean;

/** The algorithm of one scheme, free of caching and error plumbing. */
export interface SchemeRules<V extends ParsedVersion> {
  readonly name: SchemeName;
  /** `undefined` when the version is invalid for this scheme. */
  parse(raw: string): V | undefined;
  compare(a: V, b: V): number;
  /** A predicate for the whole constraint (all `||` alternatives), or the reason it is invalid. */
  parseConstraint(raw: string): VersionPredicate<V> | string;
}

/** Longer inputs are rejected outright: real versions and advisory ranges are far shorter, and it bounds the work. */
export const MAX_VERSION_LENGTH = 512;
export const MAX_CONSTRAINT_LENGTH = 1024;
const CACHE_CAPACITY = 20_000;
/** Cached marker for a version the scheme rejected. */
const INVALID = { invalid: true } as const;

export interface CachedScheme<V extends ParsedVersion> extends VersionScheme {
  parse(version: string): V | undefined;
  /** Parses (with cache) or throws InvalidVersionError. */
  parseOrThrow(version: string): V;
  /** Parses a constraint (with cache) or throws InvalidConstraintError. */
  constraint(constraint: string): VersionPredicate<V>;
}

/** Wraps scheme rules with bounded caches of parsed versions and constraints and with typed errors. */
export function defineScheme<V extends ParsedVersion>(rules: SchemeRules<V>): CachedScheme<V> {
  // Version and constraint strings repeat heavily during detection (the same advisory ranges for every image), so
  // each is parsed once; the bound keeps memory flat when a scan meets millions of distinct strings. The caches are
  // created on first use: an LRUCache allocates its full capacity up front, and most schemes go unused in a scan.
  let versionCache: LRUCache<string, V | { invalid: true }> | undefined;
  let constraintCache: LRUCache<string, VersionPredicate<V> | InvalidConstraintError> | undefined;
  const versions = () => (versionCache ??= new LRUCache({ max: CACHE_CAPACITY }));
  const constraints = () => (constraintCache ??= new LRUCache({ max: CACHE_CAPACITY }));

  const parse = (raw: string): V | undefined => {
    if (typeof raw !== 'string' || raw.length > MAX_VERSION_LENGTH) return undefined;
    const cached = versions().get(raw);
    if (cached !== undefined) return cached === INVALID ? undefined : (cached as V);
    const parsed = rules.parse(raw);
    versions().set(raw, parsed ?? INVALID);
    return parsed;
  };

  const parseOrThrow = (raw: string): V => {
    const parsed = parse(raw);
    if (parsed === undefined) throw new InvalidVersionError(rules.name, raw);
    return parsed;
  };

  const constraint = (raw: string): VersionPredicate<V> => {
    if (typeof raw !== 'string') throw new InvalidConstraintError(rules.name, String(raw), 'not a string');
    if (raw.length > MAX_CONSTRAINT_LENGTH) {
      throw new InvalidConstraintError(rules.name, raw, `longer than ${MAX_CONSTRAINT_LENGTH} characters`);
    }
    let entry = constraints().get(raw);
    if (entry === undefined) {
      const result = rules.parseConstraint(raw);
      entry = typeof result === 'string' ? new InvalidConstraintError(rules.name, raw, result) : result;
      constraints().set(raw, entry);
    }
    if (entry instanceof InvalidConstraintError) throw entry;
    return entry;
  };

  return {
    name: rules.name,
    parse,
    parseOrThrow,
    constraint,
    compare(a: string, b: string): number {
      // `|| 0` turns a -0 from Math.sign into 0 so results compare equal with Object.is semantics too.
      return Math.sign(rules.compare(parseOrThrow(a), parseOrThrow(b))) || 0;
    },
    satisfies(version: string, range: string): boolean {
      const predicate = constraint(range);
      return predicate(parseOrThrow(version));
    },
  };
}
