/**
 * Bundles the CLI so that it starts faster: `npm run build` (or `node scripts/build.ts [--outdir DIR]`) writes
 * dist/cli/main.js and the chunks it loads on demand. `bin/trivy-ts` runs the bundle while no source file, package.json
 * or installed package is newer than it, and the sources otherwise (a fresh clone has no bundle, so CI runs the sources).
 *
 * Why: a scan served from the layer cache is mostly start-up, and start-up is mostly Node resolving and loading
 * ~400 small modules (most of them from packages). One file per command graph is ~120 files in all, which takes a
 * scan served from the layer cache from 0.28 s to 0.23 s; see docs/architecture.md (Runtime) and docs/benchmarks.md
 * (Image scanner).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Metafile } from 'esbuild';

const repoRoot = join(import.meta.dirname, '..');
export const defaultOutdir = join(repoRoot, 'dist', 'cli');

/**
 * Left in node_modules and loaded from there: what only the operator and `k8s` load (the Kubernetes client and the
 * CEL interpreter, large and off the scan path), the CycloneDX library (it looks its optional plugins up by name at
 * run time) and the optional plugins themselves, which are not installed.
 */
const external = [
  '@kubernetes/client-node',
  '@bufbuild/cel',
  'prom-client',
  '@cyclonedx/cyclonedx-library',
  'xmlbuilder2',
  'libxmljs2',
  'ajv',
  'ajv-formats',
  'ajv-formats-draft2019',
  'spdx-expression-parse',
];

export interface BuildResult {
  outdir: string;
  files: number;
  bytes: number;
}

/**
 * Bundles src/cli/main.ts into `outdir` (emptied first): an ESM entry point plus a chunk per module graph that is
 * loaded lazily (each command's implementation, each report format). One single file would be evaluated whole at
 * every start, which is slower than the sources.
 */
export async function buildCli(outdir: string = defaultOutdir): Promise<BuildResult> {
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { main: join(repoRoot, 'src', 'cli', 'main.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    external,
    // CommonJS packages inside an ESM bundle call require() for Node's built-in modules.
    banner: {
      js: "import { createRequire as __trivyTsCreateRequire } from 'node:module'; const require = __trivyTsCreateRequire(import.meta.url);",
    },
    // Not loaded unless Node runs with --enable-source-maps (loading them would slow every start).
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  return { outdir, ...summarise(result.metafile) };
}

function summarise(metafile: Metafile): { files: number; bytes: number } {
  const outputs = Object.entries(metafile.outputs).filter(([name]) => name.endsWith('.js'));
  return { files: outputs.length, bytes: outputs.reduce((sum, [, output]) => sum + output.bytes, 0) };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
  const started = performance.now();
  const result = await buildCli(values.outdir ?? defaultOutdir);
  console.log(
    `bundled the CLI into ${result.outdir}: ${result.files} files, ${(result.bytes / 1024 / 1024).toFixed(1)} MiB ` +
      `in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
