import { isRecord, parseJson, stringField } from '../lang/language-package.ts';
import { AnalyzerError, type Analyzer } from '../types.ts';
import { hasBaseName, lockFileApplication, type LockedPackage } from './locked-package.ts';

const type = 'composer';

/** `composer.lock`: `packages` are installed for production, `packages-dev` only for development. */
export const composerLockAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => hasBaseName(path, 'composer.lock') && !path.split('/').includes('vendor'),
  analyze({ path, content }) {
    let document: unknown;
    try {
      document = parseJson(content);
    } catch (error) {
      throw new AnalyzerError(type, path, `invalid JSON: ${(error as Error).message}`);
    }
    if (!isRecord(document)) throw new AnalyzerError(type, path, 'not a JSON object');
    const entries: { entry: Record<string, unknown>; dev: boolean }[] = [];
    for (const [section, dev] of [
      ['packages', false],
      ['packages-dev', true],
    ] as const) {
      const list = document[section];
      if (Array.isArray(list)) for (const entry of list) if (isRecord(entry)) entries.push({ entry, dev });
    }
    const ids = new Map<string, string>();
    for (const { entry } of entries) {
      const name = stringField(entry, 'name');
      const version = stringField(entry, 'version');
      if (name && version) ids.set(name.toLowerCase(), `${name}@${version}`);
    }
    const locked: LockedPackage[] = entries.flatMap(({ entry, dev }) => {
      const name = stringField(entry, 'name');
      const version = stringField(entry, 'version');
      if (!name || !version) return [];
      const licenses = Array.isArray(entry.license)
        ? entry.license.filter((license): license is string => typeof license === 'string')
        : [];
      // Platform requirements (php, ext-*) are not packages: only locked ones become edges.
      const dependsOn = (isRecord(entry.require) ? Object.keys(entry.require) : [])
        .map((required) => ids.get(required.toLowerCase()))
        .filter((id): id is string => id !== undefined);
      return [{ name, version, dev, licenses, dependsOn }];
    });
    return lockFileApplication(type, path, locked);
  },
};
