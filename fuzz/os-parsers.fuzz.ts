/**
 * Long fuzz campaign for the OS-detection and OS-package parsers (not part of `npm test`):
 *   node_modules/.bin/node fuzz/os-parsers.fuzz.ts --runs 1000000 [--target "rpm bdb"] [--seed 42]
 * `--runs` is the total number of inputs, shared evenly by the targets. A failing input is shrunk and written
 * to `.cache/fuzz/<target>-<seed>.bin`; the exit code is 1 when any target failed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { fuzzTargets, property } from '../test/scanner/analyzers/pkg/fuzz-targets.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100000' },
    target: { type: 'string' },
    seed: { type: 'string' },
  },
});
const totalRuns = Number(values.runs);
if (!Number.isInteger(totalRuns) || totalRuns < 1) throw new Error('--runs must be a positive integer');
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);

const targets = (await fuzzTargets()).filter((t) => values.target === undefined || t.name === values.target);
if (targets.length === 0) throw new Error(`no target named ${values.target}`);
const runsPerTarget = Math.ceil(totalRuns / targets.length);
let failed = 0;
for (const target of targets) {
  const started = performance.now();
  const details = await fc.check(property(target), { numRuns: runsPerTarget, seed });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (details.failed) {
    failed += 1;
    const [input] = details.counterexample ?? [];
    const file = `.cache/fuzz/${target.name.replace(/\W+/g, '-')}-${seed}.bin`;
    if (input !== undefined) {
      await mkdir('.cache/fuzz', { recursive: true });
      await writeFile(file, input);
    }
    console.log(
      `FAIL ${target.name} after ${details.numRuns} runs (${seconds} s): ${String(details.errorInstance)}`,
    );
    console.log(`     input saved to ${file}; replay with --seed ${seed} --target "${target.name}"`);
  } else {
    console.log(`ok   ${target.name}: ${details.numRuns} inputs in ${seconds} s`);
  }
}
console.log(`seed ${seed}: ${targets.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
