/**
 * Decoding a CustomResourceDefinition the way the API server's typed apiextensions.k8s.io/v1 decoder does, before
 * any validation: a value of the wrong JSON type is the first decoding error (`json: cannot unmarshal number into Go
 * struct field JSONSchemaProps.spec.versions.schema.openAPIV3Schema.properties.type of type string`), and fields the
 * Go types do not have are unknown (an error under `fieldValidation=Strict`, and dropped from what is stored).
 *
 * The schema types `JSONSchemaPropsOrArray` (`items`), `JSONSchemaPropsOrBool` (`additionalProperties`,
 * `additionalItems`) and `JSONSchemaPropsOrStringArray` (`dependencies`) decode their content with their own,
 * non-strict unmarshalers, so unknown fields below them are dropped without being reported, as on a real server.
 */

type Json = unknown;

interface Scalar {
  k: 'scalar';
  go: string;
  json: 'string' | 'bool' | 'int' | 'number';
}
interface Struct {
  k: 'struct';
  go: string;
  fields: Record<string, Type>;
}
interface Slice {
  k: 'slice';
  go: string;
  elem: Type;
}
interface MapOf {
  k: 'map';
  go: string;
  elem: Type;
}
/** A field with a custom unmarshaler (`JSON`, `JSONSchemaPropsOr...`). */
interface Custom {
  k: 'any' | 'schemaOrArray' | 'schemaOrBool' | 'schemaOrStrings' | 'opaque';
}
type Type = Scalar | Struct | Slice | MapOf | Custom;

const str = (go = 'string'): Scalar => ({ k: 'scalar', go, json: 'string' });
const bool: Scalar = { k: 'scalar', go: 'bool', json: 'bool' };
const int64: Scalar = { k: 'scalar', go: 'int64', json: 'int' };
const int32: Scalar = { k: 'scalar', go: 'int32', json: 'int' };
const float64: Scalar = { k: 'scalar', go: 'float64', json: 'number' };
const strings: Slice = { k: 'slice', go: '[]string', elem: str() };
const struct = (go: string, fields: Record<string, Type>): Struct => ({
  k: 'struct',
  go: `v1.${go}`,
  fields,
});
const sliceOf = (elem: Struct): Slice => ({ k: 'slice', go: `[]${elem.go}`, elem });

const SCHEMA: Struct = struct('JSONSchemaProps', {});
Object.assign(SCHEMA.fields, {
  id: str(),
  $schema: str('v1.JSONSchemaURL'),
  $ref: str(),
  description: str(),
  type: str(),
  format: str(),
  title: str(),
  default: { k: 'any' },
  maximum: float64,
  exclusiveMaximum: bool,
  minimum: float64,
  exclusiveMinimum: bool,
  maxLength: int64,
  minLength: int64,
  pattern: str(),
  maxItems: int64,
  minItems: int64,
  uniqueItems: bool,
  multipleOf: float64,
  enum: { k: 'slice', go: '[]v1.JSON', elem: { k: 'any' } },
  maxProperties: int64,
  minProperties: int64,
  required: strings,
  items: { k: 'schemaOrArray' },
  allOf: sliceOf(SCHEMA),
  oneOf: sliceOf(SCHEMA),
  anyOf: sliceOf(SCHEMA),
  not: SCHEMA,
  properties: { k: 'map', go: 'map[string]v1.JSONSchemaProps', elem: SCHEMA },
  additionalProperties: { k: 'schemaOrBool' },
  patternProperties: { k: 'map', go: 'map[string]v1.JSONSchemaProps', elem: SCHEMA },
  dependencies: { k: 'map', go: 'v1.JSONSchemaDependencies', elem: { k: 'schemaOrStrings' } },
  additionalItems: { k: 'schemaOrBool' },
  definitions: { k: 'map', go: 'v1.JSONSchemaDefinitions', elem: SCHEMA },
  externalDocs: struct('ExternalDocumentation', { description: str(), url: str() }),
  example: { k: 'any' },
  nullable: bool,
  'x-kubernetes-preserve-unknown-fields': bool,
  'x-kubernetes-embedded-resource': bool,
  'x-kubernetes-int-or-string': bool,
  'x-kubernetes-list-map-keys': strings,
  'x-kubernetes-list-type': str(),
  'x-kubernetes-map-type': str(),
  'x-kubernetes-validations': {
    k: 'slice',
    go: 'v1.ValidationRules',
    elem: struct('ValidationRule', {
      rule: str(),
      message: str(),
      messageExpression: str(),
      reason: str('v1.FieldValueErrorReason'),
      fieldPath: str(),
      optionalOldSelf: bool,
    }),
  },
} satisfies Record<string, Type>);

