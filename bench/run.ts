/**
 * Runs benchmarks: every `bench/*.bench.ts`, or those named on the command line (`npm run bench -- db`).
 * Each runs in its own Node process, one after another, so they do not disturb each other's memory or timing.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

const benchDir = import.meta.dirname;
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => basename(file, '.bench.ts'))
  .sort();

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const passThrough = process.argv.slice(2).filter((arg) => arg.startsWith('-'));
const unknown = requested.filter((name) => !available.includes(name.replace(/\.bench\.ts$/, '')));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
const selected = requested.length > 0 ? requested.map((name) => name.replace(/\.bench\.ts$/, '')) : available;

let failed = 0;
for (const name of selected) {
  console.log(`\n=== bench ${name} ===`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', join(benchDir, `${name}.bench.ts`), ...passThrough],
      { stdio: 'inherit' },
    );
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  if (code !== 0) {
    console.error(`bench ${name} failed (exit ${code})`);
    failed++;
  }
}
process.exit(failed > 0 ? 1 : 0);
