import { Command, Option } from 'commander';
import { globalOptions } from './global-options.ts';
import { addReportOptions, type ReportOptionValues } from './scan-options.ts';

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
      // The scanner is loaded only when a scan runs: `--help` and the other commands start without it.
      const { scanSbom } = await import('./sbom-scan.ts');
      process.exitCode = await scanSbom(file, options, command, globalOptions(command));
    });
}
