import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  currentReplicaSet,
  podsOwnerKey,
  reportOwnerReference,
  resolveReportOwner,
  type OwnerLookup,
  type OwnerResolution,
  type OwnerResolutionOptions,
  type SkipCode,
} from '../../../src/operator/kube/ownership.ts';
import { WORKLOAD_KINDS, type Workload } from '../../../src/operator/kube/pod-spec.ts';
import {
  controllerRef,
  cronJob,
  daemonSet,
  deployment,
  job,
  pod,
  replicaSet,
  replicationController,
  statefulSet,
} from './workloads.ts';

/** An informer cache stand-in: objects by kind/namespace/name and the workloads that have pods. */
function cache(objects: Array<[string, KubernetesObject]>, withPods: string[] = []): OwnerLookup {
  const byKey = new Map(
    objects.map(([kind, object]) => [
      `${kind}/${object.metadata?.namespace}/${object.metadata?.name}`,
      object,
    ]),
  );
  return {
    getOwner: (kind, namespace, name) => byKey.get(`${kind}/${namespace}/${name}`),
    hasPods: (workload) => withPods.includes(`${workload.kind}/${workload.object.metadata?.name}`),
  };
}

const options = (overrides: Partial<OwnerResolutionOptions> = {}): OwnerResolutionOptions => ({
  targetWorkloads: WORKLOAD_KINDS,
  scanOnlyCurrentRevisions: true,
  skipResourceByLabels: [],
  ...overrides,
});

const ownerName = (resolution: OwnerResolution) =>
  'owner' in resolution ? `${resolution.owner.kind}/${resolution.owner.object.metadata?.name}` : undefined;
const skipCode = (resolution: OwnerResolution): SkipCode | undefined =>
  'skip' in resolution ? resolution.skip.code : undefined;

