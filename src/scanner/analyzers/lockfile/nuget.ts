import { isRecord, parseJson, stringField } from '../lang/language-package.ts';
import { AnalyzerError, type Analyzer } from '../types.ts';
import { hasBaseName, lockFileApplication, type LockedPackage } from './locked-package.ts';

const type = 'nuget';

/**
 * `packages.lock.json` (NuGet lock file): per target framework, `Direct` and `Transitive` packages with the
 * `resolved` version and their dependencies' names; project references are part of the solution, not packages.
 */
export const nugetLockAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => hasBaseName(path, 'packages.lock.json'),
  analyze({ path, content }) {
    let document: unknown;
    try {
      document = parseJson(content);
    } catch (error) {
      throw new AnalyzerError(type, path, `invalid JSON: ${(error as Error).message}`);
    }
    if (!isRecord(document) || !isRecord(document.dependencies))
      throw new AnalyzerError(type, path, 'no "dependencies" object');
    const locked: LockedPackage[] = [];
    for (const framework of Object.values(document.dependencies)) {
      if (!isRecord(framework)) continue;
      const resolved = new Map<string, string>();
      for (const [name, entry] of Object.entries(framework)) {
        const version = isRecord(entry) ? stringField(entry, 'resolved') : undefined;
        if (version) resolved.set(name.toLowerCase(), `${name}@${version}`);
      }
      for (const [name, entry] of Object.entries(framework)) {
        if (!isRecord(entry) || entry.type === 'Project') continue;
        const version = stringField(entry, 'resolved');
        if (!version) continue;
        locked.push({
          name,
          version,
          relationship: entry.type === 'Direct' ? 'direct' : 'indirect',
          dependsOn: (isRecord(entry.dependencies) ? Object.keys(entry.dependencies) : [])
            .map((dependency) => resolved.get(dependency.toLowerCase()))
            .filter((id): id is string => id !== undefined),
        });
      }
    }
    return lockFileApplication(type, path, locked);
  },
};
