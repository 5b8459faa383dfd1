/**
 * Image scanner benchmark (issue "Native image scanner", Performance):
 *   npm run bench -- image        (or: node_modules/.bin/node bench/image.bench.ts [--no-docs] [--skip-large] [--runs N])
 * The debootstrap'ed bookworm rootfs (cached under .cache/fixtures) is packed with umoci, pushed with skopeo to
 * Debian's docker-registry on 127.0.0.1 and scanned by `bin/trivy-ts image`, interleaved with the floor
 * `curl <layer blob> | gzip -dc | tar -t > /dev/null`. Then: the warm layer cache, peak RSS, generated images of
 * 0.5 and 2 GiB (low-compressibility content, never committed), and detection of 1,000 packages against the
 * >= 300 MB synthetic DB. Results go to stdout and to docs/benchmarks.md (section "Image scanner").
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import * as prettier from 'prettier';
import { largeImage, manifestLayers, type LargeLayerShape } from './image-fixtures.ts';
import { detectSyntheticPackages, timeReportDetection } from './detection-timing.ts';
import { measure, type Measured } from './measure.ts';
import { runWithRssTimeline, type RssTimeline } from './rss-timeline.ts';
import { bookwormMinbase } from '../test/support/debootstrap.ts';
import { pushImage, rootfsImage } from '../test/support/oci-image.ts';
import { startRegistry } from '../test/support/registry.ts';
import { writeTrivyDbCacheDir } from '../test/support/trivy-db-fixture.ts';

const execFileAsync = promisify(execFile);
const REPO = join(import.meta.dirname, '..');
const TRIVY_TS = join(REPO, 'bin', 'trivy-ts');
const DOCS = join(REPO, 'docs', 'benchmarks.md');
const START_MARKER = '<!-- image-scanner-bench:start -->';
const END_MARKER = '<!-- image-scanner-bench:end -->';
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const LARGE: LargeLayerShape[] = [
  { bytes: 0.5 * GIB, textShare: 0.25 },
  { bytes: 2 * GIB, textShare: 0.25 },
];

/**
 * What profiles (`--cpu-prof`, `--trace-gc`) of these scans show; the diagnostic rows measure the first two points.
 * Kept with the benchmark so the section it writes always carries them.
 */
const analysisNotes = [
  'Where the time goes. Start-up: before parsing arguments `src/cli/main.ts` imports every command module, and each ' +
    'command module imports what its action needs (the operator commands defer theirs; config, fs and sbom do not); ' +
    'the table gives the module counts. Node spends start-up resolving and linking modules (the compile cache that ' +
    '`bin/trivy-ts` turns on already skips type stripping and compilation): it is most of the gap in (b) and nearly all ' +
    'of (c). Even the image command alone loads ~840 modules (registry client, zod schemas, every analyzer, every report ' +
    'format), which keeps (c) above 0.3 s; deferring what a given scan does not use, as the operator commands do, is ' +
    'the remaining lever. Not changed here: src/cli is being reworked by others.',
  'Memory and GC: layer bytes pass through short-lived Buffers whose memory returns only when their young-generation ' +
    "wrappers are collected. With V8's default young generation (3 × 16 MiB) hundreds of MiB pile up until " +
    'external-memory pressure forces a full GC (33 full GCs for the 0.5 GiB layer when profiled); `bin/trivy-ts` runs ' +
    'Node with `--max-semi-space-size=4`, where scavenges free them first (2 full GCs). Peak RSS then stays flat with ' +
    'image size: what remains is the CLI baseline plus a few tens of MiB of buffers in flight.',
  'The layer pipeline itself: gzip inflation runs on the libuv thread pool; the main thread does SHA-256 ' +
    'verification of every blob byte, tar parsing (tar-stream), the analyzers and the secret scan (a keyword DFA at ' +
    '~150 MB/s, then the regexes of rules whose keywords occur: in random base64 text nearly all of them do). On the ' +
    'Debian image the pipeline alone (the in-process diagnostic row) runs close to the floor.',
  'Detection (f) spends its time decoding and filling the 4,656 findings (advisory and vulnerability JSON, severity ' +
    'selection, fingerprints); its CPU time is shown next to the wall time, which this shared machine inflates. The ' +
    'DB engine and the detector are other work in progress.',
  'Fixed while measuring: the secret scanner compiled its skip globs for every file (~0.5 s in a profile of the ' +
    'Debian scan); files only the secret scanner wants were copied whole before its binary test (now: the first ' +
    'chunk decides, large ones stream); every version scheme allocated two 20,000-entry LRU caches at import; the ' +
    "CycloneDX root import loaded the library's JSON-schema validator (~120 modules) into every scan.",
];

