import type { PackageFiles } from '../../types.ts';
import { AnalyzerError } from '../../types.ts';
import type { PackageInfo } from '../../../inventory.ts';

/**
 * A `<name>[:<arch>].md5sums` file: `<md5>  <path>` per file the package installed, path without its leading slash.
 * Throws on a line of another shape (a truncated or foreign file) rather than guessing.
 */
export function parseMd5sums(path: string, content: Buffer): PackageFiles | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1, -'.md5sums'.length);
  if (base === '') return undefined;
  const colon = base.indexOf(':');
  const entry: PackageFiles = {
    packageName: colon === -1 ? base : base.slice(0, colon),
    files: installedPaths(path, content),
  };
  if (colon !== -1) entry.arch = base.slice(colon + 1);
  return entry;
}

function installedPaths(path: string, content: Buffer): string[] {
  const files: string[] = [];
  const text = content.toString('utf8');
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    const separator = line.indexOf('  ');
    if (separator === -1 || separator === 0) {
      throw new AnalyzerError('dpkg', path, `line ${lineNumber} is not "<md5>  <path>"`);
    }
    const file = line.slice(separator + 2);
    files.push(file.startsWith('/') ? file : `/${file}`);
  }
  return files;
}

/**
 * Joins the files lists of one layer to that layer's dpkg packages: by name, else by `name:arch` (Multi-Arch:
 * same packages keep `libc6:amd64.md5sums`). Returns new PackageInfos; packages without a list are unchanged.
 */
export function attachPackageFiles(
  packageInfos: readonly PackageInfo[],
  lists: readonly PackageFiles[],
): PackageInfo[] {
  const byKey = new Map<string, string[]>();
  for (const list of lists) {
    const key = list.arch === undefined ? list.packageName : `${list.packageName}:${list.arch}`;
    byKey.set(key, list.files);
  }
  return packageInfos.map((info) => ({
    ...info,
    Packages: info.Packages.map((pkg) => {
      const files = byKey.get(pkg.Name) ?? byKey.get(`${pkg.Name}:${pkg.Arch ?? ''}`);
      return files === undefined ? pkg : { ...pkg, InstalledFiles: [...files] };
    }),
  }));
}
