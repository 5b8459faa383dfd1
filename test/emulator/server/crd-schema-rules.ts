/**
 * The rules an API server (Kubernetes 1.32) applies to a CRD's `openAPIV3Schema` when the CRD is created or
 * updated, with its messages and field paths:
 * - the OpenAPI rules (valid `type`s, no `$ref`/`definitions`/`dependencies`/`id`/`patternProperties`/
 *   `additionalItems`, `additionalProperties` and `properties` mutually exclusive, no `uniqueItems`,
 *   `x-kubernetes-preserve-unknown-fields` true when set, the list-type and map-type extensions, the shape of
 *   `x-kubernetes-validations` rules, no defaults in the root's metadata, apiVersion or kind);
 * - the structural-schema invariants (every node typed unless it preserves unknown fields or is int-or-string,
 *   arrays with `items`, nothing but name/generateName restricted in the root's metadata, nothing structural inside
 *   `anyOf`/`allOf`/`oneOf`/`not`, valid RE2 patterns), reported sorted as the real server sorts them;
 * - defaults that are pruned and validate against their own schema (only once the schema is structural).
 * Not checked: CEL compilation and cost of `x-kubernetes-validations` rules, defaults inside metadata beyond
 * refusing them.
 */
import { RE2JS } from 're2js';
import {
  forbidden,
  goQuote,
  goStrings,
  goValue,
  invalid,
  notSupported,
  required,
  sortCauses,
} from './field-error.ts';
import { validateDefaultValue } from './schema.ts';
import type { FieldPath } from './field-error.ts';
import type { StructuralSchema } from './schema.ts';
import type { StatusCause } from './status.ts';

type Node = Record<string, unknown>;

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);
const RULE_REASONS = [
  'FieldValueDuplicate',
  'FieldValueForbidden',
  'FieldValueInvalid',
  'FieldValueRequired',
];

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (v: unknown) => v !== undefined && v !== null;
const text = (s: Node, key: string): string => (typeof s[key] === 'string' ? (s[key] as string) : '');
const flag = (s: Node, key: string): boolean => s[key] === true;
const nodes = (v: unknown): Node[] => (Array.isArray(v) ? v.filter(isNode) : []);
const entries = (v: unknown): Array<[string, Node]> =>
  isNode(v) ? Object.entries(v).filter((e): e is [string, Node] => isNode(e[1])) : [];
const nonEmpty = (v: unknown): boolean =>
  Array.isArray(v) ? v.length > 0 : isNode(v) ? Object.keys(v).length > 0 : false;
const hasNewline = (s: string) => /[\n\r]/.test(s);

/** The validator state Kubernetes threads through the OpenAPI checks. */
interface Context {
  allowDefaults: boolean;
  disallowDefaultsReason: string;
  insideResourceMeta: boolean;
}

/** Validates one `openAPIV3Schema` found at `base` (`spec.validation` or `spec.versions[i].schema`). */
export function validateCrdSchema(schema: Node, base: FieldPath, statusEnabled: boolean): StatusCause[] {
  const at = base.child('openAPIV3Schema');
  const causes: StatusCause[] = [];
  if (statusEnabled) causes.push(...rootFieldsWithStatus(schema, base));
  if (flag(schema, 'nullable')) {
    causes.push(forbidden(base.child('openAPIV3Schema.nullable'), 'nullable cannot be true at the root'));
  }
  const notStructural = structuralConversionError(schema);
  if (notStructural === undefined) {
    const structural = structuralErrors(schema, at);
    causes.push(...(structural.length > 0 ? structural : defaultErrors(schema, at)));
  }
  const context: Context = { allowDefaults: true, disallowDefaultsReason: '', insideResourceMeta: false };
  causes.push(...openAPIErrors(schema, at, context, true));
  // Kubernetes shows why a schema cannot even be read as structural only when nothing else is wrong.
  if (causes.length === 0 && notStructural !== undefined) causes.push(invalid(at, '""', notStructural));
  return causes;
}

