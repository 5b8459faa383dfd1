import { posix } from 'node:path';

/** Files the secret scanner never opens: VCS internals, dependency trees, lock files and binary formats. */
export const defaultSkipPatterns: readonly string[] = Object.freeze([
  '**/.git/**',
  '**/node_modules/**',
  '**/go.mod',
  '**/go.sum',
  '**/package-lock.json',
  '**/yarn.lock',
  '**/pnpm-lock.yaml',
  '**/Pipfile.lock',
  '**/Gemfile.lock',
  '**/*.{jpg,png,gif,doc,pdf,bin,svg,socket,deb,rpm,zip,gz,gzip,tar}',
]);

/** Files smaller than this hold no secret worth reporting (Trivy's threshold). */
export const minScannedSize = 10;

/** Above this, Trivy warns that the file costs a lot of memory and suggests `--skip-files`. */
export const largeFileWarningSize = 10 * 1024 * 1024;

/** Strips leading slashes: globs and the built-in allow paths are written for image-relative paths. */
export function relativePath(path: string): string {
  let i = 0;
  while (i < path.length && path.charCodeAt(i) === 0x2f) i++;
  return path.slice(i);
}

export function matchesSkipPattern(path: string, patterns: readonly string[]): boolean {
  const rel = relativePath(path);
  return compiledPatterns(patterns).some(
    ({ pattern, literal, suffixes }) =>
      rel.includes(literal) &&
      (suffixes === undefined || suffixes.some((suffix) => rel.endsWith(suffix))) &&
      posix.matchesGlob(rel, pattern),
  );
}

interface SkipPattern {
  pattern: string;
  /** Text every match contains; a path without it cannot match, so the costly glob test is skipped. */
  literal: string;
  /** Endings of which every match has one (see requiredSuffixes); undefined when the pattern gives none. */
  suffixes: string[] | undefined;
}

/** The walker asks for every file of an image; `matchesGlob` compiles its pattern on each call. */
const compiledLists = new WeakMap<readonly string[], SkipPattern[]>();

function compiledPatterns(patterns: readonly string[]): SkipPattern[] {
  let compiled = compiledLists.get(patterns);
  if (!compiled) {
    compiled = patterns.map((pattern) => ({
      pattern,
      literal: requiredLiteral(pattern),
      suffixes: requiredSuffixes(pattern),
    }));
    compiledLists.set(patterns, compiled);
  }
  return compiled;
}

/**
 * The longest run of plain characters outside `{…}` and `[…]` groups: any path the glob matches contains it.
 * Patterns using escapes, negation or extglobs get no literal (always tested).
 */
export function requiredLiteral(pattern: string): string {
  if (/[\\()|@+!]/.test(pattern)) return '';
  let longest = '';
  let run = '';
  let depth = 0;
  const keep = () => {
    // `**/x` also matches `x` at the root: the slashes next to a wildcard are not part of every match.
    const trimmed = run.replace(/^\/+|\/+$/g, '');
    if (trimmed.length > longest.length) longest = trimmed;
    run = '';
  };
  for (const char of pattern) {
    if (char === '{' || char === '[') depth++;
    if (depth > 0 || char === '*' || char === '?') keep();
    else run += char;
    if ((char === '}' || char === ']') && depth > 0) depth--;
  }
  keep();
  return longest;
}

/**
 * The endings a match must have when the pattern's last segment ends in plain text, optionally around one `{…}`
 * group of plain alternatives: a last segment `*.{jpg,png}` gives `.jpg` and `.png`, `go.sum` gives `go.sum`. The
 * extension pattern's literal (`.`) is in nearly every path, its endings in few. Undefined when the pattern ends in a
 * wildcard, or uses escapes, negation, extglobs, nested groups or ranges.
 */
export function requiredSuffixes(pattern: string): string[] | undefined {
  if (/[\\()|@+!]/.test(pattern)) return undefined;
  const segment = pattern.slice(pattern.lastIndexOf('/') + 1);
  const tail = segment.slice(
    Math.max(segment.lastIndexOf('*'), segment.lastIndexOf('?'), segment.lastIndexOf(']')) + 1,
  );
  const group = /^([^{}[\]]*)\{([^{}[\]]*)\}([^{}[\]]*)$/.exec(tail);
  if (group) {
    const [, before = '', alternatives = '', after = ''] = group;
    // Without a comma minimatch reads the braces literally; `..` would be a range.
    if (!alternatives.includes(',') || alternatives.includes('..')) return undefined;
    return alternatives.split(',').map((alternative) => `${before}${alternative}${after}`);
  }
  if (tail === '' || /[{}[\]]/.test(tail)) return undefined;
  return [tail];
}

/** How many leading bytes the binary test looks at. */
export const binaryHeadSize = 300;

/**
 * The `file(1)` test Trivy uses: a control character other than BEL..CR (except VT) and ESC among the first
 * 300 bytes marks the content as binary.
 */
export function isBinaryContent(content: Uint8Array): boolean {
  const n = Math.min(content.length, binaryHeadSize);
  for (let i = 0; i < n; i++) {
    const b = content[i]!;
    if (b < 7 || b === 11 || (b > 13 && b < 27) || (b > 27 && b < 0x20) || b === 0x7f) return true;
  }
  return false;
}

/** Binaries Trivy still scans, through their printable strings: compiled Python keeps string constants verbatim. */
export function isScannableBinary(path: string): boolean {
  return posix.extname(path) === '.pyc';
}

/** Go's unicode.IsPrint for a single byte taken as a code point (ASCII graphic + space, Latin-1 graphic). */
function isPrintableByte(b: number): boolean {
  if (b >= 0x20 && b <= 0x7e) return true;
  return b >= 0xa1 && b !== 0xad;
}

const minPrintableRun = 5;

/** Like `strings(1)`: runs of at least 5 printable bytes, each followed by a newline. */
export function extractPrintableStrings(content: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(content.length + 1);
  let written = 0;
  let runStart = 0;
  const flush = (end: number): void => {
    if (end - runStart >= minPrintableRun) {
      out.set(content.subarray(runStart, end), written);
      written += end - runStart;
      out[written++] = 0x0a;
    }
  };
  for (let i = 0; i < content.length; i++) {
    if (!isPrintableByte(content[i]!)) {
      flush(i);
      runStart = i + 1;
    }
  }
  flush(content.length);
  return out.subarray(0, written);
}
