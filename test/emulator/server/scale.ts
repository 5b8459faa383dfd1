import type { KubeObject } from '../api.ts';
import type { ResourceType, ScalePaths } from './resources.ts';
import { formatLabelSelector } from './selectors.ts';
import { badRequest } from './status.ts';

const BUILTIN_PATHS: ScalePaths = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.spec.selector',
};

function pathsOf(type: ResourceType): ScalePaths {
  return type.custom?.scale ?? BUILTIN_PATHS;
}

function read(object: unknown, path: string): unknown {
  let current = object;
  for (const part of path.split('.').filter((p) => p !== '')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function write(object: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.').filter((p) => p !== '');
  let current = object;
  for (const part of parts.slice(0, -1)) {
    const next = current[part];
    if (next === null || typeof next !== 'object') current[part] = {};
    current = current[part] as Record<string, unknown>;
  }
  current[parts[parts.length - 1]!] = value;
}

function selectorText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return '';
  const v = value as Record<string, unknown>;
  if ('matchLabels' in v || 'matchExpressions' in v) return formatLabelSelector(v);
  // ReplicationController selectors are plain maps.
  return Object.entries(v as Record<string, string>)
    .map(([k, val]) => `${k}=${val}`)
    .join(',');
}

/** The `autoscaling/v1` Scale view of a workload. */
export function toScale(type: ResourceType, object: KubeObject): KubeObject {
  const paths = pathsOf(type);
  const meta = object.metadata;
  const selectorPath = paths.labelSelectorPath;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: Number(read(object, paths.specReplicasPath) ?? 0) },
    status: {
      replicas: Number(read(object, paths.statusReplicasPath) ?? 0),
      ...(selectorPath ? { selector: selectorText(read(object, selectorPath)) } : {}),
    },
  };
}

/** Writes a Scale's desired replicas back into the workload (keeping the Scale's resourceVersion precondition). */
export function applyScale(type: ResourceType, object: KubeObject, scale: KubeObject): KubeObject {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw badRequest('spec.replicas must be a non-negative integer');
  }
  const updated = structuredClone(object);
  write(updated as Record<string, unknown>, pathsOf(type).specReplicasPath, replicas);
  if (scale.metadata?.resourceVersion) updated.metadata.resourceVersion = scale.metadata.resourceVersion;
  return updated;
}
