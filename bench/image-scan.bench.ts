/**
 * Image scan benchmark (issue "Native image scanner", Performance):
 *   node_modules/.bin/node bench/image-scan.bench.ts [--no-docs] [--skip-large]
 * A real Debian bookworm minbase rootfs (debootstrap, cached) is packed with umoci, pushed with skopeo to Debian's
 * docker-registry on 127.0.0.1 and scanned by `bin/trivy-ts image` with a fixture DB, next to the floor
 * `curl <layer blob> | gzip -dc | tar -t`. Also: the warm layer cache, peak RSS, a ~2 GiB image, and detection of
 * 1,000 packages against the >= 300 MB synthetic DB. Results go to stdout and to docs/benchmarks.md (own section).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { imageFromRootfs, largeImage, manifestLayers, pushImage } from './image-fixtures.ts';
import { bestOf, measure, type Measured } from './measure.ts';
import { bookwormMinbase } from '../test/support/debootstrap.ts';
import { startRegistry } from '../test/support/registry.ts';
import { writeTrivyDbCacheDir } from '../test/support/trivy-db-fixture.ts';
import { detectSyntheticPackages, timeReportDetection } from './detection-timing.ts';

const REPO = join(import.meta.dirname, '..');
const TRIVY_TS = join(REPO, 'bin', 'trivy-ts');
const WORK = join(REPO, '.cache', 'bench', 'image-scan');
const DOCS = join(REPO, 'docs', 'benchmarks.md');
const START_MARKER = '<!-- image-scan:start -->';
const END_MARKER = '<!-- image-scan:end -->';
const RUNS = 3;
const MIB = 1024 * 1024;
const LARGE_SHAPE = { layers: 4, zeroBytesPerLayer: 448 * MIB, randomBytesPerLayer: 64 * MIB };

const { values: flags } = parseArgs({
  options: {
    'no-docs': { type: 'boolean', default: false },
    'skip-large': { type: 'boolean', default: false },
  },
});

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
  console.log(`${metric}: ${result}${target === '-' ? '' : ` (target ${target})`}`);
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (value: number) => `${value.toFixed(0)} MiB`;
const minCpu = (runs: Measured[]) => Math.min(...runs.map((run) => run.cpuMs));
const runsText = (runs: Measured[]) => runs.map((run) => (run.ms / 1000).toFixed(2)).join(' / ');

const loadAtStart = loadavg();
const scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-bench-image-'));
const registry = await startRegistry();
try {
  await mkdir(WORK, { recursive: true });
  const cacheDir = join(scratch, 'cache');
  writeTrivyDbCacheDir(cacheDir);
  const layerCache = join(cacheDir, 'layers');
  const freshLayerCache = () => rm(layerCache, { recursive: true, force: true });
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

  // --- the Debian image -----------------------------------------------------------------------------------------
  console.log('building the bookworm minbase image (debootstrap rootfs cached under .cache/fixtures)…');
  const rootfs = await bookwormMinbase();
  const debian = await imageFromRootfs(join(scratch, 'debian-layout'), 'bookworm', rootfs);
  const debianRef = `${registry.host}/bench/debian:bookworm`;
  await pushImage(debian, debianRef);
  const [debianLayer] = await manifestLayers(registry.url, 'bench/debian', 'bookworm');
  if (!debianLayer) throw new Error('the pushed image has no layer');

  const floorOf = (digest: string, repository: string) =>
    measure('bash', [
      '-c',
      `set -o pipefail; curl -sf ${registry.url}/v2/${repository}/blobs/${digest} | gzip -dc | tar -t > /dev/null`,
    ]);
  const floor = await bestOf(RUNS, () => floorOf(debianLayer.digest, 'bench/debian'));
  row(
    '(a) floor: curl \\| gzip -dc \\| tar -t (best of 3)',
    `${seconds(floor.best.ms)} (${runsText(floor.runs)})`,
  );

  const cold = await bestOf(RUNS, () => scan(debianRef), freshLayerCache);
  const ratio = cold.best.ms / floor.best.ms;
  row('(b) first scan, empty layer cache (best of 3)', `${seconds(cold.best.ms)} (${runsText(cold.runs)})`);
  row('(b)/(a), wall time', `${ratio.toFixed(2)}×`, '≤ 1.3×', ratio <= 1.3);
  const floorCpu = minCpu(floor.runs);
  const coldCpu = minCpu(cold.runs);
  row(
    '(b)/(a), CPU time (user+sys, least of 3 each)',
    `${seconds(coldCpu)} / ${seconds(floorCpu)} = ${(coldCpu / floorCpu).toFixed(2)}×`,
  );
  const coldPeak = Math.max(...cold.runs.map((run) => run.peakRssMib));
  row('(d) peak RSS of the first scan (max of 3)', mib(coldPeak), '≤ 200 MiB', coldPeak <= 200);

  const warm = await bestOf(RUNS, () => scan(debianRef));
  const startup = await bestOf(RUNS, () => measure(TRIVY_TS, ['--version']));
  row(
    '(c) second scan, warm layer cache (best of 3)',
    `${seconds(warm.best.ms)} (${runsText(warm.runs)}); CPU ${seconds(minCpu(warm.runs))}`,
  );
  const reportFile = join(scratch, 'debian-report.json');
  await measure(TRIVY_TS, scanArgs(debianRef, reportFile));
  const detection = timeReportDetection(cacheDir, reportFile);
  row('    of which: detection of its packages (in-process, cold DB)', `${detection.toFixed(0)} ms`);
  row(
    '    of which: Node + CLI start (`trivy-ts --version`, best of 3)',
    `${seconds(startup.best.ms)}; CPU ${seconds(minCpu(startup.runs))}`,
  );
  const warmWithoutDetection = warm.best.ms - detection;
  row(
    '(c) second scan minus detection',
    seconds(warmWithoutDetection),
    '≤ 0.3 s',
    warmWithoutDetection <= 300,
  );
  row('    peak RSS of the second scan', mib(Math.max(...warm.runs.map((run) => run.peakRssMib))));
  notes.push(
    `The Debian image: one layer, ${(debianLayer.size / MIB).toFixed(1)} MiB compressed; the fixture DB is ` +
      '`realisticTrivyDbFixture()` (advisories naming real bookworm packages).',
  );

  // --- a ~2 GiB image ---------------------------------------------------------------------------------------
  if (!flags['skip-large']) {
    console.log('building the ~2 GiB image…');
    const started = performance.now();
    const large = await largeImage(
      join(scratch, 'large-layout'),
      'large',
      join(scratch, 'large-files'),
      LARGE_SHAPE,
    );
    const largeRef = `${registry.host}/bench/large:2g`;
    await pushImage(large.reference, largeRef);
    const generation = performance.now() - started;
    const layers = await manifestLayers(registry.url, 'bench/large', '2g');
    let largeFloorMs = 0;
    for (const layer of layers) largeFloorMs += (await floorOf(layer.digest, 'bench/large')).ms;
    await freshLayerCache();
    const largeScan = await scan(largeRef);
    const compressed = layers.reduce((sum, layer) => sum + layer.size, 0);
    row(
      `(e) ~2 GiB image (${LARGE_SHAPE.layers} layers, ${(large.bytes / MIB / 1024).toFixed(1)} GiB uncompressed): peak RSS`,
      mib(largeScan.peakRssMib),
      'bounded (≤ 200 MiB)',
      largeScan.peakRssMib <= 200,
    );
    row(
      '    its first scan / floor (layers one after another)',
      `${seconds(largeScan.ms)} / ${seconds(largeFloorMs)} = ${(largeScan.ms / largeFloorMs).toFixed(2)}×`,
    );
    notes.push(
      `The large image: ${LARGE_SHAPE.layers} layers of ${LARGE_SHAPE.zeroBytesPerLayer / MIB} MiB zeros + ` +
        `${LARGE_SHAPE.randomBytesPerLayer / MIB} MiB random bytes, ${(compressed / MIB).toFixed(0)} MiB compressed; ` +
        `generated and pushed in ${seconds(generation)}.`,
    );
  }

  // --- detection against the synthetic DB -------------------------------------------------------------------
  console.log('detection against the synthetic DB…');
  const synthetic = detectSyntheticPackages(join(REPO, '.cache', 'bench'), 1000);
  row(
    `(f) detection of 1,000 packages, synthetic DB (${(synthetic.dbBytes / MIB).toFixed(0)} MiB), warm, median CPU time of ${synthetic.warmRuns.length} runs`,
    `${synthetic.warmMedianCpuMs.toFixed(1)} ms (wall: best ${synthetic.warmBestMs.toFixed(1)} ms, median ` +
      `${synthetic.warmMedianMs.toFixed(1)} ms; cold first run ${synthetic.coldMs.toFixed(0)} ms; ${synthetic.vulnerabilities} findings)`,
    '≤ 100 ms',
    synthetic.warmMedianCpuMs <= 100,
  );
} finally {
  await registry.stop();
  await rm(scratch, { recursive: true, force: true });
}

const table = renderTable(rows);
console.log(`\n${table}`);
if (!flags['no-docs']) writeDocs(table);

function renderTable(all: Row[]): string {
  const header: Row = { metric: 'Metric', result: 'Result', target: 'Target', pass: 'Pass' };
  const widths = (['metric', 'result', 'target', 'pass'] as const).map((key) =>
    Math.max(...[header, ...all].map((r) => r[key].length)),
  );
  const line = (r: Row) =>
    `| ${(['metric', 'result', 'target', 'pass'] as const).map((key, i) => r[key].padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(header), rule, ...all.map(line)].join('\n');
}

function writeDocs(tableText: string): void {
  const loadAtEnd = loadavg();
  const load = (l: number[]) => l.map((value) => value.toFixed(1)).join(' / ');
  const section = [
    START_MARKER,
    '## Image scan',
    '',
    'Reproduce: `node_modules/.bin/node bench/image-scan.bench.ts` (or `npm run bench -- image-scan`); needs `umoci`,',
    '`skopeo`, `docker-registry`, `debootstrap` (first run only), `curl` and GNU `time`. Scans run',
    '`bin/trivy-ts image <registry>/<repo>:<tag> --insecure --skip-db-update --cache-dir X --format json --output /dev/null`',
    "against Debian's docker-registry on 127.0.0.1; the floor is",
    '`curl -s <registry>/v2/<repo>/blobs/<layer digest> | gzip -dc | tar -t > /dev/null`. Wall times are best of 3',
    "(each first scan with an emptied layer cache); peak RSS is GNU time's maximum resident set of the scan process.",
    '',
    `Run of ${new Date().toISOString().slice(0, 10)} on: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} vCPU, ` +
      `${(totalmem() / MIB / 1024).toFixed(1)} GiB RAM, Node ${process.version}. Load average ${load(loadAtStart)} at ` +
      `start, ${load(loadAtEnd)} at the end (shared machine: absolute times are noisy, the ratios less so).`,
    '',
    tableText,
    '',
    ...notes.map((note) => `- ${note}`),
    END_MARKER,
  ].join('\n');
  const current = existsSync(DOCS) ? readFileSync(DOCS, 'utf8') : '';
  const start = current.indexOf(START_MARKER);
  const end = current.indexOf(END_MARKER);
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start)}${section}${current.slice(end + END_MARKER.length)}`
      : `${current.replace(/\n*$/, current === '' ? '' : '\n\n')}${section}\n`;
  writeFileSync(DOCS, next);
  console.log(`results written to ${DOCS}`);
}
