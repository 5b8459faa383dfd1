/**
 * The report CRDs in deploy/helm/crds/: checked against the facts of the upstream contract, against the rules a
 * real API server applies to structural schemas, and installed with real kubectl on the API emulator.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { RE2JS } from 're2js';
import { parseAllDocuments, stringify } from 'yaml';
import {
  REPORT_API_VERSION,
  REPORT_GROUP,
  REPORT_RESOURCES,
  REPORT_VERSION,
} from '../../src/operator/reports/types.ts';
import type {
  AnyReport,
  CheckResult,
  ClusterComplianceReport,
  CycloneDxBom,
  ReportKind,
  VulnerabilityReport,
} from '../../src/operator/reports/types.ts';
import { startEmulator } from '../emulator/index.ts';
import type { Emulator } from '../emulator/index.ts';

const CRD_DIR = fileURLToPath(new URL('../../deploy/helm/crds/', import.meta.url));

// ---------------------------------------------------------------------------------------------------------------
// The contract (§1.1 inventory, §1.2 printer columns), as a table.

type ColumnType = 'string' | 'integer' | 'date';
interface ExpectedColumn {
  name: string;
  jsonPath: string;
  type: ColumnType;
  /** Shown only by `-o wide` (priority 1). */
  wide: boolean;
}
interface ExpectedCrd {
  kind: ReportKind;
  plural: string;
  shortNames: string[];
  namespaced: boolean;
  statusSubresource: boolean;
  preserveUnknownAtRoot: boolean;
  columns: ExpectedColumn[];
}

const column = (name: string, jsonPath: string, type: ColumnType, wide = false): ExpectedColumn => ({
  name,
  jsonPath,
  type,
  wide,
});
const AGE = column('Age', '.metadata.creationTimestamp', 'date');
const IMAGE_COLUMNS = [
  column('Repository', '.report.artifact.repository', 'string'),
  column('Tag', '.report.artifact.tag', 'string'),
  column('Scanner', '.report.scanner.name', 'string'),
  AGE,
];
const count = (name: string) => column(name, `.report.summary.${name.toLowerCase()}Count`, 'integer', true);
const FOUR_COUNTS = ['Critical', 'High', 'Medium', 'Low'].map(count);
const VULN_COLUMNS = [...IMAGE_COLUMNS, ...FOUR_COUNTS, count('Unknown')];
const SECRET_COLUMNS = [...IMAGE_COLUMNS, ...FOUR_COUNTS];
const SBOM_COLUMNS = [
  ...IMAGE_COLUMNS,
  column('Components', '.report.summary.componentsCount', 'integer', true),
  column('Dependencies', '.report.summary.dependenciesCount', 'integer', true),
];
const MISCONFIG_COLUMNS = [column('Scanner', '.report.scanner.name', 'string'), AGE, ...FOUR_COUNTS];
const COMPLIANCE_COLUMNS = [
  AGE,
  column('Fail', '.status.summary.failCount', 'integer', true),
  column('Pass', '.status.summary.passCount', 'integer', true),
];

const crd = (
  kind: ReportKind,
  plural: string,
  shortNames: string[],
  namespaced: boolean,
  columns: ExpectedColumn[],
  options: { preserve?: boolean; status?: boolean } = {},
): ExpectedCrd => ({
  kind,
  plural,
  shortNames,
  namespaced,
  columns,
  statusSubresource: options.status ?? false,
  preserveUnknownAtRoot: options.preserve ?? true,
});

const CONTRACT: ExpectedCrd[] = [
  crd('VulnerabilityReport', 'vulnerabilityreports', ['vuln', 'vulns'], true, VULN_COLUMNS),
  crd('ClusterVulnerabilityReport', 'clustervulnerabilityreports', ['clustervuln'], false, VULN_COLUMNS),
  crd(
    'ExposedSecretReport',
    'exposedsecretreports',
    ['exposedsecret', 'exposedsecrets'],
    true,
    SECRET_COLUMNS,
  ),
  crd('SbomReport', 'sbomreports', ['sbom', 'sboms'], true, SBOM_COLUMNS),
  crd('ClusterSbomReport', 'clustersbomreports', ['clustersbom'], false, SBOM_COLUMNS, { preserve: false }),
  crd('ConfigAuditReport', 'configauditreports', ['configaudit', 'configaudits'], true, MISCONFIG_COLUMNS),
  crd(
    'ClusterConfigAuditReport',
    'clusterconfigauditreports',
    ['clusterconfigaudit'],
    false,
    MISCONFIG_COLUMNS,
  ),
  crd(
    'RbacAssessmentReport',
    'rbacassessmentreports',
    ['rbacassessment', 'rbacassessments'],
    true,
    MISCONFIG_COLUMNS,
  ),
  crd(
    'ClusterRbacAssessmentReport',
    'clusterrbacassessmentreports',
    ['clusterrbacassessmentreport'],
    false,
    MISCONFIG_COLUMNS,
  ),
  crd(
    'InfraAssessmentReport',
    'infraassessmentreports',
    ['infraassessment', 'infraassessments'],
    true,
    MISCONFIG_COLUMNS,
    { preserve: false },
  ),
  crd(
    'ClusterInfraAssessmentReport',
    'clusterinfraassessmentreports',
    ['clusterinfraassessment'],
    false,
    MISCONFIG_COLUMNS,
  ),
  crd('ClusterComplianceReport', 'clustercompliancereports', ['compliance'], false, COMPLIANCE_COLUMNS, {
    status: true,
  }),
];

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

// ---------------------------------------------------------------------------------------------------------------
// Structural schema rules, as the API server's apiextensions validation enforces them (plus a few stricter
// sanity rules, marked).

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The JSONSchemaProps fields of apiextensions.k8s.io/v1 that a CRD may use ($ref, definitions, etc. are refused). */
const SCHEMA_KEYS = new Set(
  (
    'description type format title default maximum exclusiveMaximum minimum exclusiveMinimum ' +
    'maxLength minLength pattern maxItems minItems uniqueItems multipleOf enum maxProperties ' +
    'minProperties required items properties additionalProperties nullable example externalDocs ' +
    'x-kubernetes-preserve-unknown-fields x-kubernetes-embedded-resource x-kubernetes-int-or-string ' +
    'x-kubernetes-list-map-keys x-kubernetes-list-type x-kubernetes-map-type ' +
    'x-kubernetes-validations'
  ).split(' '),
);
const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);
const FORMATS = new Set(
  (
    'bsonobjectid uri email hostname ipv4 ipv6 cidr mac uuid uuid3 uuid4 uuid5 isbn isbn10 isbn13 ' +
    'creditcard ssn hexcolor rgbcolor byte password date duration datetime date-time int32 int64 ' +
    'float double'
  ).split(' '),
);
const STRING_ONLY = ['pattern', 'minLength', 'maxLength'];
const NUMBER_ONLY = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const ARRAY_ONLY = ['items', 'minItems', 'maxItems', 'uniqueItems', 'x-kubernetes-list-type'];
const OBJECT_ONLY = ['properties', 'additionalProperties', 'required', 'minProperties', 'maxProperties'];

function valueHasType(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return true;
  }
}

/** Go's regexp (RE2) is what a real API server compiles `pattern` with; the emulator uses JavaScript's. */
function patternErrors(pattern: unknown, path: string): string[] {
  if (typeof pattern !== 'string') return [`${path}: must be a string`];
  const errors: string[] = [];
  try {
    RE2JS.compile(pattern);
  } catch (error) {
    errors.push(`${path}: not a valid RE2 (Go) regular expression: ${(error as Error).message}`);
  }
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    errors.push(`${path}: not a valid JavaScript regular expression: ${(error as Error).message}`);
  }
  return errors;
}

function rootMetadataErrors(metadata: unknown, path: string): string[] {
  if (!isObject(metadata)) return [`${path}: must be a schema object`];
  const errors: string[] = [];
  if (metadata.type !== 'object') errors.push(`${path}.type: must be object`);
  for (const key of Object.keys(metadata)) {
    if (key !== 'type' && key !== 'properties')
      errors.push(`${path}.${key}: must not specify anything other than name and generateName`);
  }
  for (const [name, field] of Object.entries(isObject(metadata.properties) ? metadata.properties : {})) {
    if (name !== 'name' && name !== 'generateName') {
      errors.push(`${path}.properties.${name}: must not specify anything other than name and generateName`);
    } else if (!isObject(field) || field.type !== 'string' || 'default' in field) {
      errors.push(`${path}.properties.${name}: must be a string schema without a default`);
    }
  }
  return errors;
}

