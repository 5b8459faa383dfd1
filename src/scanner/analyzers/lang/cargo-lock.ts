import { AnalyzerError, type Analyzer } from '../types.ts';
import type { Package } from '../../inventory.ts';
import { baseName, isRecord, languagePackage, singleApplication } from './language-package.ts';
import type * as SmolToml from 'smol-toml';
import { lazyRequire } from '../../../util/lazy-require.ts';

/** Loaded when the first Cargo.lock is read: most images hold none. */
const toml = lazyRequire<typeof SmolToml>('smol-toml');

const type = 'cargo';

/** `Cargo.lock`: every `[[package]]` with its resolved dependencies. */
export const cargoLockAnalyzer: Analyzer = {
  type,
  version: 1,
  required: (file) => baseName(file.path) === 'Cargo.lock',
  analyze({ path, content }) {
    let document: Record<string, unknown>;
    try {
      document = toml().parse(content.toString('utf8'));
    } catch (error) {
      throw new AnalyzerError(type, path, `invalid TOML: ${(error as Error).message}`);
    }
    const entries = Array.isArray(document.package) ? document.package.filter(isRecord) : [];
    const crates = entries.flatMap((entry) =>
      typeof entry.name === 'string' && typeof entry.version === 'string'
        ? [{ name: entry.name, version: entry.version, dependencies: dependencyList(entry.dependencies) }]
        : [],
    );

    const versionsByName = new Map<string, string[]>();
    for (const crate of crates) {
      versionsByName.set(crate.name, [...(versionsByName.get(crate.name) ?? []), crate.version]);
    }

    const packages: Package[] = crates.map((crate) => {
      const dependsOn = crate.dependencies.flatMap((dependency) => {
        // Entries are "name", "name version" or "name version (source)"; a bare name is unambiguous in the lock file.
        const [depName, depVersion] = dependency.split(' ');
        if (!depName) return [];
        const version = depVersion ?? versionsByName.get(depName)?.[0];
        return version ? [`${depName}@${version}`] : [];
      });
      return languagePackage(type, { name: crate.name, version: crate.version, dependsOn: dependsOn.sort() });
    });
    return singleApplication(type, path, packages);
  },
};

function dependencyList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
