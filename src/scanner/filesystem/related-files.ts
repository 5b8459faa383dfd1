import { lstat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { readBounded } from './bounded-read.ts';
import { isSkippedDirectory } from './skipped-paths.ts';

/**
 * `readRelatedFile` for one file of a directory scan: the path is taken relative to that file's directory, must
 * stay inside the scanned root and, as in the walk itself, never passes through a symbolic link. Windows
 * separators (`..\pom.xml`, common in Maven projects written on Windows) are accepted. A file over the analysis
 * limit, a directory or anything missing reads as undefined.
 */
export function relatedFileReader(
  root: string,
  fromPath: string,
  maxBytes: number,
): (relativePath: string) => Promise<Buffer | undefined> {
  return async (relativePath) => {
    const target = resolveInside(posix.dirname(fromPath), relativePath);
    if (target === undefined) return undefined;
    let current = root;
    let size = 0;
    const parts = target.split('/');
    for (const [index, part] of parts.entries()) {
      current = join(current, part);
      let stat;
      try {
        stat = await lstat(current);
      } catch {
        return undefined;
      }
      const last = index === parts.length - 1;
      if (last ? !stat.isFile() || stat.size > maxBytes : !stat.isDirectory()) return undefined;
      size = stat.size;
    }
    try {
      return await readBounded(current, maxBytes, size);
    } catch {
      return undefined;
    }
  };
}

/** `dir` + `relative`, cleaned; undefined when it leaves the root, is absolute or passes a directory the walk skips. */
export function resolveInside(dir: string, relative: string): string | undefined {
  const slashed = relative.trim().replaceAll('\\', '/');
  if (slashed === '' || slashed.startsWith('/') || slashed.includes('\0') || /^[A-Za-z]:/.test(slashed))
    return undefined;
  const cleaned = posix.normalize(posix.join(dir === '.' ? '' : dir, slashed)).replace(/\/+$/, '');
  if (cleaned === '' || cleaned === '.' || cleaned === '..' || cleaned.startsWith('../')) return undefined;
  const parts = cleaned.split('/');
  if (parts.slice(0, -1).some((part, index) => isSkippedDirectory(parts.slice(0, index).join('/'), part)))
    return undefined;
  return cleaned;
}