function schemaErrors(node: unknown, path: string, isRoot: boolean): string[] {
  if (!isObject(node)) return [`${path}: must be a schema object`];
  const errors: string[] = [];
  for (const key of Object.keys(node)) {
    if (!SCHEMA_KEYS.has(key)) errors.push(`${path}.${key}: not a field of a CRD schema`);
  }
  for (const junctor of ['allOf', 'anyOf', 'oneOf', 'not']) {
    if (junctor in node)
      errors.push(`${path}.${junctor}: not supported by this checker (unused by our CRDs)`);
  }
  const type = node.type;
  const preserve = node['x-kubernetes-preserve-unknown-fields'];
  const intOrString = node['x-kubernetes-int-or-string'];
  if (preserve !== undefined && preserve !== true)
    errors.push(`${path}.x-kubernetes-preserve-unknown-fields: must be true or undefined`);
  if (intOrString !== undefined && intOrString !== true)
    errors.push(`${path}.x-kubernetes-int-or-string: must be true or undefined`);
  if (intOrString === true) {
    if (type !== undefined) errors.push(`${path}.type: must be empty with x-kubernetes-int-or-string`);
  } else if (type === undefined) {
    if (preserve !== true)
      errors.push(`${path}.type: Required value: must not be empty for specified fields`);
  } else if (typeof type !== 'string' || !TYPES.has(type)) {
    errors.push(`${path}.type: unsupported type ${JSON.stringify(type)}`);
  }
  if (node['x-kubernetes-embedded-resource'] === true && type !== 'object')
    errors.push(`${path}.x-kubernetes-embedded-resource: needs type object`);
  if ('nullable' in node && typeof node.nullable !== 'boolean')
    errors.push(`${path}.nullable: must be a boolean`);
  if (typeof node.description !== 'string' && 'description' in node)
    errors.push(`${path}.description: must be a string`);

  const misplaced = (keys: string[], wanted: string[]) => {
    for (const key of keys) {
      if (key in node && !wanted.includes(String(type)))
        errors.push(`${path}.${key}: only allowed with type ${wanted.join(' or ')}`);
    }
  };
  misplaced(STRING_ONLY, ['string']);
  misplaced(NUMBER_ONLY, ['integer', 'number']);
  misplaced(ARRAY_ONLY, ['array']);
  misplaced(OBJECT_ONLY, ['object']);
  if ('format' in node) {
    if (typeof node.format !== 'string' || !FORMATS.has(node.format))
      errors.push(`${path}.format: unknown format ${JSON.stringify(node.format)}`);
    if (!['string', 'integer', 'number'].includes(String(type)))
      errors.push(`${path}.format: only allowed on strings and numbers`);
  }
  if (node.uniqueItems === true) errors.push(`${path}.uniqueItems: cannot be true (quadratic runtime)`);
  if ('pattern' in node) errors.push(...patternErrors(node.pattern, `${path}.pattern`));
  if ('enum' in node) {
    if (!Array.isArray(node.enum) || node.enum.length === 0)
      errors.push(`${path}.enum: must be a non-empty list`);
    else if (!node.enum.every((value) => valueHasType(value, type)))
      errors.push(`${path}.enum: every value must be of type ${String(type)}`);
  }
  if ('default' in node && !valueHasType(node.default, type))
    errors.push(`${path}.default: must be of type ${String(type)}`);

  const properties = node.properties;
  if (properties !== undefined && !isObject(properties))
    errors.push(`${path}.properties: must be a map of schemas`);
  if ('additionalProperties' in node) {
    if (properties !== undefined)
      errors.push(`${path}: additionalProperties and properties are mutual exclusive`);
    // The next two are this checker's own, stricter rules: neither form is needed by a report schema.
    if (!isObject(node.additionalProperties))
      errors.push(
        `${path}.additionalProperties: must be a schema (a boolean adds nothing to a structural schema)`,
      );
    if (preserve === true)
      errors.push(
        `${path}.additionalProperties: must not be combined with x-kubernetes-preserve-unknown-fields`,
      );
  }
  if ('required' in node) {
    const required = node.required;
    if (!Array.isArray(required) || !required.every((name) => typeof name === 'string')) {
      errors.push(`${path}.required: must be a list of names`);
    } else {
      if (new Set(required).size !== required.length) errors.push(`${path}.required: has duplicates`);
      // Stricter than the server, which accepts required names it cannot know: those are always typos here.
      for (const name of required) {
        if (!isObject(properties) || !(name in properties))
          errors.push(`${path}.required: ${name} is not a declared property`);
      }
    }
  }
  if (type === 'array' && !isObject(node.items))
    errors.push(`${path}.items: Required value: must be a schema`);

  if (isRoot) {
    if (type !== 'object') errors.push(`${path}.type: must be object at the root`);
    if (node.nullable === true) errors.push(`${path}.nullable: must be false at the root`);
    if (intOrString === true || node['x-kubernetes-embedded-resource'] === true)
      errors.push(`${path}: must not be int-or-string or an embedded resource at the root`);
    if ('default' in node) errors.push(`${path}.default: not allowed at the root`);
  }

  for (const [name, child] of Object.entries(isObject(properties) ? properties : {})) {
    const childPath = `${path}.properties.${name}`;
    if (isRoot && name === 'metadata') errors.push(...rootMetadataErrors(child, childPath));
    else if (isRoot && (name === 'apiVersion' || name === 'kind')) {
      if (
        !isObject(child) ||
        child.type !== 'string' ||
        Object.keys(child).some((k) => !['type', 'description'].includes(k))
      )
        errors.push(`${childPath}: must be a plain string schema`);
    } else errors.push(...schemaErrors(child, childPath, false));
  }
  if (isObject(node.additionalProperties))
    errors.push(...schemaErrors(node.additionalProperties, `${path}.additionalProperties`, false));
  if (isObject(node.items)) errors.push(...schemaErrors(node.items, `${path}.items`, false));
  return errors;
}

function structuralErrors(openAPIV3Schema: unknown): string[] {
  return schemaErrors(openAPIV3Schema, 'openAPIV3Schema', true);
}

/** The schema node a simple column JSONPath (`.a.b.c`) points at, or undefined. */
function schemaAt(root: Json, jsonPath: string): Json | undefined {
  let node: Json | undefined = root;
  for (const segment of jsonPath.slice(1).split('.')) {
    const properties: unknown = node?.properties;
    const next: unknown = isObject(properties) ? properties[segment] : undefined;
    node = isObject(next) ? next : undefined;
  }
  return node;
}

