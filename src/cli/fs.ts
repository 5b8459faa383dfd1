import { Command, Option } from 'commander';
import { globalOptions } from './global-options.ts';
import {
  addReportOptions,
  addSkipOptions,
  scannerNames,
  type ReportOptionValues,
  type SkipOptionValues,
} from './scan-options.ts';

export interface FsOptions extends ReportOptionValues, SkipOptionValues {
  secretConfig: string;
  includeDevDeps: boolean;
}

/** `trivy-ts fs`: `trivy fs` for a project or a root filesystem on disk. */
export function fsCommand(): Command {
  const command = new Command('fs')
    .description(
      'scan a directory (project with lock files, or an unpacked root filesystem) for vulnerabilities and secrets',
    )
    .argument('<path>', 'directory (or single file) to scan; symbolic links are not followed')
    .configureHelp({ showGlobalOptions: true });
  return addSkipOptions(addReportOptions(command, { scanners: scannerNames, defaultScanners: scannerNames }))
    .addOption(
      new Option('--include-dev-deps', 'also report packages lock files mark as development-only').default(
        false,
      ),
    )
    .addOption(
      new Option('--insecure', 'allow plain HTTP and unverified HTTPS for the DB registry')
        .env('TRIVY_TS_INSECURE')
        .default(false),
    )
    .addOption(
      new Option('--secret-config <file>', 'custom secret rules (Trivy format)').default('trivy-secret.yaml'),
    )
    .addHelpText(
      'after',
      '\nReads OS package databases and lock files (package-lock.json, yarn.lock, pnpm-lock.yaml, bun.lock,\n' +
        'requirements.txt, Pipfile.lock, poetry.lock, uv.lock, pylock.toml, go.mod, Cargo.lock, Gemfile.lock,\n' +
        'composer.lock, packages.lock.json, *.deps.json, gradle.lockfile, *.sbt.lock, conan.lock, mix.lock,\n' +
        'pubspec.lock, Podfile.lock, Package.resolved, environment.yml), as `trivy fs` does. `.git` is skipped.\n' +
        '\nExamples:\n' +
        '  trivy-ts fs .\n' +
        '  trivy-ts fs --scanners vuln --severity HIGH,CRITICAL --exit-code 1 ./app\n' +
        '  trivy-ts fs --format cyclonedx --output sbom.cdx.json .\n',
    )
    .action(async (path: string, options: FsOptions, command: Command) => {
      // The scanner is loaded only when a scan runs: `--help` and the other commands start without it.
      const { scanFilesystem } = await import('./fs-scan.ts');
      process.exitCode = await scanFilesystem(path, options, command, globalOptions(command));
    });
}
