import { isRecord } from '../lang/language-package.ts';
import type { Analyzer } from '../types.ts';
import { hasBaseName, lockFileApplication, type LockedPackage } from './locked-package.ts';
import { normalizePythonName, parseTomlLock } from './toml-lock.ts';

const type = 'poetry';

/**
 * `poetry.lock`: one `[[package]]` per locked distribution with its dependency names; Poetry before 1.5 marks
 * development packages with `category = "dev"`.
 */
export const poetryLockAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => hasBaseName(path, 'poetry.lock'),
  analyze({ path, content }) {
    const document = parseTomlLock(type, path, content);
    const entries = Array.isArray(document.package) ? document.package.filter(isRecord) : [];
    const versions = new Map<string, string>();
    for (const entry of entries)
      if (typeof entry.name === 'string' && typeof entry.version === 'string')
        versions.set(normalizePythonName(entry.name), `${entry.name}@${entry.version}`);
    const locked: LockedPackage[] = entries.flatMap((entry) => {
      if (typeof entry.name !== 'string' || typeof entry.version !== 'string') return [];
      const dependsOn = (isRecord(entry.dependencies) ? Object.keys(entry.dependencies) : [])
        .map((name) => versions.get(normalizePythonName(name)))
        .filter((id): id is string => id !== undefined);
      return [{ name: entry.name, version: entry.version, dev: entry.category === 'dev', dependsOn }];
    });
    return lockFileApplication(type, path, locked);
  },
};
