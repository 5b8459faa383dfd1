/**
 * Long fuzz campaign for the image-side parsers (not part of `npm test`):
 *   node_modules/.bin/node fuzz/scanner-parsers.fuzz.ts --runs 1000000 [--target layer-walker] [--seed 42]
 * `--runs` is the number of inputs PER TARGET; targets run one after another. A failing input is shrunk and
 * written to `.cache/fuzz/<target>-<seed>.bin`; the exit code is 1 when any target failed. Targets and their
 * contracts are in `fuzz/parser-targets.ts`.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { parserTargets, type ParserTarget } from './parser-targets.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100000' },
    target: { type: 'string' },
    seed: { type: 'string' },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);

// The tar-index target writes every input to a file: keep that in memory when the machine has a tmpfs.
const scratch = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'trivy-ts-fuzz-'));
try {
  const all = await parserTargets(join(scratch, 'archive.tar'));
  const targets = all.filter((t) => values.target === undefined || t.name === values.target);
  if (targets.length === 0) {
    throw new Error(`no target named ${values.target}; targets: ${all.map((t) => t.name).join(', ')}`);
  }
  let failed = 0;
  const started = performance.now();
  for (const target of targets) {
    if (!(await fuzz(target))) failed += 1;
  }
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  console.log(`seed ${seed}: ${targets.length - failed} passed, ${failed} failed, ${minutes} min in all`);
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  await rm(scratch, { recursive: true, force: true });
}

async function fuzz(target: ParserTarget): Promise<boolean> {
  const started = performance.now();
  let done = 0;
  const property = fc.asyncProperty(target.inputs, async (input) => {
    // A line every 10% so a long campaign shows its pace (and how far it got if it is stopped).
    if (++done % Math.max(1, Math.floor(runs / 10)) === 0) {
      const elapsed = ((performance.now() - started) / 1000).toFixed(0);
      console.log(`     ${target.name}: ${done} inputs after ${elapsed} s`);
    }
    const problem = await target.check(input);
    if (problem !== undefined) throw new Error(problem);
  });
  const details = await fc.check(property, { numRuns: runs, seed });
  const seconds = (performance.now() - started) / 1000;
  if (!details.failed) {
    const rate = Math.round(details.numRuns / seconds);
    console.log(`ok   ${target.name}: ${details.numRuns} inputs in ${seconds.toFixed(1)} s (${rate}/s)`);
    return true;
  }
  const [input] = details.counterexample ?? [];
  const file = `.cache/fuzz/${target.name.replace(/\W+/g, '-')}-${seed}.bin`;
  if (input !== undefined) {
    await mkdir('.cache/fuzz', { recursive: true });
    await writeFile(file, input);
  }
  console.log(
    `FAIL ${target.name} after ${details.numRuns} runs (${seconds.toFixed(1)} s): ${String(details.errorInstance)}`,
  );
  console.log(`     input saved to ${file}; replay with --seed ${seed} --target "${target.name}"`);
  return false;
}
