import type { Analyzer } from '../types.ts';
import { lockFileApplication, type LockedPackage } from './locked-package.ts';

const type = 'gradle';

/**
 * Gradle dependency locks (`gradle.lockfile`, `*gradle.lockfile`): one `group:artifact:version=configurations`
 * line per locked module; a module locked only for test configurations is a development dependency.
 */
export const gradleLockAnalyzer: Analyzer = {
  type: 'gradle-lockfile',
  version: 1,
  required: ({ path }) => path.endsWith('gradle.lockfile'),
  analyze({ path, content }) {
    const locked: LockedPackage[] = [];
    for (const raw of content.toString('utf8').split(/\r?\n/)) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith('empty=')) continue;
      const [coordinates, configurations = ''] = line.split('=');
      const [group, artifact, version] = (coordinates ?? '').split(':');
      if (!group || !artifact || !version) continue;
      const used = configurations.split(',').filter((name) => name !== '');
      locked.push({
        name: `${group}:${artifact}`,
        version,
        id: `${group}:${artifact}:${version}`,
        dev: used.length > 0 && used.every((name) => /^test/i.test(name)),
      });
    }
    return lockFileApplication(type, path, locked);
  },
};
