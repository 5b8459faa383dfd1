import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { analyzers as allAnalyzers, osAnalyzers, osPackageAnalyzers } from '../scanner/analyzers/registry.ts';
import { languageAnalyzers } from '../scanner/analyzers/lang/index.ts';
import type { Analyzer } from '../scanner/analyzers/types.ts';
import { LayerCache } from '../scanner/cache/layer-cache.ts';
import { DEFAULT_DB_REPOSITORIES, ensureDb } from '../scanner/db/download/index.ts';
import { TrivyDb } from '../scanner/db/trivy-db/index.ts';
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
import { applyFilters, loadIgnoreFile, parseSeverities, unfixedStatuses } from '../scanner/report/filter.ts';
import { formatJson } from '../scanner/report/json.ts';
import { severities, vulnerabilityStatuses, type Report, type Severity } from '../scanner/report/model.ts';
import { formatTable } from '../scanner/report/table.ts';
import { formatSarif } from '../scanner/report/sarif.ts';
import { formatCycloneDx } from '../scanner/report/cyclonedx.ts';
import { formatSpdxJson } from '../scanner/report/spdx.ts';
import { analyzeImage } from '../scanner/scan/analyze-image.ts';
import { buildImageReport } from '../scanner/scan/build-report.ts';
import { loadSecretConfig } from '../scanner/secrets/config.ts';
import { SecretScanner } from '../scanner/secrets/scanner.ts';
import { UserFacingError } from '../util/errors.ts';
import { join } from 'node:path';
import { createProgressReporter } from '../util/progress.ts';
import type { Logger } from '../util/logger.ts';
import { globalOptions, loggerFor, type GlobalOptions } from './global-options.ts';

const scannerNames = ['vuln', 'secret'] as const;
type ScannerName = (typeof scannerNames)[number];
const formats = ['table', 'json', 'sarif', 'cyclonedx', 'spdx-json'] as const;
/** SBOM formats list packages; they scan for vulnerabilities only when `--scanners` is given explicitly (as Trivy). */
const sbomFormats: readonly string[] = ['cyclonedx', 'spdx-json'];

interface ImageOptions {
  input?: string;
  platform?: string;
  scanners: string;
  severity: string;
  ignoreUnfixed: boolean;
  ignoreStatus?: string;
  ignorefile: string;
  exitCode: string;
  exitOnEol: string;
  format: (typeof formats)[number];
  output?: string;
  listAllPkgs: boolean;
  pkgTypes: string;
  skipDbUpdate: boolean;
  dbRepository?: string[];
  insecure: boolean;
  username?: string;
  password?: string;
  registryMirror?: string[];
  secretConfig: string;
  parallel: string;
  vulnType?: string;
}

const repeatable = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** `trivy-ts image`: `trivy image`'s habits, natively. */
export function imageCommand(): Command {
  return new Command('image')
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
    )
    .addOption(new Option('--scanners <list>', 'what to look for: vuln, secret').default('vuln,secret'))
    .addOption(new Option('-s, --severity <list>', 'severities to report').default(severities.join(',')))
    .addOption(
      new Option('--ignore-unfixed', 'report only vulnerabilities that have a fixed version').default(false),
    )
    .addOption(new Option('--ignore-status <list>', `statuses to drop: ${vulnerabilityStatuses.join(', ')}`))
    .addOption(
      new Option(
        '--ignorefile <path>',
        '.trivyignore file (plain, or YAML when it ends in .yaml/.yml)',
      ).default('.trivyignore'),
    )
    .addOption(
      new Option('--exit-code <code>', 'exit code when something is found after filtering').default('0'),
    )
    .addOption(
      new Option('--exit-on-eol <code>', 'exit code when the OS is end-of-life (checked first)').default('0'),
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(formats).default('table'))
    .addOption(new Option('-o, --output <file>', 'write the report to a file instead of stdout'))
    .addOption(
      new Option(
        '--list-all-pkgs',
        'list every package in the JSON output, not only vulnerable ones',
      ).default(true),
    )
    .addOption(new Option('--no-list-all-pkgs', 'omit the package lists from the JSON output'))
    .addOption(new Option('--pkg-types <list>', 'package types to scan: os, library').default('os,library'))
    .addOption(new Option('--vuln-type <list>', 'alias of --pkg-types (older Trivy releases)').hideHelp())
    .addOption(new Option('--skip-db-update', 'use the DB in the cache dir as it is').default(false))
    .addOption(
      new Option(
        '--db-repository <repo>',
        `DB repository, repeatable (default: ${DEFAULT_DB_REPOSITORIES.join(', ')})`,
      ).argParser(repeatable),
    )
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
      const scannersGiven = command.getOptionValueSource('scanners') !== 'default';
      process.exitCode = await scanImage(imageName, options, globals, logger, scannersGiven);
    });
}

