/**
 * Test-only: renders the chart with the real helm binary and reads back what the operator would get from it — the
 * environment of the Deployment's container (its own env plus the envFrom ConfigMap) and the data of the ConfigMaps
 * and Secrets it reads — in the form loadOperatorConfiguration takes.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { V1ConfigMap, V1Deployment, V1Secret } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { kubeTools, repoRoot } from '../../scripts/kube-tools.ts';
import type { OperatorConfigurationInput } from '../../src/operator/config/index.ts';

const run = promisify(execFile);
export const chartDir = join(repoRoot, 'deploy', 'helm');
export const valuesDir = join(repoRoot, 'test', 'deploy', 'values');
export const releaseNamespace = 'trivy-system';

export type KubeObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

export interface Rendered {
  text: string;
  objects: KubeObject[];
}

/** `helm <args…>` with the unpacked binary; rejects with helm's stderr in the message. */
export async function helm(args: string[]): Promise<string> {
  const { helm: binary } = await kubeTools();
  try {
    const { stdout } = await run(binary, args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`helm ${args.join(' ')} failed: ${stderr?.trim() ?? String(error)}`, { cause: error });
  }
}

/** `helm template trivy-operator deploy/helm -n trivy-system <args>`, parsed. */
export async function renderChart(args: string[] = []): Promise<Rendered> {
  const text = await helm(['template', 'trivy-operator', chartDir, '--namespace', releaseNamespace, ...args]);
  return { text, objects: parseObjects(text) };
}

export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`rendered YAML: ${document.errors[0]!.message}`);
      return document.toJS() as KubeObject | null;
    })
    .filter((object): object is KubeObject => object !== null);
}

/** Helm arguments for a file of test/deploy/values: `-f file` for values files, the lines of an .args file. */
export async function valuesArgs(file: string): Promise<string[]> {
  const path = join(valuesDir, file);
  if (!file.endsWith('.args')) return ['-f', path];
  return (await readFile(path, 'utf8'))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export function find<T = KubeObject>(objects: KubeObject[], kind: string, name?: string): T {
  const found = objects.find(
    (object) => object.kind === kind && (name === undefined || object.metadata.name === name),
  );
  if (!found) throw new Error(`no ${kind}${name ? ` ${name}` : ''} in the rendered chart`);
  return found as unknown as T;
}

export function findAll(objects: KubeObject[], kind: string): KubeObject[] {
  return objects.filter((object) => object.kind === kind);
}

/**
 * What the operator container sees: its env (values and fieldRefs resolved as the kubelet does, envFrom ConfigMaps
 * taken from the rendered ones) and the objects it reads, Secret data base64-decoded. KUBERNETES_SERVICE_HOST is set
 * as in every pod.
 */
export function operatorInputs(
  objects: KubeObject[],
): OperatorConfigurationInput & { env: Record<string, string> } {
  const deployment = find<V1Deployment>(objects, 'Deployment');
  const container = deployment.spec!.template.spec!.containers[0]!;
  const namespace = deployment.metadata!.namespace ?? releaseNamespace;
  const env: Record<string, string> = { KUBERNETES_SERVICE_HOST: '10.96.0.1' };
  for (const source of container.envFrom ?? []) {
    if (!source.configMapRef) continue;
    const configMap = findOptional<V1ConfigMap>(objects, 'ConfigMap', source.configMapRef.name ?? '');
    Object.assign(env, configMap?.data ?? {});
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (variable.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[variable.name] = namespace;
    else if (variable.valueFrom)
      throw new Error(`env ${variable.name}: this helper resolves only values and the namespace`);
  }
  return {
    env,
    operatorConfigMap: findOptional<V1ConfigMap>(objects, 'ConfigMap', 'trivy-operator')?.data,
    operatorSecret: decoded(findOptional<V1Secret>(objects, 'Secret', 'trivy-operator')),
    trivyConfigMap: findOptional<V1ConfigMap>(objects, 'ConfigMap', 'trivy-operator-trivy-config')?.data,
    trivySecret: decoded(findOptional<V1Secret>(objects, 'Secret', 'trivy-operator-trivy-config')),
  };
}

function findOptional<T>(objects: KubeObject[], kind: string, name: string): T | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name) as T | undefined;
}

function decoded(secret: V1Secret | undefined): Record<string, string> | undefined {
  if (!secret) return undefined;
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  );
}
