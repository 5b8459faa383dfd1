import type { Analyzer } from '../analyzers/types.ts';
import { walkDirectory, type DirectoryLimits } from '../filesystem/directory-walker.ts';
import type { Application, Package } from '../inventory.ts';
import { mergeLayers, type MergedInventory } from '../image/layer-merge.ts';
import type { SecretScanner } from '../secrets/scanner.ts';
import type { SecretFinding } from '../secrets/types.ts';
import { pathSkipper, type SkipPaths } from './skip-paths.ts';
import { silentLogger, type Logger } from '../../util/logger.ts';

export interface AnalyzeDirectoryOptions {
  analyzers: readonly Analyzer[];
  /** Omit to skip secret scanning. */
  secrets?: SecretScanner;
  /** Keep packages that lock files mark as development-only (Trivy's `--include-dev-deps`). */
  includeDevDependencies?: boolean;
  skip?: SkipPaths;
  limits?: Partial<DirectoryLimits>;
  logger?: Logger;
}

export interface DirectoryAnalysis {
  inventory: MergedInventory;
  /** Secret findings per file, by relative path. */
  secrets: { FilePath: string; Findings: SecretFinding[] }[];
}

/**
 * Directory → inventory: one walk through the analyzers, then the same merge as an image's single layer (OS PURLs,
 * language packages owned by OS packages dropped, per-package types aggregated). A directory has no layers, so
 * packages carry no layer reference.
 */
export async function analyzeDirectory(
  root: string,
  options: AnalyzeDirectoryOptions,
): Promise<DirectoryAnalysis> {
  const logger = options.logger ?? silentLogger;
  const skip = pathSkipper(options.skip);
  const analysis = await walkDirectory(root, {
    ...(skip ? { skip } : {}),
    analyzers: options.analyzers,
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    onWarning: (warning) => logger.warn({ path: warning.path }, warning.message),
  });
  const merged = mergeLayers([analysis]);
  const applications = merged.Applications.flatMap((application): Application[] => {
    const packages = application.Packages.filter((pkg) => options.includeDevDependencies || !pkg.Dev).map(
      withoutLayer,
    );
    return packages.length > 0 ? [{ ...application, Packages: packages }] : [];
  });
  return {
    inventory: { ...merged, Packages: merged.Packages.map(withoutLayer), Applications: applications },
    secrets: analysis.Secrets.map((file) => ({ FilePath: file.FilePath, Findings: file.Findings })).sort(
      (a, b) => (a.FilePath < b.FilePath ? -1 : a.FilePath > b.FilePath ? 1 : 0),
    ),
  };
}

function withoutLayer(pkg: Package): Package {
  if (!pkg.Layer) return pkg;
  const { Layer: _layer, ...rest } = pkg;
  return rest;
}
