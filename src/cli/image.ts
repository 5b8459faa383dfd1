import { join } from 'node:path';
import { Command, Option } from 'commander';
import { languageAnalyzers } from '../scanner/analyzers/lang/index.ts';
import { LayerCache } from '../scanner/cache/layer-cache.ts';
import type { TrivyDb } from '../scanner/db/trivy-db/index.ts';
import { detectVulnerabilities } from '../scanner/detect/detector.ts';
import type { ContainerImage } from '../scanner/image/image.ts';
import { openLocalImage } from '../scanner/image/local.ts';
import { hostPlatform, parsePlatform } from '../scanner/image/platform.ts';
import { openRemoteImage } from '../scanner/image/remote.ts';
import { RegistryClient } from '../scanner/registry/client.ts';
import {
  chainCredentials,
  dockerConfigCredentials,
  staticCredentials,
} from '../scanner/registry/credentials.ts';
import { analyzeImage } from '../scanner/scan/analyze-image.ts';
import { buildImageReport } from '../scanner/scan/build-report.ts';
import { UserFacingError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import { globalOptions, loggerFor, type GlobalOptions } from './global-options.ts';
import {
  addReportOptions,
  analyzersFor,
  finishReport,
  loadSecretScanner,
  openVulnerabilityDb,
  parseScanSettings,
  repeatable,
  scannerNames,
  type ReportOptionValues,
  type ScanSettings,
} from './scan-options.ts';

interface ImageOptions extends ReportOptionValues {
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
  return addReportOptions(command, { scanners: scannerNames, defaultScanners: scannerNames })
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
      const globals = globalOptions(command);
      const logger = loggerFor(globals);
      process.exitCode = await scanImage(imageName, options, command, globals, logger);
    });
}

async function scanImage(
  name: string | undefined,
  options: ImageOptions,
  command: Command,
  globals: GlobalOptions,
  logger: Logger,
): Promise<number> {
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

  const client = new RegistryClient({
    insecure: options.insecure,
    logger,
    credentials: chainCredentials(
      ...(options.username && options.password
        ? [staticCredentials({ username: options.username, password: options.password })]
        : []),
      dockerConfigCredentials(),
    ),
  });
  try {
    const image: ContainerImage = options.input
      ? await openLocalImage(options.input, { platform })
      : await openRemoteImage(name ?? '', {
          client,
          platform,
          mirrors: parseMirrors(options.registryMirror),
          logger,
        });
    return await scanOpenedImage(image, db, options, settings, globals, logger);
  } finally {
    db?.close();
    await client.close();
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
    analyzers: analyzersFor(settings.pkgTypes, languageAnalyzers),
    ...(secrets ? { secrets } : {}),
    cache: new LayerCache({ directory: join(globals.cacheDir, 'layers'), logger }),
    parallelLayers: Math.max(1, Number.parseInt(options.parallel, 10) || 3),
    logger,
    onLayerDone: createLayerProgress(logger, globals.quiet),
  });
  const inventory = {
    ...analysis.inventory,
    Packages: settings.pkgTypes.includes('os') ? analysis.inventory.Packages : [],
    Applications: settings.pkgTypes.includes('library') ? analysis.inventory.Applications : [],
  };
  const draft = buildImageReport({
    image,
    analysis,
    packageResults: [],
    listAllPackages: false,
    includeSecrets: false,
  });
  const detection = detectVulnerabilities(db, inventory, {
    artifactName: image.name,
    ...(draft.ArtifactID ? { artifactId: draft.ArtifactID } : {}),
    logger,
  });
  const report = buildImageReport({
    image,
    analysis,
    ...(detection.os ? { os: detection.os } : {}),
    packageResults: detection.results,
    listAllPackages: settings.listAllPackages,
    includeSecrets: settings.scanners.includes('secret'),
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

function parseMirrors(entries: string[] | undefined): Record<string, string[]> {
  const mirrors: Record<string, string[]> = {};
  for (const entry of entries ?? []) {
    const [host, mirror] = entry.split('=');
    if (!host || !mirror)
      throw new UserFacingError(`--registry-mirror ${entry}: expected HOST=MIRROR`, {
        hint: 'e.g. index.docker.io=mirror.gcr.io',
      });
    (mirrors[host] ??= []).push(mirror);
  }
  return mirrors;
}