describe('resolveReportOwner', () => {
  const rs = replicaSet('web-6d4cf56db6', '3');
  const lookup = cache(
    [
      ['Deployment', deployment('3')],
      [
        'DeploymentConfig',
        { metadata: { name: 'legacy', namespace: 'shop' }, status: { latestVersion: 4 } } as KubernetesObject,
      ],
    ],
    [
      'ReplicaSet/web-6d4cf56db6',
      'ReplicaSet/web-5b8f7c9d4',
      'ReplicationController/legacy-4',
      'ReplicationController/legacy-3',
      'StatefulSet/db',
    ],
  );

  const cases: Array<[string, Workload, OwnerResolutionOptions, { owner?: string; skip?: SkipCode }]> = [
    [
      'current ReplicaSet of a Deployment owns',
      { kind: 'ReplicaSet', object: rs },
      options(),
      { owner: 'ReplicaSet/web-6d4cf56db6' },
    ],
    [
      'old ReplicaSet is an old revision',
      { kind: 'ReplicaSet', object: replicaSet('web-5b8f7c9d4', '2') },
      options(),
      { skip: 'old-revision' },
    ],
    [
      'old ReplicaSet owns when scanning all revisions',
      { kind: 'ReplicaSet', object: replicaSet('web-5b8f7c9d4', '2') },
      options({ scanOnlyCurrentRevisions: false }),
      { owner: 'ReplicaSet/web-5b8f7c9d4' },
    ],
    [
      'ReplicaSet without pods is skipped',
      { kind: 'ReplicaSet', object: replicaSet('web-7a7a7a7a7', '3') },
      options(),
      { skip: 'no-pods' },
    ],
    [
      'bare ReplicaSet (no controller) owns',
      { kind: 'ReplicaSet', object: replicaSet('web-6d4cf56db6', '1', { ownerReferences: [] }) },
      options(),
      { owner: 'ReplicaSet/web-6d4cf56db6' },
    ],
    [
      'ReplicaSet whose Deployment is not cached yet waits',
      {
        kind: 'ReplicaSet',
        object: replicaSet('api-6d4cf56db6', '3', { ownerReferences: [controllerRef('Deployment', 'api')] }),
      },
      options(),
      { skip: 'controller-not-cached' },
    ],
    [
      'latest RC of a DeploymentConfig owns',
      { kind: 'ReplicationController', object: replicationController('legacy-4', '4') },
      options(),
      { owner: 'ReplicationController/legacy-4' },
    ],
    [
      'older RC is an old revision',
      { kind: 'ReplicationController', object: replicationController('legacy-3', '3') },
      options(),
      { skip: 'old-revision' },
    ],
    [
      'StatefulSet with pods owns',
      { kind: 'StatefulSet', object: statefulSet() },
      options(),
      { owner: 'StatefulSet/db' },
    ],
    [
      'StatefulSet without pods is skipped',
      {
        kind: 'StatefulSet',
        object: { ...statefulSet(), metadata: { ...statefulSet().metadata, name: 'cache' } },
      },
      options(),
      { skip: 'no-pods' },
    ],
    [
      'DaemonSet owns',
      { kind: 'DaemonSet', object: daemonSet() },
      options(),
      { owner: 'DaemonSet/node-agent' },
    ],
    ['CronJob owns', { kind: 'CronJob', object: cronJob() }, options(), { owner: 'CronJob/nightly-report' }],
    ['standalone Job owns', { kind: 'Job', object: job() }, options(), { owner: 'Job/backfill' }],
    [
      'Job of a CronJob is skipped',
      { kind: 'Job', object: job(controllerRef('CronJob', 'nightly-report', 'batch/v1')) },
      options(),
      { skip: 'cronjob-job' },
    ],
    ['bare Pod owns', { kind: 'Pod', object: pod('debug-shell') }, options(), { owner: 'Pod/debug-shell' }],
    [
      'Pod of a ReplicaSet is skipped',
      { kind: 'Pod', object: pod(undefined, controllerRef('ReplicaSet', 'web-6d4cf56db6')) },
      options(),
      { skip: 'controlled-pod' },
    ],
    [
      'Pod of a StatefulSet is skipped',
      { kind: 'Pod', object: pod('db-0', controllerRef('StatefulSet', 'db')) },
      options(),
      { skip: 'controlled-pod' },
    ],
    [
      'Pod of a DaemonSet is skipped',
      { kind: 'Pod', object: pod('agent-x', controllerRef('DaemonSet', 'node-agent')) },
      options(),
      { skip: 'controlled-pod' },
    ],
    [
      'Pod of a Job is skipped',
      { kind: 'Pod', object: pod('backfill-abc', controllerRef('Job', 'backfill', 'batch/v1')) },
      options(),
      { skip: 'controlled-pod' },
    ],
    [
      'Pod of an RC is skipped',
      { kind: 'Pod', object: pod('legacy-4-x', controllerRef('ReplicationController', 'legacy-4', 'v1')) },
      options(),
      { skip: 'controlled-pod' },
    ],
    [
      'Pod of a custom controller owns',
      {
        kind: 'Pod',
        object: pod('pg-cluster-1', controllerRef('Cluster', 'pg-cluster', 'postgresql.cnpg.io/v1')),
      },
      options(),
      { owner: 'Pod/pg-cluster-1' },
    ],
    [
      'Pod with only a non-controller ReplicaSet reference owns',
      {
        kind: 'Pod',
        object: pod('adopted', { ...controllerRef('ReplicaSet', 'web-6d4cf56db6'), controller: false }),
      },
      options(),
      { owner: 'Pod/adopted' },
    ],
    [
      'OpenShift deployer pod is skipped',
      {
        kind: 'Pod',
        object: pod('legacy-4-deploy', undefined, {
          annotations: { 'openshift.io/deployment-config.name': 'legacy' },
        }),
      },
      options(),
      { skip: 'openshift-deployer-pod' },
    ],
    [
      "the operator's own pods are skipped",
      {
        kind: 'Pod',
        object: pod('scan-vulnerabilityreport-x', undefined, {
          labels: { 'app.kubernetes.io/managed-by': 'trivy-operator' },
        }),
      },
      options(),
      { skip: 'managed-by-operator' },
    ],
    [
      'skipResourceByLabels skips on key presence, whatever the value',
      {
        kind: 'DaemonSet',
        object: { ...daemonSet(), metadata: { ...daemonSet().metadata, labels: { 'trivy.skip': '' } } },
      },
      options({ skipResourceByLabels: ['other', 'trivy.skip'] }),
      { skip: 'skip-label' },
    ],
    [
      'kinds outside OPERATOR_TARGET_WORKLOADS are skipped',
      { kind: 'CronJob', object: cronJob() },
      options({ targetWorkloads: ['Pod', 'ReplicaSet'] }),
      { skip: 'kind-not-targeted' },
    ],
    [
      'objects being deleted are skipped',
      {
        kind: 'CronJob',
        object: { ...cronJob(), metadata: { ...cronJob().metadata, deletionTimestamp: new Date() } },
      },
      options(),
      { skip: 'being-deleted' },
    ],
  ];

  for (const [title, workload, opts, expected] of cases) {
    it(title, () => {
      const resolution = resolveReportOwner(workload, lookup, opts);
      assert.equal(ownerName(resolution), expected.owner, JSON.stringify(resolution));
      assert.equal(skipCode(resolution), expected.skip);
    });
  }

  it('explains skips in words that name the object and the rule', () => {
    const oldRs = resolveReportOwner(
      { kind: 'ReplicaSet', object: replicaSet('web-5b8f7c9d4', '2') },
      lookup,
      options(),
    );
    assert.deepEqual(oldRs, {
      skip: {
        code: 'old-revision',
        message: 'ReplicaSet shop/web-5b8f7c9d4 is revision 2 of Deployment web, whose current revision is 3',
      },
    });
    const labelled = resolveReportOwner(
      { kind: 'Pod', object: pod('p', undefined, { labels: { 'policy/skip': 'yes' } }) },
      lookup,
      options({ skipResourceByLabels: ['policy/skip'] }),
    );
    assert.ok(
      'skip' in labelled &&
        labelled.skip.message === 'Pod shop/p carries label policy/skip, listed in skipResourceByLabels',
    );
  });
});

