import { Command, Option } from 'commander';
import { DEFAULT_DB_REPOSITORIES } from '../scanner/db/download/repositories.ts';
import { repeatable } from './option-values.ts';
import { UserFacingError } from '../util/errors.ts';
import { globalOptions, loggerFor } from './global-options.ts';

interface DbUpdateOptions {
  dbRepository: string[];
  insecure: boolean;
  username?: string;
  password?: string;
  passwordStdin: boolean;
  force: boolean;
}

/** `trivy-ts db update`: download the Trivy DB into `<cache-dir>/db` when it is missing or stale. */
export function dbUpdateCommand(): Command {
  return new Command('update')
    .configureHelp({ showGlobalOptions: true })
    .description(
      'download the vulnerability DB (Trivy DB OCI artifact) into <cache-dir>/db if it is missing or out of date; ' +
        'repositories are tried in order and the next one is used only when a registry is down or rate limiting',
    )
    .addOption(
      new Option(
        '--db-repository <repo>',
        `DB artifact repository, repeatable, tried in order; replaces the defaults (${DEFAULT_DB_REPOSITORIES.join(', ')}); ` +
          'without a tag the schema version is used',
      ).argParser(repeatable),
    )
    .addOption(
      new Option('--insecure', 'allow plain HTTP and HTTPS with unverified certificates')
        .env('TRIVY_TS_INSECURE')
        .default(false),
    )
    .addOption(
      new Option('--username <user>', 'registry user name for the DB repositories').env('TRIVY_TS_USERNAME'),
    )
    .addOption(
      new Option(
        '--password <password>',
        'registry password or token (prefer TRIVY_TS_PASSWORD or --password-stdin)',
      ).env('TRIVY_TS_PASSWORD'),
    )
    .addOption(new Option('--password-stdin', 'read the registry password from stdin').default(false))
    .addOption(new Option('--force', 'download even if the local DB is still fresh').default(false))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  trivy-ts db update\n' +
        '  trivy-ts db update --db-repository registry.internal:5000/trivy-db --insecure\n' +
        '  echo "$TOKEN" | trivy-ts db update --db-repository ghcr.io/aquasecurity/trivy-db:2 --username me --password-stdin\n' +
        '\nDocker credentials (~/.docker/config.json, credential helpers) are used when no --username is given.',
    )
    .action(async (options: DbUpdateOptions & { dbRepository: string[] | undefined }, command: Command) => {
      const globals = globalOptions(command);
      const logger = await loggerFor(globals);
      const password = options.passwordStdin ? await readStdinPassword() : options.password;
      if ((options.username === undefined) !== (password === undefined)) {
        throw new UserFacingError('--username and --password go together', {
          hint: 'pass both (the password may come from TRIVY_TS_PASSWORD or --password-stdin), or neither',
        });
      }
      // The downloader is loaded only when the command runs.
      const [{ ensureDb }, { createProgressReporter }] = await Promise.all([
        import('../scanner/db/download/ensure-db.ts'),
        import('../util/progress.ts'),
      ]);
      const status = await ensureDb({
        cacheDir: globals.cacheDir,
        ...(options.dbRepository ? { repositories: options.dbRepository } : {}),
        insecure: options.insecure,
        force: options.force,
        ...(options.username !== undefined && password !== undefined
          ? { credentials: { username: options.username, password } }
          : {}),
        logger,
        progress: createProgressReporter({ logger, quiet: globals.quiet }),
      });
      if (!status.downloaded)
        logger.info({ reason: status.reason }, 'vulnerability DB is up to date, nothing downloaded');
    });
}

async function readStdinPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new UserFacingError('--password-stdin: the input is too long for a password');
    chunks.push(chunk as Buffer);
  }
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password.length === 0) throw new UserFacingError('--password-stdin: stdin was empty');
  return password;
}
