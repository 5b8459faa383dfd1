import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import {
  analyzers as imageAnalyzers,
  osAnalyzers,
  osPackageAnalyzers,
} from '../scanner/analyzers/registry.ts';
import type { Analyzer } from '../scanner/analyzers/types.ts';
import { DEFAULT_DB_REPOSITORIES, ensureDb } from '../scanner/db/download/index.ts';
import { TrivyDb } from '../scanner/db/trivy-db/index.ts';
import { formatCycloneDx } from '../scanner/report/cyclonedx.ts';
import {
  applyFilters,
  loadIgnoreFile,
  parseSeverities,
  unfixedStatuses,
  type IgnoreRules,
} from '../scanner/report/filter.ts';
import { formatJson } from '../scanner/report/json.ts';
import {
  severities,
  vulnerabilityStatuses,
  type Report,
  type Severity,
  type VulnerabilityStatus,
} from '../scanner/report/model.ts';
import { formatSarif } from '../scanner/report/sarif.ts';
import { formatSpdxJson } from '../scanner/report/spdx.ts';
import { formatTable } from '../scanner/report/table.ts';
import { loadSecretConfig } from '../scanner/secrets/config.ts';
import { SecretScanner } from '../scanner/secrets/scanner.ts';
import { UserFacingError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import { createProgressReporter } from '../util/progress.ts';
import type { GlobalOptions } from './global-options.ts';

/**
 * What `image`, `fs` and `sbom` share: the report options of `trivy image` (filters, formats, exit codes, the DB),
 * parsed once into ScanSettings, and the steps after detection (filter, write, exit code).
 */

export const scannerNames = ['vuln', 'secret'] as const;
export type ScannerName = (typeof scannerNames)[number];
export const formats = ['table', 'json', 'sarif', 'cyclonedx', 'spdx-json'] as const;
export type ReportFormat = (typeof formats)[number];
/** SBOM formats list packages; they scan for vulnerabilities only when `--scanners` is given explicitly (as Trivy). */
const sbomFormats: readonly ReportFormat[] = ['cyclonedx', 'spdx-json'];
export const pkgTypeNames = ['os', 'library'] as const;
export type PkgType = (typeof pkgTypeNames)[number];

/** The raw values of the shared options, as commander hands them over. */
export interface ReportOptionValues {
  scanners: string;
  severity: string;
  ignoreUnfixed: boolean;
  ignoreStatus?: string;
  ignorefile: string;
  exitCode: string;
  exitOnEol: string;
  format: ReportFormat;
  output?: string;
  listAllPkgs: boolean;
  pkgTypes: string;
  vulnType?: string;
  skipDbUpdate: boolean;
  dbRepository?: string[];
  insecure: boolean;
}

export interface ScanSettings {
  scanners: ScannerName[];
  pkgTypes: PkgType[];
  severities: Severity[];
  ignoreStatuses: readonly VulnerabilityStatus[];
  ignore: IgnoreRules;
  exitCode: number;
  exitOnEol: number;
  format: ReportFormat;
  output?: string;
  /** Package lists in the report: `--list-all-pkgs`, and always for SBOM formats. */
  listAllPackages: boolean;
}

export const repeatable = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/**
 * Adds the options every scan command shares. `scanners` lists what the command can look for; the first entries of
 * `defaultScanners` run when `--scanners` is not given.
 */
export function addReportOptions(
  command: Command,
  config: { scanners: readonly ScannerName[]; defaultScanners: readonly ScannerName[] },
): Command {
  return command
    .addOption(
      new Option('--scanners <list>', `what to look for: ${config.scanners.join(', ')}`).default(
        config.defaultScanners.join(','),
      ),
    )
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
    );
}

