import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateObject, failedChecks, isApplicable } from '../../src/checks/evaluate.ts';
import { findCheck } from '../../src/checks/registry.ts';
import type { Check } from '../../src/checks/types.ts';
import { workloadChecks } from '../../src/checks/workload/index.ts';
import { rbacChecks } from '../../src/checks/rbac/index.ts';
import { container, podSpec, replicaSet } from './workload/fixtures.ts';

function check(id: string): Check {
  const found = findCheck(id);
  assert.ok(found, id);
  return found;
}

describe('isApplicable', () => {
  it('matches kinds case-insensitively and runs selector-less checks on everything', () => {
    assert.equal(isApplicable(check('KSV-0001'), { kind: 'replicaset' }), true);
    assert.equal(isApplicable(check('KSV-0001'), { kind: 'ConfigMap' }), false);
    assert.equal(isApplicable(check('KSV-0001'), {}), false);
    assert.equal(isApplicable(check('KSV-0109'), { kind: 'configmap' }), true);
    assert.equal(isApplicable(check('KSV-0107'), { kind: 'Anything' }), true);
    assert.equal(isApplicable(check('KSV-0107'), {}), true);
  });
});

describe('evaluateObject', () => {
  it('records a PASS for each applicable check that finds nothing and a FAIL with messages otherwise', () => {
    const results = evaluateObject(replicaSet(podSpec({ hostPID: true })), { checks: workloadChecks });
    const byId = new Map(results.map((result) => [result.check.id, result]));
    assert.deepEqual(byId.get('KSV-0010'), {
      check: check('KSV-0010'),
      success: false,
      messages: ["ReplicaSet 'web' should not set 'spec.template.spec.hostPID' to true"],
    });
    assert.deepEqual(byId.get('KSV-0001'), { check: check('KSV-0001'), success: true, messages: [] });
    assert.equal(byId.has('KSV-0109'), false, 'ConfigMap check does not apply to a ReplicaSet');
    assert.equal(byId.has('KSV-0039'), false, 'LimitRange check does not apply to a ReplicaSet');
    assert.ok(byId.has('KSV-0107'), 'selector-less checks apply');
    const applicable = workloadChecks.filter(
      (c) => c.deprecated !== true && isApplicable(c, { kind: 'ReplicaSet' }),
    );
    assert.equal(results.length, applicable.length);
  });

  it('leaves deprecated checks out unless asked for', () => {
    const object = replicaSet(podSpec({}, [container({ image: 'nginx' })]));
    const ids = (includeDeprecated: boolean) =>
      evaluateObject(object, { checks: workloadChecks, includeDeprecated }).map((result) => result.check.id);
    for (const id of ['KSV-0032', 'KSV-0033', 'KSV-0034', 'KSV-0035']) {
      assert.equal(ids(false).includes(id), false, id);
      assert.equal(ids(true).includes(id), true, id);
    }
  });

  it('collapses identical messages from one check into one', () => {
    const duplicate: Check = {
      ...check('KSV-0001'),
      evaluate: () => [{ message: 'same' }, { message: 'other' }, { message: 'same' }],
    };
    assert.deepEqual(evaluateObject(replicaSet(), { checks: [duplicate] }), [
      { check: duplicate, success: false, messages: ['same', 'other'] },
    ]);
  });

  it('passes the cluster version to the checks that need it', () => {
    const cronJob = {
      apiVersion: 'batch/v1beta1',
      kind: 'CronJob',
      metadata: { name: 'c', namespace: 'apps' },
    };
    const fails = (clusterVersion?: string) =>
      failedChecks(cronJob, {
        checks: [check('KSV-0107')],
        context: clusterVersion ? { clusterVersion } : {},
      }).length;
    assert.equal(fails(), 1);
    assert.equal(fails('1.20.0'), 0);
    assert.equal(fails('1.25.0'), 1);
  });

  it('runs every registered check by default (workload and RBAC alike)', () => {
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'r', namespace: 'apps' },
    };
    const ids = evaluateObject(role).map((result) => result.check.id);
    assert.ok(ids.includes('KSV-0107'), 'selector-less workload check');
    assert.equal(ids.includes('KSV-0001'), false);
    assert.deepEqual(
      evaluateObject(role, { checks: rbacChecks }).map((result) => result.check.id),
      ids.filter((id) => rbacChecks.some((c) => c.id === id)),
    );
  });
});
