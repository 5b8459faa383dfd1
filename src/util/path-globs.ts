import { posix } from 'node:path';

/**
 * Glob tests over image- or directory-relative paths, for every file of a scan: the secret scanner's skip list and
 * `--skip-files` / `--skip-dirs`. Each pattern list is compiled once, and cheap text tests rule most paths out
 * before `path.matchesGlob`.
 */

/** Strips leading slashes: globs and the built-in allow paths are written for image-relative paths. */
export function relativePath(path: string): string {
  let i = 0;
  while (i < path.length && path.charCodeAt(i) === 0x2f) i++;
  return path.slice(i);
}

/** Whether `path` (a leading `/` ignored) matches any of `patterns`. Keep the list object: its compiled form is cached on it. */
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
