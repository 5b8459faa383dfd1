import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, posix } from 'node:path';
import type { Container, KeyToPath, Pod, Volume } from '../kube-types.ts';
import { ContainerConfigError, type ConfigSource } from './env.ts';

/** A container path mapped onto a host path under the pod's directory. */
export interface PathMapping {
  containerPath: string;
  hostPath: string;
}

/** Rejects item paths that would escape the volume directory, as the API server's validation does. */
function safeItemPath(path: string): string {
  const clean = posix.normalize(path);
  if (clean.startsWith('/') || clean === '..' || clean.startsWith('../')) {
    throw new ContainerConfigError(`invalid volume item path "${path}"`);
  }
  return clean;
}

async function writeKeys(
  dir: string,
  data: Record<string, string | Buffer>,
  items: KeyToPath[] | undefined,
  defaultMode: number,
  what: string,
): Promise<void> {
  const entries: [string, string | Buffer, number][] = items
    ? items.map((item) => {
        const value = data[item.key];
        if (value === undefined)
          throw new ContainerConfigError(
            `configmap references non-existent config key: ${item.key} in ${what}`,
          );
        return [safeItemPath(item.path), value, item.mode ?? defaultMode];
      })
    : Object.entries(data).map(([key, value]) => [safeItemPath(key), value, defaultMode]);
  for (const [path, value, mode] of entries) {
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, value);
    await chmod(file, mode);
  }
}

async function fillVolume(
  dir: string,
  volume: Volume,
  namespace: string,
  source: ConfigSource,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const sources: {
    kind: 'ConfigMap' | 'Secret';
    name: string;
    items?: KeyToPath[];
    optional?: boolean;
    mode: number;
  }[] = [];
  if (volume.configMap) {
    const { name = '', items, optional, defaultMode = 0o644 } = volume.configMap;
    sources.push({ kind: 'ConfigMap', name, items, optional, mode: defaultMode });
  }
  if (volume.secret) {
    const { secretName = '', items, optional, defaultMode = 0o644 } = volume.secret;
    sources.push({ kind: 'Secret', name: secretName, items, optional, mode: defaultMode });
  }
  for (const projected of volume.projected?.sources ?? []) {
    const mode = volume.projected?.defaultMode ?? 0o644;
    if (projected.configMap)
      sources.push({ kind: 'ConfigMap', name: projected.configMap.name ?? '', ...projected.configMap, mode });
    if (projected.secret)
      sources.push({ kind: 'Secret', name: projected.secret.name ?? '', ...projected.secret, mode });
  }
  for (const src of sources) {
    const data = source(src.kind, namespace, src.name);
    if (!data) {
      if (src.optional) continue;
      throw new ContainerConfigError(
        `MountVolume.SetUp failed for volume "${volume.name}" : ${src.kind.toLowerCase()} "${src.name}" not found`,
      );
    }
    await writeKeys(dir, data, src.items, src.mode, `${src.kind} ${namespace}/${src.name}`);
  }
}

/**
 * Materialises a Pod's volumes under `podDir/volumes/<name>`: ConfigMap and Secret (and projected ones of those)
 * as files, everything else (emptyDir, and kinds the emulator cannot provide) as an empty directory.
 */
export async function materialiseVolumes(
  pod: Pod,
  podDir: string,
  source: ConfigSource,
): Promise<Map<string, string>> {
  const namespace = pod.metadata.namespace ?? 'default';
  const dirs = new Map<string, string>();
  for (const volume of pod.spec.volumes ?? []) {
    const dir = join(podDir, 'volumes', volume.name.replace(/[^A-Za-z0-9._-]/g, '_'));
    await fillVolume(dir, volume, namespace, source);
    dirs.set(volume.name, dir);
  }
  return dirs;
}

/** The container's view of the filesystem: its volume mounts, its termination-log file and a private /tmp. */
export function containerPathMappings(
  container: Container,
  volumeDirs: ReadonlyMap<string, string>,
  privateTmp: string,
  terminationLog: string,
): PathMapping[] {
  const mappings: PathMapping[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const dir = volumeDirs.get(mount.name);
    if (!dir) throw new ContainerConfigError(`volume "${mount.name}" not found in pod spec`);
    const hostPath = mount.subPath ? join(dir, safeItemPath(mount.subPath)) : dir;
    mappings.push({ containerPath: normalize(mount.mountPath).replace(/\/$/, '') || '/', hostPath });
  }
  mappings.push({
    containerPath: container.terminationMessagePath ?? '/dev/termination-log',
    hostPath: terminationLog,
  });
  if (!mappings.some((m) => m.containerPath === '/tmp'))
    mappings.push({ containerPath: '/tmp', hostPath: privateTmp });
  return mappings.sort((a, b) => b.containerPath.length - a.containerPath.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Rewrites container paths inside a command word, an env value or a shell line to their host paths: a path
 * counts where it starts the text or follows whitespace, `=`, `:` or a quote, and ends the text or continues
 * with `/`, whitespace, a quote or `;`. Longer mount paths win.
 */
export function rewritePaths(text: string, mappings: readonly PathMapping[]): string {
  if (mappings.length === 0) return text;
  const alternatives = mappings.map((m) => escapeRegExp(m.containerPath)).join('|');
  const pattern = new RegExp(`(^|[\\s=:'"])(${alternatives})(?=$|[\\s/'";:])`, 'g');
  const byPath = new Map(mappings.map((m) => [m.containerPath, m.hostPath]));
  return text.replace(
    pattern,
    (_match, before: string, path: string) => `${before}${byPath.get(path) ?? path}`,
  );
}
