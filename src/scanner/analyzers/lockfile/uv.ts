import { isRecord } from '../lang/language-package.ts';
import type { Analyzer } from '../types.ts';
import { hasBaseName, lockFileApplication, type LockedPackage } from './locked-package.ts';
import { normalizePythonName, parseTomlLock } from './toml-lock.ts';

const type = 'uv';

interface UvPackage {
  name: string;
  version: string;
  root: boolean;
  dependencies: string[];
  devDependencies: string[];
}

/**
 * `uv.lock`: the project itself is the package whose source is `editable` or `virtual`; what its `dependencies`
 * reach is production, what only its `dev-dependencies` reach is development.
 */
export const uvLockAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => hasBaseName(path, 'uv.lock'),
  analyze({ path, content }) {
    const document = parseTomlLock(type, path, content);
    const names = (list: unknown) =>
      Array.isArray(list)
        ? list.flatMap((item) =>
            isRecord(item) && typeof item.name === 'string' ? [normalizePythonName(item.name)] : [],
          )
        : [];
    const packages = new Map<string, UvPackage>();
    for (const entry of Array.isArray(document.package) ? document.package.filter(isRecord) : []) {
      if (typeof entry.name !== 'string') continue;
      const source = isRecord(entry.source) ? entry.source : {};
      const optional = isRecord(entry['optional-dependencies'])
        ? Object.values(entry['optional-dependencies']).flatMap(names)
        : [];
      const devGroups = isRecord(entry['dev-dependencies'])
        ? Object.values(entry['dev-dependencies']).flatMap(names)
        : [];
      packages.set(normalizePythonName(entry.name), {
        name: entry.name,
        version: typeof entry.version === 'string' ? entry.version : '',
        root: 'editable' in source || 'virtual' in source,
        dependencies: [...names(entry.dependencies), ...optional],
        devDependencies: devGroups,
      });
    }
    const roots = [...packages.values()].filter((pkg) => pkg.root);
    const reach = (start: string[]) => {
      const seen = new Set<string>();
      const queue = [...start];
      while (queue.length > 0) {
        const name = queue.pop()!;
        if (seen.has(name)) continue;
        seen.add(name);
        queue.push(...(packages.get(name)?.dependencies ?? []));
      }
      return seen;
    };
    const production = reach(roots.flatMap((root) => root.dependencies));
    const direct = new Set(roots.flatMap((root) => [...root.dependencies, ...root.devDependencies]));
    const locked: LockedPackage[] = [];
    for (const [key, pkg] of packages) {
      if (pkg.root || pkg.version === '') continue;
      locked.push({
        name: pkg.name,
        version: pkg.version,
        dev: roots.length > 0 && !production.has(key),
        relationship: roots.length === 0 ? 'unknown' : direct.has(key) ? 'direct' : 'indirect',
        dependsOn: pkg.dependencies.flatMap((name) => {
          const target = packages.get(name);
          return target && !target.root && target.version ? [`${target.name}@${target.version}`] : [];
        }),
      });
    }
    return lockFileApplication(type, path, locked);
  },
};
