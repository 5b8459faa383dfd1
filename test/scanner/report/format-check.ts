/**
 * Test helpers shared by the SARIF, CycloneDX and SPDX tests: validation against the official schemas committed under
 * test/fixtures/schemas/, and golden-file comparison (`UPDATE_GOLDEN=1` rewrites the golden files).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';

// CommonJS packages: their default export is the module object's `default` when imported from ESM.
const AjvDraft04 = ajvDraft04.default;
const addFormats = ajvFormats.default;
const addDraft2019Formats = createRequire(import.meta.url)('ajv-formats-draft2019') as (
  ajv: Ajv,
  options: { formats: string[] },
) => Ajv;

const schemaDir = new URL('../../fixtures/schemas/', import.meta.url);
const goldenDir = new URL('./golden/', import.meta.url);

function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, schemaDir), 'utf8')) as Record<string, unknown>;
}

export type SchemaName = 'sarif' | 'cyclonedx' | 'spdx';

const validators = new Map<SchemaName, ValidateFunction>();

function compile(name: SchemaName): ValidateFunction {
  if (name === 'sarif') {
    // SARIF 2.1.0 is a draft-04 schema, which Ajv 8 reads only through its draft-04 build.
    const ajv = new AjvDraft04({ strict: false, allErrors: false });
    addFormats(ajv);
    return ajv.compile(readSchema('sarif-schema-2.1.0.json'));
  }
  const ajv = new Ajv({ strict: false, allErrors: false });
  addFormats(ajv);
  if (name === 'spdx') return ajv.compile(readSchema('spdx-schema-2.3.json'));
  addDraft2019Formats(ajv, { formats: ['idn-email', 'iri-reference'] });
  // The BOM schema refers to these by names relative to its own `$id`.
  for (const file of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
    ajv.addSchema(readSchema(file), `http://cyclonedx.org/schema/${file}`);
  }
  return ajv.compile(readSchema('bom-1.6.SNAPSHOT.schema.json'));
}

/** Asserts the document is valid under the official schema, listing every violation when it is not. */
export function assertSchemaValid(name: SchemaName, document: unknown): void {
  let validate = validators.get(name);
  if (!validate) {
    validate = compile(name);
    validators.set(name, validate);
  }
  const valid = validate(document);
  assert.ok(valid, `${name} schema violations:\n${JSON.stringify(validate.errors, null, 2)}`);
}

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Replaces random UUIDs by `<uuid-N>`, numbered by first appearance, so equal UUIDs stay equal. */
export function normaliseUuids(text: string): string {
  const seen = new Map<string, string>();
  return text.replace(uuidPattern, (uuid) => {
    let label = seen.get(uuid);
    if (!label) {
      label = `<uuid-${seen.size + 1}>`;
      seen.set(uuid, label);
    }
    return label;
  });
}

/** Compares with `test/scanner/report/golden/<file>`; `UPDATE_GOLDEN=1` writes the file instead. */
export function assertGolden(file: string, actual: string): void {
  const url = new URL(file, goldenDir);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(url, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(url, 'utf8');
  } catch {
    assert.fail(`golden file ${file} is missing: run the test with UPDATE_GOLDEN=1 to create it`);
  }
  assert.equal(actual, expected, `${file} differs; if the change is intended, rerun with UPDATE_GOLDEN=1`);
}
