import { isRecord, parseJson, stringField } from '../lang/language-package.ts';
import { AnalyzerError, type Analyzer } from '../types.ts';
import { hasBaseName, lockFileApplication, type LockedPackage } from './locked-package.ts';

const type = 'swift';

/**
 * `Package.resolved` (Swift Package Manager, versions 1–3): pins with the repository URL and the resolved
 * `version`; the package name is the URL without scheme and `.git` (`github.com/apple/swift-log`), as Trivy's DB
 * keys Swift packages. Pins to a branch or revision have no version and are left out.
 */
export const swiftResolvedAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => hasBaseName(path, 'Package.resolved'),
  analyze({ path, content }) {
    let document: unknown;
    try {
      document = parseJson(content);
    } catch (error) {
      throw new AnalyzerError(type, path, `invalid JSON: ${(error as Error).message}`);
    }
    if (!isRecord(document)) throw new AnalyzerError(type, path, 'not a JSON object');
    const pins = Array.isArray(document.pins)
      ? document.pins
      : isRecord(document.object) && Array.isArray(document.object.pins)
        ? document.object.pins
        : [];
    const locked: LockedPackage[] = pins.filter(isRecord).flatMap((pin) => {
      const location = stringField(pin, 'location') ?? stringField(pin, 'repositoryURL');
      const version = isRecord(pin.state) ? stringField(pin.state, 'version') : undefined;
      if (!location || !version) return [];
      const name = location
        .replace(/^[a-z+]+:\/\//, '')
        .replace(/^git@([^:]+):/, '$1/')
        .replace(/\.git$/, '');
      return [{ name, version }];
    });
    return lockFileApplication(type, path, locked);
  },
};
