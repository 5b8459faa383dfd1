import { osAnalyzers, osPackageAnalyzers } from '../scanner/analyzers/registry.ts';
import type { Analyzer } from '../scanner/analyzers/types.ts';
import type { PkgType } from './scan-options.ts';

/** The analyzers of a scan for `--pkg-types`: OS release files always, OS DBs and languages on demand. */
export function analyzersFor(
  pkgTypes: readonly PkgType[],
  languageAnalyzers: readonly Analyzer[],
  all: readonly Analyzer[],
): readonly Analyzer[] {
  if (pkgTypes.includes('os') && pkgTypes.includes('library')) return all;
  return [
    ...osAnalyzers,
    ...(pkgTypes.includes('os') ? osPackageAnalyzers : []),
    ...(pkgTypes.includes('library') ? languageAnalyzers : []),
  ];
}
