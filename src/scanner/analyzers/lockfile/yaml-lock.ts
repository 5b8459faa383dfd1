import { parse as parseYaml } from 'yaml';
import { isRecord } from '../lang/language-package.ts';
import { AnalyzerError } from '../types.ts';

/** Parses a YAML lock file (aliases bounded against billion-laughs documents) into a mapping. */
export function parseYamlLock(type: string, path: string, content: Buffer): Record<string, unknown> {
  let document: unknown;
  try {
    document = parseYaml(content.toString('utf8'), { maxAliasCount: 100 });
  } catch (error) {
    throw new AnalyzerError(type, path, `invalid YAML: ${(error as Error).message}`);
  }
  if (!isRecord(document)) throw new AnalyzerError(type, path, 'not a YAML mapping');
  return document;
}
