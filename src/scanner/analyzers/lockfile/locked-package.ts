import type { Package, PackageRelationship } from '../../inventory.ts';
import { baseName, languagePackage } from '../lang/language-package.ts';
import type { AnalysisResult } from '../types.ts';

/** One resolved dependency as a lock file records it. */
export interface LockedPackage {
  name: string;
  version: string;
  /** Needed only for development (npm `dev`, Pipfile `develop`, poetry `dev` group): dropped unless asked for. */
  dev?: boolean;
  relationship?: PackageRelationship;
  /** IDs (`name@version`) of the locked packages this one depends on. */
  dependsOn?: string[];
  licenses?: string[];
  /** Maven IDs are `group:artifact:version`; everything else `name@version`. */
  id?: string;
}

const relationshipRank: Record<PackageRelationship, number> = {
  root: 4,
  workspace: 3,
  direct: 2,
  indirect: 1,
  unknown: 0,
};

/**
 * The application one lock file describes: packages in ID order, one per ID (a package installed at several places
 * is one package; it is a dev dependency only if every copy is, and direct if any copy is).
 */
export function lockFileApplication(
  type: string,
  path: string,
  locked: readonly LockedPackage[],
): AnalysisResult | undefined {
  const byId = new Map<string, LockedPackage>();
  for (const entry of locked) {
    if (!entry.name) continue;
    const id = entry.id ?? (entry.version ? `${entry.name}@${entry.version}` : entry.name);
    const seen = byId.get(id);
    if (!seen) {
      byId.set(id, { ...entry, id });
      continue;
    }
    const relationship =
      relationshipRank[entry.relationship ?? 'unknown'] > relationshipRank[seen.relationship ?? 'unknown']
        ? entry.relationship
        : seen.relationship;
    byId.set(id, {
      ...seen,
      dev: (seen.dev ?? false) && (entry.dev ?? false),
      ...(relationship ? { relationship } : {}),
      dependsOn: [...new Set([...(seen.dependsOn ?? []), ...(entry.dependsOn ?? [])])],
    });
  }
  const packages = [...byId.values()]
    .sort((a, b) => compare(a.id ?? '', b.id ?? ''))
    .map((entry): Package => {
      const pkg = languagePackage(type, {
        name: entry.name,
        version: entry.version,
        ...(entry.licenses ? { licenses: entry.licenses } : {}),
        dependsOn: [...new Set(entry.dependsOn ?? [])].filter((id) => id !== entry.id).sort(compare),
        ...(entry.dev ? { dev: true } : {}),
      });
      if (entry.id) pkg.ID = entry.id;
      if (entry.relationship) {
        pkg.Relationship = entry.relationship;
        if (entry.relationship === 'indirect') pkg.Indirect = true;
      }
      return pkg;
    });
  if (packages.length === 0) return undefined;
  return { applications: [{ Type: type, FilePath: path, Packages: packages }] };
}

/** Lock files inside installed dependencies belong to those dependencies' own builds, not to the project. */
export function isInsideNodeModules(path: string): boolean {
  return path.split('/').includes('node_modules');
}

export function hasBaseName(path: string, ...names: string[]): boolean {
  return names.includes(baseName(path));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
