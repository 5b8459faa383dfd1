import { Option, type Command } from 'commander';
import { repeatable } from './option-values.ts';
import { DEFAULT_DB_REPOSITORIES } from '../scanner/db/download/repositories.ts';
import type { IgnoreRules } from '../scanner/report/filter.ts';
import {
  severities,
  vulnerabilityStatuses,
  type Severity,
  type VulnerabilityStatus,
} from '../scanner/report/model.ts';

/**
 * What `image`, `fs` and `sbom` share: the report options of `trivy image` (filters, formats, exit codes, the DB).
 * Only the definitions live here, so that building the commands (and `--help`) loads nothing heavy; parsing them
 * and the steps of a scan are in scan-steps.ts, loaded when a scan runs.
 */

export const scannerNames = ['vuln', 'secret'] as const;
export type ScannerName = (typeof scannerNames)[number];
export const formats = ['table', 'json', 'sarif', 'cyclonedx', 'spdx-json'] as const;
export type ReportFormat = (typeof formats)[number];
/** SBOM formats list packages; they scan for vulnerabilities only when `--scanners` is given explicitly (as Trivy). */
export const sbomFormats: readonly ReportFormat[] = ['cyclonedx', 'spdx-json'];
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

/** `--skip-files` / `--skip-dirs`, as commander hands them over (each a comma list, repeatable). */
export interface SkipOptionValues {
  skipFiles?: string[];
  skipDirs?: string[];
}

/** Trivy's `--skip-files` and `--skip-dirs` (image, fs, and the operator's scan Jobs). */
export function addSkipOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--skip-files <globs>',
        'files not to analyse or scan for secrets: globs relative to the root (e.g. "**/*.jar"), comma list, repeatable',
      ).argParser(repeatable),
    )
    .addOption(
      new Option(
        '--skip-dirs <globs>',
        'directories whose files are not analysed or scanned for secrets (e.g. "usr/share/doc"), comma list, repeatable',
      ).argParser(repeatable),
    );
}

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
