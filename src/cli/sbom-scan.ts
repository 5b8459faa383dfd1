import type { Command } from 'commander';
import { detectVulnerabilities } from '../scanner/detect/detector.ts';
import { readSbom } from '../scanner/sbom/read-sbom.ts';
import { sbomInventory } from '../scanner/sbom/sbom-inventory.ts';
import { buildArtifactReport } from '../scanner/scan/artifact-report.ts';
import { withPackageTypes } from '../scanner/scan/package-types.ts';
import { loggerFor, type GlobalOptions } from './global-options.ts';
import type { ReportOptionValues } from './scan-options.ts';
import { finishReport, openVulnerabilityDb, parseScanSettings } from './scan-steps.ts';

/** `trivy-ts sbom`, once its options are parsed: read the SBOM, detect, report. */
export async function scanSbom(
  file: string,
  options: ReportOptionValues,
  command: Command,
  globals: GlobalOptions,
): Promise<number> {
  const logger = await loggerFor(globals);
  const settings = await parseScanSettings(options, command, ['vuln']);
  const document = await readSbom(file);
  const { inventory, metadata, skippedComponents } = sbomInventory(document);
  if (skippedComponents > 0)
    logger.warn(
      { file, components: skippedComponents },
      'components without a package URL we can match were skipped',
    );
  if (!inventory.OS && inventory.Packages.length > 0)
    logger.warn({ file }, 'the SBOM names no operating system; OS packages are listed but not matched');
  const db = await openVulnerabilityDb(settings, options, globals, logger);
  try {
    const selected = withPackageTypes(inventory, settings.pkgTypes);
    const detection = detectVulnerabilities(db, selected, { artifactName: file, logger });
    const report = buildArtifactReport({
      artifactName: file,
      artifactType: document.format,
      ...(detection.os ? { os: detection.os } : {}),
      metadata,
      packageResults: detection.results,
      listAllPackages: settings.listAllPackages,
    });
    return await finishReport(report, settings);
  } finally {
    db?.close();
  }
}
