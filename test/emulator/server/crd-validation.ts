/**
 * What an API server (Kubernetes 1.32) does with an apiextensions.k8s.io/v1 CustomResourceDefinition between
 * decoding it and storing it: the v1 defaults, then validation with the real causes.
 *
 * Validation runs on the internal form of the CRD, and the field paths show it: when every version carries the same
 * schema (always so with one version) the schema is validated as `spec.validation.openAPIV3Schema`, likewise
 * `spec.subresources` and `spec.additionalPrinterColumns`; otherwise they stay under `spec.versions[i]`.
 */
import { validateCrdSchema } from './crd-schema-rules.ts';
import {
  FieldPath,
  dns1035LabelErrors,
  dns1123SubdomainErrors,
  forbidden,
  goPointer,
  goQuote,
  goStrings,
  invalid,
  notSupported,
  required,
} from './field-error.ts';
import type { StatusCause } from './status.ts';

type Node = Record<string, unknown>;
interface Crd {
  metadata: { name?: string; annotations?: Record<string, string> };
  spec?: unknown;
  status?: unknown;
}

const isSet = (v: unknown) => v !== undefined && v !== null;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (s: Node | undefined, key: string): string =>
  s !== undefined && typeof s[key] === 'string' ? (s[key] as string) : '';
const listOf = (v: unknown): Node[] => (Array.isArray(v) ? v.map((x) => (isNode(x) ? x : {})) : []);
const stringsOf = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const REVIEW_VERSIONS = ['v1', 'v1beta1'];
const APPROVAL_ANNOTATION = 'api-approved.kubernetes.io';

/** The v1 defaults, applied before validation and stored: singular, listKind, conversion strategy, webhook port. */
export function applyCrdDefaults(crd: Crd): void {
  if (!isNode(crd.spec)) crd.spec = {};
  const spec = crd.spec as Node;
  if (!isNode(spec.names)) spec.names = {};
  const names = spec.names as Node;
  const kind = text(names, 'kind');
  if (text(names, 'singular') === '') names.singular = kind.toLowerCase();
  if (text(names, 'listKind') === '' && kind !== '') names.listKind = `${kind}List`;
  if (!isNode(spec.conversion)) spec.conversion = { strategy: 'None' };
  const service = (((spec.conversion as Node).webhook as Node | undefined)?.clientConfig as Node | undefined)
    ?.service;
  if (isNode(service) && service.port === undefined) service.port = 443;
}

/** `status.storedVersions` after a write: the previous list plus the storage version, once. */
export function storedVersionsAfter(spec: unknown, previous: string[]): string[] {
  const storage = listOf(isNode(spec) ? spec.versions : undefined).find((v) => v.storage === true);
  const name = text(storage, 'name');
  if (storage === undefined || previous.includes(name)) return previous;
  return [...previous, name];
}

function storedVersionsOf(crd: Crd | undefined): string[] {
  return stringsOf(isNode(crd?.status) ? crd.status.storedVersions : undefined);
}

function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : isNode(v)
        ? Object.fromEntries(
            Object.keys(v)
              .filter((k) => v[k] !== undefined && v[k] !== null)
              .sort()
              .map((k) => [k, canonical(v[k])]),
          )
        : v;
  return JSON.stringify(canonical(a ?? null)) === JSON.stringify(canonical(b ?? null));
}

/** The internal form's split of per-version fields: lifted to the spec when identical across versions. */
interface Internal {
  versions: Node[];
  validation?: Node;
  subresources?: Node;
  columns?: Node[];
  schemaOf(i: number): Node | undefined;
  subresourcesOf(i: number): Node | undefined;
  columnsOf(i: number): Node[] | undefined;
}

