import { Command } from 'commander';
import { dbInfoCommand } from './db-info.ts';
import { dbUpdateCommand } from './db-update.ts';

/** `trivy-ts db …`: manage the vulnerability database in the cache dir. */
export function dbCommand(): Command {
  return new Command('db')
    .description('manage the vulnerability database (the Trivy DB, an OCI artifact)')
    .configureHelp({ showGlobalOptions: true })
    .addCommand(dbUpdateCommand())
    .addCommand(dbInfoCommand());
}
