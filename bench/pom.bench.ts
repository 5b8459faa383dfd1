/**
 * Maven multi-module benchmark for `trivy-ts fs` (pom.xml analysis):
 *   node_modules/.bin/node bench/run.ts pom [--no-docs] [--modules=N]
 * A generated reactor: a root POM with 200 managed versions (each from a property) and N modules (default 300),
 * each inheriting from it and declaring 20 versionless dependencies. Every module is analysed on its own and again
 * through the root's `<modules>`, with its parent read next to it, as Trivy does. Measured next to a floor in the
 * same run: the same directory walk reading the same pom.xml files with an analyzer that does nothing. Best of 5.
 * Results go to stdout and to docs/benchmarks.md (own section).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pomAnalyzer } from '../src/scanner/analyzers/lockfile/pom.ts';
import type { Analyzer } from '../src/scanner/analyzers/types.ts';
import { walkDirectory } from '../src/scanner/filesystem/directory-walker.ts';
import { markdownTable, runDescription, writeBenchmarkSection } from './docs-section.ts';

const MANAGED = 200;
const DEPENDENCIES_PER_MODULE = 20;
const RUNS = 5;

const { values: options } = parseArgs({
  options: { 'no-docs': { type: 'boolean', default: false }, modules: { type: 'string', default: '300' } },
});
const modules = Number(options.modules);

const dependency = (artifactId: string, version = '') =>
  `<dependency><groupId>org.lib</groupId><artifactId>${artifactId}</artifactId>` +
  `${version ? `<version>${version}</version>` : ''}</dependency>`;

async function writeReactor(root: string): Promise<void> {
  const properties = Array.from({ length: MANAGED }, (_, i) => `<lib${i}.version>1.${i}.0</lib${i}.version>`);
  const managed = Array.from({ length: MANAGED }, (_, i) => dependency(`lib${i}`, `\${lib${i}.version}`));
  const moduleList = Array.from({ length: modules }, (_, i) => `<module>m${i}</module>`);
  await writeFile(
    join(root, 'pom.xml'),
    `<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>root</artifactId>` +
      `<version>1</version><packaging>pom</packaging><properties>${properties.join('')}</properties>` +
      `<dependencyManagement><dependencies>${managed.join('')}</dependencies></dependencyManagement>` +
      `<modules>${moduleList.join('')}</modules></project>`,
  );
  for (let i = 0; i < modules; i++) {
    const dependencies = Array.from({ length: DEPENDENCIES_PER_MODULE }, (_, j) =>
      dependency(`lib${(i + j) % MANAGED}`),
    );
    await mkdir(join(root, `m${i}`));
    await writeFile(
      join(root, `m${i}`, 'pom.xml'),
      `<project><modelVersion>4.0.0</modelVersion><parent><groupId>g</groupId><artifactId>root</artifactId>` +
        `<version>1</version></parent><artifactId>m${i}</artifactId>` +
        `<dependencies>${dependencies.join('')}</dependencies></project>`,
    );
  }
}

const floorAnalyzer: Analyzer = {
  type: 'floor',
  version: 1,
  required: ({ path }) => path.endsWith('pom.xml'),
  analyze: () => undefined,
};

async function bestMs(root: string, analyzer: Analyzer): Promise<{ ms: number; packages: number }> {
  let best = Infinity;
  let packages = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const analysis = await walkDirectory(root, { analyzers: [analyzer] });
    best = Math.min(best, performance.now() - started);
    packages = analysis.Applications.reduce((sum, application) => sum + application.Packages.length, 0);
  }
  return { ms: best, packages };
}

const loadAtStart = loadavg();
const root = await mkdtemp(join(tmpdir(), 'trivy-ts-pom-bench-'));
try {
  await writeReactor(root);
  const floor = await bestMs(root, floorAnalyzer);
  const pom = await bestMs(root, pomAnalyzer);
  const expected = (modules + 1) * DEPENDENCIES_PER_MODULE; // dependencies reported per module, at least
  if (pom.packages < expected) throw new Error(`only ${pom.packages} packages (expected ≥ ${expected})`);
  const table = markdownTable(
    ['Step', `Best of ${RUNS}`, 'vs floor'],
    [
      ['walk + read the pom.xml files (floor)', `${floor.ms.toFixed(0)} ms`, '1.0×'],
      [
        `pom.xml analysis (${pom.packages} packages)`,
        `${pom.ms.toFixed(0)} ms`,
        `${(pom.ms / floor.ms).toFixed(1)}×`,
      ],
    ],
  );
  console.log(`${modules} modules, ${MANAGED} managed versions, ${cpus().length} CPUs\n${table}`);
  if (!options['no-docs']) await writeDocs(table);
} finally {
  await rm(root, { recursive: true, force: true });
}

async function writeDocs(table: string): Promise<void> {
  const section = [
    '## Maven multi-module project (`fs`, pom.xml)',
    '',
    `\`npm run bench -- pom\`: a root POM with ${MANAGED} managed versions (each from a property)`,
    `and ${modules} modules of ${DEPENDENCIES_PER_MODULE} versionless dependencies each; every module is analysed`,
    "alone and through the root's `<modules>`. Floor: the same walk reading the same files, analysing nothing.",
    runDescription(loadAtStart),
    '',
    table,
  ].join('\n');
  await writeBenchmarkSection('pom-bench', section);
}
