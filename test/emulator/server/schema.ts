import type { StatusCause } from './status.ts';

/** The subset of a CRD structural schema (OpenAPI v3) the emulator understands. */
export interface StructuralSchema {
  type?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema | boolean;
  items?: StructuralSchema;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  nullable?: boolean;
  default?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
  'selfLink',
]);

type Json = unknown;

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Removes fields the schema does not declare (unless `x-kubernetes-preserve-unknown-fields`), drops
 * nulls from non-nullable fields and applies defaults, as the API server does before validation.
 * Returns the paths it pruned, for strict field validation.
 */
export function pruneAndDefault(
  object: Record<string, Json>,
  schema: StructuralSchema | undefined,
): string[] {
  const pruned: string[] = [];
  if (!schema) return pruned;
  const metadata = object.metadata;
  if (isPlainObject(metadata)) {
    for (const key of Object.keys(metadata)) {
      if (!OBJECT_META_FIELDS.has(key)) {
        delete metadata[key];
        pruned.push(`metadata.${key}`);
      }
    }
  }
  const rootSchema: StructuralSchema = {
    ...schema,
    properties: { ...schema.properties, apiVersion: { type: 'string' }, kind: { type: 'string' } },
  };
  pruneObject(object, rootSchema, '', pruned, true);
  return pruned;
}

function pruneValue(value: Json, schema: StructuralSchema, path: string, pruned: string[]): Json {
  if (Array.isArray(value) && schema.items) {
    return value.map((item, i) => pruneValue(item, schema.items!, `${path}[${i}]`, pruned));
  }
  if (isPlainObject(value)) pruneObject(value, schema, path, pruned, false);
  return value;
}

function pruneObject(
  value: Record<string, Json>,
  schema: StructuralSchema,
  path: string,
  pruned: string[],
  root: boolean,
): void {
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const props = schema.properties;
  const additional =
    typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const key of Object.keys(value)) {
    if (root && key === 'metadata') continue;
    const child = props?.[key] ?? additional;
    if (!child) {
      if (!preserve && schema.additionalProperties !== true && !schema['x-kubernetes-embedded-resource']) {
        delete value[key];
        pruned.push(join(path, key));
      }
      continue;
    }
    if (value[key] === null && !child.nullable) {
      delete value[key];
      continue;
    }
    value[key] = pruneValue(value[key], child, join(path, key), pruned);
  }
  for (const [key, child] of Object.entries(props ?? {})) {
    if (value[key] === undefined && child.default !== undefined) {
      value[key] = structuredClone(child.default);
    }
  }
}

function render(value: Json): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function typeName(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(value: Json, schema: StructuralSchema): boolean {
  if (schema['x-kubernetes-int-or-string']) return typeof value === 'string' || Number.isInteger(value);
  switch (schema.type) {
    case undefined:
      return true;
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function invalidCause(field: string, value: Json, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${render(value)}: ${detail}`, field };
}

/** How a value's path shows in a cause: its field, and its name inside the message (`spec.a in body ...`). */
interface Naming {
  field(path: string): string;
  name(path: string): string;
}

const RESOURCE_NAMING: Naming = {
  field: (path) => (path === '' ? '<root>' : path),
  name: (path) => (path === '' ? '<root>' : path),
};

/** Validates a (pruned) object against the schema; returns causes in the API server's wording. */
export function validateAgainstSchema(object: Json, schema: StructuralSchema | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  if (schema) validateValue(object, schema, '', causes, RESOURCE_NAMING);
  return causes;
}

/**
 * Validates a schema's `default` against that schema, as CRD validation does: causes sit under the default's own
 * field path (`...properties[size].default`), and the validator names the default's root with an empty name.
 */
export function validateDefaultValue(
  value: Json,
  schema: StructuralSchema,
  defaultField: string,
): StatusCause[] {
  const causes: StatusCause[] = [];
  const naming: Naming = {
    field: (path) =>
      path === ''
        ? defaultField
        : path.startsWith('[')
          ? `${defaultField}${path}`
          : `${defaultField}.${path}`,
    name: (path) => path,
  };
  validateValue(value, schema, '', causes, naming);
  return causes;
}

function validateValue(
  value: Json,
  schema: StructuralSchema,
  path: string,
  causes: StatusCause[],
  naming: Naming,
): void {
  const where = naming.field(path);
  const name = naming.name(path);
  if (value === null) {
    if (!schema.nullable && schema.type !== undefined) {
      causes.push(invalidCause(where, 'null', `${name} in body must be of type ${schema.type}: "null"`));
    }
    return;
  }
  if (!typeMatches(value, schema)) {
    const t = typeName(value);
    causes.push(invalidCause(where, t, `${name} in body must be of type ${schema.type}: "${t}"`));
    return;
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${render(value)}: supported values: ${schema.enum.map(render).join(', ')}`,
      field: where,
    });
  }
  if (typeof value === 'number') validateNumber(value, schema, where, name, causes);
  if (typeof value === 'string') validateString(value, schema, where, name, causes);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      causes.push(
        invalidCause(where, value.length, `${name} in body should have at least ${schema.minItems} items`),
      );
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      causes.push({
        reason: 'FieldValueTooMany',
        message: `Too many: ${value.length}: must have at most ${schema.maxItems} items`,
        field: where,
      });
    }
    if (schema.items) {
      value.forEach((item, i) => validateValue(item, schema.items!, `${path}[${i}]`, causes, naming));
    }
  }
  if (isPlainObject(value)) {
    for (const key of schema.required ?? []) {
      if (value[key] === undefined) {
        causes.push({
          reason: 'FieldValueRequired',
          message: 'Required value',
          field: naming.field(join(path, key)),
        });
      }
    }
    const additional =
      typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    for (const [key, child] of Object.entries(value)) {
      const childSchema = schema.properties?.[key] ?? additional;
      if (childSchema) validateValue(child, childSchema, join(path, key), causes, naming);
    }
  }
}

function validateNumber(
  value: number,
  schema: StructuralSchema,
  where: string,
  name: string,
  causes: StatusCause[],
): void {
  if (schema.minimum !== undefined) {
    const bad = schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum;
    if (bad) {
      const rel = schema.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      causes.push(invalidCause(where, value, `${name} in body should be ${rel} ${schema.minimum}`));
    }
  }
  if (schema.maximum !== undefined) {
    const bad = schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum;
    if (bad) {
      const rel = schema.exclusiveMaximum ? 'less than' : 'less than or equal to';
      causes.push(invalidCause(where, value, `${name} in body should be ${rel} ${schema.maximum}`));
    }
  }
}

function validateString(
  value: string,
  schema: StructuralSchema,
  where: string,
  name: string,
  causes: StatusCause[],
): void {
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) {
    causes.push(
      invalidCause(where, value, `${name} in body should be at least ${schema.minLength} chars long`),
    );
  }
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    causes.push({
      reason: 'FieldValueTooLong',
      message: `Too long: may not be more than ${schema.maxLength} bytes`,
      field: where,
    });
  }
  if (schema.pattern !== undefined) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(schema.pattern, 'u');
    } catch {
      re = undefined;
    }
    if (re && !re.test(value)) {
      causes.push(invalidCause(where, value, `${name} in body should match '${schema.pattern}'`));
    }
  }
  if (schema.format === 'date-time' && !DATE_TIME.test(value)) {
    causes.push(invalidCause(where, value, `${name} in body must be of type date-time: ${render(value)}`));
  }
}
