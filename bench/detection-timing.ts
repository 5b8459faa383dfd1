/** Detection timings for the image-scan benchmark: `detectVulnerabilities` in-process on a TrivyDb. */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrivyDb } from '../src/scanner/db/trivy-db/index.ts';
import { detectVulnerabilities } from '../src/scanner/detect/detector.ts';
import type { MergedInventory } from '../src/scanner/image/layer-merge.ts';
import type { Package } from '../src/scanner/inventory.ts';
import type { Report } from '../src/scanner/report/model.ts';
import { DEFAULT_SYNTHETIC_SHAPE, writeSyntheticTrivyDb } from '../test/support/trivy-db-fixture.ts';

/** Time (ms) to detect the OS packages of a trivy-ts JSON report with a freshly opened DB (cold caches). */
export function timeReportDetection(cacheDir: string, reportFile: string): number {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
  const os = report.Metadata.OS;
  const packages = (report.Results ?? [])
    .filter((r) => r.Class === 'os-pkgs')
    .flatMap((r) => r.Packages ?? []);
  if (!os || packages.length === 0) throw new Error(`${reportFile} lists no OS packages`);
  const started = performance.now();
  const db = TrivyDb.open(cacheDir);
  try {
    detectVulnerabilities(db, { OS: os, Packages: packages, Applications: [] }, { artifactName: 'bench' });
  } finally {
    db.close();
  }
  return performance.now() - started;
}

export interface SyntheticDetection {
  dbBytes: number;
  coldMs: number;
  /** Wall time of each warm run. */
  warmRuns: number[];
  warmMedianMs: number;
  warmBestMs: number;
  /** CPU time (user + system) of the median warm run: what the run costs when the machine is shared. */
  warmMedianCpuMs: number;
  vulnerabilities: number;
}

/** Our own copy, generated once when the DB bench (`bench/db.bench.ts`) has not left one in the bench cache. */
const ownDir = 'image-scan-synthetic-db';

function syntheticDb(benchCache: string): { cacheDir: string; names: string[] } {
  const bucket = 'debian 12';
  // The DB bench names its cache `trivy-db-v<generator>-<seed>`; the newest generator wins.
  const shared = existsSync(benchCache)
    ? readdirSync(benchCache)
        .filter((name) => /^trivy-db-v\d+-\d+$/.test(name))
        .sort((a, b) => Number(b.split('-')[2]?.slice(1)) - Number(a.split('-')[2]?.slice(1)))
    : [];
  for (const dir of [...shared, ownDir]) {
    const packagesFile = join(benchCache, dir, 'packages.json');
    const cacheDir = join(benchCache, dir, 'cache');
    if (existsSync(packagesFile) && existsSync(join(cacheDir, 'db', 'trivy.db'))) {
      const list = JSON.parse(readFileSync(packagesFile, 'utf8')) as [string, string, number][];
      return { cacheDir, names: list.filter(([b]) => b === bucket).map(([, name]) => name) };
    }
  }
  console.log('generating the synthetic DB (once; a few minutes)…');
  const target = join(benchCache, ownDir);
  const staging = `${target}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  const list: [string, string, number][] = [];
  writeSyntheticTrivyDb(join(staging, 'cache'), DEFAULT_SYNTHETIC_SHAPE, (b, name, count) =>
    list.push([b, name, count]),
  );
  writeFileSync(join(staging, 'packages.json'), JSON.stringify(list));
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return syntheticDb(benchCache);
}

/**
 * Detects `count` Debian 12 packages (spread evenly over the synthetic DB's `debian 12` bucket, each its own source
 * package) against the synthetic DB: one cold run on a fresh TrivyDb, then warm runs on the same one.
 */
export function detectSyntheticPackages(benchCache: string, count: number): SyntheticDetection {
  const { cacheDir, names } = syntheticDb(benchCache);
  const step = Math.max(1, Math.floor(names.length / count));
  const packages: Package[] = [];
  for (let i = 0; i < names.length && packages.length < count; i += step) {
    const name = names[i] ?? '';
    // Synthetic fixed versions are <0-4>.<0-29>.<0-19>-<n>+deb12u<m>: this one is vulnerable to about half.
    packages.push({
      ID: `${name}@2.15.0-1`,
      Name: name,
      Version: '2.15.0-1',
      SrcName: name,
      SrcVersion: '2.15.0-1',
    });
  }
  const inventory: MergedInventory = {
    OS: { Family: 'debian', Name: '12.5' },
    Packages: packages,
    Applications: [],
  };
  const db = TrivyDb.open(cacheDir);
  try {
    const run = () => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const detection = detectVulnerabilities(db, inventory, {
        artifactName: 'bench',
        now: Date.parse('2026-01-01'),
      });
      const used = process.cpuUsage(cpu);
      return {
        ms: performance.now() - started,
        cpuMs: (used.user + used.system) / 1000,
        found: detection.results.reduce((sum, r) => sum + (r.Vulnerabilities?.length ?? 0), 0),
      };
    };
    const cold = run();
    const warm = Array.from({ length: 9 }, run);
    const warmRuns = warm.map((w) => w.ms);
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    return {
      dbBytes: statSync(join(cacheDir, 'db', 'trivy.db')).size,
      coldMs: cold.ms,
      warmRuns,
      warmMedianMs: median(warmRuns),
      warmBestMs: Math.min(...warmRuns),
      warmMedianCpuMs: median(warm.map((w) => w.cpuMs)),
      vulnerabilities: cold.found,
    };
  } finally {
    db.close();
  }
}
