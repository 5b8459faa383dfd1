/**
 * Image scanner benchmark (issue "Native image scanner", Performance):
 *   npm run bench -- image        (or: node_modules/.bin/node bench/image.bench.ts [--no-docs] [--skip-large] [--runs N])
 * The CLI is bundled first (`npm run build`, rebuilt whenever a source changes during the run), as users run it.
 * The debootstrap'ed bookworm rootfs (cached under .cache/fixtures) is packed with umoci, pushed with skopeo to
 * Debian's docker-registry on 127.0.0.1 and scanned by `bin/trivy-ts image`, interleaved with the floor
 * `curl <layer blob> | gzip -dc | tar -t > /dev/null`. Then: the warm layer cache, peak RSS, generated images of
 * 0.5 and 2 GiB (low-compressibility content, never committed), and detection of 1,000 packages against the
 * >= 300 MB synthetic DB. Results go to stdout and to docs/benchmarks.md (section "Image scanner").
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { ResultRows, runDescription, writeBenchmarkSection } from './docs-section.ts';
import { largeImage, manifestLayers, type LargeLayerShape } from './image-fixtures.ts';
import { detectSyntheticPackages, timeReportDetection } from './detection-timing.ts';
import { measure, type Measured } from './measure.ts';
import { runWithRssTimeline, type RssTimeline } from './rss-timeline.ts';
import { buildCli } from '../scripts/build.ts';
import { bundleIsStale, bundlePath, launcherEnv, launcherFlags, launcherPath } from './launcher.ts';
import { bookwormMinbase } from '../test/support/debootstrap.ts';
import { pushImage, rootfsImage } from '../test/support/oci-image.ts';
import { startRegistry } from '../test/support/registry.ts';
import { writeTrivyDbCacheDir } from '../test/support/trivy-db-fixture.ts';

const execFileAsync = promisify(execFile);
const REPO = join(import.meta.dirname, '..');
const TRIVY_TS = launcherPath;
const BUNDLE = bundlePath;
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
  "Start-up: `src/cli/main.ts` defines every command (its options, for `--help`) but loads a command's " +
    'implementation only when that command runs, and a scan loads only what it uses: the report format asked for, the ' +
    'DB and its downloader only with `vuln` (the downloader only when a download is due), the secret rules only with ' +
    '`secret`, the registry client only for registry images, the lock-file parsers only for `fs`, and YAML, TOML, zip ' +
    'and node-semver on first use. `bin/trivy-ts` then runs the bundle from `npm run build` (scripts/build.ts): an ' +
    'entry file and a chunk per lazily loaded graph, with the packages on the scan path inside. Node spends start-up ' +
    'resolving, reading and linking modules, and package code (undici alone ~110 files, zod ~95) is where most of it ' +
    'went; the "from the sources" row shows what the bundle saves. What remains of a second scan is Node itself ' +
    '(~40 ms), loading the HTTP client (undici and the Node modules it needs, http2 and TLS among them: ~60 ms of CPU ' +
    'even bundled), zod, pino and packageurl-js, then the scan proper (layer cache, merge, detection, JSON).',
  'Memory and GC: layer bytes pass through short-lived Buffers whose memory returns only when their young-generation ' +
    "wrappers are collected. With V8's default young generation (3 × 16 MiB) hundreds of MiB pile up until " +
    'external-memory pressure forces a full GC (33 full GCs for the 0.5 GiB layer when profiled); `bin/trivy-ts` runs ' +
    'Node with a smaller one (`--max-semi-space-size=8`), where scavenges free them first. Peak RSS then stays ' +
    'nearly flat with image size: what remains is the CLI baseline plus a few tens of MiB of buffers in flight. ' +
    'At 4 MiB (measured on a quiet machine: first scan 1.25× the floor, second scan − detection 0.31 s, RSS 148 / ' +
    '154 / 162 MiB for Debian / 0.5 / 2 GiB) start-up pays for more scavenges while modules load; at 8 MiB: 1.14×, ' +
    "0.27 s, 157 / 163 / 178 MiB; at V8's 16 MiB: 1.21×, 0.25 s, 156 / 163 / 193 MiB.",
  'The layer pipeline itself: gzip inflation runs on the libuv thread pool; the main thread does SHA-256 ' +
    'verification of every blob byte, tar parsing (tar-stream), the analyzers and the secret scan (a keyword DFA at ' +
    '~150 MB/s, then the regexes of rules whose keywords occur: in random base64 text nearly all of them do). On the ' +
    'Debian image the pipeline alone (the in-process diagnostic row) runs close to the floor, so a first scan is ' +
    'start-up plus the floor plus detection and the report.',
  'Detection (f): the 1,000 packages match 4,656 advisories; a warm run finds the advisory lists and the ' +
    "vulnerability details in the DB's decoded caches (the details cache keeps 16 MiB, ~10,000 vulnerabilities; at 4 " +
    'MiB half of them were decoded again on every run, which was most of its time), hashes one fingerprint per finding ' +
    'with the one-shot `crypto.hash`, and looks each ID up once per detection. What is left is building the findings ' +
    '(FillInfo), version comparisons and garbage collection.',
  'Fixed while measuring: the secret scanner compiled its skip globs for every file (~0.5 s in a profile of the ' +
    'Debian scan) and built its keyword automaton even when every layer came from the cache; files only the secret ' +
    'scanner wants were copied whole before its binary test (now: the first chunk decides, large ones stream); every ' +
    "version scheme allocated two 20,000-entry LRU caches at import; the CycloneDX root import loaded the library's " +
    'JSON-schema validator (~120 modules) into every scan.',
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

const results = new ResultRows();
const row = results.add.bind(results);
const notes: string[] = [];
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
  /**
   * `bin/trivy-ts` runs the bundle only while no source is newer (others edit this checkout meanwhile): it is rebuilt
   * from the current sources before a measurement whenever that is no longer so, as a user would run `npm run build`.
   */
  const builtAtStart = await bundleIsStale();
  if (builtAtStart) await buildCli();
  let rebuilds = 0;
  const ensureBundle = async () => {
    if (!(await bundleIsStale())) return;
    await buildCli();
    rebuilds++;
  };
  const scan = async (reference: string) => {
    await ensureBundle();
    return measure(TRIVY_TS, scanArgs(reference));
  };
  const fromSourcesEnv = { ...process.env, TRIVY_TS_FROM_SOURCES: '1' };
  /** Modules (files) loaded by `trivy-ts --version` and by a scan served from the layer cache (bench/module-count.ts). */
  const moduleCounts = async (reference: string) => {
    const count = async (entry: string, args: string[]) => {
      await ensureBundle();
      const run = await measure(
        process.execPath,
        ['--import', join(REPO, 'bench', 'module-count.ts'), ...launcherFlags, entry, ...args],
        { env: launcherEnv },
      );
      return /modules: (\d+)/.exec(run.stderr)?.[1] ?? '?';
    };
    const sources = join(REPO, 'src', 'cli', 'main.ts');
    return {
      bundleVersion: await count(BUNDLE, ['--version']),
      bundleScan: await count(BUNDLE, scanArgs(reference)),
      sourcesVersion: await count(sources, ['--version']),
      sourcesScan: await count(sources, scanArgs(reference)),
    };
  };
  const floorOf = (repository: string, digest: string) =>
    measure('bash', [
      '-c',
      `set -o pipefail; curl -sf ${registry.url}/v2/${repository}/blobs/${digest} | gzip -dc | tar -t > /dev/null`,
    ]);
  // One run of the compiled-module cache, so every measured run starts the same way (as on a user's second run).
  await measure(TRIVY_TS, ['--version']);
  await measure(TRIVY_TS, ['--version'], { env: fromSourcesEnv });

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
    await ensureBundle();
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
  const modules = await moduleCounts(debianRef);
  row(
    `    of which: Node start + CLI (\`trivy-ts --version\`, best of ${RUNS})`,
    `${seconds(best(startup).ms)}; CPU ${seconds(least(startup, 'cpuMs'))}; ${mib(least(startup, 'peakRssMib'))}`,
  );
  row(
    '    files loaded by `--version` / by the second scan: bundle; from sources',
    `${modules.bundleVersion} / ${modules.bundleScan}; ${modules.sourcesVersion} / ${modules.sourcesScan} (Node's own modules included)`,
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

  // What the bundle saves (the same scans from the sources), and what the launcher's small young generation saves
  // (V8's default: 3 × 16 MiB; the bundle's command line run directly, without the flag).
  const variants: [string, (reference: string) => Promise<Measured>][] = [
    [
      'from the sources (`TRIVY_TS_FROM_SOURCES=1`, no bundle)',
      (reference) => measure(TRIVY_TS, scanArgs(reference), { env: fromSourcesEnv }),
    ],
    [
      "V8's default young generation",
      async (reference) => {
        await ensureBundle();
        const flags = launcherFlags.filter((flag) => !flag.startsWith('--max-semi-space-size'));
        return measure(process.execPath, [...flags, BUNDLE, ...scanArgs(reference)], { env: launcherEnv });
      },
    ],
  ];
  for (const [label, variantScan] of variants) {
    const variantFloor: Measured[] = [];
    const variantCold: Measured[] = [];
    const variantWarm: Measured[] = [];
    for (let i = 0; i < DIAGNOSTIC_RUNS; i++) {
      variantFloor.push(await floorOf('bench/debian', debianLayer.digest));
      await emptyLayerCache();
      variantCold.push(await variantScan(debianRef));
    }
    for (let i = 0; i < DIAGNOSTIC_RUNS; i++) variantWarm.push(await variantScan(debianRef));
    row(
      `    diagnostic, ${label} (best of ${DIAGNOSTIC_RUNS}): first scan / floor; peak RSS; second scan − detection (CPU)`,
      `${seconds(best(variantCold).ms)} / ${seconds(best(variantFloor).ms)} = ${(best(variantCold).ms / best(variantFloor).ms).toFixed(2)}×; ` +
        `${mib(most(variantCold, 'peakRssMib'))}; ${seconds(best(variantWarm).ms - detection)} (${seconds(least(variantWarm, 'cpuMs'))})`,
    );
  }
  notes.push(...analysisNotes);
  notes.push(
    [
      builtAtStart
        ? 'The bundle was built at the start of the run.'
        : 'The bundle from an earlier build was current at the start of the run.',
      ...(rebuilds > 0
        ? [
            `Others edited the sources during the run: it was rebuilt ${rebuilds} time(s) before the scans that followed.`,
          ]
        : []),
    ].join(' '),
  );
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
      await ensureBundle();
      const largeScan = await runWithRssTimeline(
        process.execPath,
        [...launcherFlags, BUNDLE, ...scanArgs(reference)],
        {
          env: launcherEnv,
        },
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

const table = results.table();
console.log(`\n${table}`);
if (!flags['no-docs']) await writeDocs(table);

async function writeDocs(tableText: string): Promise<void> {
  const section = [
    '## Image scanner',
    '',
    'Reproduce: `npm run bench -- image` (or `node_modules/.bin/node bench/image.bench.ts`); needs `umoci`, `skopeo`,',
    '`docker-registry`, `debootstrap` (first run only), `curl` and GNU `time`. Scans run',
    '`bin/trivy-ts image <registry>/<repo>:<tag> --insecure --skip-db-update --cache-dir X --format json --output /dev/null`',
    "against Debian's docker-registry on 127.0.0.1, with the bundle (`npm run build`, done by the benchmark) that the",
    'launcher prefers; the floor is',
    '`curl -s <registry>/v2/<repo>/blobs/<layer digest> | gzip -dc | tar -t > /dev/null`, run alternately with the',
    `first scans (best of ${RUNS} each; every first scan starts with an emptied layer cache). Peak RSS is GNU time's`,
    'maximum resident set of the scan process ((e): VmHWM from /proc, VmRSS sampled every 100 ms).',
    '',
    runDescription(loadAtStart),
    '',
    tableText,
    '',
    ...notes.map((note) => `- ${note}`),
  ].join('\n');
  await writeBenchmarkSection('image-scanner-bench', section);
}
