import type { Command } from 'commander';
import {
  filesystemAnalyzers,
  filesystemLanguageAnalyzers,
} from '../scanner/analyzers/filesystem-registry.ts';
import { detectVulnerabilities } from '../scanner/detect/detector.ts';
import { analyzeDirectory } from '../scanner/scan/analyze-directory.ts';
import { skipPathsFromFlags } from '../scanner/scan/skip-paths.ts';
import { buildArtifactReport } from '../scanner/scan/artifact-report.ts';
import { withPackageTypes } from '../scanner/scan/package-types.ts';
import { analyzersFor } from './analyzer-selection.ts';
import type { FsOptions } from './fs.ts';
import { loggerFor, type GlobalOptions } from './global-options.ts';
import { scannerNames } from './scan-options.ts';
import { finishReport, loadSecretScanner, openVulnerabilityDb, parseScanSettings } from './scan-steps.ts';

/** `trivy-ts fs`, once its options are parsed: analyse the directory, detect, report. */
export async function scanFilesystem(
  path: string,
  options: FsOptions,
  command: Command,
  globals: GlobalOptions,
): Promise<number> {
  const logger = await loggerFor(globals);
  const settings = await parseScanSettings(options, command, scannerNames);
  const db = await openVulnerabilityDb(settings, options, globals, logger);
  try {
    const secrets = settings.scanners.includes('secret')
      ? await loadSecretScanner(options.secretConfig, logger)
      : undefined;
    const analysis = await analyzeDirectory(path, {
      analyzers: analyzersFor(settings.pkgTypes, filesystemLanguageAnalyzers, filesystemAnalyzers),
      ...(secrets ? { secrets: secrets.scanner } : {}),
      includeDevDependencies: options.includeDevDeps,
      skip: skipPathsFromFlags(options),
      logger,
    });
    const inventory = withPackageTypes(analysis.inventory, settings.pkgTypes);
    const detection = detectVulnerabilities(db, inventory, { artifactName: path, logger });
    const report = buildArtifactReport({
      artifactName: path,
      artifactType: 'filesystem',
      ...(detection.os ? { os: detection.os } : {}),
      packageResults: detection.results,
      listAllPackages: settings.listAllPackages,
      ...(secrets ? { secrets: analysis.secrets } : {}),
    });
    return await finishReport(report, settings);
  } finally {
    db?.close();
  }
}
