import { PackageURL } from 'packageurl-js';
import type { ApplicationType } from '../../inventory.ts';

/** PURL type per language application type (Trivy's mapping). */
const purlTypes: Record<string, string> = {
  'node-pkg': 'npm',
  npm: 'npm',
  'python-pkg': 'pypi',
  pip: 'pypi',
  gemspec: 'gem',
  bundler: 'gem',
  'composer-vendor': 'composer',
  composer: 'composer',
  'dotnet-core': 'nuget',
  nuget: 'nuget',
  cargo: 'cargo',
  rustbinary: 'cargo',
  jar: 'maven',
  pom: 'maven',
  gobinary: 'golang',
  gomod: 'golang',
  yarn: 'npm',
  pnpm: 'npm',
  bun: 'npm',
  pipenv: 'pypi',
  poetry: 'pypi',
  uv: 'pypi',
  pylock: 'pypi',
  gradle: 'maven',
  sbt: 'maven',
  'packages-props': 'nuget',
  hex: 'hex',
  pub: 'pub',
  cocoapods: 'cocoapods',
  swift: 'swift',
  conan: 'conan',
  'conda-environment': 'conda',
};

/**
 * The package URL Trivy reports for a language package: npm scopes and composer vendors become the namespace,
 * Maven `group:artifact` becomes `group/artifact`, Go module paths split at the last `/`, PyPI names normalised.
 */
export function languagePackageUrl(type: ApplicationType, name: string, version: string): string | undefined {
  const purlType = purlTypes[type];
  if (!purlType || !name) return undefined;
  let namespace: string | undefined;
  let localName = name;
  switch (purlType) {
    case 'npm':
    case 'composer':
    case 'swift':
    case 'golang': {
      const slash = name.lastIndexOf('/');
      if (slash > 0) {
        namespace = name.slice(0, slash);
        localName = name.slice(slash + 1);
      }
      if (purlType === 'npm' || purlType === 'golang') {
        namespace = namespace?.toLowerCase();
        localName = localName.toLowerCase();
      }
      break;
    }
    case 'maven': {
      const colon = name.indexOf(':');
      if (colon > 0) {
        namespace = name.slice(0, colon);
        localName = name.slice(colon + 1);
      }
      break;
    }
    case 'pypi':
      localName = name.toLowerCase().replace(/_/g, '-');
      break;
  }
  try {
    return new PackageURL(
      purlType,
      namespace,
      localName,
      version || undefined,
      undefined,
      undefined,
    ).toString();
  } catch {
    return undefined;
  }
}
