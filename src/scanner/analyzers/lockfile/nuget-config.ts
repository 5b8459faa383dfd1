import { baseName } from '../lang/language-package.ts';
import type { Analyzer } from '../types.ts';
import { lockFileApplication, type LockedPackage } from './locked-package.ts';
import { attributeText, childElements, parseXmlManifest } from './xml-document.ts';

const type = 'nuget';

/**
 * `packages.config` (NuGet's pre-PackageReference manifest): one `<package id version>` per installed package.
 * `developmentDependency="true"` marks a build-time package: Trivy drops it; here it is a development dependency,
 * so it is dropped unless `--include-dev-deps` asks for it.
 */
export const nugetConfigAnalyzer: Analyzer = {
  type: 'nuget-config',
  version: 1,
  required: ({ path }) => baseName(path) === 'packages.config',
  async analyze({ path, content }) {
    const packages = await parseXmlManifest(type, path, content, 'packages');
    const locked: LockedPackage[] = [];
    for (const element of childElements(packages, 'package')) {
      const name = attributeText(element, 'id');
      const version = attributeText(element, 'version');
      if (!name || !version) continue;
      const development = attributeText(element, 'developmentDependency')?.toLowerCase();
      locked.push({ name, version, dev: development === 'true' || development === '1' });
    }
    return lockFileApplication(type, path, locked);
  },
};
