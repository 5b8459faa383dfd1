import { Command, Option } from 'commander';
import { globalOptions, loggerFor } from './global-options.ts';

/** `trivy-ts db info`: what DB is in the cache dir, how fresh it is and what it holds. */
export function dbInfoCommand(): Command {
  return new Command('info')
    .configureHelp({ showGlobalOptions: true })
    .description('show the local vulnerability DB: version, update times, size and counts per data source')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .action(async (options: { format: 'table' | 'json' }, command: Command) => {
      const global = globalOptions(command);
      // The DB reader is loaded only when the command runs.
      const { collectDbInfo, renderDbInfoTable } = await import('./db-info-report.ts');
      const info = collectDbInfo(global.cacheDir, await loggerFor(global));
      process.stdout.write(
        options.format === 'json' ? `${JSON.stringify(info, null, 2)}\n` : renderDbInfoTable(info),
      );
    });
}