describe('currentReplicaSet', () => {
  it("picks the ReplicaSet whose revision is the Deployment's", () => {
    const current = replicaSet('web-6d4cf56db6', '3', {
      ownerReferences: [{ ...controllerRef('Deployment', 'web'), uid: 'uid-web' }],
    });
    const old = replicaSet('web-5b8f7c9d4', '2', {
      ownerReferences: [{ ...controllerRef('Deployment', 'web'), uid: 'uid-web' }],
    });
    assert.equal(currentReplicaSet(deployment('3'), [old, current]), current);
    assert.equal(currentReplicaSet(deployment('4'), [old, current]), undefined);
  });

  it('ignores ReplicaSets of another Deployment with the same revision', () => {
    const foreign = replicaSet('api-1', '3', {
      ownerReferences: [{ ...controllerRef('Deployment', 'api'), uid: 'uid-api' }],
    });
    assert.equal(currentReplicaSet(deployment('3'), [foreign]), undefined);
  });
});

describe('podsOwnerKey', () => {
  const lookup = cache([
    ['Job', job(controllerRef('CronJob', 'nightly-report', 'batch/v1'))],
    ['Job', job()],
  ]);
  const cases: Array<[string, Parameters<typeof podsOwnerKey>[0], { kind: string; name: string }]> = [
    [
      'Deployment pod → its ReplicaSet',
      pod('web-6d4cf56db6-x7k2p', controllerRef('ReplicaSet', 'web-6d4cf56db6')),
      { kind: 'ReplicaSet', name: 'web-6d4cf56db6' },
    ],
    ['StatefulSet pod', pod('db-0', controllerRef('StatefulSet', 'db')), { kind: 'StatefulSet', name: 'db' }],
    [
      'DaemonSet pod',
      pod('agent-x', controllerRef('DaemonSet', 'node-agent')),
      { kind: 'DaemonSet', name: 'node-agent' },
    ],
    [
      'RC pod',
      pod('legacy-4-x', controllerRef('ReplicationController', 'legacy-4', 'v1')),
      { kind: 'ReplicationController', name: 'legacy-4' },
    ],
    [
      'CronJob pod → Job → CronJob',
      pod('nightly-report-28871234-q', controllerRef('Job', 'nightly-report-28871234', 'batch/v1')),
      { kind: 'CronJob', name: 'nightly-report' },
    ],
    [
      'standalone Job pod → Job',
      pod('backfill-z', controllerRef('Job', 'backfill', 'batch/v1')),
      { kind: 'Job', name: 'backfill' },
    ],
    [
      'pod of a Job no longer cached → the Job',
      pod('gone-z', controllerRef('Job', 'gone', 'batch/v1')),
      { kind: 'Job', name: 'gone' },
    ],
    ['bare pod → itself', pod('debug-shell'), { kind: 'Pod', name: 'debug-shell' }],
    [
      'custom-controller pod → itself',
      pod('pg-1', controllerRef('Cluster', 'pg', 'postgresql.cnpg.io/v1')),
      { kind: 'Pod', name: 'pg-1' },
    ],
  ];
  for (const [title, subject, expected] of cases) {
    it(title, () => assert.deepEqual(podsOwnerKey(subject, lookup), { ...expected, namespace: 'shop' }));
  }

  it('agrees with resolveReportOwner: every pod maps to an owner that is not skipped as a controlled pod', () => {
    const rsPod = pod(undefined, controllerRef('ReplicaSet', 'web-6d4cf56db6'));
    const key = podsOwnerKey(rsPod, lookup);
    const rs = replicaSet('web-6d4cf56db6', '3');
    assert.equal(key.name, rs.metadata?.name);
    const resolution = resolveReportOwner(
      { kind: 'ReplicaSet', object: rs },
      cache([['Deployment', deployment('3')]], ['ReplicaSet/web-6d4cf56db6']),
      options(),
    );
    assert.equal(ownerName(resolution), `${key.kind}/${key.name}`);
  });
});

describe('reportOwnerReference', () => {
  it('is one controller reference with blockOwnerDeletion false and the API version of the kind', () => {
    const cases: Array<[Workload, string]> = [
      [{ kind: 'ReplicaSet', object: replicaSet() }, 'apps/v1'],
      [{ kind: 'Pod', object: pod('debug-shell') }, 'v1'],
      [{ kind: 'CronJob', object: cronJob() }, 'batch/v1'],
      [{ kind: 'ReplicationController', object: replicationController('legacy-4', '4') }, 'v1'],
    ];
    for (const [workload, apiVersion] of cases) {
      assert.deepEqual(reportOwnerReference(workload), {
        apiVersion,
        kind: workload.kind,
        name: workload.object.metadata?.name,
        uid: workload.object.metadata?.uid,
        controller: true,
        blockOwnerDeletion: false,
      });
    }
  });

  it('refuses an object without a uid', () => {
    assert.throws(
      () => reportOwnerReference({ kind: 'Pod', object: { metadata: { name: 'x' } } }),
      /no name or uid/,
    );
  });
});
