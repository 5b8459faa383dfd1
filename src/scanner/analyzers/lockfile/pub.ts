import { isRecord } from '../lang/language-package.ts';
import type { Analyzer } from '../types.ts';
import { hasBaseName, lockFileApplication, type LockedPackage } from './locked-package.ts';
import { parseYamlLock } from './yaml-lock.ts';

const type = 'pub';

/** `pubspec.lock` (Dart, Flutter): `packages` with `version` and `dependency` (`direct main`, `direct dev`, `transitive`). */
export const pubspecLockAnalyzer: Analyzer = {
  type: 'pubspec-lock',
  version: 1,
  required: ({ path }) => hasBaseName(path, 'pubspec.lock'),
  analyze({ path, content }) {
    const document = parseYamlLock(type, path, content);
    const packages = isRecord(document.packages) ? document.packages : {};
    const locked: LockedPackage[] = [];
    for (const [name, entry] of Object.entries(packages)) {
      if (!isRecord(entry) || typeof entry.version !== 'string') continue;
      // The Dart and Flutter SDKs appear as packages from source `sdk`; they are toolchains, not dependencies.
      if (entry.source === 'sdk') continue;
      const dependency = String(entry.dependency ?? '');
      locked.push({
        name,
        version: entry.version,
        dev: dependency === 'direct dev',
        relationship: dependency.startsWith('direct')
          ? 'direct'
          : dependency === 'transitive'
            ? 'indirect'
            : 'unknown',
      });
    }
    return lockFileApplication(type, path, locked);
  },
};
