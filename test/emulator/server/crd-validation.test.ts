/**
 * The rules of a real API server's CRD validation, checked cause by cause on the store (the kubectl-level
 * acceptance test is ../crd-validation.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, ResourceRef } from '../api.ts';
import { MemoryClusterStore } from './store.ts';

const CRD: ResourceRef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
};

type Json = Record<string, unknown>;
type Failure = {
  status: { code: number; reason: string; message: string; details?: { causes?: Array<Json> } };
};

const V = 'spec.validation.openAPIV3Schema';

function crd(schema: Json, extra: { spec?: Json; version?: Json; metadata?: Json } = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'foos.example.com', ...extra.metadata },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'foos', kind: 'Foo' },
      versions: [
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema }, ...extra.version },
      ],
      ...extra.spec,
    },
  };
}

/** A root schema with `spec` set to `spec`. */
function root(spec: Json, more: Json = {}): Json {
  return { type: 'object', properties: { spec, ...more } };
}

function failure(fn: () => unknown): Failure['status'] {
  try {
    fn();
  } catch (error) {
    return (error as Failure).status;
  }
  assert.fail('expected the write to be refused');
}

/** The causes of a refused create, as `field: message`. */
function causes(object: KubeObject, store = new MemoryClusterStore()): string[] {
  const status = failure(() => store.create(CRD, object));
  assert.equal(status.code, 422, status.message);
  assert.equal(status.reason, 'Invalid');
  return (status.details?.causes ?? []).map((c) => `${String(c.field)}: ${String(c.message)}`);
}

function accepted(object: KubeObject, store = new MemoryClusterStore()): KubeObject {
  return store.create(CRD, object);
}

