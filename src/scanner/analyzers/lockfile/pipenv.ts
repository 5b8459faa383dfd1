import { isRecord, parseJson, stringField } from '../lang/language-package.ts';
import { AnalyzerError, type Analyzer } from '../types.ts';
import { hasBaseName, lockFileApplication, type LockedPackage } from './locked-package.ts';

const type = 'pipenv';

/** `Pipfile.lock`: `default` holds what the application installs, `develop` the development-only packages. */
export const pipenvLockAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => hasBaseName(path, 'Pipfile.lock'),
  analyze({ path, content }) {
    let document: unknown;
    try {
      document = parseJson(content);
    } catch (error) {
      throw new AnalyzerError(type, path, `invalid JSON: ${(error as Error).message}`);
    }
    if (!isRecord(document)) throw new AnalyzerError(type, path, 'not a JSON object');
    const locked: LockedPackage[] = [];
    for (const [section, dev] of [
      ['default', false],
      ['develop', true],
    ] as const) {
      const packages = document[section];
      if (!isRecord(packages)) continue;
      for (const [name, entry] of Object.entries(packages)) {
        if (!isRecord(entry)) continue;
        const version = stringField(entry, 'version')?.replace(/^===?/, '');
        if (version) locked.push({ name, version, dev });
      }
    }
    return lockFileApplication(type, path, locked);
  },
};
