import { parse as parseYaml } from 'yaml';
import { isRecord } from '../lang/language-package.ts';
import { AnalyzerError, type Analyzer } from '../types.ts';
import {
  hasBaseName,
  isInsideNodeModules,
  lockFileApplication,
  type LockedPackage,
} from './locked-package.ts';

const type = 'pnpm';

/**
 * `pnpm-lock.yaml`, lockfile versions 5 (`/name/1.0.0_peer`), 6 (`/name@1.0.0(peer@2)`) and 9 (`name@1.0.0`, with
 * the dependency graph under `snapshots`). Direct dependencies come from the importers (the project and its
 * workspaces); a package is a dev dependency when only dev dependencies lead to it.
 */
export const pnpmLockAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => hasBaseName(path, 'pnpm-lock.yaml') && !isInsideNodeModules(path),
  analyze({ path, content }) {
    let document: unknown;
    try {
      document = parseYaml(content.toString('utf8'), { maxAliasCount: 100 });
    } catch (error) {
      throw new AnalyzerError(type, path, `invalid YAML: ${(error as Error).message}`);
    }
    if (!isRecord(document)) throw new AnalyzerError(type, path, 'not a YAML mapping');
    const major = Number.parseFloat(String(document.lockfileVersion ?? '5'));
    const packages = isRecord(document.packages) ? document.packages : {};
    const graph = isRecord(document.snapshots) ? document.snapshots : packages;
    const keyOf = (name: string, version: string) => packageKey(major, name, version);

    const nodes = new Map<string, { name: string; version: string; dev?: boolean; dependsOn: string[] }>();
    for (const [key, value] of Object.entries(graph)) {
      const parsed = parseKey(major, key);
      if (!parsed || !isRecord(value)) continue;
      const dependsOn = ['dependencies', 'optionalDependencies'].flatMap((field) =>
        isRecord(value[field])
          ? Object.entries(value[field]).map(([name, version]) => keyOf(name, String(version)))
          : [],
      );
      const info = isRecord(packages[key]) ? packages[key] : value;
      nodes.set(canonical(major, key), {
        ...parsed,
        ...(typeof info.dev === 'boolean' ? { dev: info.dev } : {}),
        dependsOn,
      });
    }

    const importers = isRecord(document.importers) ? document.importers : { '.': document };
    const direct = new Set<string>();
    const prodRoots: string[] = [];
    const devRoots: string[] = [];
    for (const importer of Object.values(importers)) {
      if (!isRecord(importer)) continue;
      for (const field of ['dependencies', 'optionalDependencies', 'devDependencies']) {
        if (!isRecord(importer[field])) continue;
        for (const [name, spec] of Object.entries(importer[field])) {
          const version = isRecord(spec) ? String(spec.version ?? '') : String(spec);
          const key = keyOf(name, version);
          direct.add(key);
          (field === 'devDependencies' ? devRoots : prodRoots).push(key);
        }
      }
    }
    // Lockfile 9 no longer marks dev packages: what production dependencies reach is not dev, the rest is.
    const reachable = (roots: string[]) => {
      const seen = new Set<string>();
      const queue = [...roots];
      while (queue.length > 0) {
        const key = queue.pop()!;
        if (seen.has(key)) continue;
        seen.add(key);
        queue.push(...(nodes.get(key)?.dependsOn ?? []));
      }
      return seen;
    };
    const production = reachable(prodRoots);
    const hasImporterGraph = prodRoots.length + devRoots.length > 0;

    const locked: LockedPackage[] = [];
    for (const [key, node] of nodes) {
      if (/^(link|file|workspace):/.test(node.version)) continue;
      const dev = node.dev ?? (hasImporterGraph ? !production.has(key) : false);
      locked.push({
        name: node.name,
        version: node.version,
        dev,
        relationship: hasImporterGraph ? (direct.has(key) ? 'direct' : 'indirect') : 'unknown',
        dependsOn: node.dependsOn.flatMap((target) => {
          const found = nodes.get(target);
          return found ? [`${found.name}@${found.version}`] : [];
        }),
      });
    }
    return lockFileApplication(type, path, locked);
  },
};

/** The key a dependency reference points at, in the lockfile's own key style. */
function packageKey(major: number, name: string, version: string): string {
  // A reference may already be a full key (aliases: `/real-name/1.0.0` or `real-name@1.0.0`).
  if (version.startsWith('/')) return canonical(major, version);
  if (major >= 9) return canonical(major, version.includes('@', 1) ? version : `${name}@${version}`);
  return canonical(major, major >= 6 ? `/${name}@${version}` : `/${name}/${version}`);
}

/** Keys without peer-dependency suffixes, so references and entries meet. */
function canonical(major: number, key: string): string {
  const withoutPeers = key.replace(/\(.*$/, '');
  if (major >= 6) return withoutPeers;
  return withoutPeers.replace(/^(\/(?:@[^/]+\/)?[^/]+\/[^_/]+)_.*$/, '$1');
}

/** `/@scope/name/1.0.0_peer`, `/@scope/name@1.0.0(peer)`, `@scope/name@1.0.0` → name and version. */
export function parseKey(major: number, key: string): { name: string; version: string } | undefined {
  const bare = canonical(major, key).replace(/^\//, '');
  if (major >= 6) {
    const at = bare.indexOf('@', 1);
    if (at <= 0) return undefined;
    return { name: bare.slice(0, at), version: bare.slice(at + 1) };
  }
  const slash = bare.lastIndexOf('/');
  if (slash <= 0) return undefined;
  return { name: bare.slice(0, slash), version: bare.slice(slash + 1) };
}
