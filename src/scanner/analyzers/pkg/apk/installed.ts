import type { Analyzer, AnalysisInput, AnalysisResult, FileInfo } from '../../types.ts';
import type { Package } from '../../../inventory.ts';
import { parseApkLicense } from './license.ts';

const paths: ReadonlySet<string> = new Set(['lib/apk/db/installed', 'usr/lib/apk/db/installed']);

/**
 * apk's installed database (Alpine, Wolfi, Chainguard): one record per package, `X:value` lines, records separated
 * by blank lines (apk-spec). IDs are `name@version`; dependencies resolve through package names and `p:`
 * provides (`so:libc.musl-x86_64.so.1`) to the IDs of installed packages.
 */
export const apkAnalyzer: Analyzer = {
  type: 'apk',
  version: 1,
  required(file: FileInfo): boolean {
    return paths.has(file.path);
  },
  analyze(input: AnalysisInput): AnalysisResult | undefined {
    const packages = parseApkInstalled(input.content);
    if (packages.length === 0) return undefined;
    return { packageInfos: [{ FilePath: input.path, Packages: packages }] };
  },
};

interface Record {
  pkg: Package;
  provides: string[];
  depends: string[];
}

/**
 * Each `R:` line joins the `F:` directory before it. In a real database every file also has its checksum line, so
 * the paths add up to less than the file; a crafted one (one long `F:`, thousands of bare `R:`) would expand into
 * gigabytes. Past this multiple of the file's size, further `R:` lines are ignored.
 */
const maxFileListExpansion = 8;

export function parseApkInstalled(content: Buffer): Package[] {
  const records: Record[] = [];
  let current = emptyRecord();
  let dir = '';
  let fileListChars = content.length * maxFileListExpansion;
  const finish = (): void => {
    if (current.pkg.Name !== '' && current.pkg.Version !== '') records.push(current);
    current = emptyRecord();
    dir = '';
  };
  const text = content.toString('utf8');
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.length < 2 || line[1] !== ':') {
      if (line.trim() === '') finish();
      continue;
    }
    const value = line.slice(2);
    const pkg = current.pkg;
    switch (line[0]) {
      case 'P':
        pkg.Name = value;
        break;
      case 'V':
        if (isApkVersion(value)) pkg.Version = value;
        break;
      case 'o':
        pkg.SrcName = value;
        break;
      case 'A':
        pkg.Arch = value;
        break;
      case 'L': {
        const licenses = parseApkLicense(value);
        if (licenses.length > 0) pkg.Licenses = licenses;
        break;
      }
      case 'm':
        if (value !== '') pkg.Maintainer = value;
        break;
      case 'C': {
        const digest = decodeChecksum(value);
        if (digest !== undefined) pkg.Digest = digest;
        break;
      }
      case 'F':
        dir = value;
        break;
      case 'R':
        fileListChars -= dir.length + value.length + 1;
        if (fileListChars >= 0) (pkg.InstalledFiles ??= []).push(dir === '' ? value : `${dir}/${value}`);
        break;
      case 'p':
        // A loop, not push(...spread): a provides line can hold more names than the call stack has room for.
        for (const name of value.split(/\s+/)) if (name !== '') current.provides.push(trimConstraint(name));
        break;
      case 'D':
        current.depends = value
          .split(/\s+/)
          .filter((d) => d !== '' && !d.startsWith('!'))
          .map(trimConstraint);
        break;
    }
  }
  finish();
  return resolve(records);
}

function emptyRecord(): Record {
  return { pkg: { Name: '', Version: '' }, provides: [], depends: [] };
}

/** The first record of a name wins; IDs, source version and dependency IDs are filled once all records are read. */
function resolve(records: Record[]): Package[] {
  const seen = new Set<string>();
  const kept: Record[] = [];
  for (const record of records) {
    if (seen.has(record.pkg.Name)) continue;
    seen.add(record.pkg.Name);
    kept.push(record);
  }
  const provider = new Map<string, string>();
  for (const { pkg, provides } of kept) {
    pkg.ID = `${pkg.Name}@${pkg.Version}`;
    if (pkg.SrcName !== undefined) pkg.SrcVersion = pkg.Version;
    provider.set(pkg.Name, pkg.ID);
    for (const name of provides) provider.set(name, pkg.ID);
  }
  for (const { pkg, depends } of kept) {
    const ids = new Set<string>();
    for (const name of depends) {
      const id = provider.get(name);
      if (id !== undefined) ids.add(id);
    }
    if (ids.size > 0) pkg.DependsOn = [...ids].sort();
  }
  return kept.map((record) => record.pkg);
}

/** `so:libssl.so.3=3.1.4-r1` → `so:libssl.so.3`, `musl>=1.2` → `musl`. */
function trimConstraint(requirement: string): string {
  const at = requirement.search(/[<>=~]/);
  return at === -1 ? requirement : requirement.slice(0, at);
}

/** apk versions: digits and dots, optional letter, `_suffix[N]` parts, optional `-rN`. */
const apkVersion = /^\d+(\.\d+)*[a-z]?(_(alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*(-r\d+)?$/;

export function isApkVersion(version: string): boolean {
  return version.length <= 256 && apkVersion.test(version);
}

/** `C:Q1<base64 sha1>` → `sha1:<hex>`; a bare base64 value is an MD5 (very old databases). */
function decodeChecksum(value: string): string | undefined {
  const sha1 = value.startsWith('Q1');
  const encoded = sha1 ? value.slice(2) : value;
  if (encoded === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== (sha1 ? 20 : 16)) return undefined;
  return `${sha1 ? 'sha1' : 'md5'}:${bytes.toString('hex')}`;
}
