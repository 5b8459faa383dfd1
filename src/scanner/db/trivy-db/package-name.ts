/** Ecosystem prefixes of language advisory buckets (`<ecosystem>::<source name>`). */
export const LANGUAGE_ECOSYSTEMS = [
  'npm',
  'pip',
  'rubygems',
  'cargo',
  'composer',
  'maven',
  'go',
  'nuget',
  'conan',
  'erlang',
  'pub',
  'swift',
  'cocoapods',
  'julia',
  'bitnami',
  'k8s',
] as const;
export type LanguageEcosystem = (typeof LANGUAGE_ECOSYSTEMS)[number];

/**
 * The package key Trivy uses in a language bucket (applied both when the DB is built and at lookup):
 * pip lower-cases and turns `_` into `-`; Swift drops `https://` and `.git`; Go, CocoaPods and Julia keep case;
 * every other ecosystem (npm, maven `group:artifact`, rubygems, cargo, composer `vendor/pkg`, nuget …) lower-cases.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  switch (ecosystem) {
    case 'pip':
      return name.toLowerCase().replaceAll('_', '-');
    case 'swift': {
      const withoutScheme = name.startsWith('https://') ? name.slice('https://'.length) : name;
      return withoutScheme.endsWith('.git') ? withoutScheme.slice(0, -'.git'.length) : withoutScheme;
    }
    case 'go':
    case 'cocoapods':
    case 'julia':
      return name;
    default:
      return name.toLowerCase();
  }
}