/** The JSON name, in Go struct order, of each schema field a root with a status subresource may (not) carry. */
const ROOT_FIELDS: Array<[string, boolean]> = [
  ['id', false],
  ['$schema', false],
  ['$ref', false],
  ['description', true],
  ['type', true],
  ['format', true],
  ['title', true],
  ['default', false],
  ['maximum', true],
  ['exclusiveMaximum', true],
  ['minimum', true],
  ['exclusiveMinimum', true],
  ['maxLength', true],
  ['minLength', true],
  ['pattern', true],
  ['maxItems', true],
  ['minItems', true],
  ['uniqueItems', true],
  ['multipleOf', true],
  ['enum', false],
  ['maxProperties', false],
  ['minProperties', false],
  ['required', true],
  ['items', true],
  ['allOf', false],
  ['oneOf', false],
  ['anyOf', false],
  ['not', false],
  ['properties', true],
  ['additionalProperties', false],
  ['patternProperties', false],
  ['dependencies', false],
  ['additionalItems', false],
  ['definitions', false],
  ['externalDocs', true],
  ['example', true],
  ['nullable', false],
  ['x-kubernetes-preserve-unknown-fields', true],
  ['x-kubernetes-embedded-resource', false],
  ['x-kubernetes-int-or-string', false],
  ['x-kubernetes-list-map-keys', false],
  ['x-kubernetes-list-type', false],
  ['x-kubernetes-map-type', false],
  ['x-kubernetes-validations', true],
];
const ALLOWED_AT_ROOT =
  '[Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations]';

/** With a status subresource, status is cut out as `properties[status]`: the root may only hold these fields. */
function rootFieldsWithStatus(schema: Node, base: FieldPath): StatusCause[] {
  for (const [field, allowed] of ROOT_FIELDS) {
    const value = schema[field];
    if (!present(value) || value === '' || value === false) continue;
    if (field === 'type') {
      if (value === 'object') continue;
      return [
        invalid(
          base.child('openAPIV3Schema.type'),
          goValue(value),
          'only "object" is allowed as the type at the root of the schema if the status subresource is enabled',
        ),
      ];
    }
    if (!allowed) {
      return [
        invalid(
          base.child('openAPIV3Schema'),
          schemaDump(schema),
          `only ${ALLOWED_AT_ROOT} fields are allowed at the root of the schema if the status subresource is enabled`,
        ),
      ];
    }
  }
  return [];
}

