import { createHash } from 'node:crypto';
import { matchesSkipPattern } from '../../util/path-globs.ts';

/**
 * Trivy's `--skip-files` and `--skip-dirs` (the operator's `trivy.skipFiles` / `trivy.skipDirs`): globs over paths
 * relative to the image or directory root, a leading `/` allowed. A skipped file is neither analysed nor scanned for
 * secrets; a skipped directory skips everything below it.
 */
export interface SkipPaths {
  files: readonly string[];
  dirs: readonly string[];
}

const normalise = (pattern: string) => pattern.trim().replace(/^\/+/, '').replace(/\/+$/, '');

/** A test for relative paths (`usr/lib/x`), or undefined when nothing is skipped. */
export function pathSkipper(skip: SkipPaths | undefined): ((path: string) => boolean) | undefined {
  const files = (skip?.files ?? []).map(normalise).filter(Boolean);
  const dirs = (skip?.dirs ?? []).map(normalise).filter(Boolean);
  if (files.length === 0 && dirs.length === 0) return undefined;
  // A path lies below a skipped directory when it matches `<dir>/**`.
  const patterns = Object.freeze([...files, ...dirs.map((dir) => `${dir}/**`)]);
  return (path) => matchesSkipPattern(path, patterns);
}

/** Part of the layer cache key: an analysis made with other skip settings is another analysis. */
export function skipPathsKey(skip: SkipPaths | undefined): string {
  const files = (skip?.files ?? []).map(normalise).filter(Boolean).sort();
  const dirs = (skip?.dirs ?? []).map(normalise).filter(Boolean).sort();
  if (files.length === 0 && dirs.length === 0) return 'none';
  return createHash('sha256').update(JSON.stringify({ files, dirs })).digest('hex').slice(0, 16);
}

/** `--skip-files a,b --skip-files c` → `['a', 'b', 'c']`. */
export function splitPatternLists(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
}
