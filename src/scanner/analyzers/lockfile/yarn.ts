import { parse as parseYaml } from 'yaml';
import { isRecord } from '../lang/language-package.ts';
import { AnalyzerError, type Analyzer } from '../types.ts';
import {
  hasBaseName,
  isInsideNodeModules,
  lockFileApplication,
  type LockedPackage,
} from './locked-package.ts';

const type = 'yarn';

interface YarnEntry {
  patterns: string[];
  name: string;
  version: string;
  /** `name@range` patterns of its dependencies, resolved through the pattern index. */
  dependencies: string[];
  /** Workspaces, links and local folders are part of the project, not dependencies. */
  local: boolean;
}

/**
 * `yarn.lock`: the classic (v1) format, or the YAML one of Yarn 2+ (`__metadata`). Each entry maps the requested
 * patterns (`lodash@^4.17.0, lodash@^4.17.20`) to one resolved version.
 */
export const yarnLockAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => hasBaseName(path, 'yarn.lock') && !isInsideNodeModules(path),
  analyze({ path, content }) {
    const text = content.toString('utf8');
    const entries = /^__metadata:/m.test(text) ? parseBerry(text, path) : parseClassic(text, path);
    const byPattern = new Map<string, YarnEntry>();
    for (const entry of entries) for (const pattern of entry.patterns) byPattern.set(pattern, entry);
    const locked: LockedPackage[] = entries
      .filter((entry) => !entry.local)
      .map((entry) => ({
        name: entry.name,
        version: entry.version,
        dependsOn: entry.dependencies.flatMap((pattern) => {
          const target = byPattern.get(pattern);
          return target && !target.local ? [`${target.name}@${target.version}`] : [];
        }),
      }));
    return lockFileApplication(type, path, locked);
  },
};

/** `@scope/name@^1.0.0` → `@scope/name`: the range starts at the first `@` after a possible scope. */
export function patternName(pattern: string): string {
  const at = pattern.indexOf('@', 1);
  return at > 0 ? pattern.slice(0, at) : pattern;
}

const unquote = (value: string) => value.trim().replace(/^"(.*)"$/, '$1');

function parseClassic(text: string, path: string): YarnEntry[] {
  const entries: YarnEntry[] = [];
  let current: (YarnEntry & { version: string }) | undefined;
  let inDependencies = false;
  const finish = () => {
    if (current && current.version) entries.push(current);
    current = undefined;
  };
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      finish();
      if (!line.endsWith(':')) throw new AnalyzerError(type, path, `line ${index + 1}: expected "pattern:"`);
      const patterns = line
        .slice(0, -1)
        .split(',')
        .map(unquote)
        .filter((pattern) => pattern !== '');
      const name = patternName(patterns[0] ?? '');
      const local = patterns.some((pattern) => /@(file|link|portal|workspace):/.test(pattern));
      current = { patterns, name, version: '', dependencies: [], local };
      inDependencies = false;
      return;
    }
    if (!current) throw new AnalyzerError(type, path, `line ${index + 1}: field outside an entry`);
    const field = line.trim();
    if (indent <= 2) {
      inDependencies = field === 'dependencies:' || field === 'optionalDependencies:';
      const version = /^version:?\s+(.+)$/.exec(field);
      if (version?.[1]) current.version = unquote(version[1]);
      return;
    }
    if (inDependencies) {
      const space = field.search(/\s/);
      if (space > 0)
        current.dependencies.push(`${unquote(field.slice(0, space))}@${unquote(field.slice(space))}`);
    }
  });
  finish();
  return entries;
}

function parseBerry(text: string, path: string): YarnEntry[] {
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new AnalyzerError(type, path, `invalid YAML: ${(error as Error).message}`);
  }
  if (!isRecord(document)) throw new AnalyzerError(type, path, 'not a YAML mapping');
  const entries: YarnEntry[] = [];
  for (const [key, value] of Object.entries(document)) {
    if (key === '__metadata' || !isRecord(value)) continue;
    const patterns = key.split(',').map((pattern) => pattern.trim());
    const version = typeof value.version === 'string' ? value.version : String(value.version ?? '');
    const resolution = typeof value.resolution === 'string' ? value.resolution : '';
    const name = patternName(resolution || patterns[0] || '');
    const local =
      /@(workspace|link|portal|file):/.test(resolution) || version === '0.0.0-use.local' || version === '';
    const dependencies = isRecord(value.dependencies)
      ? Object.entries(value.dependencies).map(([dependency, range]) => {
          const spec = String(range);
          // Yarn 2+ keys its entries with an explicit protocol; a bare range in a dependency means npm.
          return `${dependency}@${/^[a-z]+:/.test(spec) ? spec : `npm:${spec}`}`;
        })
      : [];
    entries.push({ patterns, name, version, dependencies, local });
  }
  return entries;
}
