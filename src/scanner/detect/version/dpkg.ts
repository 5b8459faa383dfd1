/**
 * Debian package versions (`[epoch:]upstream[-revision]`), compared with dpkg's algorithm. Used for Debian and
 * Ubuntu source versions and, as Trivy does, for Amazon Linux package versions.
 */
import { defineScheme } from './define.ts';
import { isAsciiDigit, isAsciiLetter, orderingConstraint } from './constraint-syntax.ts';
import type { ParsedVersion } from './types.ts';

export interface DpkgVersion extends ParsedVersion {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

const UPSTREAM_CHARS = /^[0-9A-Za-z.+\-~:_]*$/;
const REVISION_CHARS = /^[0-9A-Za-z.+~_]*$/;

export function parseDpkg(raw: string): DpkgVersion | undefined {
  let rest = raw.trim();
  let epoch = 0;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const epochText = rest.slice(0, colon);
    if (!/^[0-9]{1,9}$/.test(epochText)) return undefined;
    epoch = Number(epochText);
    rest = rest.slice(colon + 1);
  }
  // The revision follows the last hyphen, so the upstream part may itself contain hyphens.
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (!isAsciiDigit(upstream[0])) return undefined;
  if (!UPSTREAM_CHARS.test(upstream) || !REVISION_CHARS.test(revision)) return undefined;
  return { original: raw, epoch, upstream, revision };
}

/** dpkg's character weight: `~` before everything (even the end), then the end, letters, and other symbols. */
function weight(part: string, i: number): number {
  if (i >= part.length) return 0;
  const char = part[i]!;
  if (char === '~') return -1;
  const code = part.charCodeAt(i);
  return isAsciiLetter(char) ? code : code + 256;
}

/** Alternates a non-digit run compared by weight and a digit run compared numerically, as dpkg's verrevcmp. */
export function compareDpkgPart(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isAsciiDigit(a[i])) || (j < b.length && !isAsciiDigit(b[j]))) {
      const x = i < a.length && !isAsciiDigit(a[i]) ? weight(a, i) : 0;
      const y = j < b.length && !isAsciiDigit(b[j]) ? weight(b, j) : 0;
      if (x !== y) return x < y ? -1 : 1;
      if (i < a.length && !isAsciiDigit(a[i])) i++;
      if (j < b.length && !isAsciiDigit(b[j])) j++;
    }
    // Digit runs compare numerically (a missing run is 0) without allocating: skip leading zeros, then the
    // longer run wins, else the first differing digit decides.
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    let firstDifference = 0;
    while (isAsciiDigit(a[i]) && isAsciiDigit(b[j])) {
      if (firstDifference === 0) firstDifference = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isAsciiDigit(a[i])) return 1;
    if (isAsciiDigit(b[j])) return -1;
    if (firstDifference !== 0) return firstDifference < 0 ? -1 : 1;
  }
  return 0;
}

export function compareDpkg(a: DpkgVersion, b: DpkgVersion): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return compareDpkgPart(a.upstream, b.upstream) || compareDpkgPart(a.revision, b.revision);
}

export const dpkgScheme = defineScheme({
  name: 'dpkg',
  parse: parseDpkg,
  compare: compareDpkg,
  parseConstraint: (raw) => orderingConstraint(raw, parseDpkg, compareDpkg),
});