const NAMES = struct('CustomResourceDefinitionNames', {
  plural: str(),
  singular: str(),
  shortNames: strings,
  kind: str(),
  listKind: str(),
  categories: strings,
});

const VERSION = struct('CustomResourceDefinitionVersion', {
  name: str(),
  served: bool,
  storage: bool,
  deprecated: bool,
  deprecationWarning: str(),
  schema: struct('CustomResourceValidation', { openAPIV3Schema: SCHEMA }),
  subresources: struct('CustomResourceSubresources', {
    status: struct('CustomResourceSubresourceStatus', {}),
    scale: struct('CustomResourceSubresourceScale', {
      specReplicasPath: str(),
      statusReplicasPath: str(),
      labelSelectorPath: str(),
    }),
  }),
  additionalPrinterColumns: sliceOf(
    struct('CustomResourceColumnDefinition', {
      name: str(),
      type: str(),
      format: str(),
      description: str(),
      priority: int32,
      jsonPath: str(),
    }),
  ),
  selectableFields: sliceOf(struct('SelectableField', { jsonPath: str() })),
});

const CONVERSION = struct('CustomResourceConversion', {
  strategy: str('v1.ConversionStrategyType'),
  webhook: struct('WebhookConversion', {
    clientConfig: struct('WebhookClientConfig', {
      url: str(),
      service: struct('ServiceReference', { namespace: str(), name: str(), path: str(), port: int32 }),
      caBundle: str('[]uint8'),
    }),
    conversionReviewVersions: strings,
  }),
});

const CRD = struct('CustomResourceDefinition', {
  apiVersion: str(),
  kind: str(),
  metadata: { k: 'opaque' },
  spec: struct('CustomResourceDefinitionSpec', {
    group: str(),
    names: NAMES,
    scope: str('v1.ResourceScope'),
    versions: sliceOf(VERSION),
    conversion: CONVERSION,
    preserveUnknownFields: bool,
  }),
  status: struct('CustomResourceDefinitionStatus', {
    conditions: sliceOf(
      struct('CustomResourceDefinitionCondition', {
        type: str('v1.CustomResourceDefinitionConditionType'),
        status: str('v1.ConditionStatus'),
        lastTransitionTime: { k: 'opaque' },
        reason: str(),
        message: str(),
      }),
    ),
    acceptedNames: NAMES,
    storedVersions: strings,
  }),
});

export interface CrdDecoding {
  /** The first decoding error, worded like Go's encoding/json. */
  typeError?: string;
  /** Unknown fields a strict decoder reports (`spec.versions[0].schema.foo`). */
  unknown: string[];
}

interface Walk {
  result: CrdDecoding;
  /** Remove unknown fields (and those under lenient unmarshalers) from the object. */
  prune: boolean;
}