function internalForm(spec: Node): Internal {
  const versions = listOf(spec.versions);
  const identical = (field: string) =>
    versions.length > 0 && versions.every((v) => sameJson(v[field], versions[0]![field]));
  const liftSchema = identical('schema');
  const liftSubresources = identical('subresources');
  const liftColumns = identical('additionalPrinterColumns');
  const asNode = (v: unknown) => (isNode(v) ? v : undefined);
  const asColumns = (v: unknown) => (Array.isArray(v) ? listOf(v) : undefined);
  return {
    versions,
    validation: liftSchema ? asNode(versions[0]?.schema) : undefined,
    subresources: liftSubresources ? asNode(versions[0]?.subresources) : undefined,
    columns: liftColumns ? asColumns(versions[0]?.additionalPrinterColumns) : undefined,
    schemaOf: (i) => (liftSchema ? undefined : asNode(versions[i]?.schema)),
    subresourcesOf: (i) => (liftSubresources ? undefined : asNode(versions[i]?.subresources)),
    columnsOf: (i) => (liftColumns ? undefined : asColumns(versions[i]?.additionalPrinterColumns)),
  };
}

/** %#v of the internal versions, which two of the version rules print as their bad value. */
function versionsDump(spec: Node, internal: Internal): string {
  if (!Array.isArray(spec.versions)) return '[]apiextensions.CustomResourceDefinitionVersion(nil)';
  const columns = (list: Node[] | undefined) =>
    list === undefined
      ? '[]apiextensions.CustomResourceColumnDefinition(nil)'
      : `[]apiextensions.CustomResourceColumnDefinition{${list
          .map(
            (c) =>
              `apiextensions.CustomResourceColumnDefinition{Name:${goQuote(text(c, 'name'))}, Type:${goQuote(text(c, 'type'))}, Format:${goQuote(text(c, 'format'))}, Description:${goQuote(text(c, 'description'))}, Priority:${typeof c.priority === 'number' ? c.priority : 0}, JSONPath:${goQuote(text(c, 'jsonPath'))}}`,
          )
          .join(', ')}}`;
  const selectable = (v: unknown) =>
    Array.isArray(v)
      ? `[]apiextensions.SelectableField{${listOf(v)
          .map((f) => `apiextensions.SelectableField{JSONPath:${goQuote(text(f, 'jsonPath'))}}`)
          .join(', ')}}`
      : '[]apiextensions.SelectableField(nil)';
  const pointer = (set: boolean, type: string) => (set ? goPointer(type) : `(*${type})(nil)`);
  const items = internal.versions.map(
    (v, i) =>
      `apiextensions.CustomResourceDefinitionVersion{Name:${goQuote(text(v, 'name'))}, Served:${v.served === true}, Storage:${v.storage === true}, Deprecated:${v.deprecated === true}, DeprecationWarning:${pointer(typeof v.deprecationWarning === 'string', 'string')}, Schema:${pointer(internal.schemaOf(i) !== undefined, 'apiextensions.CustomResourceValidation')}, Subresources:${pointer(internal.subresourcesOf(i) !== undefined, 'apiextensions.CustomResourceSubresources')}, AdditionalPrinterColumns:${columns(internal.columnsOf(i))}, SelectableFields:${selectable(v.selectableFields)}}`,
  );
  return `[]apiextensions.CustomResourceDefinitionVersion{${items.join(', ')}}`;
}

/**
 * All causes a real API server gives for this CRD, in its order. `old` is the stored CRD for an update (the
 * immutable fields, storedVersions and API-approval rules depend on it).
 */
export function validateCrd(crd: Crd, old?: Crd): StatusCause[] {
  const spec = isNode(crd.spec) ? crd.spec : {};
  const causes: StatusCause[] = [];
  const group = text(spec, 'group');
  const names = isNode(spec.names) ? spec.names : {};
  if (!old && crd.metadata.name) {
    const expected = `${text(names, 'plural')}.${group}`;
    if (crd.metadata.name !== expected) {
      causes.push(
        invalid(
          new FieldPath('metadata.name'),
          goQuote(crd.metadata.name ?? ''),
          'must be spec.names.plural+"."+spec.group',
        ),
      );
    }
  }
  causes.push(...validateSpec(spec));
  if (old) causes.push(...immutableFields(spec, isNode(old.spec) ? old.spec : {}));
  const stored = storedVersionsAfter(spec, old ? storedVersionsOf(old) : []);
  causes.push(...storedVersionErrors(stored, listOf(spec.versions)));
  causes.push(...apiApprovalErrors(group, crd, old));
  if (
    spec.preserveUnknownFields === true &&
    !(isNode(old?.spec) && old.spec.preserveUnknownFields === true)
  ) {
    causes.push(
      invalid(
        new FieldPath('spec.preserveUnknownFields'),
        'true',
        'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
      ),
    );
  }
  return causes;
}

