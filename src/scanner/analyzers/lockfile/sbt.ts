import { isRecord, parseJson, stringField } from '../lang/language-package.ts';
import { AnalyzerError, type Analyzer } from '../types.ts';
import { lockFileApplication, type LockedPackage } from './locked-package.ts';

const type = 'sbt';

/** sbt-dependency-lock files (`build.sbt.lock`, `*.sbt.lock`): `dependencies` with `org`, `name`, `version`. */
export const sbtLockAnalyzer: Analyzer = {
  type: 'sbt-lockfile',
  version: 1,
  required: ({ path }) => path.endsWith('.sbt.lock'),
  analyze({ path, content }) {
    let document: unknown;
    try {
      document = parseJson(content);
    } catch (error) {
      throw new AnalyzerError(type, path, `invalid JSON: ${(error as Error).message}`);
    }
    if (!isRecord(document) || !Array.isArray(document.dependencies))
      throw new AnalyzerError(type, path, 'no "dependencies" list');
    const locked: LockedPackage[] = document.dependencies.filter(isRecord).flatMap((entry) => {
      const group = stringField(entry, 'org');
      const artifact = stringField(entry, 'name');
      const version = stringField(entry, 'version');
      if (!group || !artifact || !version) return [];
      const configurations = Array.isArray(entry.configurations) ? entry.configurations.map(String) : [];
      return [
        {
          name: `${group}:${artifact}`,
          version,
          id: `${group}:${artifact}:${version}`,
          dev: configurations.length > 0 && configurations.every((name) => /^test/i.test(name)),
        },
      ];
    });
    return lockFileApplication(type, path, locked);
  },
};