function jsonKind(value: Json): string {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  return Array.isArray(value) ? 'array' : 'object';
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeMismatch(w: Walk, value: string, goType: string, struct: string, fields: string[]): void {
  w.result.typeError ??= `json: cannot unmarshal ${value} into Go struct field ${struct}.${fields.join('.')} of type ${goType}`;
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/**
 * `fields` are the JSON field names from the root (what Go's errors show); `path` is the strict decoder's path
 * (map keys included, indices as `[i]`); `strict` is false below a lenient custom unmarshaler.
 */
function walk(
  w: Walk,
  value: Json,
  type: Type,
  struct: string,
  fields: string[],
  path: string,
  strict: boolean,
): void {
  if (value === null || value === undefined) return;
  switch (type.k) {
    case 'any':
    case 'opaque':
      return;
    case 'scalar': {
      const kind = jsonKind(value);
      const ok =
        (type.json === 'string' && kind === 'string') ||
        (type.json === 'bool' && kind === 'bool') ||
        (type.json === 'number' && kind === 'number') ||
        (type.json === 'int' && kind === 'number');
      if (!ok) typeMismatch(w, kind, type.go, struct, fields);
      else if (type.json === 'int') {
        const n = value as number;
        const limit = type.go === 'int32' ? 2 ** 31 : 2 ** 63;
        if (!Number.isInteger(n) || n >= limit || n < -limit) {
          typeMismatch(w, `number ${String(n)}`, type.go, struct, fields);
        }
      }
      return;
    }
    case 'slice':
      if (!Array.isArray(value)) return typeMismatch(w, jsonKind(value), type.go, struct, fields);
      value.forEach((item, i) => walk(w, item, type.elem, struct, fields, `${path}[${i}]`, strict));
      return;
    case 'map':
      if (!isObject(value)) return typeMismatch(w, jsonKind(value), type.go, struct, fields);
      for (const [key, item] of Object.entries(value)) {
        walk(w, item, type.elem, struct, fields, join(path, key), strict);
      }
      return;
    case 'struct':
      return walkStruct(w, value, type, fields, path, strict);
    case 'schemaOrArray':
      // Anything but an object or an array decodes to nothing.
      if (isObject(value)) walkStruct(w, value, SCHEMA, fields, path, false);
      else if (Array.isArray(value)) {
        value.forEach((item, i) => walk(w, item, SCHEMA, 'JSONSchemaProps', fields, `${path}[${i}]`, false));
      }
      return;
    case 'schemaOrBool':
      if (isObject(value)) walkStruct(w, value, SCHEMA, fields, path, false);
      else if (typeof value !== 'boolean') w.result.typeError ??= 'boolean or JSON schema expected';
      return;
    case 'schemaOrStrings':
      if (isObject(value)) walkStruct(w, value, SCHEMA, fields, path, false);
      else if (Array.isArray(value)) walk(w, value, strings, 'JSONSchemaProps', fields, path, false);
      return;
  }
}

function walkStruct(
  w: Walk,
  value: Json,
  type: Struct,
  fields: string[],
  path: string,
  strict: boolean,
): void {
  const name = type.go.replace(/^v1\./, '');
  if (!isObject(value)) {
    typeMismatch(w, jsonKind(value), type.go, name, fields);
    return;
  }
  for (const key of Object.keys(value)) {
    const field = type.fields[key];
    if (!field) {
      if (strict) w.result.unknown.push(join(path, key));
      if (w.prune) delete value[key];
      continue;
    }
    walk(w, value[key], field, name, [...fields, key], join(path, key), strict);
  }
  if (w.prune) pruneLenient(value, type);
}

/** Values a lenient unmarshaler turns into nothing (`items: 5`) are not stored either. */
function pruneLenient(value: Record<string, Json>, type: Struct): void {
  for (const [key, field] of Object.entries(type.fields)) {
    if (field.k === 'schemaOrArray' && value[key] !== undefined && value[key] !== null) {
      if (typeof value[key] !== 'object') delete value[key];
    }
  }
}

/** Type errors and unknown fields of a CRD, read without changing it. */
export function inspectCrd(crd: Json): CrdDecoding {
  const w: Walk = { result: { unknown: [] }, prune: false };
  walkStruct(w, crd, CRD, [], '', true);
  return w.result;
}

/** Like `inspectCrd`, and removes from `crd` what the typed decoder would not keep. */
export function decodeCrd(crd: Record<string, Json>): CrdDecoding {
  const w: Walk = { result: { unknown: [] }, prune: true };
  walkStruct(w, crd, CRD, [], '', true);
  return w.result;
}
