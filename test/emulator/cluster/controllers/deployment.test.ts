import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T0, workload } from '../fixtures.ts';
import type { Workload } from '../kube-types.ts';
import { clone } from '../resources.ts';
import { podTemplateHash } from '../template-hash.ts';
import { REVISION_ANNOTATION, reconcileDeployment } from './deployment.ts';

function replicaSetFrom(
  deploy: Workload,
  revision: number,
  replicas: number,
  available = replicas,
): Workload {
  const plan = reconcileDeployment(deploy, [], T0);
  const rs = clone(plan.create[0]!.object as Workload);
  rs.metadata.uid = `rs-${revision}`;
  rs.metadata.annotations = { ...rs.metadata.annotations, [REVISION_ANNOTATION]: String(revision) };
  rs.spec.replicas = replicas;
  rs.status = { replicas, readyReplicas: available, availableReplicas: available };
  return rs;
}

test('a new Deployment gets a ReplicaSet named after its template hash, owned and at revision 1', () => {
  const deploy = workload('Deployment', 'web', { replicas: 3 });
  const plan = reconcileDeployment(deploy, [], T0);
  assert.equal(plan.create.length, 1);
  const rs = plan.create[0]!.object as Workload;
  const hash = podTemplateHash(deploy.spec.template);
  assert.equal(rs.metadata.name, `web-${hash}`);
  assert.equal(rs.spec.replicas, 3);
  assert.equal(rs.metadata.labels!['pod-template-hash'], hash);
  assert.equal(rs.spec.template.metadata!.labels!['pod-template-hash'], hash);
  assert.deepEqual(rs.spec.selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
  assert.equal(rs.metadata.annotations![REVISION_ANNOTATION], '1');
  assert.deepEqual(rs.metadata.ownerReferences, [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      uid: deploy.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  const update = plan.update.find((u) => u.object.kind === 'Deployment');
  assert.equal(update?.object.metadata.annotations?.[REVISION_ANNOTATION], '1');
  const status = plan.status[0]!.object['status'] as { conditions: { type: string; reason: string }[] };
  assert.equal(status.conditions.find((c) => c.type === 'Progressing')?.reason, 'NewReplicaSetCreated');
});

test('a settled Deployment reports complete status that rollout status accepts, and re-running writes nothing', () => {
  const deploy = workload('Deployment', 'web', { replicas: 2 });
  deploy.metadata.annotations = { [REVISION_ANNOTATION]: '1' };
  const rs = replicaSetFrom(deploy, 1, 2);
  const plan = reconcileDeployment(deploy, [rs], T0);
  assert.deepEqual([plan.create, plan.update, plan.delete], [[], [], []]);
  const status = plan.status[0]!.object['status'] as Record<string, unknown> & {
    conditions: { type: string; reason: string; status: string }[];
  };
  assert.equal(status['observedGeneration'], 1);
  assert.equal(status['updatedReplicas'], 2);
  assert.equal(status['availableReplicas'], 2);
  assert.equal(status.conditions.find((c) => c.type === 'Available')?.status, 'True');
  assert.equal(status.conditions.find((c) => c.type === 'Progressing')?.reason, 'NewReplicaSetAvailable');
  const settled = { ...deploy, status };
  const again = reconcileDeployment(settled, [rs], T0 + 5000);
  assert.deepEqual(again.status, [], 'same state, same status: no write and no timestamp churn');
});

test('a template change creates revision 2 and scales the old ReplicaSet down as new Pods become available', () => {
  const deploy = workload('Deployment', 'web', { replicas: 2 });
  const old = replicaSetFrom(deploy, 1, 2);
  const changed = clone(deploy);
  changed.spec.template.spec.containers[0]!.image = 'nginx:1.26';
  changed.metadata.generation = 2;

  const first = reconcileDeployment(changed, [old], T0);
  const created = first.create[0]!.object as Workload;
  assert.equal(created.metadata.annotations![REVISION_ANNOTATION], '2');
  assert.notEqual(created.metadata.name, old.metadata.name);
  assert.equal(
    first.update.filter((u) => u.object.kind === 'ReplicaSet').length,
    0,
    'old keeps its pods until new ones are available',
  );

  const fresh = clone(created);
  fresh.metadata.uid = 'rs-2';
  fresh.status = { replicas: 2, readyReplicas: 1, availableReplicas: 1 };
  const second = reconcileDeployment(changed, [old, fresh], T0);
  const scaledOld = second.update.find((u) => u.object.metadata.name === old.metadata.name)!
    .object as Workload;
  assert.equal(scaledOld.spec.replicas, 1);

  fresh.status = { replicas: 2, readyReplicas: 2, availableReplicas: 2 };
  const third = reconcileDeployment(changed, [old, fresh], T0);
  assert.equal(
    (third.update.find((u) => u.object.metadata.name === old.metadata.name)!.object as Workload).spec
      .replicas,
    0,
  );
});

test('rolling back to an old template reuses its ReplicaSet under the next revision', () => {
  const deploy = workload('Deployment', 'web', { replicas: 1 });
  const v1 = replicaSetFrom(deploy, 1, 0, 0);
  const other = clone(deploy);
  other.spec.template.spec.containers[0]!.image = 'nginx:1.26';
  const v2 = replicaSetFrom(other, 2, 1);
  const plan = reconcileDeployment(deploy, [v1, v2], T0);
  assert.equal(plan.create.length, 0);
  const reused = plan.update.find((u) => u.object.metadata.name === v1.metadata.name)!.object as Workload;
  assert.equal(reused.metadata.annotations![REVISION_ANNOTATION], '3');
  assert.equal(reused.spec.replicas, 1);
});

test('Recreate scales old ReplicaSets to zero before the new one starts', () => {
  const deploy = workload('Deployment', 'web', { replicas: 2, strategy: { type: 'Recreate' } });
  const old = replicaSetFrom(workload('Deployment', 'web', { replicas: 2 }), 1, 2);
  old.spec.template.spec.containers[0]!.image = 'old';
  old.metadata.labels = { ...old.metadata.labels, 'pod-template-hash': 'old' };
  const plan = reconcileDeployment(deploy, [old], T0);
  assert.equal((plan.create[0]!.object as Workload).spec.replicas, 0);
  assert.equal(
    (plan.update.find((u) => u.object.metadata.name === old.metadata.name)!.object as Workload).spec.replicas,
    0,
  );
});

test('idle old ReplicaSets beyond revisionHistoryLimit are deleted, oldest first', () => {
  const deploy = workload('Deployment', 'web', { replicas: 1, revisionHistoryLimit: 1 });
  const current = replicaSetFrom(deploy, 3, 1);
  const olds = [1, 2].map((revision) => {
    const variant = clone(deploy);
    variant.spec.template.spec.containers[0]!.image = `nginx:${revision}`;
    return replicaSetFrom(variant, revision, 0, 0);
  });
  const plan = reconcileDeployment(deploy, [current, ...olds], T0);
  assert.deepEqual(
    plan.delete.map((d) => d.name),
    [olds[0]!.metadata.name],
  );
});
