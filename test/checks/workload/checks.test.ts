/** Table-driven tests: every workload check against manifests that must fail (exact messages) and pass. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { workloadChecks } from '../../../src/checks/workload/index.ts';
import type { CheckCase } from './fixtures.ts';
import { capabilityCases } from './cases/capabilities.ts';
import { hostCases } from './cases/host.ts';
import { imageCases } from './cases/images.ts';
import { objectCases } from './cases/objects.ts';
import { podSecurityCases } from './cases/pod-security.ts';
import { resourceCases } from './cases/resources.ts';
import { securityContextCases } from './cases/security-context.ts';
import { volumeCases } from './cases/volumes.ts';

const allCases: CheckCase[] = [
  ...securityContextCases,
  ...capabilityCases,
  ...hostCases,
  ...volumeCases,
  ...resourceCases,
  ...imageCases,
  ...podSecurityCases,
  ...objectCases,
];

const checksById = new Map(workloadChecks.map((check) => [check.id, check]));

for (const check of workloadChecks) {
  describe(`${check.id} ${check.title}`, () => {
    const cases = allCases.filter((c) => c.check === check.id);
    it('has at least one failing and one passing manifest', () => {
      assert.ok(
        cases.some((c) => c.messages.length > 0),
        'no failing case',
      );
      assert.ok(
        cases.some((c) => c.messages.length === 0),
        'no passing case',
      );
    });
    for (const c of cases) {
      it(c.name, () => {
        const messages = check.evaluate(c.object, c.context ?? {}).map((finding) => finding.message);
        assert.deepEqual(messages, c.messages);
      });
    }
  });
}

describe('case table', () => {
  it('names only registered checks', () => {
    for (const c of allCases)
      assert.ok(checksById.has(c.check), `unknown check ${c.check} in case "${c.name}"`);
  });
});
