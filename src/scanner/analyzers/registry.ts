import type { Analyzer } from './types.ts';
import { alpineAnalyzer, apkRepositoriesAnalyzer } from './os/alpine.ts';
import { amazonAnalyzer } from './os/amazon.ts';
import { debianAnalyzer } from './os/debian.ts';
import { osReleaseAnalyzer } from './os/os-release.ts';
import { redhatContentManifestAnalyzer, redhatDockerfileAnalyzer } from './os/redhat-buildinfo.ts';
import { redhatReleaseAnalyzer } from './os/redhat-release.ts';
import { ubuntuAnalyzer } from './os/ubuntu.ts';
import { ubuntuEsmAnalyzer } from './os/ubuntu-esm.ts';
import { apkAnalyzer } from './pkg/apk/installed.ts';
import { dpkgAnalyzer } from './pkg/dpkg/analyzer.ts';
import { rpmAnalyzer } from './pkg/rpm/rpmdb.ts';
import { languageAnalyzers } from './lang/index.ts';
import { lockFileAnalyzers } from './lockfile/index.ts';

/** OS detection: release files. Their guesses are combined with `mergeOs` (os/merge.ts). */
export const osAnalyzers: readonly Analyzer[] = [
  osReleaseAnalyzer,
  debianAnalyzer,
  ubuntuAnalyzer,
  ubuntuEsmAnalyzer,
  alpineAnalyzer,
  apkRepositoriesAnalyzer,
  redhatReleaseAnalyzer,
  amazonAnalyzer,
  redhatContentManifestAnalyzer,
  redhatDockerfileAnalyzer,
];

/** OS package databases. Their packages get PURLs once the OS is known (`assignOsPurls` in pkg/purl.ts). */
export const osPackageAnalyzers: readonly Analyzer[] = [dpkgAnalyzer, apkAnalyzer, rpmAnalyzer];

/** Every analyzer the layer walker runs, in a stable order: OS release files, OS package DBs, then languages. */
export const analyzers: readonly Analyzer[] = [...osAnalyzers, ...osPackageAnalyzers, ...languageAnalyzers];

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
