/**
 * CRD validation as a real API server does it, seen through real kubectl: CRDs a real cluster refuses are refused
 * with 422 and the real causes, on create and on update, and nothing is stored; decoding errors and unknown fields
 * are refused with 400 under kubectl's strict field validation.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startEmulator } from './index.ts';
import type { Emulator } from './index.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

type Json = Record<string, unknown>;

/** A namespaced CRD `<plural>.example.com` with one version per schema given. */
function crd(plural: string, ...schemas: Json[]): Json {
  const kind = plural[0]!.toUpperCase() + plural.slice(1, -1);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.example.com` },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural, kind },
      versions: schemas.map((schema, i) => ({
        name: `v${i + 1}`,
        served: true,
        storage: i === schemas.length - 1,
        schema: { openAPIV3Schema: schema },
      })),
    },
  };
}

/** A root schema whose `spec` property is `spec`. */
function withSpec(spec: Json, root: Json = {}): Json {
  return { type: 'object', ...root, properties: { spec, ...(root.properties as Json | undefined) } };
}

/** The lines kubectl prints for a 422 with these causes. */
function invalidOutput(name: string, causes: string[]): string {
  if (causes.length === 1) return `The CustomResourceDefinition "${name}" is invalid: ${causes[0]}`;
  return `The CustomResourceDefinition "${name}" is invalid: \n${causes.map((c) => `* ${c}`).join('\n')}`;
}

describe('CRD validation with real kubectl', () => {
  let emulator: Emulator;
  let dir: string;

  const kubectl = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        'kubectl',
        args,
        {
          env: { ...process.env, KUBECONFIG: emulator.kubeconfigPath, KUBECACHEDIR: join(dir, 'cache') },
          timeout: 30000,
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

  const manifest = async (name: string, object: Json): Promise<string> => {
    const path = join(dir, `${name}.yaml`);
    await writeFile(path, stringify(object));
    return path;
  };

  /** `kubectl apply` that must fail with `status` for every write it makes; returns what kubectl printed. */
  const refused = async (object: Json, status: string): Promise<string> => {
    const name = (object.metadata as { name: string }).name;
    const path = await manifest(name, object);
    const verbose = await kubectl(['apply', '-v=6', '-f', path]);
    assert.notEqual(verbose.code, 0, `kubectl apply of ${name} succeeded`);
    const writes = verbose.stderr
      .split('\n')
      .filter((l) => l.includes('round_trippers.go') && / (POST|PATCH|PUT) https:/.test(l));
    assert.ok(
      writes.length > 0 && writes.every((l) => l.includes(` ${status} `)),
      `expected ${status} for every write: ${writes.join('\n')}`,
    );
    const run = await kubectl(['apply', '-f', path]);
    assert.notEqual(run.code, 0);
    return run.stderr.trim();
  };

  const absent = async (name: string) => {
    const run = await kubectl(['get', 'crd', name]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /NotFound/);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'emulator-crd-validation-'));
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  const FIELD = 'spec.validation.openAPIV3Schema';
  const cases: Array<[string, Json, string[]]> = [
    [
      'a node with properties but no type',
      crd('untyped', withSpec({ properties: { size: { type: 'integer' } } })),
      [`${FIELD}.properties[spec].type: Required value: must not be empty for specified object fields`],
    ],
    [
      'properties together with additionalProperties',
      crd(
        'mixeds',
        withSpec({
          type: 'object',
          properties: { size: { type: 'integer' } },
          additionalProperties: { type: 'string' },
        }),
      ),
      [
        `${FIELD}.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
      ],
    ],
    [
      'root metadata restricting labels',
      crd(
        'labelleds',
        withSpec(
          { type: 'object' },
          { properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } },
        ),
      ),
      [
        `${FIELD}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
      ],
    ],
    [
      'an array without items',
      crd('lists', withSpec({ type: 'object', properties: { tags: { type: 'array' } } })),
      [`${FIELD}.properties[spec].properties[tags].items: Required value: must be specified`],
    ],
    [
      'type: map',
      crd('maps', withSpec({ type: 'map', additionalProperties: { type: 'string' } })),
      [
        `${FIELD}.properties[spec].type: Unsupported value: "map": supported values: "array", "boolean", "integer", "number", "object", "string"`,
      ],
    ],
  ];

  for (const [what, object, causes] of cases) {
    it(`refuses ${what} with 422 and the real causes, and stores nothing`, async () => {
      const name = (object.metadata as { name: string }).name;
      assert.equal(await refused(object, '422 Unprocessable Entity'), invalidOutput(name, causes));
      await absent(name);
    });
  }

  it('reports every cause at once, the structural ones sorted as a real server sorts them', async () => {
    const object = crd(
      'brokens',
      withSpec(
        { properties: { tags: { type: 'array' }, count: { type: 'map' } } },
        { properties: { aa: { description: 'declared after spec, reported before it' } } },
      ),
    );
    assert.equal(
      await refused(object, '422 Unprocessable Entity'),
      invalidOutput('brokens.example.com', [
        `${FIELD}.properties[aa].type: Required value: must not be empty for specified object fields`,
        `${FIELD}.properties[spec].properties[tags].items: Required value: must be specified`,
        `${FIELD}.properties[spec].type: Required value: must not be empty for specified object fields`,
        `${FIELD}.properties[spec].properties[count].type: Unsupported value: "map": supported values: "array", "boolean", "integer", "number", "object", "string"`,
      ]),
    );
  });

  it('names the version when the versions carry different schemas', async () => {
    const good = withSpec({ type: 'object' });
    const object = crd(
      'versioneds',
      good,
      withSpec({ type: 'object', properties: { count: { type: 'map' } } }),
    );
    assert.equal(
      await refused(object, '422 Unprocessable Entity'),
      invalidOutput('versioneds.example.com', [
        'spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[count].type: Unsupported value: "map": supported values: "array", "boolean", "integer", "number", "object", "string"',
      ]),
    );
  });

  it('accepts the structural schemas a real server accepts', async () => {
    const object = crd(
      'acceptables',
      withSpec(
        {
          type: 'object',
          required: ['size'],
          properties: {
            size: { type: 'integer', minimum: 1, default: 3 },
            port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
            free: { 'x-kubernetes-preserve-unknown-fields': true },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            flexible: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: true },
            ports: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['name'],
              items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
            },
            mode: { type: 'string', enum: ['a', 'b'], default: 'a', pattern: '^[a-z]$' },
          },
          'x-kubernetes-validations': [{ rule: 'self.size < 10', message: 'too big' }],
        },
        {
          properties: {
            metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } },
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      ),
    );
    const path = await manifest('acceptables.example.com', object);
    assert.match(await ok(['apply', '-f', path]), /acceptables.example.com created/);
    assert.match(await ok(['apply', '-f', path]), /unchanged/);
    const stored = JSON.parse(await ok(['get', 'crd', 'acceptables.example.com', '-o', 'json'])) as {
      spec: { names: Json; conversion: Json };
    };
    // The v1 defaults a real server stores.
    assert.deepEqual(stored.spec.names, {
      plural: 'acceptables',
      kind: 'Acceptable',
      singular: 'acceptable',
      listKind: 'AcceptableList',
    });
    assert.deepEqual(stored.spec.conversion, { strategy: 'None' });
  });

  it('validates updates too: a broken schema or a changed scope is refused and the stored CRD stays', async () => {
    const object = crd('updateds', withSpec({ type: 'object', properties: { size: { type: 'integer' } } }));
    const path = await manifest('updateds.example.com', object);
    assert.match(await ok(['apply', '-f', path]), /created/);
    const before = await ok(['get', 'crd', 'updateds.example.com', '-o', 'json']);

    const broken = structuredClone(object);
    const schema = (broken.spec as { versions: Array<{ schema: { openAPIV3Schema: Json } }> }).versions[0]!
      .schema;
    schema.openAPIV3Schema = withSpec({
      type: 'object',
      properties: { size: { type: 'integer' }, tags: { type: 'array' } },
    });
    assert.equal(
      await refused(broken, '422 Unprocessable Entity'),
      invalidOutput('updateds.example.com', [
        `${FIELD}.properties[spec].properties[tags].items: Required value: must be specified`,
      ]),
    );

    const rescoped = structuredClone(object);
    (rescoped.spec as Json).scope = 'Cluster';
    assert.equal(
      await refused(rescoped, '422 Unprocessable Entity'),
      invalidOutput('updateds.example.com', ['spec.scope: Invalid value: "Cluster": field is immutable']),
    );
    assert.equal(await ok(['get', 'crd', 'updateds.example.com', '-o', 'json']), before);
  });

  it('keeps a previous storage version in storedVersions and refuses to drop it from spec.versions', async () => {
    const schema = withSpec({ type: 'object' });
    const first = crd('migrateds', schema);
    await ok(['apply', '-f', await manifest('migrateds.example.com', first)]);
    const second = crd('migrateds', schema, schema);
    await ok(['apply', '-f', await manifest('migrateds.example.com', second)]);
    assert.equal(
      await ok(['get', 'crd', 'migrateds.example.com', '-o', 'jsonpath={.status.storedVersions}']),
      '["v1","v2"]',
    );
    const dropped = structuredClone(second);
    const spec = dropped.spec as { versions: Json[] };
    spec.versions = spec.versions.slice(1);
    assert.equal(
      await refused(dropped, '422 Unprocessable Entity'),
      invalidOutput('migrateds.example.com', [
        'status.storedVersions[0]: Invalid value: "v1": missing from spec.versions; v1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1 and removes v1 from status.storedVersions',
      ]),
    );
  });

  it('refuses a wrongly typed field with the decoder error, and unknown fields under strict validation', async () => {
    const typed = crd('typeds', withSpec({ type: 'object', properties: { size: { type: 5 } } }));
    assert.equal(
      await refused(typed, '400 Bad Request'),
      'Error from server (BadRequest): error when creating "' +
        join(dir, 'typeds.example.com.yaml') +
        '": CustomResourceDefinition in version "v1" cannot be handled as a CustomResourceDefinition: json: cannot unmarshal number into Go struct field JSONSchemaProps.spec.versions.schema.openAPIV3Schema.properties.properties.type of type string',
    );
    await absent('typeds.example.com');

    const unknown = crd('typos', withSpec({ type: 'object', typo: true }));
    assert.equal(
      await refused(unknown, '400 Bad Request'),
      'Error from server (BadRequest): error when creating "' +
        join(dir, 'typos.example.com.yaml') +
        '": CustomResourceDefinition in version "v1" cannot be handled as a CustomResourceDefinition: strict decoding error: unknown field "spec.versions[0].schema.openAPIV3Schema.properties.spec.typo"',
    );
    await absent('typos.example.com');

    // With --validate=warn the field is reported and not stored, as a real server does.
    const run = await kubectl(['apply', '--validate=warn', '-f', join(dir, 'typos.example.com.yaml')]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /Warning: unknown field "spec.versions\[0\].schema.openAPIV3Schema.properties.spec.typo"/,
    );
    assert.equal(
      await ok([
        'get',
        'crd',
        'typos.example.com',
        '-o',
        'jsonpath={.spec.versions[0].schema.openAPIV3Schema.properties.spec}',
      ]),
      '{"type":"object"}',
    );
  });
});
