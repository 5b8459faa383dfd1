/** Manifest builders for the workload check tests: a hardened baseline that passes every active check, plus kinds. */
import type { CheckContext, KubernetesObject } from '../../../src/checks/types.ts';

export type Json = Record<string, unknown>;

/** What the object looks like after a trip through JSON: keys set to undefined disappear, as in a real manifest. */
function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A container that passes every per-container check. */
export function container(overrides: Json = {}, name = 'app'): Json {
  return asJson({
    name,
    image: 'registry.azurecr.io/team/app:1.2.3',
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
    ports: [{ containerPort: 8080 }],
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...overrides,
  });
}

/** The hardened container with its securityContext replaced. */
export function withContext(securityContext: Json | undefined, name = 'app'): Json {
  const result = container({}, name);
  if (securityContext === undefined) delete result.securityContext;
  else result.securityContext = securityContext;
  return result;
}

/** The hardened container with some securityContext fields changed (undefined removes a field). */
export function withContextFields(fields: Json, name = 'app'): Json {
  const base = container({}, name).securityContext as Json;
  const merged: Json = { ...base, ...fields };
  for (const [key, value] of Object.entries(fields)) if (value === undefined) delete merged[key];
  return withContext(merged, name);
}

/** A pod spec that passes every pod-level check. */
export function podSpec(overrides: Json = {}, containers: Json[] = [container()]): Json {
  return asJson({
    automountServiceAccountToken: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers,
    ...overrides,
  });
}

export interface ObjectOptions {
  name?: string;
  /** `null` leaves `metadata.namespace` out. */
  namespace?: string | null;
  templateMetadata?: Json;
  metadata?: Json;
  apiVersion?: string;
}

function metadataOf(options: ObjectOptions): Json {
  const metadata: Json = { name: options.name ?? 'web', ...options.metadata };
  if (options.namespace !== null) metadata.namespace = options.namespace ?? 'apps';
  return metadata;
}

export function pod(spec: Json = podSpec(), options: ObjectOptions = {}): KubernetesObject {
  return { apiVersion: options.apiVersion ?? 'v1', kind: 'Pod', metadata: metadataOf(options), spec };
}

/** A controller whose pod template sits at `spec.template` (ReplicaSet, Deployment, StatefulSet, ...). */
export function controller(
  kind: string,
  spec: Json = podSpec(),
  options: ObjectOptions = {},
): KubernetesObject {
  return {
    apiVersion: options.apiVersion ?? 'apps/v1',
    kind,
    metadata: metadataOf(options),
    spec: { template: { metadata: { labels: { app: 'web' }, ...options.templateMetadata }, spec } },
  };
}

export function replicaSet(spec: Json = podSpec(), options: ObjectOptions = {}): KubernetesObject {
  return controller('ReplicaSet', spec, options);
}

export function cronJob(spec: Json = podSpec(), options: ObjectOptions = {}): KubernetesObject {
  return {
    apiVersion: options.apiVersion ?? 'batch/v1',
    kind: 'CronJob',
    metadata: metadataOf(options),
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { spec: { template: { metadata: { ...options.templateMetadata }, spec } } },
    },
  };
}

/** One row of a check's table: the object, and exactly the messages the check must produce ([] = pass). */
export interface CheckCase {
  check: string;
  name: string;
  object: KubernetesObject;
  context?: CheckContext;
  messages: string[];
}
