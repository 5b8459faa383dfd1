import { languageAnalyzers } from './lang/index.ts';
import { lockFileAnalyzers } from './lockfile/index.ts';
import { osAnalyzers, osPackageAnalyzers } from './registry.ts';
import type { Analyzer } from './types.ts';

/**
 * Types that describe one installed package each (its own package.json, METADATA, gemspec, jar, binary). Trivy's
 * `fs` scan leaves them out: a project directory is described by its lock files, and counting `node_modules` too
 * would report every dependency twice.
 */
const installedPackageTypes: ReadonlySet<string> = new Set([
  'node-pkg',
  'python-pkg',
  'gemspec',
  'jar',
  'gobinary',
  'rustbinary',
  'composer-vendor',
]);

/** Language analyzers of a directory (`fs`) scan: lock files plus the manifests that are not per-package. */
export const filesystemLanguageAnalyzers: readonly Analyzer[] = [
  ...languageAnalyzers.filter((analyzer) => !installedPackageTypes.has(analyzer.type)),
  ...lockFileAnalyzers,
];

/** Every analyzer of a directory scan: OS release files, OS package DBs, then lock files and manifests. */
export const filesystemAnalyzers: readonly Analyzer[] = [
  ...osAnalyzers,
  ...osPackageAnalyzers,
  ...filesystemLanguageAnalyzers,
];
