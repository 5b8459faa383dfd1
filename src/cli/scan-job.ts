import { Command, Option } from 'commander';
import { analyzers } from '../scanner/analyzers/registry.ts';
import { openRemoteImage } from '../scanner/image/remote.ts';
import { parsePlatform } from '../scanner/image/platform.ts';
import { RegistryClient } from '../scanner/registry/client.ts';
import { staticCredentials } from '../scanner/registry/credentials.ts';
import { analyzeImage } from '../scanner/scan/analyze-image.ts';
import { encodeImageRecord, recordImageAnalysis } from '../scanner/scan/image-record.ts';
import { defaultSecretScannerConfig, SecretScanner } from '../scanner/secrets/scanner.ts';
import { globalOptions, loggerFor } from './global-options.ts';

interface ScanJobOptions {
  platform: string;
  secrets: boolean;
  insecure: boolean;
  registryMirror?: string[];
}

const repeatable = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/**
 * `trivy-ts scan-job`: what the operator's scan Jobs run. It analyses one image (packages and secrets, no
 * vulnerability DB) and prints the result as one compressed line on stdout, which the operator reads back through
 * the pod log. Detection happens in the operator, against its single DB copy.
 */
export function scanJobCommand(): Command {
  return new Command('scan-job')
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
    )
    .addHelpText(
      'after',
      '\nRegistry credentials come from TRIVY_USERNAME and TRIVY_PASSWORD (the scan Job mounts them from a\n' +
        'Secret it owns). Not meant to be run by hand; `trivy-ts image` is the command for people.\n',
    )
    .action(async (image: string, options: ScanJobOptions, command: Command) => {
      const logger = loggerFor({ ...globalOptions(command), quiet: true });
      const username = process.env.TRIVY_USERNAME;
      const password = process.env.TRIVY_PASSWORD;
      const client = new RegistryClient({
        insecure: options.insecure,
        logger,
        ...(username && password ? { credentials: staticCredentials({ username, password }) } : {}),
      });
      try {
        const opened = await openRemoteImage(image, {
          client,
          platform: parsePlatform(options.platform),
          mirrors: parseMirrors(options.registryMirror),
          logger,
        });
        const secrets = options.secrets
          ? { scanner: new SecretScanner(defaultSecretScannerConfig()), configHash: 'builtin' }
          : undefined;
        const analysis = await analyzeImage(opened, { analyzers, ...(secrets ? { secrets } : {}), logger });
        process.stdout.write(encodeImageRecord(recordImageAnalysis(opened, analysis)));
      } finally {
        await client.close();
      }
    });
}

function parseMirrors(entries: readonly string[] | undefined): Record<string, string[]> {
  const mirrors: Record<string, string[]> = {};
  for (const entry of entries ?? []) {
    const [host, mirror] = entry.split('=');
    if (host && mirror) (mirrors[host] ??= []).push(mirror);
  }
  return mirrors;
}
