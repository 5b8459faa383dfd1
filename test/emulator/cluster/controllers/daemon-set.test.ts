import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, node, pod, workload } from '../fixtures.ts';
import type { Pod } from '../kube-types.ts';
import { daemonPodNode, reconcileDaemonSet } from './daemon-set.ts';

const nodes = [
  node('a', { 'kubernetes.io/arch': 'amd64' }),
  node('b', { 'kubernetes.io/arch': 'amd64' }),
  node('c', { 'kubernetes.io/arch': 'arm64' }),
];

test('one Pod per fitting node, pinned with a metadata.name affinity term', () => {
  const ds = workload('DaemonSet', 'agent');
  const plan = reconcileDaemonSet(ds, nodes, [], T0);
  const created = plan.create.map((c) => c.object as Pod);
  assert.deepEqual(created.map(daemonPodNode), ['a', 'b', 'c']);
  assert.equal(created[0]!.spec.nodeName, undefined, 'the scheduler binds it');
  assert.equal(created[0]!.metadata.labels!['pod-template-generation'], '1');
  const status = plan.status[0]!.object['status'] as Record<string, number>;
  assert.equal(status['desiredNumberScheduled'], 3);
  assert.equal(status['currentNumberScheduled'], 0);
});

test('nodeSelector limits the nodes; pods on nodes that no longer fit and duplicates are deleted', () => {
  const ds = workload('DaemonSet', 'arm');
  ds.spec.template.spec.nodeSelector = { 'kubernetes.io/arch': 'arm64' };
  const current = { 'pod-template-generation': '1' };
  const onA = pod('on-a', ds, { nodeName: 'a', labels: current });
  const onC = pod('on-c', ds, { nodeName: 'c', labels: current });
  const dupC = pod('dup-c', ds, { nodeName: 'c', labels: current });
  const plan = reconcileDaemonSet(ds, nodes, [onC, dupC, onA], T0);
  assert.deepEqual(plan.create, []);
  assert.deepEqual(plan.delete.map((d) => d.name).sort(), ['dup-c', 'on-a']);
  assert.equal((plan.status[0]!.object['status'] as Record<string, number>)['numberMisscheduled'], 1);
});

test('a template change replaces one outdated Pod at a time while the rest are available', () => {
  const ds = workload('DaemonSet', 'agent');
  const pods = nodes.map((n) => {
    const p = pod(`agent-${n.metadata.name}`, ds, { nodeName: n.metadata.name! });
    p.metadata.labels = { 'pod-template-generation': '1' };
    return p;
  });
  ds.metadata.generation = 2;
  const plan = reconcileDaemonSet(ds, nodes, pods, T0);
  assert.equal(plan.delete.length, 1);
});
