/**
 * Maven versions with the semantics of Maven's ComparableVersion (3.8): items split on `.`, `-` and digit/letter
 * transitions; a `-` or a letter/digit transition opens a sub-list; numbers compare numerically; qualifiers order
 * alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp < unknown (lexical); `a`, `b`, `m`
 * directly followed by a digit abbreviate alpha, beta, milestone; trailing null items are dropped (1.0 == 1).
 */
import { defineScheme, type VersionPredicate } from './define.ts';
import {
  alternativesOf,
  anyOf,
  compareDigits,
  compareStrings,
  isAsciiDigit,
  orderingHolds,
  readComparators,
  stripLeadingZeros,
} from './constraint-syntax.ts';
import type { ParsedVersion } from './types.ts';

type Item =
  | { readonly kind: 'int'; readonly digits: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'list'; readonly items: Item[] };

export interface MavenVersion extends ParsedVersion {
  readonly items: Item & { kind: 'list' };
}

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_INDEX = QUALIFIERS.indexOf('');
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };

function stringItem(text: string, followedByDigit: boolean): Item {
  let value = text;
  if (followedByDigit && value.length === 1) {
    value = value === 'a' ? 'alpha' : value === 'b' ? 'beta' : value === 'm' ? 'milestone' : value;
  }
  return { kind: 'string', value: ALIASES[value] ?? value };
}

function parseItem(isDigit: boolean, text: string): Item {
  return isDigit ? { kind: 'int', digits: stripLeadingZeros(text) } : stringItem(text, false);
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'int':
      return item.digits === '0';
    case 'string':
      return item.value === '';
    case 'list':
      return item.items.length === 0;
  }
}

/** Drops trailing null items, looking through trailing sub-lists (ListItem.normalize). */
function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i]!;
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

export function parseMaven(raw: string): MavenVersion | undefined {
  if (raw === '') return undefined;
  const text = raw.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  const openList = (): void => {
    const child: Item[] = [];
    list.push({ kind: 'list', items: child });
    list = child;
    stack.push(child);
  };
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '.' || char === '-') {
      list.push(i === start ? { kind: 'int', digits: '0' } : parseItem(isDigit, text.slice(start, i)));
      start = i + 1;
      if (char === '-') openList();
    } else if (isAsciiDigit(char)) {
      if (!isDigit && i > start) {
        // "1.0.0.x1" < "1.0.0-x2": a qualifier after a dot is treated like one after a hyphen.
        if (list.length > 0) openList();
        list.push(stringItem(text.slice(start, i), true));
        start = i;
        openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, text.slice(start, i)));
        start = i;
        openList();
      }
      isDigit = false;
    }
  }
  if (text.length > start) {
    if (!isDigit && list.length > 0) openList();
    list.push(parseItem(isDigit, text.slice(start)));
  }
  for (let i = stack.length - 1; i >= 0; i--) normalize(stack[i]!);
  return { original: raw, items: { kind: 'list', items: root } };
}

function qualifierRank(value: string): [number, string] {
  const index = QUALIFIERS.indexOf(value);
  return index >= 0 ? [index, ''] : [QUALIFIERS.length, value];
}

function compareQualifiers(a: string, b: string): number {
  const [x, xText] = qualifierRank(a);
  const [y, yText] = qualifierRank(b);
  return x !== y ? (x < y ? -1 : 1) : compareStrings(xText, yText);
}

/** Compares an item with a missing one (the shorter side of a list). */
function compareWithMissing(item: Item): number {
  switch (item.kind) {
    case 'int':
      return item.digits === '0' ? 0 : 1;
    case 'string':
      return compareQualifiers(item.value, QUALIFIERS[RELEASE_INDEX]!);
    case 'list':
      for (const child of item.items) {
        const result = compareWithMissing(child);
        if (result !== 0) return result;
      }
      return 0;
  }
}

function compareItems(a: Item, b: Item): number {
  switch (a.kind) {
    case 'int':
      return b.kind === 'int' ? compareDigits(a.digits, b.digits) : 1;
    case 'string':
      if (b.kind === 'string') return compareQualifiers(a.value, b.value);
      return -1;
    case 'list': {
      if (b.kind === 'int') return -1;
      if (b.kind === 'string') return 1;
      const length = Math.max(a.items.length, b.items.length);
      for (let i = 0; i < length; i++) {
        const x = a.items[i];
        const y = b.items[i];
        const result =
          x === undefined
            ? y === undefined
              ? 0
              : -compareWithMissing(y)
            : y === undefined
              ? compareWithMissing(x)
              : compareItems(x, y);
        if (result !== 0) return result;
      }
      return 0;
    }
  }
}

export function compareMaven(a: MavenVersion, b: MavenVersion): number {
  return compareItems(a.items, b.items);
}

/** Canonical form as Maven prints it (`1.0alpha1` → `1-alpha-1`); handy in messages and tests. */
export function canonicalMaven(v: MavenVersion): string {
  const render = (items: readonly Item[]): string => {
    let out = '';
    for (const item of items) {
      // Like ListItem.toString: a separator only once something has been written.
      if (out.length > 0) out += item.kind === 'list' ? '-' : '.';
      out += item.kind === 'list' ? render(item.items) : item.kind === 'int' ? item.digits : item.value;
    }
    return out;
  };
  return render(v.items.items);
}

const OPERATORS = ['>=', '=>', '<=', '=<', '==', '!=', '>', '<', '='];
const isVersionChar = (char: string): boolean => /[0-9A-Za-z\-~.]/.test(char);

function parseMavenConstraint(raw: string): VersionPredicate<MavenVersion> | string {
  const groups: VersionPredicate<MavenVersion>[][] = [];
  for (const alternative of alternativesOf(raw)) {
    const comparators = readComparators(alternative, OPERATORS, isVersionChar);
    if (typeof comparators === 'string') return comparators;
    const group: VersionPredicate<MavenVersion>[] = [];
    for (const { op, version } of comparators) {
      const bound = parseMaven(version);
      if (!bound) return `version parse error (${version})`;
      if (op !== '=' && op !== '!=' && op !== '>' && op !== '<' && op !== '>=' && op !== '<=') {
        return `unsupported operator ${op}`;
      }
      group.push((v) => orderingHolds(op, compareMaven(v, bound)));
    }
    groups.push(group);
  }
  return anyOf(groups);
}

export const mavenScheme = defineScheme({
  name: 'maven',
  parse: parseMaven,
  compare: compareMaven,
  parseConstraint: parseMavenConstraint,
});
