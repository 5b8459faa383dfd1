import { analyzers } from '../scanner/analyzers/registry.ts';
import { openRemoteImage } from '../scanner/image/remote.ts';
import { parsePlatform } from '../scanner/image/platform.ts';
import { RegistryClient } from '../scanner/registry/client.ts';
import { staticCredentials } from '../scanner/registry/credentials.ts';
import { analyzeImage } from '../scanner/scan/analyze-image.ts';
import { encodeImageRecord, recordImageAnalysis } from '../scanner/scan/image-record.ts';
import { defaultSecretScannerConfig, SecretScanner } from '../scanner/secrets/scanner.ts';
import { skipPathsFromFlags } from '../scanner/scan/skip-paths.ts';
import type { Logger } from '../util/logger.ts';
import { parseRegistryMirrors } from './option-values.ts';
import type { ScanJobOptions } from './scan-job.ts';

/** `trivy-ts scan-job`, once its options are parsed: analyse the image and print the encoded record on stdout. */
export async function analyseImageForOperator(
  image: string,
  options: ScanJobOptions,
  logger: Logger,
): Promise<void> {
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
      mirrors: parseRegistryMirrors(options.registryMirror),
      logger,
    });
    const secrets = options.secrets
      ? { scanner: new SecretScanner(defaultSecretScannerConfig()), configHash: 'builtin' }
      : undefined;
    const analysis = await analyzeImage(opened, {
      analyzers,
      ...(secrets ? { secrets } : {}),
      skip: skipPathsFromFlags(options),
      logger,
    });
    process.stdout.write(encodeImageRecord(recordImageAnalysis(opened, analysis)));
  } finally {
    await client.close();
  }
}
