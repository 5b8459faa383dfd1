import { Option, type Command } from 'commander';
import { defaultCacheDir } from '../config/paths.ts';
import type { Logger, LogLevel } from '../util/logger.ts';

/** Options every command accepts (as in `trivy`: they may appear before or after the subcommand). */
export interface GlobalOptions {
  cacheDir: string;
  quiet: boolean;
  debug: boolean;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .addOption(
      new Option('--cache-dir <dir>', 'cache directory (vulnerability DB in <dir>/db, layer cache)')
        .env('TRIVY_TS_CACHE_DIR')
        .default(defaultCacheDir(), '$XDG_CACHE_HOME/trivy-ts or ~/.cache/trivy-ts'),
    )
    .addOption(
      new Option('-q, --quiet', 'suppress progress bars and log output').env('TRIVY_TS_QUIET').default(false),
    )
    .addOption(new Option('-d, --debug', 'debug logging').env('TRIVY_TS_DEBUG').default(false));
}

/** Reads the global options from any command in the tree (they are defined on the root program). */
export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** The logger for a command's options; loaded when a command runs, so that `--help` and `--version` skip pino. */
export async function loggerFor(options: GlobalOptions): Promise<Logger> {
  const { createLogger } = await import('../util/logger.ts');
  const level: LogLevel = options.quiet ? 'error' : options.debug ? 'debug' : 'info';
  return createLogger(level);
}
