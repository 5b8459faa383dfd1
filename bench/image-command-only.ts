/**
 * Bench-only entry point: the `image` command alone, as `bin/trivy-ts image …` would run if the CLI loaded only the
 * command it is asked for. The image benchmark runs it next to the real CLI to show what start-up costs the other
 * commands' modules add to every scan (src/cli/main.ts imports all of them). Not shipped.
 */
import { Command, CommanderError } from 'commander';
import { addGlobalOptions } from '../src/cli/global-options.ts';
import { imageCommand } from '../src/cli/image.ts';
import { describeError } from '../src/util/errors.ts';

const program = addGlobalOptions(new Command('trivy-ts')).addCommand(imageCommand()).exitOverride();
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`trivy-ts: ${describeError(error)}\n`);
    process.exitCode = 1;
  }
}
