import { join } from 'node:path';
import type { Command } from 'commander';
import { languageAnalyzers } from '../scanner/analyzers/lang/index.ts';
import { analyzers as imageAnalyzers } from '../scanner/analyzers/registry.ts';
import { LayerCache } from '../scanner/cache/layer-cache.ts';
import type { TrivyDb } from '../scanner/db/trivy-db/index.ts';
import type { ContainerImage } from '../scanner/image/image.ts';
import { hostPlatform, parsePlatform, type Platform } from '../scanner/image/platform.ts';
import { analyzeImage } from '../scanner/scan/analyze-image.ts';
import { recordImageAnalysis, reportFromRecord } from '../scanner/scan/image-record.ts';
import { skipPathsFromFlags } from '../scanner/scan/skip-paths.ts';
import { UserFacingError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import { analyzersFor } from './analyzer-selection.ts';
import { loggerFor, type GlobalOptions } from './global-options.ts';
import type { ImageOptions } from './image.ts';
import { parseRegistryMirrors } from './option-values.ts';
import { scannerNames, type ScanSettings } from './scan-options.ts';
import { finishReport, loadSecretScanner, openVulnerabilityDb, parseScanSettings } from './scan-steps.ts';

/** `trivy-ts image`, once its options are parsed: open the image, analyse its layers, detect, report. */
export async function scanImage(
  name: string | undefined,
  options: ImageOptions,
  command: Command,
  globals: GlobalOptions,
): Promise<number> {
  const logger = await loggerFor(globals);
  if ((name === undefined) === (options.input === undefined)) {
    throw new UserFacingError(
      name === undefined ? 'no image given' : 'give either an image or --input, not both',
      {
        hint: 'trivy-ts image IMAGE, or trivy-ts image --input ARCHIVE',
      },
    );
  }
  const settings = await parseScanSettings(options, command, scannerNames);
  const platform = options.platform ? parsePlatform(options.platform) : hostPlatform();
  const db = await openVulnerabilityDb(settings, options, globals, logger);
  try {
    const image = options.input
      ? await openLocalImage(options.input, platform)
      : await openRegistryImage(name ?? '', options, platform, logger);
    try {
      return await scanOpenedImage(image.image, db, options, settings, globals, logger);
    } finally {
      await image.close();
    }
  } finally {
    db?.close();
  }
}

interface OpenedImage {
  image: ContainerImage;
  close(): Promise<void>;
}

/** `--input`: a docker save archive, OCI archive or OCI layout; the registry client is never loaded. */
async function openLocalImage(input: string, platform: Platform): Promise<OpenedImage> {
  const { openLocalImage: open } = await import('../scanner/image/local.ts');
  return { image: await open(input, { platform }), close: async () => {} };
}

async function openRegistryImage(
  name: string,
  options: ImageOptions,
  platform: Platform,
  logger: Logger,
): Promise<OpenedImage> {
  const [{ RegistryClient }, credentials, { openRemoteImage }] = await Promise.all([
    import('../scanner/registry/client.ts'),
    import('../scanner/registry/credentials.ts'),
    import('../scanner/image/remote.ts'),
  ]);
  const client = new RegistryClient({
    insecure: options.insecure,
    logger,
    credentials: credentials.chainCredentials(
      ...(options.username && options.password
        ? [credentials.staticCredentials({ username: options.username, password: options.password })]
        : []),
      credentials.dockerConfigCredentials(),
    ),
  });
  try {
    const image = await openRemoteImage(name, {
      client,
      platform,
      mirrors: parseRegistryMirrors(options.registryMirror),
      logger,
    });
    return { image, close: () => client.close() };
  } catch (error) {
    await client.close();
    throw error;
  }
}

async function scanOpenedImage(
  image: ContainerImage,
  db: TrivyDb | undefined,
  options: ImageOptions,
  settings: ScanSettings,
  globals: GlobalOptions,
  logger: Logger,
): Promise<number> {
  const secrets = settings.scanners.includes('secret')
    ? await loadSecretScanner(options.secretConfig, logger)
    : undefined;
  const analysis = await analyzeImage(image, {
    analyzers: analyzersFor(settings.pkgTypes, languageAnalyzers, imageAnalyzers),
    ...(secrets ? { secrets } : {}),
    cache: new LayerCache({ directory: join(globals.cacheDir, 'layers'), logger }),
    skip: skipPathsFromFlags(options),
    parallelLayers: Math.max(1, Number.parseInt(options.parallel, 10) || 3),
    logger,
    onLayerDone: createLayerProgress(logger, globals.quiet),
  });
  const report = reportFromRecord(db, recordImageAnalysis(image, analysis), {
    pkgTypes: settings.pkgTypes,
    includeSecrets: settings.scanners.includes('secret'),
    listAllPackages: settings.listAllPackages,
    logger,
  });
  return finishReport(report, settings);
}

/** A progress line per analyzed layer on a terminal; log lines otherwise. */
function createLayerProgress(logger: Logger, quiet: boolean) {
  const tty = process.stderr.isTTY === true && !quiet;
  return (done: number, total: number, layer: { diffId: string; cached: boolean }) => {
    if (tty) process.stderr.write(`\rAnalyzing layers ${done}/${total}${done === total ? '\n' : ''}`);
    else logger.debug({ layer: layer.diffId, cached: layer.cached, done, total }, 'layer analyzed');
  };
}
