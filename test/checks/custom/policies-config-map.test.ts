import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  loadCustomChecks,
  parsePoliciesConfigMap,
  PoliciesConfigError,
} from '../../../src/checks/custom/index.ts';

const configMap = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: trivy-operator-policies-config
  namespace: trivy-system
data:
  policy.no_default_sa.kinds: Pod
  policy.no_default_sa.id: CUSTOM-0100
  policy.no_default_sa.title: Default service account
  policy.no_default_sa.severity: MEDIUM
  policy.no_default_sa.expression: |
    !has(object.spec.serviceAccountName) || object.spec.serviceAccountName == 'default'
  policy.no_default_sa.message: "Pod '{name}' runs as the default service account"
  policy.numeric.id: 42
  policy.nested.kinds: [Pod]
`;

describe('parsePoliciesConfigMap', () => {
  it('reads the data of the ConfigMap, taking scalars as text', () => {
    const { data, problems } = parsePoliciesConfigMap(configMap, 'policies.yaml');
    assert.equal(data['policy.no_default_sa.kinds'], 'Pod');
    assert.equal(data['policy.numeric.id'], '42');
    assert.equal(data['policy.nested.kinds'], undefined);
    assert.deepEqual(
      problems.map((problem) => problem.message),
      ['custom check "policy.nested.kinds": the value is not text'],
    );
    const { checks } = loadCustomChecks(data);
    assert.deepEqual(checks[0]?.evaluate({ kind: 'Pod', metadata: { name: 'p' }, spec: {} }, {}), [
      { message: "Pod 'p' runs as the default service account" },
    ]);
  });

  it('finds the ConfigMap among other documents', () => {
    const { data } = parsePoliciesConfigMap(`kind: Namespace\nmetadata: {name: x}\n---\n${configMap}`, 'f');
    assert.equal(data['policy.no_default_sa.id'], 'CUSTOM-0100');
  });

  it('rejects YAML errors with the line, and files without a ConfigMap', () => {
    assert.throws(
      () => parsePoliciesConfigMap('kind: ConfigMap\ndata:\n  a: [unclosed\n', 'bad.yaml'),
      (error: unknown) =>
        error instanceof PoliciesConfigError && /^bad\.yaml:\d+: not valid YAML/.test(error.message),
    );
    assert.throws(
      () => parsePoliciesConfigMap('kind: Secret\n', 'secret.yaml'),
      (error: unknown) =>
        error instanceof PoliciesConfigError && /secret\.yaml contains no ConfigMap/.test(error.message),
    );
    assert.throws(
      () => parsePoliciesConfigMap('kind: ConfigMap\ndata: [1]\n', 'list.yaml'),
      PoliciesConfigError,
    );
  });
});
