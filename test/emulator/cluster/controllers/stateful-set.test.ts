import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, pod, workload } from '../fixtures.ts';
import type { Pod, Workload } from '../kube-types.ts';
import { podTemplateHash } from '../template-hash.ts';
import { reconcileStatefulSet } from './stateful-set.ts';

function member(sts: Workload, ordinal: number, state: Parameters<typeof pod>[2] = {}): Pod {
  const p = pod(`${sts.metadata.name}-${ordinal}`, sts, state);
  p.metadata.labels = {
    'controller-revision-hash': `${sts.metadata.name}-${podTemplateHash(sts.spec.template)}`,
  };
  return p;
}

test('OrderedReady creates ordinal 0 first, then the next only once the lower ones are Running and Ready', () => {
  const sts = workload('StatefulSet', 'db', { replicas: 3, serviceName: 'db-headless' });
  const first = reconcileStatefulSet(sts, [], T0);
  assert.deepEqual(
    first.create.map((c) => c.object.metadata.name),
    ['db-0'],
  );
  const created = first.create[0]!.object as Pod;
  assert.equal(created.spec.hostname, 'db-0');
  assert.equal(created.spec.subdomain, 'db-headless');
  assert.equal(created.metadata.labels!['statefulset.kubernetes.io/pod-name'], 'db-0');
  assert.equal(created.metadata.labels!['apps.kubernetes.io/pod-index'], '0');

  assert.deepEqual(
    reconcileStatefulSet(sts, [member(sts, 0, { phase: 'Pending', ready: false })], T0).create,
    [],
  );
  const next = reconcileStatefulSet(sts, [member(sts, 0)], T0);
  assert.deepEqual(
    next.create.map((c) => c.object.metadata.name),
    ['db-1'],
  );
});

test('Parallel creates every ordinal at once; scale-down removes the highest ordinal first', () => {
  const parallel = workload('StatefulSet', 'web', { replicas: 3, podManagementPolicy: 'Parallel' });
  assert.deepEqual(
    reconcileStatefulSet(parallel, [], T0).create.map((c) => c.object.metadata.name),
    ['web-0', 'web-1', 'web-2'],
  );
  const ordered = workload('StatefulSet', 'db', { replicas: 1 });
  const plan = reconcileStatefulSet(
    ordered,
    [0, 1, 2].map((i) => member(ordered, i)),
    T0,
  );
  assert.deepEqual(
    plan.delete.map((d) => d.name),
    ['db-2'],
  );
});

test('a failed member is deleted so it comes back under the same name', () => {
  const sts = workload('StatefulSet', 'db', { replicas: 2 });
  const plan = reconcileStatefulSet(sts, [member(sts, 0), member(sts, 1, { phase: 'Failed' })], T0);
  assert.deepEqual(
    plan.delete.map((d) => d.name),
    ['db-1'],
  );
});

test('a template change replaces members one at a time from the highest ordinal', () => {
  const sts = workload('StatefulSet', 'db', { replicas: 2 });
  const pods = [member(sts, 0), member(sts, 1)];
  sts.spec.template.spec.containers[0]!.image = 'postgres:17';
  const plan = reconcileStatefulSet(sts, pods, T0);
  assert.deepEqual(
    plan.delete.map((d) => d.name),
    ['db-1'],
  );
});
