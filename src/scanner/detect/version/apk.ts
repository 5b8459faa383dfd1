/**
 * Alpine (apk) versions, compared the way apk-tools' version.c does and as Trivy's apk comparator ports it:
 * numbers separated by dots, an optional lower-case letter, `_suffix[N]` tokens (`_alpha _beta _pre _rc` are
 * pre-releases, `_cvs _svn _git _hg _p` post-releases) and a final `-rN` revision. A dot component with leading zeros
 * sorts like a decimal fraction. Ordering example: `1.2_rc1 < 1.2 < 1.2-r1 < 1.2_p1 < 1.2a < 1.2.1`.
 */
import { defineScheme } from './define.ts';
import { isAsciiDigit, orderingConstraint } from './constraint-syntax.ts';
import type { ParsedVersion } from './types.ts';

/** Token kinds in the order that decides ties: a side whose next token kind is lower is the newer one. */
const Kind = {
  Invalid: -1,
  DigitOrZero: 0,
  Digit: 1,
  Letter: 2,
  Suffix: 3,
  SuffixNumber: 4,
  RevisionNumber: 5,
  End: 6,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

interface Token {
  readonly value: number;
  /** Kind of the token that follows this one. */
  readonly next: Kind;
}

export interface ApkVersion extends ParsedVersion {
  readonly tokens: readonly Token[];
}

// `b` (after `beta`, so that `_beta` wins) is accepted as Trivy's apk comparator does (`10.0.0_b2`).
const PRE_RELEASE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc', 'b'];
const POST_RELEASE_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

function isLowerLetter(char: string | undefined): boolean {
  return char !== undefined && char >= 'a' && char <= 'z';
}

class Cursor {
  readonly text: string;
  position = 0;

  constructor(text: string) {
    this.text = text;
  }

  get atEnd(): boolean {
    return this.position >= this.text.length;
  }

  /** The kind of the token starting at the cursor, given the kind just read; consumes separators. */
  nextKind(current: Kind): Kind {
    if (this.atEnd) return Kind.End;
    const char = this.text[this.position]!;
    let kind: Kind = Kind.Invalid;
    if ((current === Kind.Digit || current === Kind.DigitOrZero) && isLowerLetter(char)) kind = Kind.Letter;
    else if (current === Kind.Letter && isAsciiDigit(char)) kind = Kind.Digit;
    else if (current === Kind.Suffix && isAsciiDigit(char)) kind = Kind.SuffixNumber;
    else if (char === '.') kind = Kind.DigitOrZero;
    else if (char === '_') kind = Kind.Suffix;
    else if (char === '-' && this.text[this.position + 1] === 'r') kind = Kind.RevisionNumber;

    if (kind === Kind.DigitOrZero || kind === Kind.Suffix) this.position += 1;
    else if (kind === Kind.RevisionNumber) this.position += 2;

    if (kind < current) {
      const allowed =
        (kind === Kind.DigitOrZero && current === Kind.Digit) ||
        (kind === Kind.Suffix && current === Kind.SuffixNumber) ||
        (kind === Kind.Digit && current === Kind.Letter);
      if (!allowed) return Kind.Invalid;
    }
    return kind;
  }

  readNumber(): number {
    let value = 0;
    while (!this.atEnd && isAsciiDigit(this.text[this.position])) {
      value = value * 10 + (this.text.charCodeAt(this.position) - 48);
      this.position += 1;
    }
    return value;
  }

  readSuffix(): number | undefined {
    const pre = PRE_RELEASE_SUFFIXES.findIndex((suffix) => this.text.startsWith(suffix, this.position));
    if (pre >= 0) {
      this.position += PRE_RELEASE_SUFFIXES[pre]!.length;
      return pre - PRE_RELEASE_SUFFIXES.length;
    }
    const post = POST_RELEASE_SUFFIXES.findIndex((suffix) => this.text.startsWith(suffix, this.position));
    if (post >= 0) {
      this.position += POST_RELEASE_SUFFIXES[post]!.length;
      return post;
    }
    return undefined;
  }

  /** Reads the token of kind `kind` and returns its value and the kind of the following token. */
  readToken(kind: Kind): Token {
    let value: number;
    let next: Kind | undefined;
    switch (kind) {
      case Kind.DigitOrZero:
        if (this.text[this.position] === '0') {
          // "1.05" holds "0" and "5": each leading zero lowers the value, so 1.001 < 1.01 < 1.1.
          value = 0;
          while (this.text[this.position] === '0') {
            value -= 1;
            this.position += 1;
          }
          // A zero component ends here unless digits follow. (go-apk-version inserts an empty digit token instead,
          // which ranks "1.0_rc1" above "1.0"; the spec's rule, followed here, ranks it below like any pre-release.)
          if (isAsciiDigit(this.text[this.position])) next = Kind.Digit;
          break;
        }
        value = this.readNumber();
        break;
      case Kind.Digit:
      case Kind.SuffixNumber:
      case Kind.RevisionNumber:
        value = this.readNumber();
        break;
      case Kind.Letter:
        value = this.text.charCodeAt(this.position);
        this.position += 1;
        break;
      case Kind.Suffix: {
        const suffix = this.readSuffix();
        if (suffix === undefined) return { value: -1, next: Kind.Invalid };
        value = suffix;
        break;
      }
      default:
        return { value: -1, next: Kind.Invalid };
    }
    if (this.atEnd) return { value, next: Kind.End };
    return { value, next: next ?? this.nextKind(kind) };
  }
}

export function parseApk(raw: string): ApkVersion | undefined {
  if (!isAsciiDigit(raw[0])) return undefined;
  const cursor = new Cursor(raw);
  const tokens: Token[] = [];
  let kind: Kind = Kind.Digit;
  while (kind !== Kind.End) {
    const token = cursor.readToken(kind);
    if (token.next === Kind.Invalid) return undefined;
    tokens.push(token);
    kind = token.next;
  }
  return { original: raw, tokens };
}

export function compareApk(a: ApkVersion, b: ApkVersion): number {
  let aKind: Kind = Kind.Digit;
  let bKind: Kind = Kind.Digit;
  let aValue = 0;
  let bValue = 0;
  let k = 0;
  while (aKind === bKind && aKind !== Kind.End && aValue === bValue) {
    const x = a.tokens[k]!;
    const y = b.tokens[k]!;
    aValue = x.value;
    aKind = x.next;
    bValue = y.value;
    bKind = y.next;
    k += 1;
  }
  if (aValue !== bValue) return aValue < bValue ? -1 : 1;
  if (aKind === bKind) return 0;
  // Equal so far: the side that goes on is newer, unless what follows is a pre-release suffix.
  if (aKind === Kind.Suffix && a.tokens[k]!.value < 0) return -1;
  if (bKind === Kind.Suffix && b.tokens[k]!.value < 0) return 1;
  return aKind > bKind ? -1 : 1;
}

export const apkScheme = defineScheme({
  name: 'apk',
  parse: parseApk,
  compare: compareApk,
  parseConstraint: (raw) => orderingConstraint(raw, parseApk, compareApk),
});
