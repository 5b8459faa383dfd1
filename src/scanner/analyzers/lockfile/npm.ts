import { isRecord, parseJson, stringField } from '../lang/language-package.ts';
import { AnalyzerError, type Analyzer } from '../types.ts';
import {
  hasBaseName,
  isInsideNodeModules,
  lockFileApplication,
  type LockedPackage,
} from './locked-package.ts';

const type = 'npm';
const maxNesting = 1000;
const dependencyFields = ['dependencies', 'optionalDependencies', 'peerDependencies'] as const;

/**
 * `package-lock.json` (npm 5–10, lockfile versions 1–3). Versions 2 and 3 list every installed copy under
 * `packages` keyed by its `node_modules/…` location; version 1 nests `dependencies`. The hidden lock file npm
 * keeps inside `node_modules` and lock files shipped inside dependencies are not the project's.
 */
export const npmLockAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => hasBaseName(path, 'package-lock.json') && !isInsideNodeModules(path),
  analyze({ path, content }) {
    let document: unknown;
    try {
      document = parseJson(content);
    } catch (error) {
      throw new AnalyzerError(type, path, `invalid JSON: ${(error as Error).message}`);
    }
    if (!isRecord(document)) throw new AnalyzerError(type, path, 'not a JSON object');
    const locked = isRecord(document.packages)
      ? fromPackages(document.packages)
      : isRecord(document.dependencies)
        ? fromDependencies(document.dependencies, path)
        : undefined;
    if (!locked) throw new AnalyzerError(type, path, 'neither "packages" nor "dependencies" is an object');
    return lockFileApplication(type, path, locked);
  },
};

/** Lockfile v2/v3: `packages` keyed by install location; `""` is the project, other non-node_modules keys workspaces. */
function fromPackages(packages: Record<string, unknown>): LockedPackage[] {
  const entries = new Map<string, Record<string, unknown>>();
  for (const [location, entry] of Object.entries(packages)) if (isRecord(entry)) entries.set(location, entry);

  // Direct dependencies are the ones the project or one of its workspaces names, installed where Node finds them first.
  const directNames = new Set<string>();
  for (const [location, entry] of entries) {
    if (location.includes('node_modules/')) continue;
    for (const field of [...dependencyFields, 'devDependencies'])
      if (isRecord(entry[field])) for (const name of Object.keys(entry[field])) directNames.add(name);
  }

  const idAt = (location: string): string | undefined => {
    const entry = entries.get(location);
    const version = entry && stringField(entry, 'version');
    return version ? `${packageName(location, entry)}@${version}` : undefined;
  };
  const resolve = (from: string, dependency: string): string | undefined => {
    // Node's lookup: the package's own node_modules, then each enclosing node_modules up to the root.
    let base = from;
    for (;;) {
      const candidate = base === '' ? `node_modules/${dependency}` : `${base}/node_modules/${dependency}`;
      const id = entries.has(candidate) ? idAt(candidate) : undefined;
      if (id || base === '') return id;
      const cut = base.lastIndexOf('node_modules/');
      base = cut <= 0 ? '' : base.slice(0, cut - 1);
    }
  };

  const locked: LockedPackage[] = [];
  for (const [location, entry] of entries) {
    if (!location.includes('node_modules/') || entry.link === true) continue;
    const version = stringField(entry, 'version');
    if (!version) continue;
    const name = packageName(location, entry);
    const topLevel = location === `node_modules/${name}`;
    const dependsOn = dependencyFields
      .flatMap((field) => (isRecord(entry[field]) ? Object.keys(entry[field]) : []))
      .map((dependency) => resolve(location, dependency))
      .filter((id): id is string => id !== undefined);
    const license = stringField(entry, 'license');
    locked.push({
      name,
      version,
      dev: entry.dev === true,
      relationship: topLevel && directNames.has(name) ? 'direct' : 'indirect',
      dependsOn,
      ...(license ? { licenses: [license] } : {}),
    });
  }
  return locked;
}

/** `node_modules/@scope/name` → `@scope/name`; an aliased install records the real name in `name`. */
function packageName(location: string, entry: Record<string, unknown>): string {
  const named = stringField(entry, 'name');
  if (named) return named;
  const cut = location.lastIndexOf('node_modules/');
  return location.slice(cut + 'node_modules/'.length);
}

/** Lockfile v1: nested `dependencies`; `requires` name packages found in this or an enclosing level. */
function fromDependencies(root: Record<string, unknown>, path: string): LockedPackage[] {
  const locked: LockedPackage[] = [];
  const walk = (level: Record<string, unknown>, scopes: Record<string, unknown>[], depth: number) => {
    if (depth > maxNesting)
      throw new AnalyzerError(type, path, `dependencies nested deeper than ${maxNesting}`);
    const here = [level, ...scopes];
    for (const [name, entry] of Object.entries(level)) {
      if (!isRecord(entry)) continue;
      const version = stringField(entry, 'version');
      const nested = isRecord(entry.dependencies) ? entry.dependencies : {};
      if (version && !/^(file|link|git\+|github):/.test(version)) {
        const dependsOn = (isRecord(entry.requires) ? Object.keys(entry.requires) : []).flatMap(
          (required) => {
            for (const scope of [nested, ...here]) {
              const found = scope[required];
              const foundVersion = isRecord(found) ? stringField(found, 'version') : undefined;
              if (foundVersion) return [`${required}@${foundVersion}`];
            }
            return [];
          },
        );
        locked.push({
          name,
          version,
          dev: entry.dev === true,
          relationship: depth === 0 ? 'unknown' : 'indirect',
          dependsOn,
        });
      }
      walk(nested, here, depth + 1);
    }
  };
  walk(root, [], 0);
  return locked;
}
