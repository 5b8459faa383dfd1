import type { Analyzer } from '../types.ts';
import { hasBaseName, lockFileApplication, type LockedPackage } from './locked-package.ts';

const type = 'pip';

/**
 * `requirements.txt`: only exact pins (`name==1.2.3`, `===`) name
 * an installed version; ranges, options (`-r`, `--hash`), URLs and editable installs do not.
 */
export const pipRequirementsAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => hasBaseName(path, 'requirements.txt'),
  analyze({ path, content }) {
    const text = content
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .replace(/\\\r?\n/g, ' ');
    const locked: LockedPackage[] = [];
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.replace(/(^|\s)#.*$/, '').trim();
      if (line === '' || line.startsWith('-')) continue;
      const requirement = line.split(';')[0]!.split(/\s--/)[0]!.trim();
      const pinned = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s,;=<>!~]+)$/.exec(
        requirement,
      );
      if (pinned?.[1] && pinned[2] && !pinned[2].includes('*')) {
        locked.push({ name: pinned[1], version: pinned[2] });
      }
    }
    return lockFileApplication(type, path, locked);
  },
};