describe('CRD names, group, scope and versions', () => {
  it('checks the name, group, scope and names like a real server', () => {
    const object = crd(root({ type: 'object' }), {
      metadata: { name: 'wrong.example' },
      spec: {
        group: 'example',
        scope: '',
        names: { plural: 'Foos', kind: 'Foo', listKind: 'Foo', shortNames: ['f_o'], categories: ['all'] },
      },
    });
    assert.deepEqual(causes(object), [
      'metadata.name: Invalid value: "wrong.example": must be spec.names.plural+"."+spec.group',
      'spec.group: Invalid value: "example": should be a domain with at least one dot',
      'spec.scope: Required value',
      `spec.names.plural: Invalid value: "Foos": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
      `spec.names.shortNames[0]: Invalid value: "f_o": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
      'spec.names.listKind: Invalid value: "Foo": kind and listKind may not be the same',
    ]);
  });

  it('refuses an unknown scope and a missing kind', () => {
    const object = crd(root({ type: 'object' }), { spec: { scope: 'Global', names: { plural: 'foos' } } });
    assert.deepEqual(causes(object), [
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
      'spec.names.singular: Required value',
      'spec.names.kind: Required value',
      'spec.names.listKind: Required value',
    ]);
  });

  it('needs exactly one storage version, unique DNS-1035 names, and schemas', () => {
    const object = crd(root({ type: 'object' }), {
      spec: {
        versions: [
          { name: 'V1', served: true, storage: false, deprecationWarning: 'old' },
          { name: 'V1', served: true, storage: false },
        ],
      },
    });
    const label = `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`;
    const dump = (warning: string) =>
      `apiextensions.CustomResourceDefinitionVersion{Name:"V1", Served:true, Storage:false, Deprecated:false, DeprecationWarning:${warning}, Schema:(*apiextensions.CustomResourceValidation)(nil), Subresources:(*apiextensions.CustomResourceSubresources)(nil), AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition(nil), SelectableFields:[]apiextensions.SelectableField(nil)}`;
    const found = causes(object).map((c) => c.replace(/\(\*string\)\(0xc[0-9a-f]+\)/, '(*string)(0xADDR)'));
    const versions = `[]apiextensions.CustomResourceDefinitionVersion{${dump('(*string)(0xADDR)')}, ${dump('(*string)(nil)')}}`;
    assert.deepEqual(found, [
      'spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required',
      'spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required',
      `spec.versions[0].name: Invalid value: "V1": ${label}`,
      'spec.versions[0].deprecationWarning: Invalid value: "old": can only be set for deprecated versions',
      `spec.versions[1].name: Invalid value: "V1": ${label}`,
      `spec.versions: Invalid value: ${versions}: must contain unique version names`,
      `spec.versions: Invalid value: ${versions}: must have exactly one version marked as storage version`,
      `spec.version: Invalid value: "V1": ${label}`,
      'status.storedVersions: Invalid value: []string(nil): must have at least one stored version',
    ]);
  });

  it('checks printer columns and scale paths where the internal form keeps them', () => {
    const object = crd(root({ type: 'object' }), {
      version: {
        subresources: {
          scale: { specReplicasPath: '.status.replicas', statusReplicasPath: '', labelSelectorPath: 'x' },
        },
        additionalPrinterColumns: [
          { name: '', type: 'bool', jsonPath: '.spec.x' },
          { name: 'Id', type: 'string', format: 'uuid', jsonPath: 'spec.id' },
        ],
      },
    });
    assert.deepEqual(causes(object), [
      'spec.subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
      'spec.subresources.scale.statusReplicasPath: Required value',
      'spec.subresources.scale.labelSelectorPath: Invalid value: "x": must be a simple json path starting with .',
      'spec.additionalPrinterColumns[0].name: Required value',
      'spec.additionalPrinterColumns[0].type: Invalid value: "bool": must be one of boolean,date,integer,number,string',
      'spec.additionalPrinterColumns[1].format: Invalid value: "uuid": must be one of byte,date,date-time,double,float,int32,int64,password',
      'spec.additionalPrinterColumns[1].JSONPath: Invalid value: "spec.id": must be a simple json path starting with .',
    ]);
  });

  it('checks the conversion strategy and its webhook', () => {
    const webhook = crd(root({ type: 'object' }), { spec: { conversion: { strategy: 'Webhook' } } });
    assert.deepEqual(causes(webhook), [
      'spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook',
      'spec.conversion.conversionReviewVersions: Required value',
    ]);
    const none = crd(root({ type: 'object' }), {
      spec: {
        conversion: {
          strategy: 'None',
          webhook: { clientConfig: { url: 'https://x' }, conversionReviewVersions: ['v1'] },
        },
      },
    });
    assert.deepEqual(causes(none), [
      'spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook',
      'spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook',
    ]);
    const magic = crd(root({ type: 'object' }), { spec: { conversion: { strategy: 'Magic' } } });
    assert.deepEqual(causes(magic), [
      'spec.conversion.strategy: Unsupported value: "Magic": supported values: "None", "Webhook"',
    ]);
    const preserved = crd(root({ type: 'object' }), { spec: { preserveUnknownFields: true } });
    assert.deepEqual(causes(preserved), [
      'spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
    ]);
  });

  it('needs the API-approval annotation for k8s.io and kubernetes.io groups', () => {
    const protectedCrd = (annotations: Record<string, string> = {}) =>
      crd(root({ type: 'object' }), {
        metadata: { name: 'foos.x.k8s.io', annotations },
        spec: { group: 'x.k8s.io' },
      });
    assert.deepEqual(causes(protectedCrd()), [
      'metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
    ]);
    assert.deepEqual(causes(protectedCrd({ 'api-approved.kubernetes.io': 'yes' })), [
      'metadata.annotations[api-approved.kubernetes.io]: Invalid value: "yes": protected groups must have approval annotation "api-approved.kubernetes.io" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111',
    ]);
    accepted(protectedCrd({ 'api-approved.kubernetes.io': 'unapproved, testing only' }));
    accepted(
      protectedCrd({ 'api-approved.kubernetes.io': 'https://github.com/kubernetes/enhancements/pull/1111' }),
    );
  });

  it('stores the v1 defaults, and refreshes storedVersions and acceptedNames on update', () => {
    const store = new MemoryClusterStore();
    const created = accepted(crd(root({ type: 'object' })), store);
    const spec = created.spec as { names: Json; conversion: Json };
    assert.deepEqual(spec.names, { plural: 'foos', kind: 'Foo', singular: 'foo', listKind: 'FooList' });
    assert.deepEqual(spec.conversion, { strategy: 'None' });
    const next = structuredClone(created);
    const nextSpec = next.spec as { versions: Json[]; names: Json };
    nextSpec.versions = [
      { ...nextSpec.versions[0], storage: false },
      { name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: root({ type: 'object' }) } },
    ];
    nextSpec.names = { ...nextSpec.names, shortNames: ['fo'] };
    const updated = store.update(CRD, next);
    const status = updated.status as { storedVersions: string[]; acceptedNames: Json };
    assert.deepEqual(status.storedVersions, ['v1', 'v2']);
    assert.deepEqual(status.acceptedNames, { ...nextSpec.names });
  });

  it('keeps group, plural, scope and kind immutable', () => {
    const store = new MemoryClusterStore();
    const created = accepted(crd(root({ type: 'object' })), store);
    const next = structuredClone(created);
    const spec = next.spec as { group: string; scope: string; names: Json };
    spec.scope = 'Cluster';
    spec.names = { ...spec.names, kind: 'Bar', listKind: 'BarList' };
    const status = failure(() => store.update(CRD, next));
    assert.equal(status.code, 422);
    assert.deepEqual(
      (status.details?.causes ?? []).map((c) => `${String(c.field)}: ${String(c.message)}`),
      [
        'spec.scope: Invalid value: "Cluster": field is immutable',
        'spec.names.kind: Invalid value: "Bar": field is immutable',
      ],
    );
    assert.equal(
      (store.get(CRD, undefined, 'foos.example.com')!.spec as { scope: string }).scope,
      'Namespaced',
    );
  });
});

