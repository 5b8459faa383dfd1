import { isRecord } from '../lang/language-package.ts';
import type { Analyzer } from '../types.ts';
import { lockFileApplication, type LockedPackage } from './locked-package.ts';
import { parseTomlLock } from './toml-lock.ts';

const type = 'pylock';

/** PEP 751 lock files: `pylock.toml` or `pylock.<name>.toml`, one `[[packages]]` per distribution. */
export const pylockAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => /(^|\/)pylock(\.[^/.]+)?\.toml$/.test(path),
  analyze({ path, content }) {
    const document = parseTomlLock(type, path, content);
    const locked: LockedPackage[] = (Array.isArray(document.packages) ? document.packages : [])
      .filter(isRecord)
      .flatMap((entry) =>
        typeof entry.name === 'string' && typeof entry.version === 'string'
          ? [{ name: entry.name, version: entry.version }]
          : [],
      );
    return lockFileApplication(type, path, locked);
  },
};
