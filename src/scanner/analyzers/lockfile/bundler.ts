import type { Analyzer } from '../types.ts';
import { hasBaseName, lockFileApplication, type LockedPackage } from './locked-package.ts';

const type = 'bundler';

/**
 * `Gemfile.lock`: under each source's `specs:` a gem is indented four spaces (`rack (3.0.8)`, platform suffixes
 * like `-x86_64-linux` dropped) and its dependencies six; `DEPENDENCIES` lists what the Gemfile asks for directly.
 */
export const bundlerLockAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => hasBaseName(path, 'Gemfile.lock'),
  analyze({ path, content }) {
    const gems = new Map<string, { version: string; dependencies: string[] }>();
    const direct = new Set<string>();
    let section = '';
    let current: { version: string; dependencies: string[] } | undefined;
    for (const line of content.toString('utf8').split(/\r?\n/)) {
      if (/^[A-Z]/.test(line)) {
        section = line.trim();
        current = undefined;
        continue;
      }
      if (section === 'DEPENDENCIES') {
        const name = /^ {2}([^\s!(]+)/.exec(line)?.[1];
        if (name) direct.add(name);
        continue;
      }
      const gem = /^ {4}([^\s(]+) \(([^)]+)\)$/.exec(line);
      if (gem?.[1] && gem[2]) {
        current = {
          version: gem[2].replace(/-(x86|x64|arm|aarch|universal|java|mswin|mingw|darwin|linux).*$/, ''),
          dependencies: [],
        };
        gems.set(gem[1], current);
        continue;
      }
      const dependency = /^ {6}([^\s(]+)/.exec(line)?.[1];
      if (dependency && current) current.dependencies.push(dependency);
    }
    const locked: LockedPackage[] = [...gems].map(([name, gem]) => ({
      name,
      version: gem.version,
      relationship: direct.size === 0 ? 'unknown' : direct.has(name) ? 'direct' : 'indirect',
      dependsOn: gem.dependencies.flatMap((dependency) => {
        const target = gems.get(dependency);
        return target ? [`${dependency}@${target.version}`] : [];
      }),
    }));
    return lockFileApplication(type, path, locked);
  },
};