describe('CRD schema: OpenAPI rules', () => {
  it('refuses keywords Kubernetes does not support', () => {
    const object = crd(
      root({
        type: 'object',
        properties: {
          a: { type: 'string', id: 'x' },
          b: { type: 'object', patternProperties: { '^x': { type: 'string' } } },
          c: { type: 'array', items: [{ type: 'string' }] },
          d: { type: 'array', items: { type: 'string' }, uniqueItems: true },
          e: { type: 'null' },
        },
      }),
    );
    // None of these can be read as a structural schema, so only the OpenAPI rules speak.
    assert.deepEqual(causes(object), [
      `${V}.properties[spec].properties[a].id: Forbidden: id is not supported`,
      `${V}.properties[spec].properties[b].patternProperties: Forbidden: patternProperties is not supported`,
      `${V}.properties[spec].properties[c].items: Forbidden: items must be a schema object and not an array`,
      `${V}.properties[spec].properties[d].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
      `${V}.properties[spec].properties[e].type: Unsupported value: "null": supported values: "array", "boolean", "integer", "number", "object", "string"`,
      `${V}.properties[spec].properties[e].type: Forbidden: type cannot be set to null, use nullable as an alternative`,
    ]);
  });

  it('shows why a schema is not structural only when nothing else is wrong', () => {
    assert.deepEqual(
      causes(crd({ $schema: 'http://json-schema.org/draft-04/schema#', ...root({ type: 'object' }) })),
      [`${V}: Invalid value: "": OpenAPIV3Schema 'schema' is not supported`],
    );
    // x-kubernetes-preserve-unknown-fields: false stops the structural checks: the untyped node goes unreported.
    const object = crd(
      root({ properties: { a: { type: 'string', 'x-kubernetes-preserve-unknown-fields': false } } }),
    );
    assert.deepEqual(causes(object), [
      `${V}.properties[spec].properties[a].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`,
    ]);
  });

  it('forbids a nullable root and, with a status subresource, root fields other than the allowed ones', () => {
    assert.deepEqual(causes(crd({ ...root({ type: 'object' }), nullable: true })), [
      `${V}.nullable: Forbidden: nullable cannot be true at the root`,
    ]);
    const withStatus = crd(
      { ...root({ type: 'object' }), minProperties: 1 },
      { version: { subresources: { status: {} } } },
    );
    const found = causes(withStatus);
    assert.equal(found.length, 1);
    assert.match(
      found[0]!,
      /^spec\.validation\.openAPIV3Schema: Invalid value: apiextensions\.JSONSchemaProps\{.*\}: only \[Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations\] fields are allowed at the root of the schema if the status subresource is enabled$/,
    );
  });

  it('checks list and map types', () => {
    const object = crd(
      root({
        type: 'object',
        properties: {
          a: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            items: { type: 'object', properties: { k: { type: 'string' } } },
          },
          b: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['k', 'missing'],
            items: { type: 'object', properties: { k: { type: 'string' } } },
          },
          c: { type: 'string', 'x-kubernetes-map-type': 'weird' },
          d: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'object', properties: {} } },
        },
      }),
    );
    assert.deepEqual(causes(object), [
      `${V}.properties[spec].properties[a].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
      `${V}.properties[spec].properties[b].x-kubernetes-list-map-keys: Invalid value: []string{"k", "missing"}: entries must all be names of item properties`,
      `${V}.properties[spec].properties[b].items.properties[k].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
      `${V}.properties[spec].properties[c].type: Invalid value: "string": must be object if x-kubernetes-map-type is specified`,
      `${V}.properties[spec].properties[c].x-kubernetes-map-type: Unsupported value: "weird": supported values: "atomic", "granular"`,
      `${V}.properties[spec].properties[d].items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set`,
    ]);
  });

  it('checks the shape of x-kubernetes-validations rules', () => {
    const object = crd(
      root({
        type: 'object',
        properties: { a: { type: 'string' } },
        'x-kubernetes-validations': [
          { rule: ' ' },
          { rule: 'self.a ==\n"x"' },
          { rule: 'true', reason: 'FieldValueBad' },
          { rule: 'true', fieldPath: '.b' },
          { rule: 'true', fieldPath: '.a' },
        ],
      }),
    );
    const at = `${V}.properties[spec].x-kubernetes-validations`;
    assert.deepEqual(causes(object), [
      `${at}[0].rule: Required value: rule is not specified`,
      `${at}[1].message: Required value: message must be specified if rule contains line breaks`,
      `${at}[2].reason: Unsupported value: "FieldValueBad": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`,
      `${at}[3].fieldPath: Invalid value: ".b": fieldPath must be a valid path`,
    ]);
  });
});

describe('CRD schema: structural rules', () => {
  it('keeps anyOf, allOf, oneOf and not to value validations', () => {
    const object = crd(
      root({
        type: 'object',
        properties: { a: { type: 'string' } },
        anyOf: [{ type: 'object', properties: { a: { description: 'x', nullable: true } } }],
        not: { properties: { metadata: { maxProperties: 1 } } },
      }),
    );
    assert.deepEqual(causes(object), [
      `${V}.properties[spec].anyOf[0].properties[a].description: Forbidden: must be empty to be structural`,
      `${V}.properties[spec].anyOf[0].properties[a].nullable: Forbidden: must be false to be structural`,
      `${V}.properties[spec].anyOf[0].type: Forbidden: must be empty to be structural`,
      `${V}.properties[spec].not.properties[metadata]: Forbidden: must not be specified in a nested context`,
    ]);
  });

  it('requires what the root restricts in anyOf to be declared', () => {
    const object = crd({
      ...root({ type: 'object' }),
      anyOf: [{ required: ['spec'] }, { properties: { extra: { minLength: 1 } } }],
    });
    assert.deepEqual(causes(object), [
      `${V}.properties[extra]: Required value: because it is defined in ${V}.anyOf[1].properties[extra]`,
    ]);
  });

  it('checks the root, embedded resources and int-or-string', () => {
    assert.deepEqual(causes(crd({ type: 'string' })), [
      `${V}.type: Invalid value: "string": must be object at the root`,
    ]);
    const object = crd({
      type: 'object',
      additionalProperties: { type: 'string' },
      properties: {
        kind: { type: 'integer' },
        port: { 'x-kubernetes-int-or-string': true, 'x-kubernetes-preserve-unknown-fields': true },
        inner: { 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        pod: { type: 'object', 'x-kubernetes-embedded-resource': true },
      },
    });
    assert.deepEqual(causes(object), [
      `${V}.additionalProperties: Forbidden: must not be used at the root`,
      `${V}.properties[inner].type: Required value: must be object if x-kubernetes-embedded-resource is true`,
      `${V}.properties[kind].type: Invalid value: "integer": must be string`,
      `${V}.properties[pod].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
      `${V}.properties[port].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true`,
      `${V}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
    ]);
  });

  it('checks patterns with Go regular expressions (RE2)', () => {
    const object = crd(
      root({
        type: 'object',
        properties: { a: { type: 'string', pattern: '^(?!x)' }, b: { type: 'string', pattern: '(?P<n>x)' } },
      }),
    );
    assert.deepEqual(causes(object), [
      `${V}.properties[spec].properties[a].pattern: Invalid value: "^(?!x)": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: \`(?!\``,
    ]);
  });
});

