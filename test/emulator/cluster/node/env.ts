import type { Container, EnvVar, Pod } from '../kube-types.ts';

/** Reads ConfigMap data or decoded Secret data; undefined when the object does not exist. */
export type ConfigSource = (
  kind: 'ConfigMap' | 'Secret',
  namespace: string,
  name: string,
) => Record<string, string> | undefined;

/** Why a container cannot be created yet (the kubelet's CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  override name = 'ContainerConfigError';
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * Expands `$(VAR)` references to variables defined so far, `$$` escaping a literal `$`; unknown references stay
 * as written (the kubelet's rule for env values, command and args).
 */
export function expandReferences(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && Object.hasOwn(vars, name) ? (vars[name] ?? '') : match;
  });
}

function fieldValue(pod: Pod, path: string): string {
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (labelOrAnnotation) {
    const map = labelOrAnnotation[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations;
    return map?.[labelOrAnnotation[2] ?? ''] ?? '';
  }
  const values: Record<string, string | undefined> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': pod.spec.nodeName,
    'spec.serviceAccountName': pod.spec['serviceAccountName'] as string | undefined,
    'status.hostIP': pod.status?.hostIP,
    'status.podIP': pod.status?.podIP,
  };
  return values[path] ?? '';
}

function keyRefValue(
  kind: 'ConfigMap' | 'Secret',
  namespace: string,
  ref: { name?: string; key: string; optional?: boolean },
  source: ConfigSource,
): string | undefined {
  const data = source(kind, namespace, ref.name ?? '');
  if (!data) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`${kind.toLowerCase()} "${ref.name ?? ''}" not found`);
  }
  if (!Object.hasOwn(data, ref.key)) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${namespace}/${ref.name ?? ''}`);
  }
  return data[ref.key];
}

/** The environment a container starts with: `envFrom` sources in order, then `env` entries, which win. */
export function resolveContainerEnv(
  pod: Pod,
  container: Container,
  source: ConfigSource,
): Record<string, string> {
  const namespace = pod.metadata.namespace ?? 'default';
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    if (!ref) continue;
    const data = source(kind, namespace, ref.name ?? '');
    if (!data) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${kind.toLowerCase()} "${ref.name ?? ''}" not found`);
    }
    for (const [key, value] of Object.entries(data)) {
      const name = `${from.prefix ?? ''}${key}`;
      if (ENV_NAME.test(name)) env[name] = value;
    }
  }
  for (const entry of container.env ?? []) {
    const value = envEntryValue(pod, namespace, entry, env, source);
    if (value !== undefined) env[entry.name] = value;
  }
  return env;
}

function envEntryValue(
  pod: Pod,
  namespace: string,
  entry: EnvVar,
  defined: Record<string, string>,
  source: ConfigSource,
): string | undefined {
  const from = entry.valueFrom;
  if (!from) return expandReferences(entry.value ?? '', defined);
  if (from.configMapKeyRef) return keyRefValue('ConfigMap', namespace, from.configMapKeyRef, source);
  if (from.secretKeyRef) return keyRefValue('Secret', namespace, from.secretKeyRef, source);
  if (from.fieldRef) return fieldValue(pod, from.fieldRef.fieldPath);
  return '';
}
