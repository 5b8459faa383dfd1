import type { Analyzer, AnalysisInput, AnalysisResult, FileInfo } from '../../types.ts';
import { parseMd5sums } from './md5sums.ts';
import { parseDpkgStatus } from './status.ts';

const statusFile = 'var/lib/dpkg/status';
const statusDir = 'var/lib/dpkg/status.d/';
const infoDir = 'var/lib/dpkg/info/';

/**
 * dpkg: the installed-package database (`var/lib/dpkg/status`, or one paragraph per file in `status.d/` on
 * distroless images) and the per-package file lists (`info/*.md5sums`, `status.d/*.md5sums`). Lists come back
 * as `packageFiles`; the layer step joins them with `attachPackageFiles`.
 */
export const dpkgAnalyzer: Analyzer = {
  type: 'dpkg',
  version: 1,
  required(file: FileInfo): boolean {
    if (file.path === statusFile) return true;
    if (directChild(file.path, statusDir)) return true;
    return directChild(file.path, infoDir) && file.path.endsWith('.md5sums');
  },
  analyze(input: AnalysisInput): AnalysisResult | undefined {
    if (input.path.endsWith('.md5sums')) {
      const list = parseMd5sums(input.path, input.content);
      return list === undefined ? undefined : { packageFiles: [list] };
    }
    const packages = parseDpkgStatus(input.content);
    if (packages.length === 0) return undefined;
    return { packageInfos: [{ FilePath: input.path, Packages: packages }] };
  },
};

function directChild(path: string, dir: string): boolean {
  return path.startsWith(dir) && path.length > dir.length && !path.includes('/', dir.length);
}