function printerColumnErrors(columns: unknown, schema: Json): string[] {
  if (!Array.isArray(columns)) return ['additionalPrinterColumns: must be a list'];
  const errors: string[] = [];
  const names = new Set<string>();
  for (const [index, entry] of columns.entries()) {
    const path = `additionalPrinterColumns[${index}]`;
    if (!isObject(entry)) {
      errors.push(`${path}: must be an object`);
      continue;
    }
    const { name, type, jsonPath, priority } = entry;
    if (typeof name !== 'string' || name === '') errors.push(`${path}.name: Required value`);
    else if (names.has(name)) errors.push(`${path}.name: Duplicate value: ${name}`);
    else names.add(name);
    if (!['integer', 'number', 'string', 'boolean', 'date'].includes(String(type)))
      errors.push(`${path}.type: Unsupported value: ${String(type)}`);
    if (priority !== undefined && !(Number.isInteger(priority) && (priority as number) >= 0))
      errors.push(`${path}.priority: must be a non-negative integer`);
    if (typeof jsonPath !== 'string' || !/^(\.[A-Za-z][A-Za-z0-9]*)+$/.test(jsonPath)) {
      errors.push(`${path}.jsonPath: must be a simple JSON path`);
      continue;
    }
    // Stricter than the server: the path must lead to a field of the schema, of the column's type.
    if (jsonPath === '.metadata.creationTimestamp') {
      if (type !== 'date') errors.push(`${path}: creationTimestamp is a date`);
      continue;
    }
    const target = schemaAt(schema, jsonPath);
    if (!target) errors.push(`${path}.jsonPath: ${jsonPath} is not a field of the schema`);
    else if (type === 'date' ? target.format !== 'date-time' : target.type !== type)
      errors.push(`${path}: column type ${String(type)} does not match the field (${String(target.type)})`);
  }
  return errors;
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const KIND_NAME = /^[A-Z][A-Za-z0-9]*$/;

/** CRD-level rules of the API server (names, scope, versions, subresources) and the printer columns. */
function crdErrors(doc: Json): string[] {
  const errors: string[] = [];
  if (doc.apiVersion !== 'apiextensions.k8s.io/v1')
    errors.push('apiVersion: must be apiextensions.k8s.io/v1');
  if (doc.kind !== 'CustomResourceDefinition') errors.push('kind: must be CustomResourceDefinition');
  const spec = isObject(doc.spec) ? doc.spec : {};
  const names = isObject(spec.names) ? spec.names : {};
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  if (metadata.name !== `${String(names.plural)}.${String(spec.group)}`)
    errors.push('metadata.name: must be spec.names.plural+"."+spec.group');
  if (typeof spec.group !== 'string' || !spec.group.includes('.'))
    errors.push('spec.group: must contain a dot');
  for (const key of ['plural', 'singular']) {
    if (typeof names[key] !== 'string' || !DNS_LABEL.test(names[key] as string))
      errors.push(`spec.names.${key}: must be a lower-case DNS label`);
  }
  for (const key of ['kind', 'listKind']) {
    if (typeof names[key] !== 'string' || !KIND_NAME.test(names[key] as string))
      errors.push(`spec.names.${key}: must be a CamelCase name`);
  }
  if (names.kind === names.listKind) errors.push('spec.names.listKind: must differ from kind');
  const shortNames = names.shortNames ?? [];
  if (!Array.isArray(shortNames) || !shortNames.every((s) => typeof s === 'string' && DNS_LABEL.test(s)))
    errors.push('spec.names.shortNames: must be lower-case DNS labels');
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster')
    errors.push('spec.scope: Namespaced or Cluster');
  if ('preserveUnknownFields' in spec && spec.preserveUnknownFields !== false)
    errors.push('spec.preserveUnknownFields: must be false in apiextensions.k8s.io/v1');
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
  if (versions.length === 0) errors.push('spec.versions: Required value');
  if (versions.filter((v) => v.storage === true).length !== 1)
    errors.push('spec.versions: exactly one version must be the storage version');
  for (const version of versions) {
    const where = `spec.versions[${String(version.name)}]`;
    if (typeof version.served !== 'boolean') errors.push(`${where}.served: Required value`);
    const subresources = isObject(version.subresources) ? version.subresources : {};
    for (const key of Object.keys(subresources)) {
      if (key !== 'status' && key !== 'scale') errors.push(`${where}.subresources.${key}: not a subresource`);
    }
    const schema = isObject(version.schema) ? version.schema.openAPIV3Schema : undefined;
    if (!isObject(schema)) {
      errors.push(`${where}.schema.openAPIV3Schema: Required value`);
      continue;
    }
    errors.push(...structuralErrors(schema).map((e) => `${where}.schema.${e}`));
    if ('additionalPrinterColumns' in version)
      errors.push(
        ...printerColumnErrors(version.additionalPrinterColumns, schema).map((e) => `${where}.${e}`),
      );
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the files

interface CrdFile {
  file: string;
  doc: Json;
}

async function readCrds(): Promise<CrdFile[]> {
  const files = (await readdir(CRD_DIR)).filter((name) => name.endsWith('.yaml')).sort();
  const crds: CrdFile[] = [];
  for (const file of files) {
    const documents = parseAllDocuments(await readFile(join(CRD_DIR, file), 'utf8'));
    const docs = documents.filter((d) => d.contents !== null);
    assert.equal(docs.length, 1, `${file}: one document per file`);
    for (const d of docs) assert.deepEqual(d.errors, [], `${file}: YAML errors`);
    const doc: unknown = docs[0]!.toJS();
    assert.ok(isObject(doc), `${file}: not a mapping`);
    crds.push({ file, doc });
  }
  return crds;
}

interface CrdView {
  group: string;
  names: {
    kind: string;
    listKind: string;
    plural: string;
    singular: string;
    shortNames?: string[];
    categories?: string[];
  };
  scope: string;
  version: Json & { name: string; served: boolean; storage: boolean };
  schema: Json;
}

function view(doc: Json): CrdView {
  const spec = doc.spec as Json;
  const versions = spec.versions as Array<Json & { name: string; served: boolean; storage: boolean }>;
  assert.equal(versions.length, 1, 'a single version');
  const version = versions[0]!;
  return {
    group: spec.group as string,
    names: spec.names as CrdView['names'],
    scope: spec.scope as string,
    version,
    schema: (version.schema as Json).openAPIV3Schema as Json,
  };
}

function node(schema: Json, path: string): Json {
  let current: Json = schema;
  for (const segment of path.split('.')) {
    const next: unknown =
      segment === '[]' ? current.items : (current.properties as Json | undefined)?.[segment];
    assert.ok(isObject(next), `schema has no ${path} (at ${segment})`);
    current = next;
  }
  return current;
}

/** Every schema path (`report.summary`, `report.vulnerabilities.[]`) with the node there. */
function* walk(schema: Json, path = ''): Generator<[string, Json]> {
  yield [path, schema];
  for (const [name, child] of Object.entries((schema.properties as Json | undefined) ?? {})) {
    if (isObject(child)) yield* walk(child, path ? `${path}.${name}` : name);
  }
  if (isObject(schema.items)) yield* walk(schema.items, `${path}.[]`);
  if (isObject(schema.additionalProperties)) yield* walk(schema.additionalProperties, `${path}.{}`);
}

const sorted = (values: readonly string[] | undefined) => [...(values ?? [])].sort();

// ---------------------------------------------------------------------------------------------------------------

describe('report CRDs (deploy/helm/crds)', () => {
  let crds: CrdFile[];
  const byKind = new Map<string, CrdView>();

  before(async () => {
    crds = await readCrds();
    for (const { doc } of crds) {
      const v = view(doc);
      byKind.set(v.names.kind, v);
    }
  });

  it('holds one file per contract kind, named aquasecurity.github.io_<plural>.yaml', () => {
    assert.deepEqual(
      crds.map((c) => c.file),
      CONTRACT.map((c) => `aquasecurity.github.io_${c.plural}.yaml`).sort(),
    );
    for (const { file, doc } of crds) assert.equal(file, `${view(doc).group}_${view(doc).names.plural}.yaml`);
  });

  it('passes the API server rules for CRDs and structural schemas', () => {
    for (const { file, doc } of crds) assert.deepEqual(crdErrors(doc), [], file);
  });

  it('names, scopes, versions, subresources and printer columns are those of the contract', () => {
    for (const expected of CONTRACT) {
      const actual = byKind.get(expected.kind);
      assert.ok(actual, `no CRD for ${expected.kind}`);
      assert.equal(actual.group, 'aquasecurity.github.io');
      assert.deepEqual(actual.names, {
        kind: expected.kind,
        listKind: `${expected.kind}List`,
        plural: expected.plural,
        singular: expected.kind.toLowerCase(),
        shortNames: expected.shortNames,
      });
      assert.equal(actual.scope, expected.namespaced ? 'Namespaced' : 'Cluster', expected.kind);
      assert.equal(actual.version.name, 'v1alpha1');
      assert.equal(actual.version.served, true);
      assert.equal(actual.version.storage, true);
      assert.deepEqual(
        actual.version.subresources ?? {},
        expected.statusSubresource ? { status: {} } : {},
        expected.kind,
      );
      assert.equal(
        actual.schema['x-kubernetes-preserve-unknown-fields'] === true,
        expected.preserveUnknownAtRoot,
        `${expected.kind}: root x-kubernetes-preserve-unknown-fields`,
      );
      const columns = (actual.version.additionalPrinterColumns as Json[]).map((c) => ({
        name: c.name,
        jsonPath: c.jsonPath,
        type: c.type,
        wide: c.priority === 1,
      }));
      assert.deepEqual(columns, expected.columns, `${expected.kind}: printer columns`);
      for (const c of actual.version.additionalPrinterColumns as Json[]) {
        assert.ok(
          c.priority === undefined || c.priority === 1,
          `${expected.kind} ${String(c.name)}: priority`,
        );
      }
    }
  });

  it('keeps unknown fields only where upstream does (root, and the compliance detail and summary reports)', () => {
    for (const expected of CONTRACT) {
      const preserved = [...walk(byKind.get(expected.kind)!.schema)]
        .filter(([, n]) => n['x-kubernetes-preserve-unknown-fields'] === true)
        .map(([path]) => path);
      const wanted = [
        ...(expected.preserveUnknownAtRoot ? [''] : []),
        ...(expected.kind === 'ClusterComplianceReport'
          ? ['status.summaryReport', 'status.detailReport']
          : []),
      ];
      assert.deepEqual(preserved.sort(), wanted.sort(), expected.kind);
    }
  });

  it('types every summary count as an integer of at least 0', () => {
    let counts = 0;
    for (const { names, schema } of byKind.values()) {
      for (const [path, n] of walk(schema)) {
        if (!/(Count|totalFail)$/.test(path)) continue;
        counts++;
        assert.equal(n.type, 'integer', `${names.kind} ${path}`);
        assert.equal(n.minimum, 0, `${names.kind} ${path}`);
      }
    }
    assert.ok(counts >= 40, `only ${counts} counts found`);
  });

  it('requires the report fields upstream requires and enforces its severity enums', () => {
    const required = (kind: string, path: string) =>
      sorted(node(byKind.get(kind)!.schema, path).required as string[]);
    const enumOf = (kind: string, path: string) => node(byKind.get(kind)!.schema, path).enum;

    for (const kind of ['VulnerabilityReport', 'ClusterVulnerabilityReport']) {
      assert.deepEqual(byKind.get(kind)!.schema.required, ['report']);
      assert.deepEqual(
        required(kind, 'report'),
        sorted(['updateTimestamp', 'scanner', 'artifact', 'os', 'summary', 'vulnerabilities']),
      );
      assert.deepEqual(
        required(kind, 'report.summary'),
        sorted(['criticalCount', 'highCount', 'mediumCount', 'lowCount', 'unknownCount']),
      );
      assert.equal(node(byKind.get(kind)!.schema, 'report.summary.noneCount').type, 'integer');
      assert.deepEqual(
        required(kind, 'report.vulnerabilities.[]'),
        sorted([
          'vulnerabilityID',
          'resource',
          'installedVersion',
          'fixedVersion',
          'publishedDate',
          'lastModifiedDate',
          'severity',
          'title',
        ]),
      );
      assert.deepEqual(enumOf(kind, 'report.vulnerabilities.[].severity'), SEVERITIES);
      assert.equal(node(byKind.get(kind)!.schema, 'report.vulnerabilities.[].score').type, 'number');
      assert.equal(
        node(byKind.get(kind)!.schema, 'report.vulnerabilities.[].cvss').additionalProperties !== undefined,
        true,
      );
      assert.equal(node(byKind.get(kind)!.schema, 'report.updateTimestamp').format, 'date-time');
      assert.equal(node(byKind.get(kind)!.schema, 'report.os.eosl').type, 'boolean');
    }

    assert.deepEqual(
      required('ExposedSecretReport', 'report'),
      sorted(['updateTimestamp', 'scanner', 'artifact', 'summary', 'secrets']),
    );
    assert.deepEqual(
      required('ExposedSecretReport', 'report.secrets.[]'),
      sorted(['target', 'ruleID', 'title', 'category', 'severity', 'match']),
    );
    assert.deepEqual(enumOf('ExposedSecretReport', 'report.secrets.[].severity'), [
      'CRITICAL',
      'HIGH',
      'MEDIUM',
      'LOW',
    ]);

    for (const kind of ['SbomReport', 'ClusterSbomReport']) {
      assert.deepEqual(
        required(kind, 'report'),
        sorted(['updateTimestamp', 'scanner', 'artifact', 'summary', 'components']),
      );
      assert.deepEqual(required(kind, 'report.summary'), ['componentsCount', 'dependenciesCount']);
      assert.deepEqual(required(kind, 'report.components'), ['bomFormat', 'specVersion']);
      node(byKind.get(kind)!.schema, 'report.components.components.[].bom-ref');
      node(byKind.get(kind)!.schema, 'report.components.metadata.component.licenses.[].license.id');
      node(byKind.get(kind)!.schema, 'report.components.dependencies.[].dependsOn.[]');
    }

    for (const kind of ['ConfigAuditReport', 'ClusterConfigAuditReport']) {
      assert.deepEqual(required(kind, 'report'), ['checks']);
      node(byKind.get(kind)!.schema, 'report.updateTimestamp');
    }
    for (const kind of [
      'RbacAssessmentReport',
      'ClusterRbacAssessmentReport',
      'InfraAssessmentReport',
      'ClusterInfraAssessmentReport',
    ]) {
      assert.deepEqual(required(kind, 'report'), sorted(['scanner', 'summary', 'checks']));
      assert.equal(
        (node(byKind.get(kind)!.schema, 'report').properties as Json).updateTimestamp,
        undefined,
        kind,
      );
    }
    for (const kind of [
      'ConfigAuditReport',
      'ClusterConfigAuditReport',
      'RbacAssessmentReport',
      'ClusterRbacAssessmentReport',
      'InfraAssessmentReport',
      'ClusterInfraAssessmentReport',
    ]) {
      assert.deepEqual(
        required(kind, 'report.summary'),
        sorted(['criticalCount', 'highCount', 'mediumCount', 'lowCount']),
      );
      assert.deepEqual(required(kind, 'report.checks.[]'), sorted(['checkID', 'severity', 'success']));
      assert.equal(
        enumOf(kind, 'report.checks.[].severity'),
        undefined,
        `${kind}: check severity is free text`,
      );
      assert.deepEqual(required(kind, 'report.checks.[].scope'), ['type', 'value']);
    }
    for (const kind of CONTRACT.map((c) => c.kind).filter((k) => k !== 'ClusterComplianceReport')) {
      assert.deepEqual(byKind.get(kind)!.schema.required, ['report'], kind);
      const scanner = node(byKind.get(kind)!.schema, 'report.scanner');
      assert.deepEqual(sorted(scanner.required as string[]), ['name', 'vendor', 'version'], kind);
    }

    const compliance = 'ClusterComplianceReport';
    assert.deepEqual(required(compliance, 'spec'), sorted(['cron', 'reportType', 'compliance']));
    assert.deepEqual(enumOf(compliance, 'spec.reportType'), ['summary', 'all']);
    assert.deepEqual(enumOf(compliance, 'spec.compliance.controls.[].severity'), SEVERITIES);
    assert.deepEqual(enumOf(compliance, 'spec.compliance.controls.[].defaultStatus'), [
      'PASS',
      'WARN',
      'FAIL',
    ]);
    assert.deepEqual(required(compliance, 'spec.compliance.controls.[]'), sorted(['id', 'name', 'severity']));
    assert.deepEqual(required(compliance, 'status'), ['updateTimestamp']);
    assert.deepEqual(
      required(compliance, 'status.detailReport.results.[].checks.[]'),
      sorted(['checkID', 'severity', 'success']),
    );
  });

  it('lists the same group, version, kinds, plurals and scopes in REPORT_RESOURCES as the CRDs declare', () => {
    assert.equal(REPORT_API_VERSION, 'aquasecurity.github.io/v1alpha1');
    assert.deepEqual(Object.keys(REPORT_RESOURCES).sort(), [...byKind.keys()].sort());
    for (const [kind, resource] of Object.entries(REPORT_RESOURCES)) {
      const actual = byKind.get(kind)!;
      assert.deepEqual(resource, {
        group: actual.group,
        version: actual.version.name,
        kind: actual.names.kind,
        plural: actual.names.plural,
        namespaced: actual.scope === 'Namespaced',
      });
    }
    assert.equal(REPORT_GROUP, 'aquasecurity.github.io');
    assert.equal(REPORT_VERSION, 'v1alpha1');
  });

  it('accepts the cron schedules upstream accepts, plus lists and ranges, identically in RE2 and JavaScript', () => {
    const pattern = node(byKind.get('ClusterComplianceReport')!.schema, 'spec.cron').pattern as string;
    const re2 = RE2JS.compile(pattern);
    const js = new RegExp(pattern, 'u');
    const accepts = (cron: string) => {
      const result = re2.test(cron);
      assert.equal(js.test(cron), result, `RE2 and JavaScript disagree on "${cron}"`);
      return result;
    };
    for (const cron of [
      '0 */6 * * *',
      '*/5 * * * *',
      '* * * * *',
      '59 23 31 12 7',
      '0 0 1 jan sun',
      '0 0 1 okt *',
      '0 0 1 oct mon',
      '15 2 1-15 jan,jul 1-5',
      '0 0,12 */2 * mon-fri',
      '0 8-18/2 * * *',
    ]) {
      assert.equal(accepts(cron), true, cron);
    }
    for (const cron of [
      '',
      '0 */6 * *',
      '0 */6 * * * *',
      '60 * * * *',
      '* 24 * * *',
      '0 0 0 * *',
      '0 0 32 * *',
      '0 0 * 13 *',
      '0 0 * * 8',
      '0 0 * * sunday',
      '@daily',
      'every day',
      '0 0 * * *; rm -rf /',
    ]) {
      assert.equal(accepts(cron), false, cron);
    }
  });

  it('the structural checker itself refuses what a real API server refuses', () => {
    const root = (report: Json, extra: Json = {}): Json => ({
      type: 'object',
      ...extra,
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        report,
      },
    });
    const cases: Array<[string, Json, RegExp]> = [
      [
        'a field without a type',
        root({ type: 'object', properties: { a: { description: 'x' } } }),
        /a\.type: Required/,
      ],
      [
        'properties with additionalProperties',
        root({
          type: 'object',
          properties: { a: { type: 'string' } },
          additionalProperties: { type: 'string' },
        }),
        /mutual exclusive/,
      ],
      ['an array without items', root({ type: 'array' }), /items: Required/],
      ['a $ref', root({ type: 'object', properties: { a: { $ref: '#/x' } } }), /\$ref: not a field/],
      [
        'restrictions on metadata.labels',
        {
          type: 'object',
          properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } },
        },
        /anything other than name and generateName/,
      ],
      ['a root that is not an object', { type: 'string' }, /must be object at the root/],
      ['uniqueItems', root({ type: 'array', items: { type: 'string' }, uniqueItems: true }), /uniqueItems/],
      ['an unknown type', root({ type: 'map' }), /unsupported type/],
      ['minimum on a string', root({ type: 'string', minimum: 0 }), /only allowed with type integer/],
      ['an enum of the wrong type', root({ type: 'integer', enum: ['1'] }), /enum: every value/],
      [
        'preserve-unknown-fields false',
        root({ type: 'object', 'x-kubernetes-preserve-unknown-fields': false }),
        /must be true/,
      ],
      ['a lookahead (not RE2)', root({ type: 'string', pattern: '^(?=a)a$' }), /not a valid RE2/],
      [
        'a required field that is not declared',
        root({ type: 'object', required: ['b'], properties: {} }),
        /b is not a declared/,
      ],
    ];
    for (const [what, schema, error] of cases) {
      const errors = structuralErrors(schema);
      assert.ok(
        errors.some((e) => error.test(e)),
        `${what}: expected ${String(error)}, got ${JSON.stringify(errors)}`,
      );
    }
    // Allowed: untyped nodes that preserve unknown fields or are int-or-string, maps through additionalProperties.
    assert.deepEqual(
      structuralErrors(
        root({
          type: 'object',
          properties: {
            anything: { 'x-kubernetes-preserve-unknown-fields': true },
            port: { 'x-kubernetes-int-or-string': true },
            map: { type: 'object', additionalProperties: { type: 'string' } },
          },
        }),
      ),
      [],
    );
    const columns = [
      { name: 'Critical', type: 'integer', jsonPath: '.report.summary.critical', priority: 1 },
    ];
    assert.match(printerColumnErrors(columns, root({ type: 'object' })).join(), /not a field of the schema/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Realistic reports, one per kind.

const SCANNED_AT = '2025-06-02T09:30:00Z';
const IMAGE_SCANNER = { name: 'Trivy', vendor: 'Aqua Security', version: '0.72.0' };
const OPERATOR_SCANNER = { name: 'Trivy', vendor: 'Aqua Security', version: '0.1.0' };
const meta = <K extends ReportKind>(kind: K) => ({ apiVersion: REPORT_API_VERSION, kind });
const ownerLabels = (
  kind: string,
  name: string,
  namespace: string,
  container?: string,
): Record<string, string> => ({
  'app.kubernetes.io/managed-by': 'trivy-operator',
  'trivy-operator.resource.kind': kind,
  'trivy-operator.resource.name': name,
  'trivy-operator.resource.namespace': namespace,
  ...(container ? { 'trivy-operator.container.name': container } : {}),
  'resource-spec-hash': '6b9f7c5d84',
});

const vulnerabilityReport: VulnerabilityReport = {
  ...meta('VulnerabilityReport'),
  metadata: {
    name: 'replicaset-nginx-6d4cf56db6-nginx',
    namespace: 'apps',
    labels: ownerLabels('ReplicaSet', 'nginx-6d4cf56db6', 'apps', 'nginx'),
    annotations: { 'trivy-operator.aquasecurity.github.io/report-ttl': '24h0m0s' },
  },
  report: {
    updateTimestamp: SCANNED_AT,
    scanner: IMAGE_SCANNER,
    registry: { server: 'index.docker.io' },
    artifact: {
      repository: 'library/nginx',
      tag: '1.25.3',
      digest: 'sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac',
    },
    os: { family: 'debian', name: '12.2' },
    summary: { criticalCount: 1, highCount: 2, mediumCount: 0, lowCount: 1, unknownCount: 0, noneCount: 0 },
    vulnerabilities: [
      {
        vulnerabilityID: 'CVE-2023-38545',
        resource: 'libcurl4',
        installedVersion: '7.88.1-10+deb12u3',
        fixedVersion: '7.88.1-10+deb12u4',
        publishedDate: '2023-10-18T04:15:11Z',
        lastModifiedDate: '2024-01-25T21:15:09Z',
        severity: 'CRITICAL',
        title: 'curl: heap based buffer overflow in the SOCKS5 proxy handshake',
        primaryLink: 'https://avd.aquasec.com/nvd/cve-2023-38545',
        links: [],
        score: 9.8,
        target: '',
        packagePURL: 'pkg:deb/debian/libcurl4@7.88.1-10%2Bdeb12u3?arch=amd64&distro=debian-12.2',
        cvss: { nvd: { V3Score: 9.8, V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' } },
      },
      {
        vulnerabilityID: 'CVE-2023-44487',
        resource: 'libnghttp2-14',
        installedVersion: '1.52.0-1',
        fixedVersion: '1.52.0-1+deb12u1',
        publishedDate: '2023-10-10T14:15:10Z',
        lastModifiedDate: '2024-06-27T18:15:12Z',
        severity: 'HIGH',
        title:
          'HTTP/2: Multiple HTTP/2 enabled web servers are vulnerable to a DDoS attack (Rapid Reset Attack)',
        primaryLink: 'https://avd.aquasec.com/nvd/cve-2023-44487',
        links: [],
        score: 7.5,
        target: '',
        packagePURL: 'pkg:deb/debian/libnghttp2-14@1.52.0-1?arch=amd64&distro=debian-12.2',
      },
      {
        vulnerabilityID: 'CVE-2023-5363',
        resource: 'libssl3',
        installedVersion: '3.0.11-1~deb12u1',
        fixedVersion: '3.0.11-1~deb12u2',
        publishedDate: '2023-10-25T18:17:43Z',
        lastModifiedDate: '2024-02-01T17:15:08Z',
        severity: 'HIGH',
        title: 'openssl: Incorrect cipher key and IV length processing',
        primaryLink: 'https://avd.aquasec.com/nvd/cve-2023-5363',
        links: [],
        score: 7.5,
        target: '',
      },
      {
        vulnerabilityID: 'CVE-2011-3374',
        resource: 'apt',
        installedVersion: '2.6.1',
        fixedVersion: '',
        publishedDate: '2019-11-26T00:15:11Z',
        lastModifiedDate: '2021-02-09T16:08:18Z',
        severity: 'LOW',
        title: '',
        primaryLink: 'https://avd.aquasec.com/nvd/cve-2011-3374',
        links: [],
        score: 3.7,
        target: '',
      },
    ],
  },
};

const bom = (image: string, components: Array<[string, string]>): CycloneDxBom => ({
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
  version: 1,
  metadata: {
    timestamp: SCANNED_AT,
    tools: { components: [{ type: 'application', group: 'aquasecurity', name: 'trivy', version: '0.72.0' }] },
    component: { 'bom-ref': `pkg:oci/${image}`, type: 'container', name: image },
  },
  components: components.map(([name, version]) => ({
    'bom-ref': `pkg:deb/debian/${name}@${version}?distro=debian-12.2`,
    type: 'library',
    name,
    version,
    purl: `pkg:deb/debian/${name}@${version}?distro=debian-12.2`,
    supplier: { name: 'Debian', url: ['https://www.debian.org'], contact: [{ name: 'Debian maintainers' }] },
    hashes: [{ alg: 'SHA-256', content: 'b4b1c1b3f0d94d1f7ad2a08e2b3e1d4dc0b8c6c7a7e1e0b9a3c1d9f8e7d6c5b4' }],
    licenses: [{ license: { name: 'GPL-2.0-or-later' } }, { expression: 'MIT OR Apache-2.0' }],
    properties: [{ name: 'aquasecurity:trivy:PkgType', value: 'debian' }],
  })),
  dependencies: [
    {
      ref: `pkg:oci/${image}`,
      dependsOn: components.map(([n, v]) => `pkg:deb/debian/${n}@${v}?distro=debian-12.2`),
    },
  ],
});

const check = (checkID: string, severity: string, title: string, message: string): CheckResult => ({
  checkID,
  title,
  description: `${title}.`,
  severity,
  category: 'Kubernetes Security Check',
  messages: [message],
  remediation: 'See the check documentation.',
  success: false,
});
const misconfigSummary = (critical: number, high: number, medium: number, low: number) => ({
  criticalCount: critical,
  highCount: high,
  mediumCount: medium,
  lowCount: low,
});

const complianceReport: ClusterComplianceReport = {
  ...meta('ClusterComplianceReport'),
  metadata: {
    name: 'k8s-nsa-1.0',
    labels: { 'app.kubernetes.io/name': 'trivy-operator', 'app.kubernetes.io/managed-by': 'kubectl' },
  },
  spec: {
    cron: '0 */6 * * *',
    reportType: 'summary',
    compliance: {
      id: 'k8s-nsa-1.0',
      title: 'National Security Agency - Kubernetes Hardening Guidance v1.0',
      description: 'National Security Agency - Kubernetes Hardening Guidance',
      version: '1.0',
      platform: 'k8s',
      type: 'nsa',
      relatedResources: ['https://www.nsa.gov/Press-Room/News-Highlights/Article/Article/2716980/'],
      controls: [
        {
          id: '1.0',
          name: 'Non-root containers',
          description: 'Check that container is not running as root',
          checks: [{ id: 'AVD-KSV-0012' }],
          severity: 'MEDIUM',
        },
        {
          id: '1.1',
          name: 'Immutable container file systems',
          checks: [{ id: 'AVD-KSV-0014' }],
          severity: 'LOW',
        },
        { id: '6.0', name: 'Audit log path is configure', severity: 'MEDIUM', defaultStatus: 'FAIL' },
      ],
    },
  },
};

const REPORTS: AnyReport[] = [
  vulnerabilityReport,
  {
    ...meta('ClusterVulnerabilityReport'),
    metadata: {
      name: 'clustersbomreport-7b8f9c6d5-k8s-cluster',
      labels: ownerLabels('ClusterSbomReport', '7b8f9c6d5', '', 'k8s-cluster'),
    },
    report: {
      updateTimestamp: SCANNED_AT,
      scanner: IMAGE_SCANNER,
      registry: { server: 'k8s.io' },
      artifact: { repository: 'kubernetes', tag: '1.32.0' },
      os: {},
      summary: { criticalCount: 0, highCount: 0, mediumCount: 1, lowCount: 0, unknownCount: 1 },
      vulnerabilities: [
        {
          vulnerabilityID: 'CVE-2025-0426',
          resource: 'k8s.io/kubelet',
          installedVersion: '1.32.0',
          fixedVersion: '1.32.2',
          publishedDate: '2025-02-13T16:16:48Z',
          lastModifiedDate: '2025-02-13T16:16:48Z',
          severity: 'MEDIUM',
          title: 'kubelet: read-only checkpoint API can fill the disk',
          score: 6.2,
          target: '',
        },
        {
          vulnerabilityID: 'CVE-2024-99999',
          resource: 'k8s.io/apiserver',
          installedVersion: '1.32.0',
          fixedVersion: '',
          publishedDate: '',
          lastModifiedDate: '',
          severity: 'UNKNOWN',
          title: '',
          target: '',
        },
      ],
    },
  },
  {
    ...meta('ExposedSecretReport'),
    metadata: {
      name: 'replicaset-api-7f9c8d6b5-api',
      namespace: 'apps',
      labels: ownerLabels('ReplicaSet', 'api-7f9c8d6b5', 'apps', 'api'),
    },
    report: {
      updateTimestamp: SCANNED_AT,
      scanner: IMAGE_SCANNER,
      registry: { server: 'ghcr.io' },
      artifact: { repository: 'acme/api', tag: 'v2.3.1' },
      summary: { criticalCount: 1, highCount: 1, mediumCount: 0, lowCount: 0 },
      secrets: [
        {
          target: '/app/config/.env',
          ruleID: 'aws-access-key-id',
          title: 'AWS Access Key ID',
          category: 'AWS',
          severity: 'CRITICAL',
          match: 'AWS_ACCESS_KEY_ID=********************',
        },
        {
          target: '/root/.ssh/id_rsa',
          ruleID: 'private-key',
          title: 'Asymmetric Private Key',
          category: 'AsymmetricPrivateKey',
          severity: 'HIGH',
          match: '-----BEGIN RSA PRIVATE KEY-----*****************',
        },
      ],
    },
  },
  {
    ...meta('SbomReport'),
    metadata: {
      name: 'replicaset-nginx-6d4cf56db6-nginx',
      namespace: 'apps',
      labels: ownerLabels('ReplicaSet', 'nginx-6d4cf56db6', 'apps', 'nginx'),
    },
    report: {
      updateTimestamp: SCANNED_AT,
      scanner: IMAGE_SCANNER,
      registry: { server: 'index.docker.io' },
      artifact: { repository: 'library/nginx', tag: '1.25.3' },
      summary: { componentsCount: 4, dependenciesCount: 1 },
      components: bom('nginx:1.25.3', [
        ['libc6', '2.36-9+deb12u3'],
        ['libssl3', '3.0.11-1~deb12u1'],
        ['libcurl4', '7.88.1-10+deb12u3'],
      ]),
    },
  },
  {
    ...meta('ClusterSbomReport'),
    metadata: {
      name: '5c8d9f7b46',
      labels: { 'app.kubernetes.io/managed-by': 'trivy-operator', 'resource-image-id': '5c8d9f7b46' },
      annotations: { 'trivy-operator.aquasecurity.github.io/report-ttl': '120h0m0s' },
    },
    report: {
      updateTimestamp: SCANNED_AT,
      scanner: IMAGE_SCANNER,
      registry: { server: 'index.docker.io' },
      artifact: { repository: 'library/redis', tag: '7.2.4' },
      summary: { componentsCount: 2, dependenciesCount: 1 },
      components: bom('redis:7.2.4', [['libc6', '2.36-9+deb12u4']]),
    },
  },
  {
    ...meta('ConfigAuditReport'),
    metadata: {
      name: 'replicaset-nginx-6d4cf56db6',
      namespace: 'apps',
      labels: {
        ...ownerLabels('ReplicaSet', 'nginx-6d4cf56db6', 'apps'),
        'plugin-config-hash': '659b7b9c46',
      },
    },
    report: {
      updateTimestamp: SCANNED_AT,
      scanner: OPERATOR_SCANNER,
      summary: misconfigSummary(0, 1, 2, 1),
      checks: [
        check(
          'KSV014',
          'HIGH',
          'Root file system is not read-only',
          "Container 'nginx' should set readOnlyRootFilesystem",
        ),
        check('KSV012', 'MEDIUM', 'Runs as root user', "Container 'nginx' should set runAsNonRoot to true"),
        check(
          'KSV001',
          'MEDIUM',
          'Can elevate its own privileges',
          "Container 'nginx' should set allowPrivilegeEscalation",
        ),
        check('KSV020', 'LOW', 'Runs with UID <= 10000', "Container 'nginx' should set runAsUser > 10000"),
      ],
    },
  },
  {
    ...meta('ClusterConfigAuditReport'),
    metadata: {
      name: 'clusterrolebinding-ops-admin',
      labels: ownerLabels('ClusterRoleBinding', 'ops-admin', ''),
    },
    report: {
      updateTimestamp: SCANNED_AT,
      scanner: OPERATOR_SCANNER,
      summary: misconfigSummary(0, 1, 0, 0),
      checks: [
        check('KSV111', 'HIGH', 'User with admin access', 'ClusterRoleBinding binds to cluster-admin'),
      ],
    },
  },
  {
    ...meta('RbacAssessmentReport'),
    metadata: {
      name: 'role-pod-manager',
      namespace: 'apps',
      labels: ownerLabels('Role', 'pod-manager', 'apps'),
    },
    report: {
      scanner: OPERATOR_SCANNER,
      summary: misconfigSummary(0, 0, 2, 0),
      checks: [
        check('KSV049', 'MEDIUM', 'Manage configmaps', 'Role permits management of configmap(s)'),
        check('KSV113', 'MEDIUM', 'Manage namespace secrets', 'Role permits management of secret(s)'),
      ],
    },
  },
  {
    ...meta('ClusterRbacAssessmentReport'),
    metadata: { name: 'clusterrole-admin', labels: ownerLabels('ClusterRole', 'admin', '') },
    report: {
      scanner: OPERATOR_SCANNER,
      summary: misconfigSummary(1, 1, 0, 0),
      checks: [
        check('KSV041', 'CRITICAL', 'Manage secrets', 'ClusterRole permits management of secrets'),
        check('KSV053', 'HIGH', 'Exec into Pods', "ClusterRole permits 'exec' into pods"),
      ],
    },
  },
  {
    ...meta('InfraAssessmentReport'),
    metadata: {
      name: 'pod-kube-apiserver-kind-control-plane',
      namespace: 'kube-system',
      labels: ownerLabels('Pod', 'kube-apiserver-kind-control-plane', 'kube-system'),
    },
    report: {
      scanner: OPERATOR_SCANNER,
      summary: misconfigSummary(0, 0, 0, 1),
      checks: [
        check(
          'KCV0001',
          'LOW',
          'Ensure that the --anonymous-auth argument is set to false',
          'Ensure that the --anonymous-auth argument is set to false',
        ),
      ],
    },
  },
  {
    ...meta('ClusterInfraAssessmentReport'),
    metadata: { name: 'node-kind-control-plane', labels: ownerLabels('Node', 'kind-control-plane', '') },
    report: {
      scanner: OPERATOR_SCANNER,
      summary: misconfigSummary(0, 1, 0, 0),
      checks: [
        check(
          'KCV0079',
          'HIGH',
          'Ensure that the --anonymous-auth argument is set to false',
          'Ensure that the kubelet --anonymous-auth argument is set to false',
        ),
      ],
    },
  },
  complianceReport,
];

const COMPLIANCE_STATUS = {
  updateTimestamp: SCANNED_AT,
  summary: { failCount: 2, passCount: 1 },
  summaryReport: {
    id: 'k8s-nsa-1.0',
    title: 'National Security Agency - Kubernetes Hardening Guidance v1.0',
    controlCheck: [
      { id: '1.0', name: 'Non-root containers', severity: 'MEDIUM', totalFail: 8 },
      { id: '1.1', name: 'Immutable container file systems', severity: 'LOW', totalFail: 0 },
      { id: '6.0', name: 'Audit log path is configure', severity: 'MEDIUM', totalFail: 1 },
    ],
  },
};

/** The value kubectl prints for a simple JSON path of an object: the server sends null for a missing field. */
function printed(object: unknown, jsonPath: string): string {
  let value: unknown = object;
  for (const segment of jsonPath.slice(1).split('.')) value = isObject(value) ? value[segment] : undefined;
  return value === undefined ? '' : String(value);
}

// ---------------------------------------------------------------------------------------------------------------

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function header(stdout: string): string[] {
  return (stdout.split('\n')[0] ?? '').trim().split(/\s{2,}/);
}

function rows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s{2,}/));
}

const AGE_VALUE = /^\d+(s|m\d*s?)$/;
const AGE_CELL = '(age)';

describe('report CRDs installed with kubectl on the API emulator', () => {
  let emulator: Emulator;
  let dir: string;

  const kubectl = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        'kubectl',
        args,
        {
          env: { ...process.env, KUBECONFIG: emulator.kubeconfigPath, KUBECACHEDIR: join(dir, 'cache') },
          timeout: 60_000,
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  const ok = async (args: string[]): Promise<string> => {
    const run = await kubectl(args);
    assert.equal(run.code, 0, `kubectl ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout;
  };
  const manifest = async (name: string, objects: unknown[]): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, objects.map((o) => stringify(o)).join('---\n'));
    return path;
  };
  /** Applies an object that must be refused: the server answers 422 Unprocessable Entity with these messages. */
  const refused = async (name: string, object: unknown, messages: RegExp[]) => {
    const run = await kubectl(['apply', '-v=6', '-f', await manifest(`${name}.yaml`, [object])]);
    assert.notEqual(run.code, 0, `${name} was accepted`);
    assert.match(run.stderr, / 422 Unprocessable Entity /, `${name}: ${run.stderr}`);
    assert.match(run.stderr, /is invalid/, name);
    for (const message of messages) assert.match(run.stderr, message, name);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crds-'));
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('passes kubectl apply --dry-run=client without creating anything', async () => {
    const out = await ok(['apply', '--dry-run=client', '-f', CRD_DIR]);
    const lines = out.trim().split('\n').sort();
    assert.deepEqual(
      lines,
      CONTRACT.map(
        (c) =>
          `customresourcedefinition.apiextensions.k8s.io/${c.plural}.aquasecurity.github.io created (dry run)`,
      ).sort(),
    );
    assert.equal((await ok(['get', 'crd', '-o', 'name'])).trim(), '');
  });

  it('installs all 12 with kubectl apply, they become Established, and a second apply changes nothing', async () => {
    const created = (await ok(['apply', '-f', CRD_DIR])).trim().split('\n');
    assert.equal(created.filter((line) => line.endsWith(' created')).length, 12, created.join('\n'));
    const waited = await ok(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=30s']);
    assert.equal(
      waited
        .trim()
        .split('\n')
        .filter((line) => line.endsWith('condition met')).length,
      12,
      waited,
    );
    const again = (await ok(['apply', '-f', CRD_DIR])).trim().split('\n');
    assert.equal(again.filter((line) => line.endsWith(' unchanged')).length, 12, again.join('\n'));
  });

  it('serves the kinds, short names and scopes of the contract through discovery', async () => {
    const out = await ok([
      'api-resources',
      '--api-group=aquasecurity.github.io',
      '--no-headers',
      '-o',
      'wide',
    ]);
    const served = new Map(
      out
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .map(([name, shortNames, apiVersion, namespaced, kind]) => [
          name,
          { shortNames, apiVersion, namespaced, kind },
        ]),
    );
    assert.equal(served.size, 12);
    for (const c of CONTRACT) {
      assert.deepEqual(served.get(c.plural), {
        shortNames: c.shortNames.join(','),
        apiVersion: 'aquasecurity.github.io/v1alpha1',
        namespaced: String(c.namespaced),
        kind: c.kind,
      });
    }
  });

  it('stores one realistic report of each kind, unchanged, and prints the contract columns by short name', async () => {
    await ok(['create', 'namespace', 'apps']);
    const applied = (await ok(['apply', '-f', await manifest('reports.yaml', REPORTS)])).trim().split('\n');
    assert.equal(applied.filter((line) => line.endsWith(' created')).length, 12, applied.join('\n'));

    for (const expected of CONTRACT) {
      const object = REPORTS.find((r) => r.kind === expected.kind)!;
      const { name, namespace } = object.metadata;
      const stored = JSON.parse(
        await ok(['get', expected.plural, name!, ...(namespace ? ['-n', namespace] : []), '-o', 'json']),
      ) as Json;
      if (expected.kind === 'ClusterComplianceReport') {
        assert.deepEqual(stored.spec, complianceReport.spec);
      } else {
        assert.deepEqual(
          stored.report,
          (object as { report: unknown }).report,
          `${expected.kind}: stored as sent`,
        );
      }
      assert.deepEqual((stored.metadata as Json).labels, object.metadata.labels);

      for (const shortName of expected.shortNames) {
        const wide = await ok(['get', shortName, '-A', '-o', 'wide']);
        const names = expected.columns.map((c) => c.name.toUpperCase());
        assert.deepEqual(
          header(wide),
          [...(expected.namespaced ? ['NAMESPACE'] : []), 'NAME', ...names],
          shortName,
        );
        const [row, ...more] = rows(wide);
        assert.equal(more.length, 0, `${shortName}: one report`);
        // Blank cells vanish when the row is split on runs of spaces.
        const wantRow = [
          ...(expected.namespaced ? [namespace!] : []),
          name!,
          ...expected.columns.map((c) => (c.type === 'date' ? AGE_CELL : printed(object, c.jsonPath))),
        ].filter((cell) => cell !== '');
        const ageAt = wantRow.indexOf(AGE_CELL);
        assert.match(row![ageAt]!, AGE_VALUE, `${shortName}: age`);
        assert.deepEqual(row!.toSpliced(ageAt, 1), wantRow.toSpliced(ageAt, 1), `${shortName}: row`);

        const plain = await ok(['get', shortName, '-A']);
        assert.deepEqual(
          header(plain),
          [
            ...(expected.namespaced ? ['NAMESPACE'] : []),
            'NAME',
            ...expected.columns.filter((c) => !c.wide).map((c) => c.name.toUpperCase()),
          ],
          `${shortName}: default columns`,
        );
      }
    }
  });

  it('prints the vulnerability counts of kubectl get vulns -A -o wide', async () => {
    const out = await ok(['get', 'vulns', '-A', '-o', 'wide']);
    assert.deepEqual(header(out), [
      'NAMESPACE',
      'NAME',
      'REPOSITORY',
      'TAG',
      'SCANNER',
      'AGE',
      'CRITICAL',
      'HIGH',
      'MEDIUM',
      'LOW',
      'UNKNOWN',
    ]);
    const [row] = rows(out);
    assert.deepEqual(row!.toSpliced(5, 1), [
      'apps',
      'replicaset-nginx-6d4cf56db6-nginx',
      'library/nginx',
      '1.25.3',
      'Trivy',
      '1',
      '2',
      '0',
      '1',
      '0',
    ]);
    const cluster = rows(await ok(['get', 'clustervuln', '-o', 'wide']));
    assert.deepEqual(cluster[0]!.toSpliced(4, 1), [
      'clustersbomreport-7b8f9c6d5-k8s-cluster',
      'kubernetes',
      '1.32.0',
      'Trivy',
      '0',
      '0',
      '1',
      '0',
      '1',
    ]);
  });

  it('writes ClusterComplianceReport status only through /status, and prints its Fail and Pass counts', async () => {
    const withStatus = { ...complianceReport, status: COMPLIANCE_STATUS };
    await ok(['apply', '-f', await manifest('compliance.yaml', [withStatus])]);
    const before = rows(await ok(['get', 'compliance', '-o', 'wide']))[0]!;
    assert.equal(before.length, 2, `no counts before the status is written: ${before.join(' | ')}`);
    assert.equal(before[0], 'k8s-nsa-1.0');

    await ok([
      'patch',
      'clustercompliancereport',
      'k8s-nsa-1.0',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: COMPLIANCE_STATUS }),
    ]);
    const out = await ok(['get', 'compliance', '-o', 'wide']);
    assert.deepEqual(header(out), ['NAME', 'AGE', 'FAIL', 'PASS']);
    const after = rows(out)[0]!;
    assert.deepEqual([after[0], after[2], after[3]], ['k8s-nsa-1.0', '2', '1']);
    const stored = JSON.parse(await ok(['get', 'compliance', 'k8s-nsa-1.0', '-o', 'json'])) as Json;
    assert.deepEqual(stored.status, COMPLIANCE_STATUS);
  });

  it('keeps unknown root fields where the root preserves them and refuses or prunes them elsewhere', async () => {
    const vuln = { ...structuredClone(vulnerabilityReport), extra: { note: 'kept' } };
    vuln.metadata.name = 'pod-extra-app';
    await ok(['apply', '-f', await manifest('extra-vuln.yaml', [vuln])]);
    const kept = JSON.parse(await ok(['get', 'vuln', '-n', 'apps', 'pod-extra-app', '-o', 'json'])) as Json;
    assert.deepEqual(kept.extra, { note: 'kept' });

    const infra = structuredClone(REPORTS.find((r) => r.kind === 'InfraAssessmentReport')!);
    infra.metadata.name = 'pod-etcd-kind-control-plane';
    const path = await manifest('extra-infra.yaml', [{ ...infra, extra: { note: 'dropped' } }]);
    const strict = await kubectl(['apply', '-f', path]);
    assert.notEqual(strict.code, 0);
    assert.match(strict.stderr, /unknown field "extra"/);
    await ok(['apply', '--validate=false', '-f', path]);
    const pruned = JSON.parse(
      await ok(['get', 'infraassessment', '-n', 'kube-system', 'pod-etcd-kind-control-plane', '-o', 'json']),
    ) as Json;
    assert.equal(pruned.extra, undefined);
    assert.ok(isObject(pruned.report));
  });

  it('refuses invalid reports with 422 and stores nothing', async () => {
    const invalid = (mutate: (report: VulnerabilityReport) => void, name: string): VulnerabilityReport => {
      const copy = structuredClone(vulnerabilityReport);
      copy.metadata = { name, namespace: 'apps' };
      mutate(copy);
      return copy;
    };
    await refused(
      'negative-count',
      invalid((r) => (r.report.summary.criticalCount = -1), 'negative-count'),
      [/report\.summary\.criticalCount: Invalid value: -1: .*greater than or equal to 0/],
    );
    await refused(
      'bad-severity',
      invalid(
        (r) => ((r.report.vulnerabilities[0] as { severity: string }).severity = 'SEVERE'),
        'bad-severity',
      ),
      [/report\.vulnerabilities\[0\]\.severity: Unsupported value: "SEVERE"/],
    );
    await refused(
      'fractional-count',
      invalid((r) => (r.report.summary.highCount = 1.5), 'fractional-count'),
      [/report\.summary\.highCount: Invalid value: .*integer/],
    );
    await refused(
      'missing-fields',
      invalid((r) => {
        delete (r.report.scanner as Partial<typeof r.report.scanner>).version;
        delete (r.report as Partial<typeof r.report>).os;
      }, 'missing-fields'),
      [/report\.scanner\.version: Required value/, /report\.os: Required value/],
    );
    await refused(
      'bad-timestamp',
      invalid((r) => (r.report.updateTimestamp = 'yesterday'), 'bad-timestamp'),
      [/report\.updateTimestamp: Invalid value: "yesterday"/],
    );

    const secret = structuredClone(REPORTS.find((r) => r.kind === 'ExposedSecretReport')!) as Json &
      AnyReport;
    secret.metadata = { name: 'unknown-secret-severity', namespace: 'apps' };
    ((secret.report as Json).secrets as Json[])[0]!.severity = 'UNKNOWN';
    await refused('secret-severity', secret, [
      /report\.secrets\[0\]\.severity: Unsupported value: "UNKNOWN"/,
    ]);

    const sbom = structuredClone(REPORTS.find((r) => r.kind === 'SbomReport')!) as Json & AnyReport;
    sbom.metadata = { name: 'sbom-without-format', namespace: 'apps' };
    delete ((sbom.report as Json).components as Json).bomFormat;
    await refused('sbom-format', sbom, [/report\.components\.bomFormat: Required value/]);

    const rbac = structuredClone(REPORTS.find((r) => r.kind === 'RbacAssessmentReport')!) as Json & AnyReport;
    rbac.metadata = { name: 'check-without-success', namespace: 'apps' };
    delete ((rbac.report as Json).checks as Json[])[0]!.success;
    (rbac.report as Json).summary = misconfigSummary(0, -2, 0, 0);
    await refused('rbac', rbac, [
      /report\.checks\[0\]\.success: Required value/,
      /report\.summary\.highCount/,
    ]);

    const compliance = structuredClone(complianceReport);
    compliance.metadata = { name: 'bad-schedule' };
    compliance.spec!.cron = '0 */6 * *';
    (compliance.spec as unknown as Json).reportType = 'everything';
    (compliance.spec!.compliance.controls[0] as unknown as Json).severity = 'SEVERE';
    await refused('compliance', compliance, [
      /spec\.cron: Invalid value: "0 \*\/6 \* \*"/,
      /spec\.reportType: Unsupported value: "everything"/,
      /spec\.compliance\.controls\[0\]\.severity: Unsupported value: "SEVERE"/,
    ]);

    for (const [kind, name, namespace] of [
      ['vuln', 'negative-count', 'apps'],
      ['vuln', 'missing-fields', 'apps'],
      ['exposedsecret', 'unknown-secret-severity', 'apps'],
      ['rbacassessment', 'check-without-success', 'apps'],
    ] as const) {
      const run = await kubectl(['get', kind, name, '-n', namespace]);
      assert.match(run.stderr, /NotFound|not found/, `${kind}/${name} was stored`);
    }
    const run = await kubectl(['get', 'compliance', 'bad-schedule']);
    assert.match(run.stderr, /not found/);
  });
});
