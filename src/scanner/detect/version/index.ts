export type { ParsedVersion, SchemeName, VersionScheme } from './types.ts';
export { InvalidConstraintError, InvalidVersionError } from './types.ts';
export {
  applicationEcosystem,
  applicationScheme,
  ecosystemScheme,
  osMatchingRule,
  schemes,
  type OsMatchingRule,
} from './registry.ts';
export {
  isOsPackageVulnerable,
  isVulnerable,
  languageFixedVersion,
  type LanguageAdvisory,
  type OsAdvisory,
} from './matching.ts';
export { installedVersion, sourceVersion } from './package-version.ts';
