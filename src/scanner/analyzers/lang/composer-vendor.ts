import { AnalyzerError, type Analyzer } from '../types.ts';
import type { Package } from '../../inventory.ts';
import { isRecord, languagePackage, parseJson, singleApplication, stringField } from './language-package.ts';

const type = 'composer-vendor';

/** `vendor/composer/installed.json`: Composer 1 writes an array, Composer 2 `{ packages: [...] }`. */
export const composerVendorAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => /(^|\/)vendor\/composer\/installed\.json$/.test(path),
  analyze({ path, content }) {
    let document: unknown;
    try {
      document = parseJson(content);
    } catch (error) {
      throw new AnalyzerError(type, path, `invalid JSON: ${(error as Error).message}`);
    }
    const entries = Array.isArray(document) ? document : isRecord(document) ? document.packages : undefined;
    if (!Array.isArray(entries)) throw new AnalyzerError(type, path, 'no "packages" list');

    const installed = new Map<string, { version: string; licenses: string[]; requires: string[] }>();
    for (const entry of entries) {
      if (!isRecord(entry)) continue;
      const name = stringField(entry, 'name');
      const version = stringField(entry, 'version');
      if (!name || !version) continue;
      const licenses = Array.isArray(entry.license)
        ? entry.license.filter((license): license is string => typeof license === 'string')
        : typeof entry.license === 'string'
          ? [entry.license]
          : [];
      const requires = isRecord(entry.require) ? Object.keys(entry.require) : [];
      installed.set(name.toLowerCase(), { version, licenses, requires });
    }

    const packages: Package[] = [];
    for (const [name, { version, licenses, requires }] of installed) {
      // Platform requirements (php, ext-*) are not packages; only installed dependencies become edges.
      const dependsOn = requires
        .map((required) => required.toLowerCase())
        .filter((required) => installed.has(required))
        .map((required) => `${required}@${installed.get(required)?.version}`)
        .sort();
      packages.push(languagePackage(type, { name, version, licenses, dependsOn }));
    }
    return singleApplication(type, path, packages);
  },
};
