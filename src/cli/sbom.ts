import { Command, Option } from 'commander';
import { detectVulnerabilities } from '../scanner/detect/detector.ts';
import { readSbom } from '../scanner/sbom/read-sbom.ts';
import { sbomInventory } from '../scanner/sbom/sbom-inventory.ts';
import { buildArtifactReport } from '../scanner/scan/artifact-report.ts';
import { globalOptions, loggerFor } from './global-options.ts';
import {
  addReportOptions,
  finishReport,
  openVulnerabilityDb,
  parseScanSettings,
  type ReportOptionValues,
} from './scan-options.ts';

/** `trivy-ts sbom`: `trivy sbom`, matching the packages an SBOM lists against the DB. */
export function sbomCommand(): Command {
  const command = new Command('sbom')
    .description('scan a CycloneDX or SPDX (JSON) SBOM for vulnerabilities of the packages it lists')
    .argument('<file>', 'CycloneDX JSON or SPDX 2.x JSON document')
    .configureHelp({ showGlobalOptions: true });
  return addReportOptions(command, { scanners: ['vuln'], defaultScanners: ['vuln'] })
    .addOption(
      new Option('--insecure', 'allow plain HTTP and unverified HTTPS for the DB registry')
        .env('TRIVY_TS_INSECURE')
        .default(false),
    )
    .addHelpText(
      'after',
      '\nOS packages are read from deb/apk/rpm purls, the OS from the operating-system component (or the purls\n' +
        "'distro' qualifier); SBOMs written by trivy-ts or Trivy keep source packages, files and layers.\n" +
        '\nExamples:\n' +
        '  trivy-ts sbom image.cdx.json\n' +
        '  trivy-ts sbom --severity CRITICAL --exit-code 1 --format json bom.spdx.json\n',
    )
    .action(async (file: string, options: ReportOptionValues, command: Command) => {
      const globals = globalOptions(command);
      const logger = loggerFor(globals);
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
        const selected = {
          ...inventory,
          Packages: settings.pkgTypes.includes('os') ? inventory.Packages : [],
          Applications: settings.pkgTypes.includes('library') ? inventory.Applications : [],
        };
        const detection = detectVulnerabilities(db, selected, { artifactName: file, logger });
        const report = buildArtifactReport({
          artifactName: file,
          artifactType: document.format,
          ...(detection.os ? { os: detection.os } : {}),
          metadata,
          packageResults: detection.results,
          listAllPackages: settings.listAllPackages,
        });
        process.exitCode = await finishReport(report, settings);
      } finally {
        db?.close();
      }
    });
}