const { values: flags } = parseArgs({
  options: {
    'no-docs': { type: 'boolean', default: false },
    'skip-large': { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
  },
});
const RUNS = Math.max(1, Number.parseInt(flags.runs, 10) || 5);
const DIAGNOSTIC_RUNS = Math.min(RUNS, 3);

interface Row {
  metric: string;
  result: string;
  target: string;
  pass: string;
}

const rows: Row[] = [];
const notes: string[] = [];
const row = (metric: string, result: string, target = '-', pass?: boolean) => {
  rows.push({ metric, result, target, pass: pass === undefined ? '-' : pass ? 'yes' : 'NO' });
  console.log(
    `${metric}: ${result}${target === '-' ? '' : ` (target ${target}: ${pass ? 'pass' : 'MISSED'})`}`,
  );
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (value: number) => `${value.toFixed(0)} MiB`;
const best = (runs: Measured[]) => runs.reduce((a, b) => (b.ms < a.ms ? b : a));
const least = (runs: Measured[], key: 'cpuMs' | 'peakRssMib') => Math.min(...runs.map((run) => run[key]));
const most = (runs: Measured[], key: 'cpuMs' | 'peakRssMib') => Math.max(...runs.map((run) => run[key]));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const wallList = (runs: Measured[]) => runs.map((run) => (run.ms / 1000).toFixed(2)).join(' / ');

const loadAtStart = loadavg();
const scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-bench-image-'));
const registry = await startRegistry();
try {
  const cacheDir = join(scratch, 'cache');
  writeTrivyDbCacheDir(cacheDir);
  const emptyLayerCache = () => rm(join(cacheDir, 'layers'), { recursive: true, force: true });
  const scanArgs = (reference: string, output = '/dev/null') => [
    'image',
    reference,
    '--insecure',
    '--skip-db-update',
    '--cache-dir',
    cacheDir,
    '--format',
    'json',
    '--output',
    output,
  ];
  const scan = (reference: string) => measure(TRIVY_TS, scanArgs(reference));
  // The image command alone (bench/image-command-only.ts), on the launcher's Node, flags and compile cache.
  const launcherEnv = {
    ...process.env,
    NODE_COMPILE_CACHE: join(REPO, 'node_modules', '.cache', 'trivy-ts-compile'),
  };
  const launcherFlags = [...readFileSync(TRIVY_TS, 'utf8').matchAll(/^exec .*$/gm)].flatMap((line) =>
    [...line[0].matchAll(/ (--[a-z0-9-]+=[^\s"]+)/g)].map((flag) => flag[1] ?? ''),
  );
  /** Modules loaded by `trivy-ts --version` and by the image command alone (bench/module-count.ts). */
  const moduleCounts = async () => {
    const count = async (args: string[]) => {
      const run = await measure(
        process.execPath,
        ['--import', join(REPO, 'bench', 'module-count.ts'), ...launcherFlags, ...args],
        { env: launcherEnv },
      );
      return /modules: (\d+)/.exec(run.stderr)?.[1] ?? '?';
    };
    return {
      cli: await count([join(REPO, 'src', 'cli', 'main.ts'), '--version']),
      imageCommand: await count([join(REPO, 'bench', 'image-command-only.ts'), 'image', '--help']),
    };
  };
  const scanImageCommandOnly = (reference: string, nodeFlags: string[] = launcherFlags) =>
    measure(
      process.execPath,
      [...nodeFlags, join(REPO, 'bench', 'image-command-only.ts'), ...scanArgs(reference)],
      { env: launcherEnv },
    );
  const floorOf = (repository: string, digest: string) =>
    measure('bash', [
      '-c',
      `set -o pipefail; curl -sf ${registry.url}/v2/${repository}/blobs/${digest} | gzip -dc | tar -t > /dev/null`,
    ]);
  // One run of the compiled-module cache, so every measured run starts the same way (as on a user's second run).
  await measure(TRIVY_TS, ['--version']);

  // --- the Debian image -----------------------------------------------------------------------------------------
  console.log('building the bookworm minbase image (debootstrap rootfs cached under .cache/fixtures)…');
  const rootfs = await bookwormMinbase();
  const debian = await rootfsImage(join(scratch, 'debian-layout'), 'bookworm', rootfs);
  const debianRef = `${registry.host}/bench/debian:bookworm`;
  await pushImage(debian, debianRef);
  const [debianLayer] = await manifestLayers(registry.url, 'bench/debian', 'bookworm');
  if (!debianLayer) throw new Error('the pushed image has no layer');

  // Floor and first scan alternate, so both see the same machine load.
  const floor: Measured[] = [];
  const cold: Measured[] = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(await floorOf('bench/debian', debianLayer.digest));
    await emptyLayerCache();
    cold.push(await scan(debianRef));
  }
  const ratio = best(cold).ms / best(floor).ms;
  row(
    `(a) floor: curl \\| gzip -dc \\| tar -t (best of ${RUNS})`,
    `${seconds(best(floor).ms)} (${wallList(floor)})`,
  );
  row(`(b) first scan, empty layer cache (best of ${RUNS})`, `${seconds(best(cold).ms)} (${wallList(cold)})`);
  row('(b)/(a), wall time', `${ratio.toFixed(2)}×`, '≤ 1.3×', ratio <= 1.3);
  const pairRatios = cold.map((run, i) => run.ms / (floor[i]?.ms ?? NaN));
  row('    median of the per-pair ratios', `${median(pairRatios).toFixed(2)}×`);
  row(
    '    CPU time, user+sys (least of each)',
    `scan ${seconds(least(cold, 'cpuMs'))}, floor ${seconds(least(floor, 'cpuMs'))} = ${(least(cold, 'cpuMs') / least(floor, 'cpuMs')).toFixed(2)}×`,
  );
  const coldPeak = most(cold, 'peakRssMib');
  row(`(d) peak RSS of the first scan (max of ${RUNS})`, mib(coldPeak), '≤ 200 MiB', coldPeak <= 200);

  const warm: Measured[] = [];
  const startup: Measured[] = [];
  for (let i = 0; i < RUNS; i++) {
    warm.push(await scan(debianRef));
    startup.push(await measure(TRIVY_TS, ['--version']));
  }
  const reportFile = join(scratch, 'debian-report.json');
  await measure(TRIVY_TS, scanArgs(debianRef, reportFile));
  const detection = timeReportDetection(cacheDir, reportFile);
  row(
    `(c) second scan, warm layer cache (best of ${RUNS})`,
    `${seconds(best(warm).ms)} (${wallList(warm)}); CPU ${seconds(least(warm, 'cpuMs'))}`,
  );
  row('    of which: detection of its packages (in-process, DB opened cold)', `${detection.toFixed(0)} ms`);
  const modules = await moduleCounts();
  row(
    `    of which: Node start + CLI modules (\`trivy-ts --version\`, best of ${RUNS})`,
    `${seconds(best(startup).ms)}; CPU ${seconds(least(startup, 'cpuMs'))}; ${mib(least(startup, 'peakRssMib'))}; ` +
      `${modules.cli} modules (the image command alone: ${modules.imageCommand})`,
  );
  const warmWithoutDetection = best(warm).ms - detection;
  row(
    '(c) second scan minus detection',
    seconds(warmWithoutDetection),
    '≤ 0.3 s',
    warmWithoutDetection <= 300,
  );
  row(
    '    CPU of the second scan beyond start-up (second scan − `--version`, least CPU of each)',
    seconds(least(warm, 'cpuMs') - least(startup, 'cpuMs')),
  );
  row('    peak RSS of the second scan', mib(most(warm, 'peakRssMib')));

  // The layer pipeline without start-up, detection or output (bench/image-pipeline.ts), against the floor.
  const pipelineFloor: Measured[] = [];
  const pipelineRuns: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < DIAGNOSTIC_RUNS; i++) {
    pipelineFloor.push(await floorOf('bench/debian', debianLayer.digest));
    await emptyLayerCache();
    const { stdout } = await execFileAsync(
      process.execPath,
      [...launcherFlags, join(REPO, 'bench', 'image-pipeline.ts'), debianRef],
      { env: launcherEnv },
    );
    pipelineRuns.push(JSON.parse(stdout) as { ms: number; cpuMs: number });
  }
  const pipelineBest = Math.min(...pipelineRuns.map((run) => run.ms));
  row(
    `    diagnostic, the layer pipeline in-process (registry → verified, walked, analyzed, merged; best of ${DIAGNOSTIC_RUNS}) / floor`,
    `${seconds(pipelineBest)} / ${seconds(best(pipelineFloor).ms)} = ${(pipelineBest / best(pipelineFloor).ms).toFixed(2)}×; ` +
      `CPU ${seconds(Math.min(...pipelineRuns.map((run) => run.cpuMs)))}`,
  );

  // What the CLI's start-up costs: the same scans with only the image command's modules loaded; and what the
  // launcher's small young generation saves (V8's default: 3 × 16 MiB).
  const variants: [string, string[]][] = [
    ['image command alone', launcherFlags],
    [
      "image command alone, V8's default young generation",
      launcherFlags.filter((flag) => !flag.startsWith('--max-semi-space-size')),
    ],
  ];
  for (const [label, nodeFlags] of variants) {
    const variantFloor: Measured[] = [];
    const variantCold: Measured[] = [];
    const variantWarm: Measured[] = [];
    for (let i = 0; i < DIAGNOSTIC_RUNS; i++) {
      variantFloor.push(await floorOf('bench/debian', debianLayer.digest));
      await emptyLayerCache();
      variantCold.push(await scanImageCommandOnly(debianRef, nodeFlags));
    }
    for (let i = 0; i < DIAGNOSTIC_RUNS; i++)
      variantWarm.push(await scanImageCommandOnly(debianRef, nodeFlags));
    row(
      `    diagnostic, ${label} (best of ${DIAGNOSTIC_RUNS}): first scan / floor; peak RSS; second scan − detection`,
      `${seconds(best(variantCold).ms)} / ${seconds(best(variantFloor).ms)} = ${(best(variantCold).ms / best(variantFloor).ms).toFixed(2)}×; ` +
        `${mib(most(variantCold, 'peakRssMib'))}; ${seconds(best(variantWarm).ms - detection)}`,
    );
  }
  notes.push(...analysisNotes);
  notes.push(
    `The Debian image: the debootstrap rootfs as one layer (${(debianLayer.size / MIB).toFixed(1)} MiB compressed), ` +
      'trimmed as Debian trims its published images (apt lists and downloaded .debs removed); the fixture DB is ' +
      '`realisticTrivyDbFixture()`. Every scan includes starting Node, digest verification, all analyzers, the ' +
      'secret scan (default `--scanners vuln,secret`), detection and the JSON report.',
  );

  // --- generated large images ---------------------------------------------------------------------------------
  if (!flags['skip-large']) {
    const peaks: number[] = [];
    const timelines: RssTimeline[] = [];
    for (const shape of LARGE) {
      const label = `${(shape.bytes / GIB).toFixed(1)} GiB`;
      console.log(`generating the ${label} image…`);
      const started = performance.now();
      const tag = `g${shape.bytes / MIB}`;
      const large = await largeImage(
        join(scratch, `large-${tag}`),
        tag,
        join(scratch, `large-${tag}-files`),
        shape,
      );
      const reference = `${registry.host}/bench/large:${tag}`;
      await pushImage(large.image, reference);
      await rm(large.image.layout, { recursive: true, force: true });
      const generation = performance.now() - started;
      const [layer] = await manifestLayers(registry.url, 'bench/large', tag);
      if (!layer) throw new Error('the large image has no layer');
      const largeFloor = await floorOf('bench/large', layer.digest);
      await emptyLayerCache();
      // The launcher's command line, run directly so that /proc of the scanning process can be sampled.
      const largeScan = await runWithRssTimeline(
        process.execPath,
        [...launcherFlags, join(REPO, 'src', 'cli', 'main.ts'), ...scanArgs(reference)],
        { env: launcherEnv },
      );
      peaks.push(largeScan.peakMib);
      timelines.push(largeScan);
      row(
        `(e) ${label} image (one layer, ${large.files} files, ${(layer.size / MIB).toFixed(0)} MiB compressed): peak RSS; ` +
          'highest RSS sampled in the first / second half of the scan',
        `${mib(largeScan.peakMib)}; ${mib(largeScan.firstHalfMib)} / ${mib(largeScan.secondHalfMib)} (${largeScan.samples} samples)`,
      );
      row(
        '    its first scan / floor',
        `${seconds(largeScan.ms)} / ${seconds(largeFloor.ms)} = ${(largeScan.ms / largeFloor.ms).toFixed(2)}×`,
      );
      notes.push(
        `The ${label} image: ${large.files} files of 256 KiB to 4 MiB, ${shape.textShare * 100}% random base64 text ` +
          `(read by the secret scanner), the rest random binary, plus a package.json; generated and pushed in ${seconds(generation)}.`,
      );
      await rm(join(scratch, `large-${tag}`), { recursive: true, force: true });
    }
    // Memory that grew with the bytes read would be higher in the second half of the 2 GiB scan than in the first;
    // GC timing alone moves a peak by some MiB, hence the 10% allowance. Across runs (the sizes) peaks are noisier.
    const largest = timelines.at(-1);
    if (largest) {
      const growth = largest.secondHalfMib - largest.firstHalfMib;
      row(
        '(e) RSS growth within the 2 GiB scan (second half − first half)',
        `${growth >= 0 ? '+' : ''}${growth.toFixed(0)} MiB; peaks Debian → 0.5 → 2 GiB: ${[coldPeak, ...peaks].map(mib).join(' → ')}`,
        'none (≤ 10%)',
        growth <= largest.firstHalfMib * 0.1,
      );
    }
  }

  // --- detection against the synthetic DB -------------------------------------------------------------------
  console.log('detection against the synthetic DB…');
  const synthetic = detectSyntheticPackages(join(REPO, '.cache', 'bench'), 1000);
  row(
    `(f) detection of 1,000 packages, synthetic DB (${(synthetic.dbBytes / MIB).toFixed(0)} MiB), warm: median wall of ${synthetic.warmRuns.length} runs`,
    `${synthetic.warmMedianMs.toFixed(1)} ms (CPU ${synthetic.warmMedianCpuMs.toFixed(1)} ms; best ${synthetic.warmBestMs.toFixed(1)} ms; ` +
      `first, cold run ${synthetic.coldMs.toFixed(0)} ms; ${synthetic.vulnerabilities} findings)`,
    '≤ 100 ms',
    synthetic.warmMedianMs <= 100,
  );
} finally {
  await registry.stop();
  await rm(scratch, { recursive: true, force: true });
}

const table = renderTable(rows);
console.log(`\n${table}`);
if (!flags['no-docs']) await writeDocs(table);

function renderTable(all: Row[]): string {
  const header: Row = { metric: 'Metric', result: 'Result', target: 'Target', pass: 'Pass' };
  const keys = ['metric', 'result', 'target', 'pass'] as const;
  const widths = keys.map((key) => Math.max(...[header, ...all].map((r) => r[key].length)));
  const line = (r: Row) => `| ${keys.map((key, i) => r[key].padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  return [line(header), rule, ...all.map(line)].join('\n');
}

async function writeDocs(tableText: string): Promise<void> {
  const load = (l: number[]) => l.map((value) => value.toFixed(1)).join(' / ');
  const section = [
    START_MARKER,
    '',
    '## Image scanner',
    '',
    'Reproduce: `npm run bench -- image` (or `node_modules/.bin/node bench/image.bench.ts`); needs `umoci`, `skopeo`,',
    '`docker-registry`, `debootstrap` (first run only), `curl` and GNU `time`. Scans run',
    '`bin/trivy-ts image <registry>/<repo>:<tag> --insecure --skip-db-update --cache-dir X --format json --output /dev/null`',
    "against Debian's docker-registry on 127.0.0.1; the floor is",
    '`curl -s <registry>/v2/<repo>/blobs/<layer digest> | gzip -dc | tar -t > /dev/null`, run alternately with the',
    `first scans (best of ${RUNS} each; every first scan starts with an emptied layer cache). Peak RSS is GNU time's`,
    'maximum resident set of the scan process ((e): VmHWM from /proc, VmRSS sampled every 100 ms).',
    '',
    `Run of ${new Date().toISOString().slice(0, 10)} on: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} vCPU, ` +
      `${(totalmem() / GIB).toFixed(1)} GiB RAM, Node ${process.version}. Load average ${load(loadAtStart)} at start, ` +
      `${load(loadavg())} at the end (shared machine: wall times are noisy, CPU times and ratios less so).`,
    '',
    tableText,
    '',
    ...notes.map((note) => `- ${note}`),
    '',
    END_MARKER,
  ].join('\n');
  // Formatted as `npm run lint` checks it (the table's column widths, indented cells).
  const formatted = (
    await prettier.format(section, { ...(await prettier.resolveConfig(DOCS)), parser: 'markdown' })
  ).trimEnd();
  const current = existsSync(DOCS) ? readFileSync(DOCS, 'utf8') : '';
  const start = current.indexOf(START_MARKER);
  const end = current.indexOf(END_MARKER);
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start)}${formatted}${current.slice(end + END_MARKER.length)}`
      : `${current.replace(/\n*$/, '\n\n')}${formatted}\n`;
  writeFileSync(DOCS, next);
  console.log(`results written to ${DOCS}`);
}