function validateSpec(spec: Node): StatusCause[] {
  const causes: StatusCause[] = [];
  const at = new FieldPath('spec');
  const group = text(spec, 'group');
  if (group === '') causes.push(required(at.child('group')));
  else {
    const errors = dns1123SubdomainErrors(group);
    if (errors.length > 0) causes.push(invalid(at.child('group'), goQuote(group), errors.join(',')));
    else if (group.split('.').length < 2) {
      causes.push(invalid(at.child('group'), goQuote(group), 'should be a domain with at least one dot'));
    }
  }
  const scope = text(spec, 'scope');
  if (scope === '') causes.push(required(at.child('scope')));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') {
    causes.push(notSupported(at.child('scope'), goQuote(scope), ['Cluster', 'Namespaced']));
  }

  const internal = internalForm(spec);
  const versions = internal.versions;
  if (!isNode(internal.validation?.openAPIV3Schema)) {
    versions.forEach((_, i) => {
      if (!isNode(internal.schemaOf(i)?.openAPIV3Schema)) {
        causes.push(
          required(
            at.child('versions').index(i).child('schema').child('openAPIV3Schema'),
            'schemas are required',
          ),
        );
      }
    });
  }
  const preserveUnknownFields = spec.preserveUnknownFields === true;
  if (preserveUnknownFields && versions.some((v) => schemaHasDefault(v.schema))) {
    causes.push(
      invalid(
        at.child('preserveUnknownFields'),
        'true',
        'must be false in order to use defaults in the schema',
      ),
    );
  }

  const hasStatus = (subresources: Node | undefined) =>
    isNode(subresources) && subresources.status !== undefined && subresources.status !== null;
  const seen = new Set<string>();
  let unique = true;
  let storageCount = 0;
  versions.forEach((version, i) => {
    const name = text(version, 'name');
    const path = at.child('versions').index(i);
    if (version.storage === true) storageCount++;
    if (seen.has(name)) unique = false;
    seen.add(name);
    const nameErrors = dns1035LabelErrors(name);
    if (nameErrors.length > 0) causes.push(invalid(path.child('name'), goQuote(name), nameErrors.join(',')));
    causes.push(...deprecationWarningErrors(version, path));
    const schema = internal.schemaOf(i);
    const subresources = internal.subresourcesOf(i) ?? internal.subresources;
    if (isNode(schema?.openAPIV3Schema)) {
      causes.push(
        ...validateCrdSchema(schema.openAPIV3Schema, path.child('schema'), hasStatus(subresources)),
      );
    }
    causes.push(...subresourceErrors(internal.subresourcesOf(i), path.child('subresources')));
    (internal.columnsOf(i) ?? []).forEach((column, j) =>
      causes.push(...columnErrors(column, path.child('additionalPrinterColumns').index(j))),
    );
  });
  if (!unique)
    causes.push(
      invalid(at.child('versions'), versionsDump(spec, internal), 'must contain unique version names'),
    );
  if (storageCount !== 1) {
    causes.push(
      invalid(
        at.child('versions'),
        versionsDump(spec, internal),
        'must have exactly one version marked as storage version',
      ),
    );
  }
  const firstVersion = text(versions[0], 'name');
  if (firstVersion !== '') {
    const errors = dns1035LabelErrors(firstVersion);
    if (errors.length > 0) causes.push(invalid(at.child('version'), goQuote(firstVersion), errors.join(',')));
  }

  const names = isNode(spec.names) ? spec.names : {};
  for (const field of ['plural', 'singular', 'kind', 'listKind']) {
    if (text(names, field) === '') causes.push(required(at.child('names', field)));
  }
  causes.push(...nameErrors(names, at.child('names')));

  if (isNode(internal.validation?.openAPIV3Schema)) {
    const anyStatus =
      hasStatus(internal.subresources) || versions.some((_, i) => hasStatus(internal.subresourcesOf(i)));
    causes.push(...validateCrdSchema(internal.validation.openAPIV3Schema, at.child('validation'), anyStatus));
  }
  causes.push(...subresourceErrors(internal.subresources, at.child('subresources')));
  (internal.columns ?? []).forEach((column, j) =>
    causes.push(...columnErrors(column, at.child('additionalPrinterColumns').index(j))),
  );
  causes.push(
    ...conversionErrors(isNode(spec.conversion) ? spec.conversion : undefined, preserveUnknownFields),
  );
  return causes;
}

