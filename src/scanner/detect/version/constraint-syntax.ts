/**
 * Building blocks shared by the constraint parsers of the Go libraries Trivy uses: `||` separates alternatives,
 * and within one alternative every `operator version` pair found is AND-ed.
 */
import type { VersionPredicate } from './define.ts';

/** Canonical comparison operators; `=>`/`=<`/`==`/empty are spelled this way after `canonicalOperator`. */
export type Operator = '=' | '!=' | '>' | '<' | '>=' | '<=' | '~>' | '~' | '^' | '~=' | '===';

export function canonicalOperator(op: string): Operator | undefined {
  switch (op) {
    case '':
    case '=':
    case '==':
      return '=';
    case '=>':
      return '>=';
    case '=<':
      return '<=';
    case '!=':
    case '>':
    case '<':
    case '>=':
    case '<=':
    case '~>':
    case '~':
    case '^':
    case '~=':
    case '===':
      return op;
    default:
      return undefined;
  }
}

/** Applies an ordering operator to a comparison result (`version` compared with the constraint's version). */
export function orderingHolds(op: '=' | '!=' | '>' | '<' | '>=' | '<=', cmp: number): boolean {
  switch (op) {
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
    case '>':
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '>=':
      return cmp >= 0;
    case '<=':
      return cmp <= 0;
  }
}

export interface Comparator {
  readonly op: Operator;
  readonly version: string;
}

/**
 * Reads one alternative written as `op version` pairs separated by whitespace and/or one comma, rejecting anything
 * else (the `validConstraintRegexp` of go-npm-version, go-pep440-version and go-mvn-version), without a regex that
 * could backtrack badly on hostile input. `operators` must list longer spellings before their prefixes.
 */
export function readComparators(
  alternative: string,
  operators: readonly string[],
  isVersionChar: (char: string) => boolean,
): Comparator[] | string {
  const comparators: Comparator[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < alternative.length && /\s/.test(alternative[i]!)) i++;
  };
  skipSpace();
  while (i < alternative.length) {
    const spelled = operators.find((candidate) => alternative.startsWith(candidate, i)) ?? '';
    const op = canonicalOperator(spelled);
    if (op === undefined) return `unknown operator ${JSON.stringify(spelled)}`;
    i += spelled.length;
    skipSpace();
    const start = i;
    while (i < alternative.length && isVersionChar(alternative[i]!)) i++;
    if (i === start) return `expected a version at offset ${start} of ${JSON.stringify(alternative)}`;
    comparators.push({ op, version: alternative.slice(start, i) });
    skipSpace();
    if (alternative[i] === ',') {
      i++;
      skipSpace();
    }
  }
  if (comparators.length === 0) return 'empty constraint';
  return comparators;
}

/** OR of AND groups. */
export function anyOf<V>(alternatives: readonly (readonly VersionPredicate<V>[])[]): VersionPredicate<V> {
  return (version) => alternatives.some((group) => group.every((predicate) => predicate(version)));
}

/** Splits a constraint into its `||` alternatives. */
export function alternativesOf(constraint: string): string[] {
  return constraint.split('||');
}

/** Compares two non-negative decimal digit strings of any length. */
export function compareDigits(a: string, b: string): number {
  const x = stripLeadingZeros(a);
  const y = stripLeadingZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function stripLeadingZeros(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  return digits.slice(i);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isAsciiDigit(char: string | undefined): boolean {
  if (char === undefined) return false;
  const code = char.charCodeAt(0);
  return code >= 48 && code <= 57;
}

export function isAsciiLetter(char: string | undefined): boolean {
  if (char === undefined) return false;
  const code = char.charCodeAt(0) | 0x20;
  return code >= 97 && code <= 122;
}

const ORDERING_COMPARATOR = /^(>=|<=|>>|<<|==|=>|=<|!=|=|>|<|) *([^\s<>=!~^]\S*)$/;

/**
 * Constraints for the OS schemes, whose advisories carry a fixed version rather than a range: `op version` entries
 * joined by `,` and `||`, with Debian's `<<`/`>>` accepted for strictly less/greater.
 */
export function orderingConstraint<V>(
  raw: string,
  parse: (version: string) => V | undefined,
  compare: (a: V, b: V) => number,
): VersionPredicate<V> | string {
  const groups: VersionPredicate<V>[][] = [];
  for (const alternative of alternativesOf(raw)) {
    const group: VersionPredicate<V>[] = [];
    for (const text of alternative.split(',')) {
      // Trimmed and with inner whitespace collapsed first, so the regex never backtracks over long blank runs.
      const match = ORDERING_COMPARATOR.exec(text.trim().replace(/\s+/g, ' '));
      if (!match) return `improper constraint: ${text.trim()}`;
      const bound = parse(match[2]!);
      if (bound === undefined) return `version parse error (${match[2]})`;
      const spelled = match[1] === '>>' ? '>' : match[1] === '<<' ? '<' : match[1]!;
      const op = canonicalOperator(spelled) as '=' | '!=' | '>' | '<' | '>=' | '<=';
      group.push((v) => orderingHolds(op, compare(v, bound)));
    }
    groups.push(group);
  }
  return anyOf(groups);
}
