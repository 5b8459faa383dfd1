import { isRecord } from '../lang/language-package.ts';
import { AnalyzerError, type Analyzer } from '../types.ts';
import {
  hasBaseName,
  isInsideNodeModules,
  lockFileApplication,
  type LockedPackage,
} from './locked-package.ts';
import { parseJsonWithCommas } from './jsonc.ts';

const type = 'bun';

/**
 * `bun.lock` (Bun 1.2+, JSON with trailing commas): `packages` maps an install key to
 * `["name@version", registry, { dependencies… }, integrity]`; workspaces list what each project depends on.
 */
export const bunLockAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => hasBaseName(path, 'bun.lock') && !isInsideNodeModules(path),
  analyze({ path, content }) {
    let document: unknown;
    try {
      document = parseJsonWithCommas(content.toString('utf8'));
    } catch (error) {
      throw new AnalyzerError(type, path, `invalid JSON: ${(error as Error).message}`);
    }
    if (!isRecord(document) || !isRecord(document.packages))
      throw new AnalyzerError(type, path, 'no "packages" object');

    const resolved = new Map<string, { name: string; version: string; dependencies: string[] }>();
    for (const [key, value] of Object.entries(document.packages)) {
      if (!Array.isArray(value) || typeof value[0] !== 'string') continue;
      const spec = value[0];
      const at = spec.indexOf('@', 1);
      if (at <= 0) continue;
      const version = spec.slice(at + 1);
      // Workspace members, links and local folders are the project itself.
      if (/^(workspace|link|file):/.test(version)) continue;
      const meta = value.find((item, index) => index > 0 && isRecord(item)) as
        Record<string, unknown> | undefined;
      const dependencies = ['dependencies', 'optionalDependencies', 'peerDependencies'].flatMap((field) =>
        isRecord(meta?.[field]) ? Object.keys(meta[field]) : [],
      );
      resolved.set(key, { name: spec.slice(0, at), version, dependencies });
    }

    const prod = new Set<string>();
    const dev = new Set<string>();
    for (const workspace of isRecord(document.workspaces) ? Object.values(document.workspaces) : []) {
      if (!isRecord(workspace)) continue;
      for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies'])
        if (isRecord(workspace[field]))
          for (const name of Object.keys(workspace[field]))
            (field === 'devDependencies' ? dev : prod).add(name);
    }
    // A nested install is keyed `parent/child`; a dependency resolves to the nearest such key, else the top one.
    const resolve = (from: string, dependency: string) => {
      const parts = from.split('/');
      for (let i = parts.length; i >= 0; i--) {
        const key = [...parts.slice(0, i), dependency].join('/');
        if (resolved.has(key)) return key;
      }
      return undefined;
    };
    const reachable = new Set<string>();
    const queue = [...prod].filter((name) => resolved.has(name));
    while (queue.length > 0) {
      const key = queue.pop()!;
      if (reachable.has(key)) continue;
      reachable.add(key);
      for (const dependency of resolved.get(key)?.dependencies ?? []) {
        const target = resolve(key, dependency);
        if (target) queue.push(target);
      }
    }
    const hasRoots = prod.size + dev.size > 0;
    const locked: LockedPackage[] = [...resolved].map(([key, entry]) => ({
      name: entry.name,
      version: entry.version,
      dev: hasRoots && !reachable.has(key),
      relationship: hasRoots ? (prod.has(key) || dev.has(key) ? 'direct' : 'indirect') : 'unknown',
      dependsOn: entry.dependencies.flatMap((dependency) => {
        const target = resolve(key, dependency);
        const found = target ? resolved.get(target) : undefined;
        return found ? [`${found.name}@${found.version}`] : [];
      }),
    }));
    return lockFileApplication(type, path, locked);
  },
};
