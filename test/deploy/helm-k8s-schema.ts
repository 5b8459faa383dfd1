/**
 * Test-only: a structural check of Kubernetes objects against the API's own types, as @kubernetes/client-node
 * generates them from the Kubernetes OpenAPI document: every field must exist in its type (a misspelt
 * `readOnlyRootFileSystem` is an error), values must have the field's type, and required fields must be present.
 * It stands in for the built-in schemas the API emulator does not serve, so that `kubectl apply --dry-run=client`
 * plus this check cover what a real API server would refuse.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as k8s from '@kubernetes/client-node';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}
interface Model {
  getAttributeTypeMap(): Attribute[];
}

const models = k8s as unknown as Record<string, Model | undefined>;
const modelsDir = join(
  dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')),
  'gen',
  'models',
);
const requiredCache = new Map<string, Set<string>>();

/** Required properties of a generated type, read from its declaration (`'name': T` rather than `'name'?: T`). */
function requiredFields(type: string): Set<string> {
  let required = requiredCache.get(type);
  if (!required) {
    const declaration = readFileSync(join(modelsDir, `${type}.d.ts`), 'utf8');
    required = new Set([...declaration.matchAll(/^\s+'([^']+)': /gm)].map((match) => match[1]!));
    requiredCache.set(type, required);
  }
  return required;
}

/** Quantities are int-or-string in the API though client-node types them as strings. */
const QUANTITY_FIELDS = new Set([
  'V1ResourceRequirements.limits',
  'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits',
  'V1VolumeResourceRequirements.requests',
  'V1EmptyDirVolumeSource.sizeLimit',
]);

/** The generated type of an object: `apps/v1` Deployment → V1Deployment; undefined when client-node has none. */
export function modelName(apiVersion: string, kind: string): string | undefined {
  const version = apiVersion.split('/').pop() ?? '';
  const name = `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
  return models[name] ? name : undefined;
}

/** Problems of one object, each as `Kind/name: path: what`; empty when it fits its type. */
export function checkKubernetesObject(object: Record<string, unknown>): string[] {
  const kind = String(object.kind);
  const name = `${kind}/${String((object.metadata as { name?: unknown } | undefined)?.name)}`;
  const type = modelName(String(object.apiVersion), kind);
  if (!type) return [`${name}: apiVersion ${String(object.apiVersion)} kind ${kind} is not a built-in type`];
  const problems: string[] = [];
  checkValue(object, type, '', problems, '');
  return problems.map((problem) => `${name}: ${problem}`);
}

function checkValue(
  value: unknown,
  type: string,
  path: string,
  problems: string[],
  quantityOf: string,
): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) problems.push(`${path}: must be a list`);
    else value.forEach((item, index) => checkValue(item, array[1]!, `${path}[${index}]`, problems, ''));
  } else if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) problems.push(`${path}: must be a map`);
    else
      for (const [key, item] of Object.entries(value))
        checkValue(item, map[1]!, `${path}.${key}`, problems, quantityOf);
  } else if (type === 'string' || type === 'Date') {
    const quantity = quantityOf !== '' && typeof value === 'number';
    if (typeof value !== 'string' && !quantity)
      problems.push(`${path}: must be a string, not ${typeof value}`);
  } else if (type === 'number') {
    if (typeof value !== 'number') problems.push(`${path}: must be a number, not ${typeof value}`);
  } else if (type === 'boolean') {
    if (typeof value !== 'boolean') problems.push(`${path}: must be true or false, not ${typeof value}`);
  } else if (type === 'IntOrString') {
    if (typeof value !== 'string' && typeof value !== 'number')
      problems.push(`${path}: must be int or string`);
  } else if (type === 'any' || type === 'object') {
    return;
  } else {
    checkModel(value, type, path, problems);
  }
}

function checkModel(value: unknown, type: string, path: string, problems: string[]): void {
  const model = models[type];
  if (!model) {
    problems.push(`${path}: unknown type ${type}`);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: must be an object (${type})`);
    return;
  }
  const attributes = new Map(model.getAttributeTypeMap().map((attribute) => [attribute.baseName, attribute]));
  for (const [key, item] of Object.entries(value)) {
    const attribute = attributes.get(key);
    if (!attribute) {
      problems.push(`${path}.${key}: unknown field of ${type}`);
      continue;
    }
    const quantity = QUANTITY_FIELDS.has(`${type}.${attribute.name}`) ? attribute.name : '';
    checkValue(item, attribute.type, `${path}.${key}`, problems, quantity);
  }
  for (const field of requiredFields(type)) {
    const attribute = model.getAttributeTypeMap().find((entry) => entry.name === field);
    const key = attribute?.baseName ?? field;
    if ((value as Record<string, unknown>)[key] === undefined) problems.push(`${path}.${key}: is required`);
  }
}