/** Parses and checks the shared options once; errors name the flag and the values it takes. */
export async function parseScanSettings(
  options: ReportOptionValues,
  command: Command,
  allowedScanners: readonly ScannerName[],
): Promise<ScanSettings> {
  const sbom = sbomFormats.includes(options.format);
  const scannersGiven = command.getOptionValueSource('scanners') !== 'default';
  const scanners = sbom && !scannersGiven ? [] : parseList(options.scanners, allowedScanners, '--scanners');
  const pkgTypes = parseList(options.vulnType ?? options.pkgTypes, pkgTypeNames, '--pkg-types');
  const ignoreStatuses = options.ignoreStatus
    ? parseList(options.ignoreStatus, vulnerabilityStatuses, '--ignore-status')
    : options.ignoreUnfixed
      ? unfixedStatuses
      : [];
  return {
    scanners,
    pkgTypes,
    severities: parseSeverities(options.severity),
    ignoreStatuses,
    ignore: await loadIgnoreFile(options.ignorefile, options.ignorefile === '.trivyignore'),
    exitCode: parseExitCode(options.exitCode, '--exit-code'),
    exitOnEol: parseExitCode(options.exitOnEol, '--exit-on-eol'),
    format: options.format,
    ...(options.output ? { output: options.output } : {}),
    listAllPackages: options.listAllPkgs || sbom,
  };
}

/** Downloads the DB when it is stale (unless `--skip-db-update`) and opens it; undefined when `vuln` is off. */
export async function openVulnerabilityDb(
  settings: ScanSettings,
  options: ReportOptionValues,
  globals: GlobalOptions,
  logger: Logger,
): Promise<TrivyDb | undefined> {
  if (!settings.scanners.includes('vuln')) return undefined;
  await ensureDb({
    cacheDir: globals.cacheDir,
    skipUpdate: options.skipDbUpdate,
    ...(options.dbRepository ? { repositories: options.dbRepository } : {}),
    insecure: options.insecure,
    logger,
    progress: createProgressReporter({ logger, quiet: globals.quiet }),
  });
  return TrivyDb.open(globals.cacheDir, { logger });
}

/** The secret scanner for `--secret-config` (built-in rules when the file does not exist), with a hash for caches. */
export async function loadSecretScanner(
  configPath: string,
  logger: Logger,
): Promise<{ scanner: SecretScanner; configHash: string }> {
  const config = await loadSecretConfig(configPath, logger);
  const configText = await readFile(configPath, 'utf8').catch(() => 'builtin');
  return {
    scanner: new SecretScanner(config),
    configHash: createHash('sha256').update(configText).digest('hex'),
  };
}

/** The analyzers of an image scan for `--pkg-types`: OS release files always, OS DBs and languages on demand. */
export function analyzersFor(
  pkgTypes: readonly PkgType[],
  languageAnalyzers: readonly Analyzer[],
  all: readonly Analyzer[] = imageAnalyzers,
): readonly Analyzer[] {
  if (pkgTypes.includes('os') && pkgTypes.includes('library')) return all;
  return [
    ...osAnalyzers,
    ...(pkgTypes.includes('os') ? osPackageAnalyzers : []),
    ...(pkgTypes.includes('library') ? languageAnalyzers : []),
  ];
}

/**
 * Applies the filters, writes the report in the chosen format and returns the exit code: `--exit-on-eol` first,
 * then `--exit-code` when anything is left after filtering.
 */
export async function finishReport(report: Report, settings: ScanSettings): Promise<number> {
  report.Results = applyFilters(report.Results ?? [], {
    severities: settings.severities,
    ignoreStatuses: settings.ignoreStatuses,
    ignore: settings.ignore,
  });
  if (report.Results.length === 0) delete report.Results;
  await writeReport(report, settings);
  if (settings.exitOnEol !== 0 && report.Metadata.OS?.EOSL) return settings.exitOnEol;
  return settings.exitCode !== 0 && hasFindings(report) ? settings.exitCode : 0;
}

async function writeReport(report: Report, settings: ScanSettings): Promise<void> {
  const toTerminal = settings.output === undefined && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const text = (() => {
    switch (settings.format) {
      case 'json':
        return formatJson(report);
      case 'sarif':
        return formatSarif(report);
      case 'cyclonedx':
        return formatCycloneDx(report, { includeVulnerabilities: settings.scanners.includes('vuln') });
      case 'spdx-json':
        return formatSpdxJson(report);
      default:
        return formatTable(report, {
          severities: settings.severities,
          scanners: settings.scanners,
          color: toTerminal,
        });
    }
  })();
  if (settings.output) await writeFile(settings.output, text);
  else process.stdout.write(text);
}

function hasFindings(report: Report): boolean {
  return (report.Results ?? []).some(
    (result) => (result.Vulnerabilities?.length ?? 0) > 0 || (result.Secrets?.length ?? 0) > 0,
  );
}

export function parseList<T extends string>(text: string, allowed: readonly T[], flag: string): T[] {
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
