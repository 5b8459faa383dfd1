import { Command, Option } from 'commander';
import { globalOptions } from './global-options.ts';
import { repeatable } from './option-values.ts';
import {
  addReportOptions,
  addSkipOptions,
  scannerNames,
  type ReportOptionValues,
  type SkipOptionValues,
} from './scan-options.ts';

export interface ImageOptions extends ReportOptionValues, SkipOptionValues {
  input?: string;
  platform?: string;
  username?: string;
  password?: string;
  registryMirror?: string[];
  secretConfig: string;
  parallel: string;
}

/** `trivy-ts image`: `trivy image`'s habits, natively. */
export function imageCommand(): Command {
  const command = new Command('image')
    .description(
      'scan a container image (registry, OCI layout, docker save or OCI archive) for vulnerabilities and secrets',
    )
    .argument('[image]', 'image reference as you would pull it (nginx:1.25, ghcr.io/org/app@sha256:…)')
    .configureHelp({ showGlobalOptions: true })
    .addOption(
      new Option(
        '--input <path>',
        'scan a docker save archive, OCI archive or OCI layout dir instead (PATH[:TAG])',
      ),
    )
    .addOption(
      new Option(
        '--platform <os/arch[/variant]>',
        "platform to pick from a multi-platform image (default: linux on this host's architecture)",
      ),
    );
  return addSkipOptions(addReportOptions(command, { scanners: scannerNames, defaultScanners: scannerNames }))
    .addOption(
      new Option('--insecure', 'allow plain HTTP and unverified HTTPS registries')
        .env('TRIVY_TS_INSECURE')
        .default(false),
    )
    .addOption(
      new Option('--username <user>', 'registry user (else Docker credentials are used)').env(
        'TRIVY_TS_USERNAME',
      ),
    )
    .addOption(
      new Option('--password <password>', 'registry password (prefer TRIVY_TS_PASSWORD)').env(
        'TRIVY_TS_PASSWORD',
      ),
    )
    .addOption(
      new Option('--registry-mirror <host=mirror>', 'try MIRROR before HOST, repeatable').argParser(
        repeatable,
      ),
    )
    .addOption(
      new Option('--secret-config <file>', 'custom secret rules (Trivy format)').default('trivy-secret.yaml'),
    )
    .addOption(new Option('--parallel <n>', 'layers analyzed at once').default('3'))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  trivy-ts image alpine:3.19\n' +
        '  trivy-ts image --severity HIGH,CRITICAL --ignore-unfixed --exit-code 1 ghcr.io/org/app:1.2\n' +
        '  trivy-ts image --input app.tar --format json --output report.json\n' +
        '  trivy-ts image --scanners secret --input ./oci-layout:latest\n',
    )
    .action(async (imageName: string | undefined, options: ImageOptions, command: Command) => {
      // The scanner is loaded only when a scan runs: `--help` and the other commands start without it.
      const { scanImage } = await import('./image-scan.ts');
      process.exitCode = await scanImage(imageName, options, command, globalOptions(command));
    });
}