describe('CRD schema: defaults', () => {
  it('validates defaults against their schema once the schema is structural', () => {
    const object = crd(
      root({
        type: 'object',
        properties: {
          size: { type: 'integer', minimum: 1, default: 0 },
          mode: { type: 'string', enum: ['a', 'b'], default: 'c' },
          name: { type: 'string', default: 5 },
          nested: { type: 'object', properties: { a: { type: 'string' } }, default: { a: 'x', b: 1 } },
          holder: {
            type: 'object',
            properties: {
              list: {
                type: 'array',
                items: { type: 'object', required: ['k'], properties: { k: { type: 'string' } } },
              },
            },
            default: { list: [{}] },
          },
        },
      }),
    );
    const at = `${V}.properties[spec].properties`;
    assert.deepEqual(causes(object), [
      `${at}[size].default: Invalid value: 0:  in body should be greater than or equal to 1`,
      `${at}[mode].default: Unsupported value: "c": supported values: "a", "b"`,
      `${at}[name].default: Invalid value: "integer":  in body must be of type string: "integer"`,
      `${at}[nested].default: Invalid value: map[string]interface {}{"a":"x", "b":1}: must not have unknown fields`,
      `${at}[holder].default.list[0].k: Required value`,
    ]);
  });

  it('forbids defaults in the root metadata and with preserveUnknownFields', () => {
    const object = crd({
      type: 'object',
      properties: {
        metadata: { type: 'object', default: { name: 'x' } },
        spec: { type: 'object', default: {} },
      },
    });
    assert.deepEqual(causes(object), [
      `${V}.properties[metadata].default: Forbidden: must not be set in top-level metadata`,
    ]);
    const preserved = crd(root({ type: 'object', default: {} }), { spec: { preserveUnknownFields: true } });
    assert.deepEqual(causes(preserved), [
      'spec.preserveUnknownFields: Invalid value: true: must be false in order to use defaults in the schema',
      'spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
    ]);
  });
});

