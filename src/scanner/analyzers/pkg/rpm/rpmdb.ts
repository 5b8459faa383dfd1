import type { Analyzer, AnalysisInput, AnalysisResult, FileInfo } from '../../types.ts';
import { AnalyzerError } from '../../types.ts';
import type { Package } from '../../../inventory.ts';
import { berkeleyDbHashValues } from './bdb.ts';
import { ndbBlobs } from './ndb.ts';
import { resolveRpmDependencies, rpmPackageFromHeader, type RpmPackage } from './package.ts';
import { rpmSqliteBlobs } from './sqlite.ts';

const type = 'rpm';

type Backend = (file: Buffer) => Iterable<Buffer>;

/** Where rpm keeps its database, per backend (`usr/share/rpm` is CoreOS's location). */
const backendByPath: ReadonlyMap<string, Backend> = new Map([
  ['var/lib/rpm/Packages', berkeleyDbHashValues],
  ['usr/lib/sysimage/rpm/Packages', berkeleyDbHashValues],
  ['var/lib/rpm/Packages.db', ndbBlobs],
  ['usr/lib/sysimage/rpm/Packages.db', ndbBlobs],
  ['var/lib/rpm/rpmdb.sqlite', rpmSqliteBlobs],
  ['usr/lib/sysimage/rpm/rpmdb.sqlite', rpmSqliteBlobs],
  ['usr/share/rpm/rpmdb.sqlite', rpmSqliteBlobs],
]);

/**
 * rpm's installed-package database in any of its three formats (Berkeley DB hash, NDB, SQLite). Each record is
 * an RPM header; IDs are `name@version-release.arch` and requirements resolve through provides to package IDs.
 */
export const rpmAnalyzer: Analyzer = {
  type,
  version: 1,
  required(file: FileInfo): boolean {
    return backendByPath.has(file.path);
  },
  analyze(input: AnalysisInput): AnalysisResult | undefined {
    const backend = backendByPath.get(input.path);
    if (backend === undefined) return undefined;
    const packages = parseRpmDatabase(input.path, input.content, backend);
    if (packages.length === 0) return undefined;
    return { packageInfos: [{ FilePath: input.path, Packages: packages }] };
  },
};

export function parseRpmDatabase(path: string, content: Buffer, backend: Backend): Package[] {
  const packages: RpmPackage[] = [];
  try {
    for (const blob of backend(content)) packages.push(rpmPackageFromHeader(blob));
  } catch (error) {
    throw new AnalyzerError(type, path, error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
  return resolveRpmDependencies(packages);
}
