import type { Analyzer } from '../types.ts';
import { hasBaseName, lockFileApplication, type LockedPackage } from './locked-package.ts';
import { parseYamlLock } from './yaml-lock.ts';

const type = 'cocoapods';

/**
 * `Podfile.lock`: `PODS` lists `Name (version)` entries, either plain strings or a mapping from the pod to the
 * pods it depends on (`Name (constraint)`, resolved through the same list).
 */
export const cocoapodsLockAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => hasBaseName(path, 'Podfile.lock'),
  analyze({ path, content }) {
    const document = parseYamlLock(type, path, content);
    const pods = Array.isArray(document.PODS) ? document.PODS : [];
    const entries: { name: string; version: string; dependencies: string[] }[] = [];
    for (const pod of pods) {
      const [spec, dependencies] =
        typeof pod === 'string'
          ? [pod, []]
          : typeof pod === 'object' && pod !== null
            ? (Object.entries(pod)[0] ?? ['', []])
            : ['', []];
      const match = /^(\S+) \(([^)]+)\)$/.exec(String(spec));
      if (!match?.[1] || !match[2]) continue;
      entries.push({
        name: match[1],
        version: match[2],
        dependencies: Array.isArray(dependencies)
          ? dependencies.map((d) => String(d).split(' ')[0] ?? '')
          : [],
      });
    }
    const versions = new Map(entries.map((entry) => [entry.name, entry.version]));
    const locked: LockedPackage[] = entries.map((entry) => ({
      name: entry.name,
      version: entry.version,
      dependsOn: entry.dependencies.flatMap((name) => {
        const version = versions.get(name);
        return version ? [`${name}@${version}`] : [];
      }),
    }));
    return lockFileApplication(type, path, locked);
  },
};
