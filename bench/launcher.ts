import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultOutdir } from '../scripts/build.ts';

/** How `bin/trivy-ts` starts Node, so that benchmarks measure the product the way it runs. */
const repo = join(import.meta.dirname, '..');
export const launcherPath = join(repo, 'bin', 'trivy-ts');
export const bundlePath = join(defaultOutdir, 'main.js');

/** The `--name=value` Node flags of the launcher's `exec` line: what every command gets (not the operator's extra). */
export const launcherFlags: readonly string[] = [
  ...readFileSync(launcherPath, 'utf8').matchAll(/^exec .*$/gm),
].flatMap((line) => [...line[0].matchAll(/ (--[a-z0-9-]+=[^\s"]+)/g)].map((flag) => flag[1] ?? ''));

/**
 * The environment the launcher adds: V8's compile cache, so that modules are neither type-stripped nor compiled again
 * at each start (stripping instantiates a WebAssembly compiler whose memory stays in the process: ~30 MiB).
 */
export const launcherEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_COMPILE_CACHE: join(repo, 'node_modules', '.cache', 'trivy-ts-compile'),
};

/** Whether the launcher would run the sources rather than the bundle: its own `find -newer` test, same inputs. */
export async function bundleIsStale(): Promise<boolean> {
  const { stdout } = await promisify(execFile)('find', [
    join(repo, 'src'),
    join(repo, 'package.json'),
    join(repo, 'node_modules', '.package-lock.json'),
    '-newer',
    bundlePath,
    '-print',
    '-quit',
  ]).catch(() => ({ stdout: 'no bundle' }));
  return stdout.trim() !== '';
}
