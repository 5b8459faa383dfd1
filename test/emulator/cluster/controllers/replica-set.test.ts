import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, pod, workload } from '../fixtures.ts';
import type { Pod } from '../kube-types.ts';
import { reconcileReplicaSet } from './replica-set.ts';

test('creates the missing Pods from the template, owned by the ReplicaSet', () => {
  const rs = workload('ReplicaSet', 'web-abc', { replicas: 3 });
  const plan = reconcileReplicaSet(rs, [pod('web-abc-1', rs)], T0);
  assert.equal(plan.create.length, 2);
  const created = plan.create[0]!.object as Pod;
  assert.equal(created.metadata.generateName, 'web-abc-');
  assert.deepEqual(created.metadata.labels, { app: 'web-abc' });
  assert.equal(created.metadata.ownerReferences![0]!.uid, rs.metadata.uid);
  assert.equal(created.metadata.ownerReferences![0]!.blockOwnerDeletion, true);
});

test('scales down unscheduled, then not-ready, then newest Pods first', () => {
  const rs = workload('ReplicaSet', 'web', { replicas: 1 });
  const pods = [
    pod('ready-old', rs, { created: '2026-01-01T00:00:00Z' }),
    pod('ready-new', rs, { created: '2026-01-01T00:01:00Z' }),
    pod('unready', rs, { ready: false }),
    pod('unscheduled', rs, { phase: 'Pending', nodeName: '' }),
  ];
  const plan = reconcileReplicaSet(rs, pods, T0);
  assert.deepEqual(
    plan.delete.map((d) => d.name),
    ['unscheduled', 'unready', 'ready-new'],
  );
});

test('terminal and terminating Pods are replaced, not counted', () => {
  const rs = workload('ReplicaSet', 'web', { replicas: 2 });
  const plan = reconcileReplicaSet(
    rs,
    [
      pod('a', rs, { labels: { app: 'web' } }),
      pod('b', rs, { phase: 'Failed' }),
      pod('c', rs, { deleting: true }),
    ],
    T0,
  );
  assert.equal(plan.create.length, 1);
  assert.deepEqual(plan.status[0]!.object['status'], {
    replicas: 1,
    fullyLabeledReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    observedGeneration: 1,
  });
});

test('minReadySeconds delays availability and asks to look again when it is due', () => {
  const rs = workload('ReplicaSet', 'web', { replicas: 1, minReadySeconds: 10 });
  const plan = reconcileReplicaSet(rs, [pod('a', rs, { readySince: new Date(T0 - 4000).toISOString() })], T0);
  const status = plan.status[0]!.object['status'] as Record<string, number>;
  assert.equal(status['readyReplicas'], 1);
  assert.equal(status['availableReplicas'], undefined);
  assert.ok(plan.requeueAfterMs !== undefined && plan.requeueAfterMs > 5000 && plan.requeueAfterMs < 7000);
});

test('a ReplicationController (map selector) works the same way', () => {
  const rc = workload('ReplicationController', 'legacy', { replicas: 2, selector: { app: 'legacy' } });
  const plan = reconcileReplicaSet(rc, [], T0);
  assert.equal(plan.create.length, 2);
  assert.equal(plan.status[0]!.resource.resource, 'replicationcontrollers');
  assert.equal((plan.create[0]!.object as Pod).metadata.ownerReferences![0]!.apiVersion, 'v1');
});