/** An abbreviated %#v of a schema: Kubernetes prints every field of the Go struct, nested schemas included. */
function schemaDump(schema: Node): string {
  const shown = Object.entries(schema)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number')
    .map(([k, v]) => `${k}:${goValue(v)}`);
  return `apiextensions.JSONSchemaProps{${shown.join(', ')}, ...}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a schema as structural at all (Kubernetes' NewStructural).

function unsupportedField(s: Node): string | undefined {
  if (text(s, 'id') !== '') return "OpenAPIV3Schema 'id' is not supported";
  if (text(s, '$schema') !== '') return "OpenAPIV3Schema 'schema' is not supported";
  if (text(s, '$ref') !== '') return "OpenAPIV3Schema '$ref' is not supported";
  if (nonEmpty(s.patternProperties)) return "OpenAPIV3Schema 'patternProperties' is not supported";
  if (nonEmpty(s.dependencies)) return "OpenAPIV3Schema 'dependencies' is not supported";
  if (present(s.additionalItems)) return "OpenAPIV3Schema 'additionalItems' is not supported";
  if (nonEmpty(s.definitions)) return "OpenAPIV3Schema 'definitions' is not supported";
  return undefined;
}

function structuralConversionError(s: Node): string | undefined {
  const first = (...checks: Array<() => string | undefined>) => {
    for (const check of checks) {
      const error = check();
      if (error !== undefined) return error;
    }
    return undefined;
  };
  const junctors = () =>
    first(
      () => (isNode(s.not) ? structuralConversionError(s.not) : undefined),
      ...['allOf', 'anyOf', 'oneOf'].flatMap((k) =>
        nodes(s[k]).map((n) => () => structuralConversionError(n)),
      ),
    );
  return first(
    () => unsupportedField(s),
    junctors,
    () => (isNode(s.additionalProperties) ? structuralConversionError(s.additionalProperties) : undefined),
    () =>
      s['x-kubernetes-preserve-unknown-fields'] === false
        ? "internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined"
        : undefined,
    () =>
      Array.isArray(s.items) && s.items.length > 0
        ? "OpenAPIV3Schema 'items' must be a schema, but is an array"
        : isNode(s.items)
          ? structuralConversionError(s.items)
          : undefined,
    ...entries(s.properties).map(
      ([, p]) =>
        () =>
          structuralConversionError(p),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Structural invariants (Kubernetes' ValidateStructural).

type Level = 'root' | 'item' | 'field';

const TYPE_REQUIRED: Record<Level, string> = {
  root: 'must not be empty at the root',
  item: 'must not be empty for specified array items',
  field: 'must not be empty for specified object fields',
};

function structuralErrors(schema: Node, at: FieldPath): StatusCause[] {
  return sortCauses([...invariants(schema, 'root', at), ...completeness(schema, at)]);
}

function invariants(s: Node, level: Level, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const type = text(s, 'type');
  const items = isNode(s.items) ? s.items : undefined;
  if (type === 'array' && !items) causes.push(required(path.child('items'), 'must be specified'));
  if (items) causes.push(...invariants(items, 'item', path.child('items')));
  for (const [key, property] of entries(s.properties)) {
    causes.push(...invariants(property, 'field', path.child('properties').key(key)));
  }
  if (present(s.additionalProperties)) {
    if (level === 'root') {
      causes.push(forbidden(path.child('additionalProperties'), 'must not be used at the root'));
    }
    if (isNode(s.additionalProperties)) {
      causes.push(...invariants(s.additionalProperties, 'field', path.child('additionalProperties')));
    }
  }
  const intOrString = flag(s, 'x-kubernetes-int-or-string');
  const preserve = flag(s, 'x-kubernetes-preserve-unknown-fields');
  const embedded = flag(s, 'x-kubernetes-embedded-resource');
  if (intOrString && preserve) {
    causes.push(
      invalid(
        path.child('x-kubernetes-preserve-unknown-fields'),
        'true',
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  }
  if (intOrString && embedded) {
    causes.push(
      invalid(
        path.child('x-kubernetes-embedded-resource'),
        'true',
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  }
  causes.push(...valueValidation(s, isIntOrStringAnyOf(s), isIntOrStringAllOf(s), path));

  const checkMetadata = level === 'root' || embedded;
  if (embedded && type !== 'object') {
    const detail = 'must be object if x-kubernetes-embedded-resource is true';
    causes.push(
      type === '' ? required(path.child('type'), detail) : invalid(path.child('type'), goQuote(type), detail),
    );
  } else if (type === '' && !intOrString && !preserve) {
    causes.push(required(path.child('type'), TYPE_REQUIRED[level]));
  }
  if (embedded && present(s.additionalProperties)) {
    causes.push(
      forbidden(
        path.child('additionalProperties'),
        'must not be used if x-kubernetes-embedded-resource is set',
      ),
    );
  }
  if (level === 'root' && type !== '' && type !== 'object') {
    causes.push(invalid(path.child('type'), goQuote(type), 'must be object at the root'));
  }
  const properties = isNode(s.properties) ? s.properties : {};
  for (const name of ['kind', 'apiVersion']) {
    const property = properties[name];
    if (isNode(property) && checkMetadata && text(property, 'type') !== 'string') {
      causes.push(
        invalid(
          path.child('properties').key(name).child('type'),
          goQuote(text(property, 'type')),
          'must be string',
        ),
      );
    }
  }
  if (isNode(properties.metadata)) {
    causes.push(
      ...metadataInvariants(
        properties.metadata,
        checkMetadata,
        level,
        path.child('properties').key('metadata'),
      ),
    );
  }
  if (embedded && !preserve && !nonEmpty(s.properties)) {
    causes.push(
      required(
        path.child('properties'),
        'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
      ),
    );
  }
  return causes;
}

/** Schema fields that make up the structural view of a node (externalDocs and example are not kept). */
const STRUCTURAL_FIELDS = [
  'description',
  'title',
  'nullable',
  'additionalProperties',
  'items',
  'format',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'multipleOf',
  'enum',
  'maxProperties',
  'minProperties',
  'required',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
];

function specifiesNothing(field: string, value: unknown): boolean {
  if (field === 'additionalProperties') return !present(value);
  if (!present(value) || value === '' || value === false) return true;
  // Slices built by appending stay nil when empty; `required` is copied as is.
  if (['enum', 'allOf', 'anyOf', 'oneOf'].includes(field)) return Array.isArray(value) && value.length === 0;
  return field === 'items' && Array.isArray(value) && value.length === 0;
}

function metadataInvariants(s: Node, checkMetadata: boolean, level: Level, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  if (checkMetadata && text(s, 'type') !== 'object') {
    causes.push(invalid(path.child('type'), goQuote(text(s, 'type')), 'must be object'));
  }
  if (level !== 'root') return causes;
  const names = Object.keys(isNode(s.properties) ? s.properties : {});
  const onlyNames =
    names.length === 0 ||
    (names.length === 2 && names.includes('name') && names.includes('generateName')) ||
    (names.length === 1 && (names[0] === 'name' || names[0] === 'generateName'));
  const restricted = !onlyNames || STRUCTURAL_FIELDS.some((f) => !specifiesNothing(f, s[f]));
  if (restricted) {
    causes.push(
      forbidden(
        path,
        'must not specify anything other than name and generateName, but metadata is implicitly specified',
      ),
    );
  }
  return causes;
}

function onlyType(n: Node | undefined, type: string): boolean {
  if (!n) return false;
  const keys = Object.keys(n).filter((k) => k !== 'externalDocs' && k !== 'example' && present(n[k]));
  return keys.length === 1 && n.type === type;
}

function isIntOrStringPair(list: unknown): boolean {
  const items = nodes(list);
  return (
    Array.isArray(list) && list.length === 2 && onlyType(items[0], 'integer') && onlyType(items[1], 'string')
  );
}

function isIntOrStringAnyOf(s: Node): boolean {
  return isIntOrStringPair(s.anyOf);
}

function isIntOrStringAllOf(s: Node): boolean {
  const first = nodes(s.allOf)[0];
  return first !== undefined && isIntOrStringPair(first.anyOf);
}

function valueValidation(
  s: Node,
  skipAnyOf: boolean,
  skipFirstAllOfAnyOf: boolean,
  path: FieldPath,
): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!skipAnyOf)
    nodes(s.anyOf).forEach((n, i) => causes.push(...nested(n, false, false, path.child('anyOf').index(i))));
  nodes(s.allOf).forEach((n, i) =>
    causes.push(...nested(n, skipFirstAllOfAnyOf && i === 0, false, path.child('allOf').index(i))),
  );
  nodes(s.oneOf).forEach((n, i) => causes.push(...nested(n, false, false, path.child('oneOf').index(i))));
  if (isNode(s.not)) causes.push(...nested(s.not, false, false, path.child('not')));
  const pattern = text(s, 'pattern');
  if (pattern !== '') {
    try {
      RE2JS.compile(pattern);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      causes.push(
        invalid(
          path.child('pattern'),
          goQuote(pattern),
          `must be a valid regular expression, but isn't: ${message}`,
        ),
      );
    }
  }
  return causes;
}

