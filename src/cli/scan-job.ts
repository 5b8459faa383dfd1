import { Command, Option } from 'commander';
import { globalOptions, loggerFor } from './global-options.ts';
import { repeatable } from './option-values.ts';
import { addSkipOptions, type SkipOptionValues } from './scan-options.ts';

export interface ScanJobOptions extends SkipOptionValues {
  platform: string;
  secrets: boolean;
  insecure: boolean;
  registryMirror?: string[];
}

/**
 * `trivy-ts scan-job`: what the operator's scan Jobs run. It analyses one image (packages and secrets, no
 * vulnerability DB) and prints the result as one compressed line on stdout, which the operator reads back through
 * the pod log. Detection happens in the operator, against its single DB copy.
 */
export function scanJobCommand(): Command {
  const command = new Command('scan-job')
    .description('analyse an image for the operator (inventory and secrets, no DB); prints one encoded line')
    .argument('<image>', 'image to analyse, best pinned by digest (repo@sha256:…)')
    .addOption(
      new Option('--platform <os/arch[/variant]>', 'platform to pick from an index').default('linux/amd64'),
    )
    .addOption(new Option('--no-secrets', 'skip the secret scan'))
    .addOption(
      new Option('--insecure', 'allow plain HTTP and unverified HTTPS for this registry').default(false),
    )
    .addOption(
      new Option('--registry-mirror <host=mirror>', 'try MIRROR before HOST, repeatable').argParser(
        repeatable,
      ),
    );
  return addSkipOptions(command)
    .addHelpText(
      'after',
      '\nRegistry credentials come from TRIVY_USERNAME and TRIVY_PASSWORD (the scan Job mounts them from a\n' +
        'Secret it owns). Not meant to be run by hand; `trivy-ts image` is the command for people.\n',
    )
    .action(async (image: string, options: ScanJobOptions, command: Command) => {
      const logger = await loggerFor({ ...globalOptions(command), quiet: true });
      // The scanner is loaded only when the command runs.
      const { analyseImageForOperator } = await import('./scan-job-run.ts');
      await analyseImageForOperator(image, options, logger);
    });
}
