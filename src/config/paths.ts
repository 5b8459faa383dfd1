import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Default cache directory, as Trivy resolves it but under our own name:
 * `$XDG_CACHE_HOME/trivy-ts`, else `~/.cache/trivy-ts`. An existing Trivy cache dir works with `--cache-dir`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'trivy-ts');
}

/** Trivy's layout of the vulnerability DB inside a cache dir. */
export function dbDir(cacheDir: string): string {
  return join(cacheDir, 'db');
}

export function dbFilePath(cacheDir: string): string {
  return join(dbDir(cacheDir), 'trivy.db');
}

export function dbMetadataPath(cacheDir: string): string {
  return join(dbDir(cacheDir), 'metadata.json');
}