describe('CRD decoding', () => {
  const decoding = (object: KubeObject): string => {
    const status = failure(() => new MemoryClusterStore().create(CRD, object));
    assert.equal(status.code, 400);
    assert.equal(status.reason, 'BadRequest');
    return status.message;
  };
  const prefix = 'CustomResourceDefinition in version "v1" cannot be handled as a CustomResourceDefinition: ';

  it('refuses wrongly typed fields with the Go decoder error', () => {
    assert.equal(
      decoding(crd(root({ type: 'object', required: 'a' }))),
      `${prefix}json: cannot unmarshal string into Go struct field JSONSchemaProps.spec.versions.schema.openAPIV3Schema.properties.required of type []string`,
    );
    assert.equal(
      decoding(crd(root({ type: 'string', maxLength: 1.5 }))),
      `${prefix}json: cannot unmarshal number 1.5 into Go struct field JSONSchemaProps.spec.versions.schema.openAPIV3Schema.properties.maxLength of type int64`,
    );
    assert.equal(
      decoding(crd(root({ type: 'object' }), { version: { served: 'yes' } })),
      `${prefix}json: cannot unmarshal string into Go struct field CustomResourceDefinitionVersion.spec.versions.served of type bool`,
    );
    assert.equal(
      decoding(crd(root({ type: 'object', additionalProperties: 'yes' }))),
      `${prefix}boolean or JSON schema expected`,
    );
  });

  it('reports unknown fields for strict validation, except below items and additionalProperties, and stores none', () => {
    const store = new MemoryClusterStore();
    const object = crd(
      root({
        type: 'object',
        typo: 1,
        properties: { list: { type: 'array', items: { type: 'string', hidden: 1 } } },
      }),
      { spec: { extra: true } },
    );
    assert.deepEqual(store.unknownFields(CRD, object), [
      'spec.versions[0].schema.openAPIV3Schema.properties.spec.typo',
      'spec.extra',
    ]);
    const stored = store.create(CRD, object);
    const spec = stored.spec as Json & {
      versions: Array<{ schema: { openAPIV3Schema: { properties: { spec: Json } } } }>;
    };
    assert.equal(spec.extra, undefined);
    assert.deepEqual(spec.versions[0]!.schema.openAPIV3Schema.properties.spec, {
      type: 'object',
      properties: { list: { type: 'array', items: { type: 'string' } } },
    });
  });
});
