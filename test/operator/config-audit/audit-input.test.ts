import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject as KubeObject } from '@kubernetes/client-node';
import type { KubernetesObject } from '../../../src/checks/types.ts';
import {
  auditDocument,
  auditDocumentHash,
  LAST_APPLIED_ANNOTATION,
} from '../../../src/operator/config-audit/audit-input.ts';
import { cachedResource } from '../../../src/operator/config-audit/audited-resources.ts';
import { builtin } from '../../../src/operator/kube/resource-types.ts';

const service = (
  extra: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
): KubernetesObject => ({
  metadata: {
    name: 'front',
    namespace: 'web',
    uid: 'u-1',
    resourceVersion: '10',
    generation: 1,
    creationTimestamp: '2026-01-01T00:00:00Z',
    managedFields: [{ manager: 'kubectl' }],
    labels: { app: 'front' },
    ...metadata,
  },
  spec: { selector: { app: 'front' }, ports: [{ port: 80 }] },
  ...extra,
});

const hashOf = (object: KubernetesObject, kind = 'Service') =>
  auditDocumentHash(auditDocument(object, kind, 'v1'));

describe('auditDocument and its hash', () => {
  it('leaves out status, resourceVersion, uid, generation, timestamps and managed fields', () => {
    const document = auditDocument(service({ status: { loadBalancer: {} } }), 'Service', 'v1');
    assert.deepEqual(document, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'front', namespace: 'web', labels: { app: 'front' } },
      spec: { selector: { app: 'front' }, ports: [{ port: 80 }] },
    });
  });

  it('does not change with status or resourceVersion churn (upstream gap #10)', () => {
    const base = hashOf(service());
    assert.equal(hashOf(service({ status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } } })), base);
    assert.equal(hashOf(service({}, { resourceVersion: '99', generation: 7, managedFields: [] })), base);
  });

  it('changes with the spec, labels or annotations (what checks can read)', () => {
    const base = hashOf(service());
    assert.notEqual(hashOf(service({ spec: { externalIPs: ['192.0.2.2'] } })), base);
    assert.notEqual(hashOf(service({}, { labels: { app: 'other' } })), base);
    assert.notEqual(hashOf(service({}, { annotations: { team: 'a' } })), base);
  });

  it('evaluates the live object under the apiVersion the user applied', () => {
    const applied = { apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'x' }, spec: {} };
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'x',
        annotations: { [LAST_APPLIED_ANNOTATION]: JSON.stringify(applied), keep: 'me' },
      },
      spec: { replicas: 2, template: { spec: { hostNetwork: true } } },
    };
    const document = auditDocument(live, 'Deployment', 'apps/v1');
    assert.equal(document.apiVersion, 'apps/v1beta1');
    // The live spec, not the stale applied one; the (large) annotation itself is not kept.
    assert.deepEqual(document.spec, live.spec);
    assert.deepEqual(document.metadata?.annotations, { keep: 'me' });
  });

  it('ignores a last-applied configuration that is not JSON or describes another kind', () => {
    const broken = { metadata: { name: 'x', annotations: { [LAST_APPLIED_ANNOTATION]: '{not json' } } };
    assert.equal(
      auditDocument(broken, 'Role', 'rbac.authorization.k8s.io/v1').apiVersion,
      'rbac.authorization.k8s.io/v1',
    );
    const other = {
      metadata: { name: 'x', annotations: { [LAST_APPLIED_ANNOTATION]: '{"apiVersion":"v9","kind":"Pod"}' } },
    };
    assert.equal(
      auditDocument(other, 'Role', 'rbac.authorization.k8s.io/v1').apiVersion,
      'rbac.authorization.k8s.io/v1',
    );
  });

  it("ignores a Deployment's replica bookkeeping on its ReplicaSets, not on other owners' objects", () => {
    const replicaSet = (replicas: number, revision: string, owner = 'Deployment'): KubernetesObject => ({
      metadata: {
        name: 'web-1',
        namespace: 'default',
        annotations: {
          'deployment.kubernetes.io/revision': revision,
          'deployment.kubernetes.io/desired-replicas': String(replicas),
        },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: owner, name: 'web', uid: 'd', controller: true }],
      },
      spec: { replicas, template: { spec: { containers: [{ name: 'a', image: 'a:1' }] } } },
    });
    const hash = (object: KubernetesObject) =>
      auditDocumentHash(auditDocument(object, 'ReplicaSet', 'apps/v1'));
    assert.equal(hash(replicaSet(1, '1')), hash(replicaSet(5, '3')));
    assert.notEqual(hash(replicaSet(1, '1', 'Operator')), hash(replicaSet(5, '1', 'Operator')));
  });

  it('keeps no ConfigMap data (nor any last-applied copy of it) in the cached form', () => {
    const configMap = {
      metadata: {
        name: 'settings',
        namespace: 'web',
        uid: 'u',
        resourceVersion: '1',
        annotations: { [LAST_APPLIED_ANNOTATION]: JSON.stringify({ data: { big: 'x'.repeat(10_000) } }) },
      },
      data: { big: 'x'.repeat(10_000), password: 'hunter2' },
    };
    const cached = cachedResource(configMap, builtin.configMap);
    assert.ok(JSON.stringify(cached).length < 500, JSON.stringify(cached));
    assert.equal(cached.document, undefined);
    const changed = cachedResource(
      { ...configMap, data: { ...configMap.data, password: 'other' } } as KubeObject,
      builtin.configMap,
    );
    assert.notEqual(changed.documentHash, cached.documentHash, 'a data change still changes the hash');
    const role = cachedResource(
      {
        metadata: { name: 'r', namespace: 'web', uid: 'u', resourceVersion: '1' },
        rules: [{ verbs: ['get'] }],
      } as never,
      builtin.role,
    );
    assert.deepEqual(role.document?.rules, [{ verbs: ['get'] }]);
  });
});