/** A schema under anyOf/allOf/oneOf/not may only restrict values, never say what the structure is. */
function nested(v: Node, skipAnyOf: boolean, skipAllOfAnyOf: boolean, path: FieldPath): StatusCause[] {
  const causes = valueValidation(v, skipAnyOf, skipAllOfAnyOf, path);
  if (isNode(v.items)) causes.push(...nested(v.items, false, false, path.child('items')));
  for (const [key, property] of entries(v.properties)) {
    causes.push(...nested(property, false, false, path.child('properties').key(key)));
  }
  const must = (field: string, what: string) =>
    causes.push(forbidden(path.child(field), `must ${what} to be structural`));
  if (text(v, 'type') !== '') must('type', 'be empty');
  if (present(v.additionalProperties)) must('additionalProperties', 'be undefined');
  if (present(v.default)) must('default', 'be undefined');
  if (text(v, 'title') !== '') must('title', 'be empty');
  if (text(v, 'description') !== '') must('description', 'be empty');
  if (flag(v, 'nullable')) must('nullable', 'be false');
  if (flag(v, 'x-kubernetes-preserve-unknown-fields'))
    must('x-kubernetes-preserve-unknown-fields', 'be false');
  if (flag(v, 'x-kubernetes-embedded-resource')) must('x-kubernetes-embedded-resource', 'be false');
  if (flag(v, 'x-kubernetes-int-or-string')) must('x-kubernetes-int-or-string', 'be false');
  if (nonEmpty(v['x-kubernetes-list-map-keys'])) must('x-kubernetes-list-map-keys', 'be empty');
  if (present(v['x-kubernetes-list-type'])) must('x-kubernetes-list-type', 'be undefined');
  if (present(v['x-kubernetes-map-type'])) must('x-kubernetes-map-type', 'be undefined');
  if (nonEmpty(v['x-kubernetes-validations'])) must('x-kubernetes-validations', 'be empty');
  if (isNode(v.properties) && isNode(v.properties.metadata)) {
    causes.push(
      forbidden(path.child('properties').key('metadata'), 'must not be specified in a nested context'),
    );
  }
  return causes;
}