/** Whether any node of a version's schema declares a default. */
function schemaHasDefault(schema: unknown): boolean {
  if (!isNode(schema)) return false;
  const node = isNode(schema.openAPIV3Schema) ? schema.openAPIV3Schema : schema;
  const children = (v: unknown): unknown[] => (Array.isArray(v) ? v : isNode(v) ? [v] : []);
  const values = (v: unknown): unknown[] => (isNode(v) ? Object.values(v) : []);
  const visit = (s: unknown): boolean => {
    if (!isNode(s)) return false;
    if (s.default !== undefined && s.default !== null) return true;
    return [
      ...children(s.items),
      ...children(s.not),
      ...children(s.additionalProperties),
      ...children(s.additionalItems),
      ...['allOf', 'anyOf', 'oneOf'].flatMap((k) => children(s[k])),
      ...['properties', 'patternProperties', 'definitions', 'dependencies'].flatMap((k) => values(s[k])),
    ].some(visit);
  };
  return visit(node);
}

function deprecationWarningErrors(version: Node, path: FieldPath): StatusCause[] {
  const warning = version.deprecationWarning;
  if (typeof warning !== 'string') return [];
  const at = path.child('deprecationWarning');
  if (version.deprecated !== true)
    return [invalid(at, goQuote(warning), 'can only be set for deprecated versions')];
  const causes: StatusCause[] = [];
  if (Buffer.byteLength(warning) > 256)
    causes.push(invalid(at, goQuote(warning), 'must be <= 256 characters long'));
  if (warning.length === 0) causes.push(invalid(at, goQuote(warning), 'must not be an empty string'));
  const bad = [...warning].findIndex((c) => {
    const code = c.codePointAt(0)!;
    return code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029;
  });
  if (bad >= 0) {
    const index = Buffer.byteLength([...warning].slice(0, bad).join(''));
    causes.push(
      invalid(
        at,
        goQuote(warning),
        `must only contain printable UTF-8 characters; non-printable character found at index ${index}`,
      ),
    );
  }
  return causes;
}

function nameErrors(names: Node, at: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const field of ['plural', 'singular']) {
    const value = text(names, field);
    const errors = dns1035LabelErrors(value);
    if (value !== '' && errors.length > 0)
      causes.push(invalid(at.child(field), goQuote(value), errors.join(',')));
  }
  for (const field of ['kind', 'listKind']) {
    const value = text(names, field);
    const errors = dns1035LabelErrors(value.toLowerCase());
    if (value !== '' && errors.length > 0) {
      causes.push(
        invalid(
          at.child(field),
          goQuote(value),
          `may have mixed case, but should otherwise match: ${errors.join(',')}`,
        ),
      );
    }
  }
  stringsOf(names.shortNames).forEach((shortName, i) => {
    const errors = dns1035LabelErrors(shortName);
    if (errors.length > 0)
      causes.push(invalid(at.child('shortNames').index(i), goQuote(shortName), errors.join(',')));
  });
  const kind = text(names, 'kind');
  if (kind !== '' && kind === text(names, 'listKind')) {
    causes.push(invalid(at.child('listKind'), goQuote(kind), 'kind and listKind may not be the same'));
  }
  stringsOf(names.categories).forEach((category, i) => {
    const errors = dns1035LabelErrors(category);
    if (errors.length > 0)
      causes.push(invalid(at.child('categories').index(i), goQuote(category), errors.join(',')));
  });
  return causes;
}

