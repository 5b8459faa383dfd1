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

/** The patterns without leading or trailing slashes, empty ones dropped. */
function normalised(skip: SkipPaths | undefined): { files: string[]; dirs: string[] } {
  return {
    files: (skip?.files ?? []).map(normalise).filter(Boolean),
    dirs: (skip?.dirs ?? []).map(normalise).filter(Boolean),
  };
}

/** A test for relative paths (`usr/lib/x`), or undefined when nothing is skipped. */
export function pathSkipper(skip: SkipPaths | undefined): ((path: string) => boolean) | undefined {
  const { files, dirs } = normalised(skip);
  if (files.length === 0 && dirs.length === 0) return undefined;
  // A path lies below a skipped directory when it matches `<dir>/**`.
  const patterns = Object.freeze([...files, ...dirs.map((dir) => `${dir}/**`)]);
  return (path) => matchesSkipPattern(path, patterns);
}

/** Part of the layer cache key: an analysis made with other skip settings is another analysis. */
export function skipPathsKey(skip: SkipPaths | undefined): string {
  const { files, dirs } = normalised(skip);
  if (files.length === 0 && dirs.length === 0) return 'none';
  return createHash('sha256')
    .update(JSON.stringify({ files: files.sort(), dirs: dirs.sort() }))
    .digest('hex')
    .slice(0, 16);
}

/** `--skip-files a,b --skip-files c` → `['a', 'b', 'c']`. */
export function splitPatternLists(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
}

/** `--skip-files` / `--skip-dirs` as commander collects them (repeatable comma lists). */
export function skipPathsFromFlags(flags: {
  skipFiles?: readonly string[];
  skipDirs?: readonly string[];
}): SkipPaths {
  return { files: splitPatternLists(flags.skipFiles), dirs: splitPatternLists(flags.skipDirs) };
}
