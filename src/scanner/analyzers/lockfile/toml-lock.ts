import { parse as parseToml } from 'smol-toml';
import { AnalyzerError } from '../types.ts';

/** Parses a TOML lock file, turning syntax errors into AnalyzerErrors that name the file. */
export function parseTomlLock(type: string, path: string, content: Buffer): Record<string, unknown> {
  try {
    return parseToml(content.toString('utf8'));
  } catch (error) {
    throw new AnalyzerError(type, path, `invalid TOML: ${(error as Error).message}`);
  }
}

/** PEP 503 normalisation, so `Foo_Bar` in one table meets `foo-bar` in another. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