/** Kubernetes only checks that these JSON paths are dotted paths starting with a dot. */
function simpleJsonPathErrors(value: string, path: FieldPath): StatusCause[] {
  if (value === '') return [invalid(path, goQuote(value), 'must not be empty')];
  if (!value.startsWith('.'))
    return [invalid(path, goQuote(value), 'must be a simple json path starting with .')];
  return [];
}

function columnErrors(column: Node, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  if (text(column, 'name') === '') causes.push(required(path.child('name')));
  const type = text(column, 'type');
  const types = `must be one of ${COLUMN_TYPES.join(',')}`;
  if (type === '') causes.push(required(path.child('type'), types));
  else if (!COLUMN_TYPES.includes(type)) causes.push(invalid(path.child('type'), goQuote(type), types));
  const format = text(column, 'format');
  if (format !== '' && !COLUMN_FORMATS.includes(format)) {
    causes.push(invalid(path.child('format'), goQuote(format), `must be one of ${COLUMN_FORMATS.join(',')}`));
  }
  // The internal type's field is JSONPath, and that is the name the path shows.
  const jsonPath = text(column, 'jsonPath');
  if (jsonPath === '') causes.push(required(path.child('JSONPath')));
  else causes.push(...simpleJsonPathErrors(jsonPath, path.child('JSONPath')));
  return causes;
}

function subresourceErrors(subresources: Node | undefined, path: FieldPath): StatusCause[] {
  const scale = subresources?.scale;
  if (!isNode(scale)) return [];
  const causes: StatusCause[] = [];
  for (const [field, prefix] of [
    ['specReplicasPath', '.spec.'],
    ['statusReplicasPath', '.status.'],
  ] as const) {
    const value = text(scale, field);
    const at = path.child(`scale.${field}`);
    if (value === '') {
      causes.push(required(at));
      continue;
    }
    const errors = simpleJsonPathErrors(value, at);
    if (errors.length > 0) causes.push(...errors);
    else if (!value.startsWith(prefix)) {
      causes.push(invalid(at, goQuote(value), `should be a json path under ${prefix.slice(0, -1)}`));
    }
  }
  const selector = text(scale, 'labelSelectorPath');
  if (selector !== '') {
    const at = path.child('scale.labelSelectorPath');
    const errors = simpleJsonPathErrors(selector, at);
    if (errors.length > 0) causes.push(...errors);
    else if (!selector.startsWith('.spec.') && !selector.startsWith('.status.')) {
      causes.push(invalid(at, goQuote(selector), 'should be a json path under either .spec or .status'));
    }
  }
  return causes;
}

function conversionErrors(conversion: Node | undefined, preserveUnknownFields: boolean): StatusCause[] {
  if (!conversion) return [];
  const causes: StatusCause[] = [];
  const at = new FieldPath('spec.conversion');
  const strategy = text(conversion, 'strategy');
  if (strategy !== 'None' && preserveUnknownFields) {
    causes.push(
      invalid(at.child('strategy'), goQuote(strategy), 'must be None if spec.preserveUnknownFields is true'),
    );
  }
  if (strategy === '') causes.push(required(at.child('strategy')));
  else if (strategy !== 'None' && strategy !== 'Webhook') {
    causes.push(notSupported(at.child('strategy'), goQuote(strategy), ['None', 'Webhook']));
  }
  // The internal type keeps the webhook's client config and review versions directly under conversion.
  const webhook = isNode(conversion.webhook) ? conversion.webhook : undefined;
  const clientConfig = isNode(webhook?.clientConfig) ? webhook.clientConfig : undefined;
  const reviewVersions = webhook?.conversionReviewVersions;
  if (strategy === 'Webhook') {
    if (!clientConfig) {
      causes.push(required(at.child('webhookClientConfig'), 'required when strategy is set to Webhook'));
    } else if (isSet(clientConfig.url) === isSet(clientConfig.service)) {
      causes.push(required(at.child('webhookClientConfig'), 'exactly one of url or service is required'));
    }
    causes.push(...reviewVersionErrors(stringsOf(reviewVersions), at.child('conversionReviewVersions')));
  } else {
    if (clientConfig) {
      causes.push(
        forbidden(at.child('webhookClientConfig'), 'should not be set when strategy is not set to Webhook'),
      );
    }
    if (stringsOf(reviewVersions).length > 0) {
      causes.push(
        forbidden(
          at.child('conversionReviewVersions'),
          'should not be set when strategy is not set to Webhook',
        ),
      );
    }
  }
  return causes;
}

