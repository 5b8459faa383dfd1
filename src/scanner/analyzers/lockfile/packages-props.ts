import type { Analyzer } from '../types.ts';
import { lockFileApplication, type LockedPackage } from './locked-package.ts';
import { attributeText, childElements, childText, parseXmlManifest } from './xml-document.ts';

const type = 'packages-props';

/**
 * NuGet central package management: `Directory.Packages.props` and the older `Packages.props` (any file whose name
 * ends in `packages.props`, in any case, as NuGet accepts). Every `<PackageVersion>` and `<PackageReference>` of
 * every `<ItemGroup>` with a name (`Include`, else the older `Update`) and a version (the `Version` attribute or
 * element). MSBuild properties such as `$(JsonVersion)` are evaluated by the build only, so entries using one
 * are skipped, as in Trivy.
 */
export const packagesPropsAnalyzer: Analyzer = {
  type,
  version: 1,
  required: ({ path }) => path.toLowerCase().endsWith('packages.props'),
  async analyze({ path, content }) {
    const project = await parseXmlManifest(type, path, content, 'Project');
    const locked: LockedPackage[] = [];
    for (const group of childElements(project, 'ItemGroup')) {
      for (const entry of group.children) {
        if (entry.name !== 'PackageVersion' && entry.name !== 'PackageReference') continue;
        const name = attributeText(entry, 'Include') ?? attributeText(entry, 'Update');
        const version = attributeText(entry, 'Version') ?? childText(entry, 'Version');
        if (!name || !version || isMsBuildProperty(name) || isMsBuildProperty(version)) continue;
        locked.push({ name, version });
      }
    }
    return lockFileApplication(type, path, locked);
  },
};

function isMsBuildProperty(value: string): boolean {
  return value.includes('$(');
}