/** What the root's anyOf/allOf/oneOf/not restrict must also be declared structurally (Kubernetes checks the root). */
function completeness(root: Node, at: FieldPath): StatusCause[] {
  return junctorCompleteness(root, root, at, at);
}

function junctorCompleteness(
  v: Node,
  s: Node | undefined,
  sPath: FieldPath,
  vPath: FieldPath,
): StatusCause[] {
  const causes: StatusCause[] = [];
  if (isNode(v.not)) causes.push(...nestedCompleteness(v.not, s, sPath, vPath.child('not')));
  for (const junctor of ['allOf', 'anyOf', 'oneOf']) {
    nodes(v[junctor]).forEach((n, i) =>
      causes.push(...nestedCompleteness(n, s, sPath, vPath.child(junctor).index(i))),
    );
  }
  return causes;
}

function nestedCompleteness(v: Node, s: Node | undefined, sPath: FieldPath, vPath: FieldPath): StatusCause[] {
  if (!s) return [required(sPath, `because it is defined in ${String(vPath)}`)];
  const causes = junctorCompleteness(v, s, sPath, vPath);
  if (isNode(v.items)) {
    causes.push(
      ...nestedCompleteness(
        v.items,
        isNode(s.items) ? s.items : undefined,
        sPath.child('items'),
        vPath.child('items'),
      ),
    );
  }
  const declared = isNode(s.properties) ? s.properties : {};
  for (const [key, property] of entries(v.properties)) {
    const structural = declared[key];
    const sKey = sPath.child('properties').key(key);
    const vKey = vPath.child('properties').key(key);
    if (!isNode(structural)) causes.push(required(sKey, `because it is defined in ${String(vKey)}`));
    else causes.push(...nestedCompleteness(property, structural, sKey, vKey));
  }
  return causes;
}

// ---------------------------------------------------------------------------------------------------------------
// Defaults (Kubernetes' ValidateDefaults): pruned, and valid against the schema they sit in.

function defaultErrors(root: Node, at: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  // The root is validated as an embedded resource: its metadata, apiVersion and kind are resource meta.
  const visit = (s: Node, path: FieldPath, insideMeta: boolean, isRoot: boolean) => {
    const embedded = isRoot || flag(s, 'x-kubernetes-embedded-resource');
    if (embedded) insideMeta = false;
    if (present(s.default) && !insideMeta) {
      const field = path.child('default');
      if (hasUnknownFields(s.default, s, embedded)) {
        causes.push(invalid(field, goValue(s.default), 'must not have unknown fields'));
      }
      causes.push(...validateDefaultValue(s.default, s as StructuralSchema, String(field)));
    }
    if (isNode(s.items)) visit(s.items, path.child('items'), insideMeta, false);
    for (const [key, property] of entries(s.properties)) {
      visit(
        property,
        path.child('properties').key(key),
        insideMeta || (embedded && META_FIELDS.has(key)),
        false,
      );
    }
  };
  visit(root, at, false, true);
  return causes;
}

