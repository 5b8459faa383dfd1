/**
 * The parser fuzz campaign (issue 3, "Bad input"): `npm run fuzz -- [options]`.
 *
 *   --runs N          inputs per target (default 1,000,000)
 *   --target A,B      only these targets (default: all; `--list` prints them)
 *   --issue-only      only the parsers issue 3 names
 *   --jobs N          worker threads (default 2)
 *   --chunk N         inputs per unit of work; each unit has its own fast-check seed (default 20,000)
 *   --seed N          base seed (default: from the clock); unit seeds derive from it, so a run is reproducible
 *   --synthetic-seeds do not build seed databases with rpm / Berkeley DB tools
 *   --record          write the results into docs/benchmarks.md (section "Fuzzing"); targets not run keep theirs
 *   --rerender-docs   rewrite that section from the recorded results, running nothing
 *   --replay FILE     check one saved input against --target and print the verdict
 *
 * Failing inputs (shrunk by fast-check; hangs and heap exhaustion as they were) are saved under `.cache/fuzz/failures/`
 * and the exit code is 1, as it is when a target falls short of --runs. Ctrl-C (or SIGTERM) finishes the units under
 * way and reports what ran; a second one quits at once. Each target's contract is in `fuzz/targets.ts`; the runner adds time and memory bounds.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { fuzzTargets } from './targets.ts';
import { checkTimed, type Unit, type UnitResult, type WorkerSetup } from './worker.ts';
import { recordInDocs, rerenderDocs, type TargetSummary } from './record.ts';

/** Targets whose inputs cost milliseconds each (streams, archives, databases) rather than a fraction of one. */
const heavyTargets = new Set(['layer-walker', 'jar', 'tar-index', 'rpm sqlite', 'rpm header']);

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    target: { type: 'string' },
    'issue-only': { type: 'boolean', default: false },
    jobs: { type: 'string', default: '2' },
    chunk: { type: 'string', default: '20000' },
    seed: { type: 'string' },
    'synthetic-seeds': { type: 'boolean', default: false },
    record: { type: 'boolean', default: false },
    replay: { type: 'string' },
    list: { type: 'boolean', default: false },
    'hang-seconds': { type: 'string', default: '60' },
    'rerender-docs': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  const usage = (await readFile(new URL(import.meta.url), 'utf8')).split('*/')[0] ?? '';
  console.log(usage.replace(/^\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
  process.exit(0);
}

const positive = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${text}`);
  return n;
};
const runsPerTarget = positive('runs', values.runs);
const jobs = positive('jobs', values.jobs);
const chunk = positive('chunk', values.chunk);
const hangMs = positive('hang-seconds', values['hang-seconds']) * 1000;
const baseSeed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const realSeeds = !values['synthetic-seeds'];
const failuresDir = join(import.meta.dirname, '..', '.cache', 'fuzz', 'failures');

const scratchDir = await mkdtemp(join(tmpdir(), 'trivy-ts-fuzz-'));
try {
  const all = await fuzzTargets({ scratchFile: join(scratchDir, 'archive.tar'), realSeeds });
  const wanted = values.target?.split(',').map((name) => name.trim());
  const unknown = (wanted ?? []).filter((name) => !all.some((t) => t.name === name));
  if (unknown.length > 0) throw new Error(`unknown target(s): ${unknown.join(', ')}; --list shows them`);
  const targets = all.filter((t) => (wanted ? wanted.includes(t.name) : !values['issue-only'] || t.issue));

  if (values['rerender-docs']) {
    await rerenderDocs(all.map((t) => t.name));
  } else if (values.list) {
    for (const t of all) console.log(`${t.issue ? '*' : ' '} ${t.name}`);
  } else if (values.replay !== undefined) {
    const [target] = targets;
    if (target === undefined || targets.length !== 1) throw new Error('--replay needs exactly one --target');
    const problem = await checkTimed(target, await readFile(values.replay));
    console.log(problem === undefined ? `ok: ${target.name} keeps its contract` : `FAIL: ${problem}`);
    process.exitCode = problem === undefined ? 0 : 1;
  } else {
    const summaries = await runCampaign(
      targets.map((t) => t.name),
      all.map((t) => t.name),
    );
    printSummary(summaries);
    if (values.record) {
      const selection = values.target
        ? ` --target '${values.target}'`
        : values['issue-only']
          ? ' --issue-only'
          : '';
      await recordInDocs(
        summaries,
        { command: `npm run fuzz -- --runs ${runsPerTarget} --seed ${baseSeed}${selection}`, seed: baseSeed },
        all.map((t) => t.name),
      );
    }
    process.exitCode = summaries.some((s) => s.failures.length > 0 || s.runs < runsPerTarget) ? 1 : 0;
  }
} finally {
  await rm(scratchDir, { recursive: true, force: true });
}

/** Seeds for the units of one target: distinct per target and chunk, fixed by the base seed. */
function unitSeed(targetIndex: number, chunkIndex: number): number {
  return (baseSeed + targetIndex * 1_000_003 + chunkIndex * 7919) % 2 ** 31;
}

/** Runs the named targets; unit seeds follow each target's place among `allNames`, so a subset replays the same inputs. */
async function runCampaign(names: string[], allNames: string[]): Promise<TargetSummary[]> {
  const summaries = new Map<string, TargetSummary>(
    names.map((name) => [name, { name, runs: 0, checked: 0, seconds: 0, failures: [] }]),
  );
  const queue: Unit[] = [];
  // Light targets first: each finishes its million early, and the heavy ones share the threads at the end.
  const byCost = [...names].sort((a, b) => Number(heavyTargets.has(a)) - Number(heavyTargets.has(b)));
  for (const target of byCost) {
    const t = allNames.indexOf(target);
    for (let done = 0, c = 0; done < runsPerTarget; done += chunk, c++) {
      queue.push({ target, runs: Math.min(chunk, runsPerTarget - done), seed: unitSeed(t, c) });
    }
  }
  const started = performance.now();
  const load = loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');
  console.log(
    `fuzz campaign: ${names.length} targets × ${runsPerTarget.toLocaleString('en')} inputs, ${jobs} threads, ` +
      `base seed ${baseSeed} (${cpus().length} CPUs, load ${load})`,
  );
  await mkdir(failuresDir, { recursive: true });
  // Interrupted, the campaign finishes the units under way and still reports (and records) what it did.
  const stop = () => {
    if (queue.length === 0) process.exit(130);
    console.log(
      `stopping after the units under way (${queue.length} not started); interrupt again to quit now`,
    );
    queue.length = 0;
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await Promise.all(Array.from({ length: jobs }, () => runThread(queue, summaries)));
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  const minutes = (performance.now() - started) / 60_000;
  console.log(`done in ${minutes.toFixed(1)} min`);
  return [...summaries.values()];
}

/** A worker thread that takes units off the queue; replaced by a fresh one after a hang or a crash. */
async function runThread(queue: Unit[], summaries: Map<string, TargetSummary>): Promise<void> {
  while (queue.length > 0) {
    const counters = new SharedArrayBuffer(8);
    const current = new SharedArrayBuffer(8 * 1024 * 1024);
    const setup: WorkerSetup = { scratchDir, realSeeds, counters, current };
    const worker = new Worker(new URL('./worker.ts', import.meta.url), {
      workerData: setup,
      resourceLimits: { maxOldGenerationSizeMb: 1536 },
    });
    await drain(worker, queue, summaries, new Int32Array(counters), new Uint8Array(current));
    await worker.terminate();
  }
}

/** Feeds units to one worker until the queue is empty or the worker dies; records what it reports. */
function drain(
  worker: Worker,
  queue: Unit[],
  summaries: Map<string, TargetSummary>,
  counters: Int32Array,
  current: Uint8Array,
): Promise<void> {
  return new Promise((resolve) => {
    let unit: Unit | undefined;
    let unitStarted = 0;
    let lastCount = -1;
    let lastMoved = performance.now();
    const next = () => {
      unit = queue.shift();
      if (unit === undefined) return finish();
      Atomics.store(counters, 0, 0);
      unitStarted = performance.now();
      lastCount = -1;
      lastMoved = performance.now();
      worker.postMessage(unit);
    };
    let stopping = false;
    const watchdog = setInterval(() => {
      const count = Atomics.load(counters, 0);
      if (count !== lastCount) {
        lastCount = count;
        lastMoved = performance.now();
      } else if (unit !== undefined && !stopping && performance.now() - lastMoved > hangMs) {
        stopping = true;
        void lost(`no answer after ${hangMs / 1000} s (hang)`).then(finish);
      }
    }, 1000);
    const finish = () => {
      clearInterval(watchdog);
      worker.removeAllListeners();
      resolve();
    };
    /** The worker is gone mid-unit: count what it checked and save the input it was on. */
    const lost = async (message: string) => {
      if (unit === undefined) return;
      const summary = summaries.get(unit.target);
      const length = Atomics.load(counters, 1);
      const input = Buffer.from(current.subarray(0, Math.min(length, current.length)));
      if (summary !== undefined) {
        const done = Atomics.load(counters, 0);
        summary.runs += done;
        summary.checked += done;
        summary.seconds += (performance.now() - unitStarted) / 1000;
        summary.failures.push({
          message,
          seed: unit.seed,
          file: await saveFailure(unit.target, unit.seed, input),
        });
        giveUpAfterRepeatedFailures(summary, queue);
      }
      console.log(`FAIL ${unit.target} (seed ${unit.seed}): ${message}`);
      unit = undefined;
    };
    worker.on('message', (message: 'ready' | UnitResult) => {
      if (message === 'ready') return next();
      void report(message, summaries, queue).then(next);
    });
    worker.on('error', (error) => {
      void lost(`worker died: ${error.message}`).then(finish);
    });
    worker.on('exit', () => {
      if (unit !== undefined) void lost('worker exited').then(finish);
      else finish();
    });
  });
}

/** A target that keeps failing is reporting the same bug: stop spending time on it (the summary shows the shortfall). */
function giveUpAfterRepeatedFailures(summary: TargetSummary, queue: Unit[]): void {
  if (summary.failures.length < 3) return;
  for (let i = queue.length - 1; i >= 0; i--) if (queue[i]?.target === summary.name) queue.splice(i, 1);
}

async function report(
  result: UnitResult,
  summaries: Map<string, TargetSummary>,
  queue: Unit[],
): Promise<void> {
  const summary = summaries.get(result.target);
  if (summary === undefined) return;
  summary.runs += result.runs;
  summary.checked += result.checked;
  summary.seconds += result.seconds;
  if (result.failure !== undefined) {
    const file = await saveFailure(result.target, result.seed, Buffer.from(result.failure.input));
    summary.failures.push({ message: result.failure.message, seed: result.seed, file });
    console.log(
      `FAIL ${result.target} (seed ${result.seed}): ${result.failure.message}\n     input: ${file}`,
    );
    giveUpAfterRepeatedFailures(summary, queue);
  }
  const rate = Math.round(result.runs / result.seconds);
  const time = new Date().toISOString().slice(11, 19);
  console.log(
    `${time} ${result.target}: ${summary.runs.toLocaleString('en')} inputs, ${summary.seconds.toFixed(0)} s (${rate}/s)`,
  );
}

async function saveFailure(target: string, seed: number, input: Buffer): Promise<string> {
  const file = join(failuresDir, `${target.replace(/\W+/g, '-')}-${seed}.bin`);
  await writeFile(file, input);
  return file;
}

function printSummary(summaries: TargetSummary[]): void {
  console.log('\ntarget                      inputs   worker-s    inputs/s  failures');
  for (const s of summaries) {
    console.log(
      `${s.name.padEnd(24)} ${s.runs.toLocaleString('en').padStart(10)} ${s.seconds.toFixed(0).padStart(10)} ` +
        `${Math.round(s.runs / Math.max(s.seconds, 1e-9))
          .toLocaleString('en')
          .padStart(11)}  ${s.failures.length}`,
    );
  }
}
