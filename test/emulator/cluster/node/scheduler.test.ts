import assert from 'node:assert/strict';
import { test } from 'node:test';
import { node, pod } from '../fixtures.ts';
import { schedulePod } from './scheduler.ts';

const nodes = [
  node('a', { 'kubernetes.io/arch': 'amd64' }),
  node('b', { 'kubernetes.io/arch': 'arm64' }),
  node('down', {}, false),
];

test('picks the least loaded Ready node that fits', () => {
  const p = pod('p', undefined, { phase: 'Pending', nodeName: '' });
  assert.deepEqual(schedulePod(p, nodes, new Map([['a', 3]])), { nodeName: 'b' });
  assert.deepEqual(schedulePod(p, nodes, new Map()), { nodeName: 'a' }, 'ties go by name');
});

test('honours nodeSelector and required node affinity (expressions and fields)', () => {
  const p = pod('p', undefined, { phase: 'Pending', nodeName: '' });
  p.spec.nodeSelector = { 'kubernetes.io/arch': 'arm64' };
  assert.deepEqual(schedulePod(p, nodes, new Map()), { nodeName: 'b' });
  delete p.spec.nodeSelector;
  p.spec.affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }],
            matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }],
          },
        ],
      },
    },
  };
  assert.deepEqual(schedulePod(p, nodes, new Map([['a', 9]])), { nodeName: 'a' });
});

test('explains why nothing fits, in the real scheduler words', () => {
  const p = pod('p', undefined, { phase: 'Pending', nodeName: '' });
  p.spec.nodeSelector = { disk: 'ssd' };
  const decision = schedulePod(p, nodes, new Map());
  assert.ok('unschedulable' in decision);
  assert.match(
    decision.unschedulable,
    /^0\/3 nodes are available: 2 node\(s\) didn't match Pod's node affinity\/selector, 1 node\(s\) had untolerated taint/,
  );
});
