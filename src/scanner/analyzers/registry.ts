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

/**
 * Every analyzer the layer walker runs, in a stable order: OS release files, OS package DBs, then languages. A
 * directory scan's set (lock files too) is in filesystem-registry.ts, so that image scans never load the lock-file
 * parsers.
 */
export const analyzers: readonly Analyzer[] = [...osAnalyzers, ...osPackageAnalyzers, ...languageAnalyzers];
