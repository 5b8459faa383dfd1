import assert from 'node:assert/strict';
import { test } from 'node:test';
import { node } from './fixtures.ts';
import type { Affinity, NodeSelectorTerm } from './kube-types.ts';
import { matchesLabelSelector, nodeFitsPod } from './selectors.ts';

test('label selectors: matchLabels and every expression operator', () => {
  const labels = { app: 'web', tier: 'front', replicas: '3' };
  assert.ok(matchesLabelSelector(labels, { matchLabels: { app: 'web' } }));
  assert.ok(!matchesLabelSelector(labels, { matchLabels: { app: 'db' } }));
  assert.ok(
    matchesLabelSelector(labels, {
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }],
    }),
  );
  assert.ok(
    matchesLabelSelector(labels, {
      matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['back'] }],
    }),
  );
  assert.ok(
    matchesLabelSelector(labels, { matchExpressions: [{ key: 'absent', operator: 'NotIn', values: ['x'] }] }),
  );
  assert.ok(matchesLabelSelector(labels, { matchExpressions: [{ key: 'app', operator: 'Exists' }] }));
  assert.ok(!matchesLabelSelector(labels, { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }));
  assert.ok(
    matchesLabelSelector(labels, { matchExpressions: [{ key: 'replicas', operator: 'Gt', values: ['2'] }] }),
  );
  assert.ok(
    !matchesLabelSelector(labels, { matchExpressions: [{ key: 'replicas', operator: 'Lt', values: ['3'] }] }),
  );
  assert.ok(
    !matchesLabelSelector(labels, { matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] }),
    'not a number',
  );
  assert.ok(!matchesLabelSelector(labels, { matchExpressions: [{ key: 'app', operator: 'Bogus' }] }));
});

test('node fit: nodeSelector AND required affinity, whose terms are ORed and an empty term matches nothing', () => {
  const n = node('worker', { 'kubernetes.io/arch': 'arm64' });
  const base = { containers: [] };
  const terms = (...nodeSelectorTerms: NodeSelectorTerm[]): Affinity => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } },
  });
  assert.ok(nodeFitsPod(n, { ...base, nodeSelector: { 'kubernetes.io/arch': 'arm64' } }));
  assert.ok(!nodeFitsPod(n, { ...base, nodeSelector: { 'kubernetes.io/arch': 'amd64' } }));
  const orTerms = terms(
    { matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] },
    { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['worker'] }] },
  );
  assert.ok(nodeFitsPod(n, { ...base, affinity: orTerms }));
  assert.ok(!nodeFitsPod(n, { ...base, affinity: terms({}) }));
});