/** Whether pruning against `s` would remove anything from `value`. */
function hasUnknownFields(value: unknown, s: Node | undefined, embedded: boolean): boolean {
  if (Array.isArray(value)) {
    return value.some((item) => hasUnknownFields(item, isNode(s?.items) ? s.items : undefined, false));
  }
  if (!isNode(value)) return false;
  if (!s) return Object.keys(value).length > 0;
  const properties = isNode(s.properties) ? s.properties : {};
  const preserve = flag(s, 'x-kubernetes-preserve-unknown-fields');
  for (const [key, item] of Object.entries(value)) {
    if (embedded && META_FIELDS.has(key)) continue;
    const property = properties[key];
    if (isNode(property)) {
      if (hasUnknownFields(item, property, flag(property, 'x-kubernetes-embedded-resource'))) return true;
    } else if (present(s.additionalProperties)) {
      // Without a schema (`additionalProperties: true`), Kubernetes prunes the fields of object values.
      const additional = isNode(s.additionalProperties) ? s.additionalProperties : undefined;
      const embeddedValue = additional !== undefined && flag(additional, 'x-kubernetes-embedded-resource');
      if (hasUnknownFields(item, additional, embeddedValue)) return true;
    } else if (!preserve) {
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// The OpenAPI rules (Kubernetes' ValidateCustomResourceDefinitionOpenAPISchema).

function openAPIErrors(s: Node, path: FieldPath, context: Context, isRoot: boolean): StatusCause[] {
  const causes = nodeErrors(s, path, context);
  if (flag(s, 'uniqueItems')) {
    causes.push(
      forbidden(
        path.child('uniqueItems'),
        'uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
      ),
    );
  }
  const embedded = flag(s, 'x-kubernetes-embedded-resource');
  if (present(s.additionalProperties)) {
    if (nonEmpty(s.properties) && (s.additionalProperties === false || isNode(s.additionalProperties))) {
      causes.push(
        forbidden(
          path.child('additionalProperties'),
          'additionalProperties and properties are mutual exclusive',
        ),
      );
    }
    if (isNode(s.additionalProperties)) {
      const sub = context.insideResourceMeta
        ? withoutDefaults(context, 'inside additionalProperties applying to object metadata')
        : context;
      causes.push(...openAPIErrors(s.additionalProperties, path.child('additionalProperties'), sub, false));
    }
  }
  for (const [key, property] of entries(s.properties)) {
    let sub = context;
    if ((isRoot || embedded) && META_FIELDS.has(key)) {
      sub = { ...sub, insideResourceMeta: true };
      if (isRoot) sub = withoutDefaults(sub, `in top-level ${key}`);
    }
    causes.push(...openAPIErrors(property, path.child('properties').key(key), sub, false));
  }
  if (isNode(s.not)) causes.push(...openAPIErrors(s.not, path.child('not'), context, false));
  for (const junctor of ['allOf', 'oneOf', 'anyOf']) {
    nodes(s[junctor]).forEach((n, i) =>
      causes.push(...openAPIErrors(n, path.child(junctor).index(i), context, false)),
    );
  }
  for (const [key, definition] of entries(s.definitions)) {
    causes.push(...openAPIErrors(definition, path.child('definitions').key(key), context, false));
  }
  if (isNode(s.items)) causes.push(...openAPIErrors(s.items, path.child('items'), context, false));
  else
    nodes(s.items).forEach((n, i) =>
      causes.push(...openAPIErrors(n, path.child('items').index(i), context, false)),
    );
  for (const [key, dependency] of entries(s.dependencies)) {
    causes.push(...openAPIErrors(dependency, path.child('dependencies').key(key), context, false));
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    causes.push(
      invalid(path.child('x-kubernetes-preserve-unknown-fields'), 'false', 'must be true or undefined'),
    );
  }
  causes.push(...mapAndListTypeErrors(s, path), ...validationRuleErrors(s, path));
  return causes;
}

function withoutDefaults(context: Context, reason: string): Context {
  return { ...context, allowDefaults: false, disallowDefaultsReason: reason };
}

/** The per-node checks (Kubernetes' specStandardValidatorV3). */
function nodeErrors(s: Node, path: FieldPath, context: Context): StatusCause[] {
  const causes: StatusCause[] = [];
  const type = text(s, 'type');
  if (type !== '' && !OPENAPI_TYPES.includes(type)) {
    causes.push(notSupported(path.child('type'), goQuote(type), OPENAPI_TYPES));
  }
  if (present(s.default) && !context.allowDefaults) {
    const reason = context.disallowDefaultsReason;
    causes.push(
      forbidden(path.child('default'), reason === '' ? 'must not be set' : `must not be set ${reason}`),
    );
  }
  if (text(s, 'id') !== '') causes.push(forbidden(path.child('id'), 'id is not supported'));
  if (present(s.additionalItems))
    causes.push(forbidden(path.child('additionalItems'), 'additionalItems is not supported'));
  if (nonEmpty(s.patternProperties)) {
    causes.push(forbidden(path.child('patternProperties'), 'patternProperties is not supported'));
  }
  if (nonEmpty(s.definitions))
    causes.push(forbidden(path.child('definitions'), 'definitions is not supported'));
  if (present(s.dependencies))
    causes.push(forbidden(path.child('dependencies'), 'dependencies is not supported'));
  if (present(s.$ref)) causes.push(forbidden(path.child('$ref'), '$ref is not supported'));
  if (type === 'null') {
    causes.push(forbidden(path.child('type'), 'type cannot be set to null, use nullable as an alternative'));
  }
  if (Array.isArray(s.items) && s.items.length > 0) {
    causes.push(forbidden(path.child('items'), 'items must be a schema object and not an array'));
  }
  if (context.insideResourceMeta && flag(s, 'x-kubernetes-embedded-resource')) {
    causes.push(
      forbidden(path.child('x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'),
    );
  }
  return causes;
}

function mapAndListTypeErrors(s: Node, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const type = text(s, 'type');
  const typePath = path.child('type');
  const mapType = typeof s['x-kubernetes-map-type'] === 'string' ? s['x-kubernetes-map-type'] : undefined;
  const listType = typeof s['x-kubernetes-list-type'] === 'string' ? s['x-kubernetes-list-type'] : undefined;
  const keys = Array.isArray(s['x-kubernetes-list-map-keys'])
    ? (s['x-kubernetes-list-map-keys'] as unknown[]).filter((k): k is string => typeof k === 'string')
    : [];
  const items = isNode(s.items) ? s.items : undefined;
  const wrongType = (detail: string) =>
    causes.push(type === '' ? required(typePath, detail) : invalid(typePath, goQuote(type), detail));

  if (mapType !== undefined && type !== 'object')
    wrongType('must be object if x-kubernetes-map-type is specified');
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') {
    causes.push(notSupported(path.child('x-kubernetes-map-type'), goQuote(mapType), ['atomic', 'granular']));
  }
  if (listType !== undefined && type !== 'array') {
    wrongType('must be array if x-kubernetes-list-type is specified');
  } else if (listType === 'set' && items) {
    const itemListType = items['x-kubernetes-list-type'];
    const setItem = 'must be atomic as item of a list with x-kubernetes-list-type=set';
    if (items.type === 'array' && typeof itemListType === 'string' && itemListType !== 'atomic') {
      causes.push(
        invalid(path.child('items').child('x-kubernetes-list-type'), goQuote(itemListType), setItem),
      );
    }
    if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      // Kubernetes shows the item's list type here, not its map type.
      causes.push(
        invalid(path.child('items').child('x-kubernetes-map-type'), goValue(itemListType), setItem),
      );
    }
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) {
    causes.push(
      notSupported(path.child('x-kubernetes-list-type'), goQuote(listType), ['atomic', 'set', 'map']),
    );
  }
  if (keys.length > 0) {
    const detail = 'must be map if x-kubernetes-list-map-keys is non-empty';
    if (listType === undefined) causes.push(required(path.child('x-kubernetes-list-type'), detail));
    else if (listType !== 'map')
      causes.push(invalid(path.child('x-kubernetes-list-type'), goQuote(listType), detail));
  }
  if (listType === 'map') {
    if (keys.length === 0) {
      causes.push(
        required(
          path.child('x-kubernetes-list-map-keys'),
          'must not be empty if x-kubernetes-list-type is map',
        ),
      );
    }
    if (!present(s.items)) {
      causes.push(required(path.child('items'), 'must have a schema if x-kubernetes-list-type is map'));
    } else if (!items) {
      causes.push(
        invalid(
          path.child('items'),
          '&apiextensions.JSONSchemaPropsOrArray{...}',
          'must only have a single schema if x-kubernetes-list-type is map',
        ),
      );
    } else if (items.type !== 'object') {
      causes.push(
        invalid(
          path.child('items').child('type'),
          goQuote(text(items, 'type')),
          "must be object if parent array's x-kubernetes-list-type is map",
        ),
      );
    } else {
      const itemProperties = isNode(items.properties) ? items.properties : {};
      const seen = new Set<string>();
      for (const key of keys) {
        const property = itemProperties[key];
        if (isNode(property)) {
          if (property.type === 'array' || property.type === 'object') {
            causes.push(
              invalid(
                path.child('items').child('properties').key(key).child('type'),
                goQuote(text(items, 'type')),
                "must be a scalar type if parent array's x-kubernetes-list-type is map",
              ),
            );
          }
        } else {
          causes.push(
            invalid(
              path.child('x-kubernetes-list-map-keys'),
              goStrings(keys),
              'entries must all be names of item properties',
            ),
          );
        }
        if (seen.has(key)) {
          causes.push(
            invalid(
              path.child('x-kubernetes-list-map-keys'),
              goStrings(keys),
              'must not contain duplicate entries',
            ),
          );
        }
        seen.add(key);
      }
    }
  }
  if (items && (listType === 'set' || listType === 'map')) {
    if (flag(items, 'nullable')) {
      causes.push(
        forbidden(
          path.child('items').child('nullable'),
          `cannot be nullable when x-kubernetes-list-type is ${listType}`,
        ),
      );
    }
    if (listType === 'map') {
      const requiredKeys = new Set(Array.isArray(items.required) ? items.required : []);
      const itemProperties = isNode(items.properties) ? items.properties : {};
      for (const key of keys) {
        const property = itemProperties[key];
        if (!isNode(property)) continue;
        const propertyPath = path.child('items').child('properties').key(key);
        if (!requiredKeys.has(key) && !present(property.default)) {
          causes.push(
            required(
              propertyPath.child('default'),
              'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
            ),
          );
        }
        if (flag(property, 'nullable')) {
          causes.push(
            forbidden(
              propertyPath.child('nullable'),
              'this property is in x-kubernetes-list-map-keys, so it cannot be nullable',
            ),
          );
        }
      }
    }
  }
  return causes;
}

/** The shape of `x-kubernetes-validations` rules; compiling the CEL expressions is not emulated. */
function validationRuleErrors(s: Node, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  nodes(s['x-kubernetes-validations']).forEach((rule, i) => {
    const at = path.child('x-kubernetes-validations').index(i);
    const ruleText = text(rule, 'rule');
    const message = text(rule, 'message');
    const trimmedRule = ruleText.trim();
    const trimmedMessage = message.trim();
    if (trimmedRule === '') causes.push(required(at.child('rule'), 'rule is not specified'));
    else if (message !== '' && trimmedMessage === '') {
      causes.push(invalid(at.child('message'), goQuote(message), 'message must be non-empty if specified'));
    } else if (hasNewline(trimmedMessage)) {
      causes.push(invalid(at.child('message'), goQuote(message), 'message must not contain line breaks'));
    } else if (hasNewline(trimmedRule) && trimmedMessage === '') {
      causes.push(required(at.child('message'), 'message must be specified if rule contains line breaks'));
    }
    const messageExpression = text(rule, 'messageExpression');
    if (messageExpression !== '' && messageExpression.trim() === '') {
      causes.push(
        required(at.child('messageExpression'), 'messageExpression must be non-empty if specified'),
      );
    }
    if (typeof rule.reason === 'string' && !RULE_REASONS.includes(rule.reason)) {
      causes.push(notSupported(at.child('reason'), goQuote(rule.reason), RULE_REASONS));
    }
    const fieldPath = text(rule, 'fieldPath');
    if (fieldPath !== '' && fieldPath.trim() === '') {
      causes.push(
        invalid(at.child('fieldPath'), goQuote(fieldPath), 'fieldPath must be non-empty if specified'),
      );
    }
    if (hasNewline(fieldPath)) {
      causes.push(
        invalid(at.child('fieldPath'), goQuote(fieldPath), 'fieldPath must not contain line breaks'),
      );
    }
    if (fieldPath !== '' && !fieldPathResolves(s, fieldPath)) {
      causes.push(invalid(at.child('fieldPath'), goQuote(fieldPath), 'fieldPath must be a valid path'));
    }
  });
  return causes;
}

/** A rule's fieldPath (`.a.b`, `.a['b']`, `.list[0]`) must name a field the schema declares. */
function fieldPathResolves(schema: Node, fieldPath: string): boolean {
  if (structuralConversionError(schema) !== undefined) return true;
  const tokens = fieldPath.match(/\.[^.[\]]+|\['(?:[^'\\]|\\.)*'\]|\[\d+\]/g);
  if (!tokens || tokens.join('') !== fieldPath.trim()) return false;
  let node: Node | undefined = schema;
  for (const token of tokens) {
    if (!node) return false;
    if (/^\[\d+\]$/.test(token)) {
      node = isNode(node.items) ? node.items : undefined;
      continue;
    }
    const name = token.startsWith('.') ? token.slice(1) : token.slice(2, -2).replace(/\\(.)/g, '$1');
    const properties: Node = isNode(node.properties) ? node.properties : {};
    const property: unknown = properties[name] ?? node.additionalProperties;
    node = isNode(property) ? property : undefined;
  }
  return node !== undefined;
}