async function scanImage(
  name: string | undefined,
  options: ImageOptions,
  globals: GlobalOptions,
  logger: Logger,
  scannersGiven: boolean,
): Promise<number> {
  if ((name === undefined) === (options.input === undefined)) {
    throw new UserFacingError(
      name === undefined ? 'no image given' : 'give either an image or --input, not both',
      {
        hint: 'trivy-ts image IMAGE, or trivy-ts image --input ARCHIVE',
      },
    );
  }
  const sbom = sbomFormats.includes(options.format);
  const scanners = sbom && !scannersGiven ? [] : parseList(options.scanners, scannerNames, '--scanners');
  const pkgTypes = parseList(options.vulnType ?? options.pkgTypes, ['os', 'library'] as const, '--pkg-types');
  const selected = parseSeverities(options.severity);
  const ignoreStatuses = options.ignoreStatus
    ? parseList(options.ignoreStatus, vulnerabilityStatuses, '--ignore-status')
    : options.ignoreUnfixed
      ? unfixedStatuses
      : [];
  const exitCode = parseExitCode(options.exitCode, '--exit-code');
  const exitOnEol = parseExitCode(options.exitOnEol, '--exit-on-eol');
  const platform = options.platform ? parsePlatform(options.platform) : hostPlatform();
  const ignore = await loadIgnoreFile(options.ignorefile, options.ignorefile === '.trivyignore');

  let db: TrivyDb | undefined;
  if (scanners.includes('vuln')) {
    await ensureDb({
      cacheDir: globals.cacheDir,
      skipUpdate: options.skipDbUpdate,
      ...(options.dbRepository ? { repositories: options.dbRepository } : {}),
      insecure: options.insecure,
      logger,
      progress: createProgressReporter({ logger, quiet: globals.quiet }),
    });
    db = TrivyDb.open(globals.cacheDir, { logger });
  }

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

    let secrets: { scanner: SecretScanner; configHash: string } | undefined;
    if (scanners.includes('secret')) {
      const config = await loadSecretConfig(options.secretConfig, logger);
      const configText = await readFile(options.secretConfig, 'utf8').catch(() => 'builtin');
      secrets = {
        scanner: new SecretScanner(config),
        configHash: createHash('sha256').update(configText).digest('hex'),
      };
    }
    const layerProgress = createLayerProgress(logger, globals.quiet);
    const analysis = await analyzeImage(image, {
      analyzers: analyzersFor(pkgTypes),
      ...(secrets ? { secrets } : {}),
      cache: new LayerCache({ directory: join(globals.cacheDir, 'layers'), logger }),
      parallelLayers: Math.max(1, Number.parseInt(options.parallel, 10) || 3),
      logger,
      onLayerDone: layerProgress,
    });
    const inventory = {
      ...analysis.inventory,
      Packages: pkgTypes.includes('os') ? analysis.inventory.Packages : [],
      Applications: pkgTypes.includes('library') ? analysis.inventory.Applications : [],
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
      listAllPackages: options.listAllPkgs || sbom,
      includeSecrets: scanners.includes('secret'),
    });
    report.Results = applyFilters(report.Results ?? [], { severities: selected, ignoreStatuses, ignore });
    if (report.Results.length === 0) delete report.Results;

    await writeReport(report, options, selected, scanners);
    if (exitOnEol !== 0 && report.Metadata.OS?.EOSL) return exitOnEol;
    return exitCode !== 0 && hasFindings(report) ? exitCode : 0;
  } finally {
    db?.close();
    await client.close();
  }
}

function analyzersFor(pkgTypes: readonly string[]): readonly Analyzer[] {
  if (pkgTypes.includes('os') && pkgTypes.includes('library')) return allAnalyzers;
  return [
    ...osAnalyzers,
    ...(pkgTypes.includes('os') ? osPackageAnalyzers : []),
    ...(pkgTypes.includes('library') ? languageAnalyzers : []),
  ];
}

async function writeReport(
  report: Report,
  options: ImageOptions,
  selected: Severity[],
  scanners: ScannerName[],
): Promise<void> {
  const toTerminal = options.output === undefined && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const text = (() => {
    switch (options.format) {
      case 'json':
        return formatJson(report);
      case 'sarif':
        return formatSarif(report);
      case 'cyclonedx':
        return formatCycloneDx(report, { includeVulnerabilities: scanners.includes('vuln') });
      case 'spdx-json':
        return formatSpdxJson(report);
      default:
        return formatTable(report, { severities: selected, scanners, color: toTerminal });
    }
  })();
  if (options.output) await writeFile(options.output, text);
  else process.stdout.write(text);
}

function hasFindings(report: Report): boolean {
  return (report.Results ?? []).some(
    (result) => (result.Vulnerabilities?.length ?? 0) > 0 || (result.Secrets?.length ?? 0) > 0,
  );
}

/** A progress line per analyzed layer on a terminal; log lines otherwise. */
function createLayerProgress(logger: Logger, quiet: boolean) {
  const tty = process.stderr.isTTY === true && !quiet;
  return (done: number, total: number, layer: { diffId: string; cached: boolean }) => {
    if (tty) process.stderr.write(`\rAnalyzing layers ${done}/${total}${done === total ? '\n' : ''}`);
    else logger.debug({ layer: layer.diffId, cached: layer.cached, done, total }, 'layer analyzed');
  };
}

function parseList<T extends string>(text: string, allowed: readonly T[], flag: string): T[] {
  const values = text
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
  for (const value of values) {
    if (!allowed.includes(value as T)) {
      throw new UserFacingError(`${flag}: unknown value ${JSON.stringify(value)}`, {
        hint: `use a comma-separated list of ${allowed.join(', ')}`,
      });
    }
  }
  return values as T[];
}

function parseExitCode(text: string, flag: string): number {
  const code = Number(text);
  if (!Number.isInteger(code) || code < 0 || code > 255)
    throw new UserFacingError(`${flag} must be an integer from 0 to 255`);
  return code;
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
