import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { outputAllowance, outputFactor } from './contract.ts';

export interface TargetSummary {
  name: string;
  /** Inputs generated (and checked) for this target. */
  runs: number;
  /** Including the extra inputs fast-check tried while shrinking a failure. */
  checked: number;
  /** Worker-thread seconds spent on this target. */
  seconds: number;
  failures: { message: string; seed: number; file: string }[];
}

const docsPath = join(import.meta.dirname, '..', 'docs', 'benchmarks.md');
const resultsPath = join(import.meta.dirname, '..', '.cache', 'fuzz', 'results.json');
const start = '<!-- fuzz-campaign:start -->';
const end = '<!-- fuzz-campaign:end -->';

export interface RecordedRun {
  command: string;
  seed: number;
  date: string;
}

type Recorded = Record<string, { summary: TargetSummary; run: RecordedRun }>;

/**
 * Replaces the "Fuzzing" section of docs/benchmarks.md (between its markers). A campaign may cover some targets
 * only (`--target`, `--issue-only`): results are kept per target in `.cache/fuzz/results.json`, and the section
 * shows each target's latest run, in the order `order` gives.
 */
export async function recordInDocs(
  summaries: readonly TargetSummary[],
  run: { command: string; seed: number },
  order: readonly string[],
): Promise<void> {
  let recorded: Recorded = {};
  try {
    recorded = JSON.parse(await readFile(resultsPath, 'utf8')) as Recorded;
  } catch {
    // first recorded campaign
  }
  const date = new Date().toISOString().slice(0, 10);
  for (const summary of summaries) recorded[summary.name] = { summary, run: { ...run, date } };
  await mkdir(join(resultsPath, '..'), { recursive: true });
  await writeFile(resultsPath, JSON.stringify(recorded, null, 2));
  const rows = order.flatMap((name) => (recorded[name] ? [recorded[name]] : []));

  const docs = await readFile(docsPath, 'utf8');
  const section = renderSection(rows);
  const at = docs.indexOf(start);
  const until = docs.indexOf(end);
  const updated =
    at >= 0 && until > at
      ? `${docs.slice(0, at)}${section}${docs.slice(until + end.length)}`
      : `${docs.trimEnd()}\n\n${section}\n`;
  await writeFile(docsPath, updated);
  console.log(`recorded in ${docsPath}`);
}

function renderSection(rows: readonly { summary: TargetSummary; run: RecordedRun }[]): string {
  const runs = [...new Map(rows.map(({ run }) => [`${run.command} ${run.date}`, run])).values()];
  const table = [
    ['Target', 'Inputs', 'Worker-seconds', 'Inputs/s', 'Failures', 'Run'],
    ['---', '---:', '---:', '---:', '---', '---:'],
    ...rows.map(({ summary: s, run }) => [
      s.name,
      s.runs.toLocaleString('en'),
      s.seconds.toFixed(0),
      Math.round(s.runs / Math.max(s.seconds, 1e-9)).toLocaleString('en'),
      s.failures.length === 0
        ? 'none'
        : s.failures.map((f) => f.message.slice(0, 80).replace(/\|/g, '/')).join('; '),
      String(runs.indexOf(runs.find((r) => r.command === run.command && r.date === run.date) ?? run) + 1),
    ]),
  ]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
  const load = loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');
  const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} vCPU, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
  const runList = runs.map((r, i) => `${i + 1}. \`${r.command}\` (${r.date})`).join('\n');
  return `${start}

## Fuzzing

Reproduce: \`npm run fuzz\` (every target, 1,000,000 inputs each, two worker threads; \`npm run fuzz -- --help\` lists
the options, \`--replay FILE --target NAME\` re-checks one saved input). Targets and their contracts are in
\`fuzz/targets.ts\`: the parser returns or throws its own error type; it uses at most 250 ms + 1 ms per KiB of input
of its thread's CPU time (decompressed input for layers; confirmed by a second run), never hangs (a watchdog catches inputs that do not return within 60 s) and never
exhausts a 1.5 GiB heap; its result serializes to at most ${outputFactor}× the input plus ${outputAllowance / 1024} KiB; package names and
versions occur in the input where the format stores them verbatim; the layer walker reports only clean paths inside
the image. Inputs are mostly structure-aware: mutations of real files (this machine's dpkg database, Python METADATA,
npm manifests, Debian's jars, Go build info of umoci, rpm databases written by rpm and Berkeley DB) and inputs built
from their parts (hostile tar headers, names, links and PAX records, nested and overlapping jars, rpm headers, Go
build info in all three layouts). Inputs that broke a contract are kept as regression cases in
\`test/scanner/fuzz-regressions.test.ts\`.

Runs (the machine is shared, so rates are indicative; ${machine}, Node ${process.version}, load average at the end
of the last run ${load}):

${runList}

${table}

${end}`;
}
