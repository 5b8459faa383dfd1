import type { Analyzer } from '../types.ts';
import { hasBaseName, lockFileApplication, type LockedPackage } from './locked-package.ts';

const type = 'hex';

/**
 * `mix.lock` (Elixir): an Elixir map of `"name": {:hex, :name, "version", …}`; git and path dependencies have no
 * Hex version and are left out.
 */
export const mixLockAnalyzer: Analyzer = {
  type: 'mix-lock',
  version: 1,
  required: ({ path }) => hasBaseName(path, 'mix.lock'),
  analyze({ path, content }) {
    const locked: LockedPackage[] = [];
    for (const line of content.toString('utf8').split(/\r?\n/)) {
      const match = /^\s*"([^"]+)":\s*\{:hex,\s*:"?([A-Za-z0-9_]+)"?,\s*"([^"]+)"/.exec(line);
      if (match?.[2] && match[3]) locked.push({ name: match[2], version: match[3] });
    }
    return lockFileApplication(type, path, locked);
  },
};