function reviewVersionErrors(versions: string[], path: FieldPath): StatusCause[] {
  if (versions.length === 0) return [required(path)];
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  versions.forEach((version, i) => {
    if (seen.has(version)) {
      causes.push(invalid(path.index(i), goQuote(version), 'duplicate version'));
      return;
    }
    seen.add(version);
    for (const error of dns1035LabelErrors(version))
      causes.push(invalid(path.index(i), goQuote(version), error));
  });
  if (!versions.some((v) => REVIEW_VERSIONS.includes(v))) {
    causes.push(
      invalid(path, goStrings(versions), `must include at least one of ${REVIEW_VERSIONS.join(', ')}`),
    );
  }
  return causes;
}

function immutableFields(spec: Node, oldSpec: Node): StatusCause[] {
  const causes: StatusCause[] = [];
  const names = isNode(spec.names) ? spec.names : {};
  const oldNames = isNode(oldSpec.names) ? oldSpec.names : {};
  const check = (path: string, now: string, before: string) => {
    if (now !== before) causes.push(invalid(new FieldPath(path), goQuote(now), 'field is immutable'));
  };
  // The emulator establishes every CRD at once, so scope and kind are always locked as on an established CRD.
  check('spec.scope', text(spec, 'scope'), text(oldSpec, 'scope'));
  check('spec.names.kind', text(names, 'kind'), text(oldNames, 'kind'));
  check('spec.group', text(spec, 'group'), text(oldSpec, 'group'));
  check('spec.names.plural', text(names, 'plural'), text(oldNames, 'plural'));
  return causes;
}

function storedVersionErrors(stored: string[], versions: Node[]): StatusCause[] {
  const at = new FieldPath('status.storedVersions');
  if (stored.length === 0)
    return [invalid(at, goStrings(undefined), 'must have at least one stored version')];
  const causes: StatusCause[] = [];
  const names = versions.map((v) => text(v, 'name'));
  for (const version of versions) {
    const name = text(version, 'name');
    if (version.storage === true && !stored.includes(name)) {
      causes.push(invalid(at, goStrings(stored), `must have the storage version ${name}`));
    }
  }
  stored.forEach((name, i) => {
    if (names.includes(name)) return;
    causes.push(
      invalid(
        at.index(i),
        goQuote(name),
        `missing from spec.versions; ${name} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${name} and removes ${name} from status.storedVersions`,
      ),
    );
  });
  return causes;
}

type Approval = 'missing' | 'bypassed' | 'approved' | 'invalid';

function approvalState(crd: Crd): Approval {
  const value = crd.metadata.annotations?.[APPROVAL_ANNOTATION] ?? '';
  if (value === '') return 'missing';
  if (value.startsWith('unapproved')) return 'bypassed';
  try {
    const url = new URL(value);
    if (url.host !== '' && url.protocol !== '') return 'approved';
  } catch {
    // not a URL
  }
  return 'invalid';
}

/** Groups under k8s.io and kubernetes.io need the API-approval annotation. */
function apiApprovalErrors(group: string, crd: Crd, old: Crd | undefined): StatusCause[] {
  const isProtected = ['k8s.io', 'kubernetes.io'].some((d) => group === d || group.endsWith(`.${d}`));
  if (!isProtected) return [];
  const state = approvalState(crd);
  if (old && approvalState(old) === state) return [];
  const path = new FieldPath('metadata.annotations').key(APPROVAL_ANNOTATION);
  if (state === 'missing') {
    return [
      required(
        path,
        `protected groups must have approval annotation "${APPROVAL_ANNOTATION}", see https://github.com/kubernetes/enhancements/pull/1111`,
      ),
    ];
  }
  if (state === 'invalid') {
    return [
      invalid(
        path,
        goQuote(crd.metadata.annotations?.[APPROVAL_ANNOTATION] ?? ''),
        `protected groups must have approval annotation "${APPROVAL_ANNOTATION}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`,
      ),
    ];
  }
  return [];
}
