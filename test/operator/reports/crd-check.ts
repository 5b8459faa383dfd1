/**
 * Checks a report object against its CRD in deploy/helm/crds the way the API server would: prune undeclared
 * fields, then validate. Reports must pass with nothing pruned (ClusterSbomReport prunes unknown fields).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import {
  pruneAndDefault,
  validateAgainstSchema,
  type StructuralSchema,
} from '../../emulator/server/schema.ts';
import { REPORT_RESOURCES, type ReportKind } from '../../../src/operator/reports/types.ts';

function crdSchema(kind: ReportKind): StructuralSchema {
  const plural = REPORT_RESOURCES[kind].plural;
  const file = new URL(`../../../deploy/helm/crds/aquasecurity.github.io_${plural}.yaml`, import.meta.url);
  const crd = parseAllDocuments(readFileSync(file, 'utf8'))
    .map(
      (document) =>
        document.toJS() as {
          kind?: string;
          spec?: { versions: { schema: { openAPIV3Schema: StructuralSchema } }[] };
        },
    )
    .find((document) => document?.kind === 'CustomResourceDefinition');
  const schema = crd?.spec?.versions[0]?.schema.openAPIV3Schema;
  assert.ok(schema, `no schema in the ${kind} CRD`);
  return schema;
}

export function assertAcceptedByCrd(object: { kind: ReportKind }): void {
  const copy = JSON.parse(JSON.stringify(object)) as Record<string, unknown>;
  const schema = crdSchema(object.kind);
  const pruned = pruneAndDefault(copy, schema);
  assert.deepEqual(pruned, [], `the API server would prune ${pruned.join(', ')}`);
  assert.deepEqual(validateAgainstSchema(copy, schema), []);
}
