import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { TrivyDb } from '../scanner/db/trivy-db/index.ts';
import { applyFilters, loadIgnoreFile, parseSeverities, unfixedStatuses } from '../scanner/report/filter.ts';
import { vulnerabilityStatuses, type Report } from '../scanner/report/model.ts';
import type { SecretScanner } from '../scanner/secrets/scanner.ts';
import { UserFacingError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import { colorWanted } from '../util/terminal-style.ts';
import type { GlobalOptions } from './global-options.ts';
import { parseExitCode } from './option-values.ts';
import {
  pkgTypeNames,
  sbomFormats,
  type ReportOptionValues,
  type ScannerName,
  type ScanSettings,
} from './scan-options.ts';

/**
 * The steps `image`, `fs` and `sbom` share once their options are parsed: settings, the DB, the secret scanner, and
 * after detection filter, write and exit code. What a given scan does not use (the DB without `vuln`, the secret
 * rules without `secret`, every report format but the chosen one) is loaded only when used.
 */

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
    exitCode: parseExitCode(options.exitCode),
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
  const [{ ensureDb }, { TrivyDb }, { createProgressReporter }] = await Promise.all([
    import('../scanner/db/download/ensure-db.ts'),
    import('../scanner/db/trivy-db/index.ts'),
    import('../util/progress.ts'),
  ]);
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
  const [{ loadSecretConfig }, { SecretScanner }] = await Promise.all([
    import('../scanner/secrets/config.ts'),
    import('../scanner/secrets/scanner.ts'),
  ]);
  const config = await loadSecretConfig(configPath, logger);
  const configText = await readFile(configPath, 'utf8').catch(() => 'builtin');
  return {
    scanner: new SecretScanner(config),
    configHash: createHash('sha256').update(configText).digest('hex'),
  };
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
  const text = await formatReport(report, settings);
  if (settings.output) await writeFile(settings.output, text);
  else process.stdout.write(text);
}

/** Renders the report in the chosen format; each formatter (the CycloneDX library among them) loads on demand. */
async function formatReport(report: Report, settings: ScanSettings): Promise<string> {
  switch (settings.format) {
    case 'json':
      return (await import('../scanner/report/json.ts')).formatJson(report);
    case 'sarif':
      return (await import('../scanner/report/sarif.ts')).formatSarif(report);
    case 'cyclonedx':
      return (await import('../scanner/report/cyclonedx.ts')).formatCycloneDx(report, {
        includeVulnerabilities: settings.scanners.includes('vuln'),
      });
    case 'spdx-json':
      return (await import('../scanner/report/spdx.ts')).formatSpdxJson(report);
    default:
      return (await import('../scanner/report/table.ts')).formatTable(report, {
        severities: settings.severities,
        scanners: settings.scanners,
        color: colorWanted(settings.output),
      });
  }
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
