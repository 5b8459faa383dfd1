import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeBenchmarkSection } from '../bench/docs-section.ts';
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

const resultsPath = join(import.meta.dirname, '..', '.cache', 'fuzz', 'results.json');

export interface RecordedRun {
  command: string;
  seed: number;
  date: string;
  /** Load average when the run ended (absent in results recorded before it was kept). */
  load?: string;
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
  const load = loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');
  for (const summary of summaries) recorded[summary.name] = { summary, run: { ...run, date, load } };
  await mkdir(join(resultsPath, '..'), { recursive: true });
  await writeFile(resultsPath, JSON.stringify(recorded, null, 2));
  await renderIntoDocs(recorded, order);
}

/** Rewrites the section from the results already recorded (after a change to how it is presented). */
export async function rerenderDocs(order: readonly string[]): Promise<void> {
  await renderIntoDocs(JSON.parse(await readFile(resultsPath, 'utf8')) as Recorded, order);
}

async function renderIntoDocs(recorded: Recorded, order: readonly string[]): Promise<void> {
  const rows = order.flatMap((name) => (recorded[name] ? [recorded[name]] : []));

  await writeBenchmarkSection('fuzz-campaign', renderSection(rows));
}

/**
 * What the campaign found while it was built and run, each fixed in the parser and kept as a case in
 * test/scanner/fuzz-regressions.test.ts. Kept here so the section states it next to the numbers.
 */
const findings = [
  'layer walker: a layer that failed (truncated, or over the size limit) inside a file streamed to the secret scanner ' +
    'never settled: the scan hung (found by the campaign).',
  "layer walker: `.wh.`, `.wh..` and `.wh...` became whiteouts of '', '.' and '..'; the root one deleted everything " +
    'lower layers had found (found by the campaign).',
  'layer walker: a PAX `path` holding a NUL was reported as a file path (found by the campaign).',
  'rpm header: a long DIRNAMES entry shared by thousands of empty BASENAMES expanded 8.9 KB into 200 KB of paths (a ' +
    '100 MB rpmdb into terabytes); such a file list is now dropped, the package kept (found by the campaign). The ' +
    'same shape in apk `F:`/`R:` lines turned 13 KB into 12 MB (found checking the same bound).',
  'jar: each nested archive was re-read by name (rescanning the whole central directory), and a directory listing ' +
    'one nested jar many times opened it once per listing at every level: 2.5 KB took 0.6 s, 4,000 nested jars ' +
    '3.4 s (found by the campaign); now one pass per archive, each name once, at most 20,000 nested archives.',
  'tar index: a PAX record length with leading zeros (`0…01 `) made the reader advance one byte per record: a ' +
    '64 KiB header took 8 s (found reviewing the reader while writing the PAX shapes, which now generate it).',
  'ELF reader (Go and Rust binaries): each section name was searched for its NUL up to the end of the file: 65,535 ' +
    'sections over 8 MB took 7.7 s (found reviewing the reader while writing the Go target).',
  'jar: a deflated pom.properties with a groupId tens of KiB long put it into the ID, name, PURL and path of the ' +
    'package: 407 bytes of jar gave 72 KB of result; coordinates longer than 256 characters are now dropped as ' +
    'junk (found by the campaign).',
];

function renderSection(rows: readonly { summary: TargetSummary; run: RecordedRun }[]): string {
  const runs = [...new Map(rows.map(({ run }) => [`${run.command} ${run.date}`, run])).values()];
  const failures = (s: TargetSummary) => {
    if (s.failures.length === 0) return 'none';
    const distinct = [...new Set(s.failures.map((f) => f.message.slice(0, 90).replace(/\|/g, '/')))];
    return `${s.failures.length}: ${distinct.join('; ')}`;
  };
  const table = [
    ['Target', 'Inputs', 'Worker-seconds', 'Inputs/s', 'Failures', 'Run'],
    ['---', '---:', '---:', '---:', '---', '---:'],
    ...rows.map(({ summary: s, run }) => [
      s.name,
      s.runs.toLocaleString('en'),
      s.seconds.toFixed(0),
      Math.round(s.runs / Math.max(s.seconds, 1e-9)).toLocaleString('en'),
      failures(s),
      String(runs.findIndex((r) => r.command === run.command && r.date === run.date) + 1),
    ]),
  ]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const machine = `${cpu}, ${cpus().length} vCPU, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
  const runList = runs
    .map(
      (r, i) =>
        `${i + 1}. \`${r.command}\` (${r.date}${r.load ? `; load average at its end ${r.load}` : ''})`,
    )
    .join('\n');
  return `## Fuzzing

Reproduce: \`npm run fuzz\` (every target, 1,000,000 inputs each, two worker threads; \`npm run fuzz -- --help\`
lists the options, \`--replay FILE --target NAME\` re-checks one saved input). Targets and contracts are in
\`fuzz/targets.ts\`. For every input the parser returns or throws its own error type; uses at most 250 ms + 1 ms per
KiB of input of its thread's CPU (decompressed bytes for layers and jars; a slow input must be slow twice); never
hangs (a watchdog stops an input that does not return within 60 s) and never exhausts a 1.5 GiB heap; returns a
result whose JSON is at most ${outputFactor}× the input (decompressed, for layers and jars) plus ${outputAllowance / 1024} KiB; reports names and versions that occur in the input
(formats that store them verbatim); and the layer walker reports only clean paths inside the image.

Inputs are mostly structure-aware: mutations of real files (this machine's dpkg database and md5sums, Python
METADATA, npm manifests, Debian's jars, the Go build info of umoci, rpm databases written by rpm and Berkeley DB in
both byte orders) and inputs built from their parts (tar headers with traversal names, absolute paths, links out of
the root, odd whiteouts, lying sizes and PAX records, bombs and entry floods, in plain, gzip and zstd; nested and
overlapping jars; rpm headers from chosen tags; Go build info in all three layouts).

Found and fixed (each kept as a case in \`test/scanner/fuzz-regressions.test.ts\`):

${findings.map((f) => `- ${f}`).join('\n')}

Runs, on ${machine} (shared, so rates are indicative):

${runList}

${table}`;
}
