import type { Analyzer } from '../types.ts';
import { lockFileApplication, type LockedPackage } from './locked-package.ts';
import { parseYamlLock } from './yaml-lock.ts';

const type = 'conda-environment';

/**
 * Conda `environment.yml` / `environment.yaml`: `dependencies` entries `name=version[=build]`; entries without a
 * version and the nested `pip:` list are left out. Conda packages are listed, never matched against advisories.
 */
export const condaEnvironmentAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => /(^|\/)environment\.ya?ml$/.test(path),
  analyze({ path, content }) {
    const document = parseYamlLock(type, path, content);
    const dependencies = Array.isArray(document.dependencies) ? document.dependencies : [];
    const locked: LockedPackage[] = dependencies.flatMap((dependency) => {
      if (typeof dependency !== 'string') return [];
      const match = /^(?:[\w.-]+::)?([A-Za-z0-9_.-]+)\s*==?\s*([^=\s]+)/.exec(dependency.trim());
      return match?.[1] && match[2] && !match[2].includes('*') ? [{ name: match[1], version: match[2] }] : [];
    });
    return lockFileApplication(type, path, locked);
  },
};
