import { Command, CommanderError } from 'commander';
import { describeError, UserFacingError } from '../util/errors.ts';
import { trivyTsVersion } from '../util/version.ts';
import { addGlobalOptions } from './global-options.ts';
import { configCommand } from './config.ts';
import { dbCommand } from './db.ts';
import { fsCommand } from './fs.ts';
import { imageCommand } from './image.ts';
import { k8sCommand } from './k8s.ts';
import { operatorCommand } from './operator.ts';
import { sbomCommand } from './sbom.ts';
import { scanJobCommand } from './scan-job.ts';
import { statusCommand } from './status.ts';

export function buildProgram(): Command {
  const program = new Command('trivy-ts')
    .description(
      'Kubernetes security operator and native container image scanner, compatible with Trivy and Trivy Operator',
    )
    .version(trivyTsVersion, '-v, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: true });
  addGlobalOptions(program);
  program.addCommand(configCommand());
  program.addCommand(dbCommand());
  program.addCommand(fsCommand());
  program.addCommand(imageCommand());
  program.addCommand(k8sCommand());
  program.addCommand(operatorCommand());
  program.addCommand(sbomCommand());
  program.addCommand(scanJobCommand());
  program.addCommand(statusCommand());
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`trivy-ts: ${describeError(error)}\n`);
    if (!(error instanceof UserFacingError) && error instanceof Error && error.stack) {
      process.stderr.write(`${error.stack}\n`);
    }
    return error instanceof UserFacingError ? error.exitCode : 1;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
