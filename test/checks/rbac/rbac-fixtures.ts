import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Check, CheckContext, KubernetesObject } from '../../../src/checks/types.ts';

export interface Rule {
  apiGroups?: unknown[];
  resources?: unknown[];
  verbs?: unknown[];
  resourceNames?: unknown[];
  nonResourceURLs?: unknown[];
}

export function clusterRole(name: string, rules: Rule[]): KubernetesObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules };
}

export function role(name: string, rules: Rule[], namespace?: string): KubernetesObject {
  const metadata = namespace === undefined ? { name } : { name, namespace };
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata, rules };
}

export function binding(
  kind: string,
  name: string,
  roleRefName: string,
  subjects: { kind: string; name: string }[],
): KubernetesObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name, namespace: 'apps' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleRefName },
    subjects: subjects.map((subject) => ({ apiGroup: 'rbac.authorization.k8s.io', ...subject })),
  };
}

export interface CheckCase {
  name: string;
  object: KubernetesObject;
  context?: CheckContext;
  /** Exact messages expected, in order; empty = the check passes. */
  messages: string[];
}

/** Runs a table of cases against one check, asserting the exact findings of each. */
export function describeCheck(check: Check, cases: CheckCase[]): void {
  describe(`${check.id} ${check.title}`, () => {
    assert.ok(cases.some((c) => c.messages.length > 0) && cases.some((c) => c.messages.length === 0));
    for (const testCase of cases) {
      it(testCase.name, () => {
        const findings = check.evaluate(testCase.object, testCase.context ?? {});
        assert.deepEqual(
          findings.map((finding) => finding.message),
          testCase.messages,
        );
      });
    }
  });
}
