/**
 * RPM versions (`[epoch:]version[-release]`) compared with rpmvercmp, including `~` (sorts before the base) and
 * `^` (sorts after the base but before the next segment). As in the library Trivy uses, the version/release split is
 * at the first `-`, a non-numeric epoch counts as 0, and the release is always compared (empty sorts first).
 */
import { defineScheme } from './define.ts';
import { compareDigits, isAsciiDigit, orderingConstraint } from './constraint-syntax.ts';
import type { ParsedVersion } from './types.ts';

export interface RpmVersion extends ParsedVersion {
  readonly epoch: number;
  readonly version: string;
  readonly release: string;
}

export function parseRpm(raw: string): RpmVersion | undefined {
  if (raw.trim() === '') return undefined;
  let rest = raw;
  let epoch = 0;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const epochText = rest.slice(0, colon).trimStart();
    epoch = /^[0-9]{1,9}$/.test(epochText) ? Number(epochText) : 0;
    rest = rest.slice(colon + 1);
  }
  const hyphen = rest.indexOf('-');
  return {
    original: raw,
    epoch,
    version: hyphen >= 0 ? rest.slice(0, hyphen) : rest,
    release: hyphen >= 0 ? rest.slice(hyphen + 1) : '',
  };
}

const SEGMENT = /[a-zA-Z]+|[0-9]+|[~^]/g;

export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  const segmentsA = a.match(SEGMENT) ?? [];
  const segmentsB = b.match(SEGMENT) ?? [];
  const shared = Math.min(segmentsA.length, segmentsB.length);
  for (let i = 0; i < shared; i++) {
    const x = segmentsA[i]!;
    const y = segmentsB[i]!;
    for (const marker of ['~', '^']) {
      if (x === marker || y === marker) {
        if (x !== marker) return 1;
        if (y !== marker) return -1;
      }
    }
    const xNumeric = isAsciiDigit(x[0]);
    const yNumeric = isAsciiDigit(y[0]);
    if (xNumeric !== yNumeric) return xNumeric ? 1 : -1;
    const result = xNumeric ? compareDigits(x, y) : x < y ? -1 : x > y ? 1 : 0;
    if (result !== 0) return result;
  }
  if (segmentsA.length === segmentsB.length) return 0;
  // A leftover tilde means a pre-release of the common prefix; otherwise the side with more segments is newer.
  if (segmentsA.length > shared && segmentsA[shared] === '~') return -1;
  if (segmentsB.length > shared && segmentsB[shared] === '~') return 1;
  return segmentsA.length > segmentsB.length ? 1 : -1;
}

export function compareRpm(a: RpmVersion, b: RpmVersion): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return rpmvercmp(a.version, b.version) || rpmvercmp(a.release, b.release);
}

export const rpmScheme = defineScheme({
  name: 'rpm',
  parse: parseRpm,
  compare: compareRpm,
  parseConstraint: (raw) => orderingConstraint(raw, parseRpm, compareRpm),
});
