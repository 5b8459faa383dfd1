import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1PodSpec } from '@kubernetes/client-node';
import { globList } from '../../../src/operator/config/values.ts';
import {
  podSpecOf,
  resourceSpecHash,
  selectContainers,
  type Workload,
} from '../../../src/operator/kube/pod-spec.ts';
import {
  cronJob,
  daemonSet,
  job,
  pod,
  podSpec,
  replicaSet,
  replicationController,
  statefulSet,
} from './workloads.ts';

const noExclusions = { skipInitContainers: false, excludeImages: globList([]).matches };

describe('podSpecOf', () => {
  const cases: Array<[string, Workload, string]> = [
    ['Pod: .spec', { kind: 'Pod', object: pod() }, 'Always'],
    ['ReplicaSet: .spec.template.spec', { kind: 'ReplicaSet', object: replicaSet() }, 'Always'],
    [
      'ReplicationController',
      { kind: 'ReplicationController', object: replicationController('legacy-3', '3') },
      'Always',
    ],
    ['StatefulSet', { kind: 'StatefulSet', object: statefulSet() }, 'Always'],
    ['DaemonSet', { kind: 'DaemonSet', object: daemonSet() }, 'Always'],
    ['Job', { kind: 'Job', object: job() }, 'Never'],
    ['CronJob: .spec.jobTemplate.spec.template.spec', { kind: 'CronJob', object: cronJob() }, 'OnFailure'],
  ];
  for (const [title, workload, restartPolicy] of cases) {
    it(title, () => {
      const spec = podSpecOf(workload);
      assert.equal(spec?.restartPolicy, restartPolicy);
      assert.equal(spec?.containers[0]?.image, 'nginx:1.27.2');
    });
  }

  it('gives undefined for objects without a spec instead of throwing', () => {
    assert.equal(podSpecOf({ kind: 'CronJob', object: { metadata: { name: 'x' } } as never }), undefined);
    assert.equal(podSpecOf({ kind: 'CronJob', object: { spec: {} } as never }), undefined);
    assert.equal(podSpecOf({ kind: 'ReplicaSet', object: { spec: { selector: {} } } }), undefined);
  });
});

describe('resourceSpecHash', () => {
  it('is stable for the same spec regardless of key order', () => {
    const spec = podSpec();
    const reordered = Object.fromEntries(Object.entries(podSpec()).reverse()) as unknown as V1PodSpec;
    assert.equal(resourceSpecHash(spec), resourceSpecHash(reordered));
    assert.equal(resourceSpecHash(spec), resourceSpecHash(podSpec()));
  });

  it('is the same for a Deployment-owned ReplicaSet and its pods (same template)', () => {
    assert.equal(
      resourceSpecHash(podSpecOf({ kind: 'ReplicaSet', object: replicaSet() })),
      resourceSpecHash(pod().spec),
    );
  });

  const changes: Array<[string, (spec: V1PodSpec) => void]> = [
    ['a new image tag', (spec) => (spec.containers[0]!.image = 'nginx:1.27.3')],
    [
      'a new container',
      (spec) => spec.containers.push({ name: 'sidecar', image: 'envoyproxy/envoy:v1.32.1' }),
    ],
    [
      'an init container change',
      (spec) => (spec.initContainers![0]!.image = 'ghcr.io/acme/shop-migrations:2024.12.0'),
    ],
    [
      'an ephemeral container',
      (spec) => (spec.ephemeralContainers = [{ name: 'debugger', image: 'busybox:1.37' }]),
    ],
    ['a resource limit', (spec) => (spec.containers[0]!.resources = { limits: { cpu: '1' } })],
  ];
  for (const [what, change] of changes) {
    it(`changes with ${what}`, () => {
      const spec = podSpec();
      change(spec);
      assert.notEqual(resourceSpecHash(spec), resourceSpecHash(podSpec()));
    });
  }
});

describe('selectContainers', () => {
  it('lists containers, init containers and ephemeral containers with their image refs', () => {
    const spec: V1PodSpec = {
      ...podSpec(),
      ephemeralContainers: [{ name: 'debugger', image: 'busybox:1.37' }],
    };
    const { expected, omitted } = selectContainers(spec, noExclusions);
    assert.deepEqual(expected, [
      { name: 'web', image: 'nginx:1.27.2', type: 'container' },
      { name: 'log-shipper', image: 'docker.io/fluent/fluent-bit:3.1.9', type: 'container' },
      { name: 'migrate', image: 'ghcr.io/acme/shop-migrations:2024.11.1', type: 'initContainer' },
      { name: 'debugger', image: 'busybox:1.37', type: 'ephemeralContainer' },
    ]);
    assert.deepEqual(omitted, []);
  });

  it('omits init containers when scanJob.skipInitContainers is on', () => {
    const { expected, omitted } = selectContainers(podSpec(), { ...noExclusions, skipInitContainers: true });
    assert.deepEqual(
      expected.map((c) => c.name),
      ['web', 'log-shipper'],
    );
    assert.deepEqual(omitted, [
      {
        name: 'migrate',
        image: 'ghcr.io/acme/shop-migrations:2024.11.1',
        type: 'initContainer',
        reason: 'init-containers-skipped',
      },
    ]);
  });

  it('does not expect containers whose image scanJob.excludeImages matches (upstream gap #20)', () => {
    const excludeImages = globList(['docker.io/fluent/*', 'ghcr.io/acme/shop-*:*']).matches;
    const { expected, omitted } = selectContainers(podSpec(), { skipInitContainers: false, excludeImages });
    assert.deepEqual(
      expected.map((c) => c.name),
      ['web'],
    );
    assert.deepEqual(
      omitted.map((c) => [c.name, c.reason]),
      [
        ['log-shipper', 'excluded-image'],
        ['migrate', 'excluded-image'],
      ],
    );
  });

  it('omits containers without an image', () => {
    const spec: V1PodSpec = { containers: [{ name: 'broken' }] };
    assert.deepEqual(selectContainers(spec, noExclusions).omitted, [
      { name: 'broken', image: '', type: 'container', reason: 'no-image' },
    ]);
  });

  it('gives nothing for a missing spec', () => {
    assert.deepEqual(selectContainers(undefined, noExclusions), { expected: [], omitted: [] });
  });
});

describe("scanJob.excludeImages globs (the configuration's matcher)", () => {
  const cases: Array<[string, string, boolean]> = [
    ['docker.io/library/*', 'docker.io/library/nginx:1.27', true],
    ['docker.io/*', 'docker.io/library/nginx:1.27', false], // `*` stops at `/`, as Go's filepath.Match does
    ['docker.io/*/*', 'docker.io/library/nginx:1.27', true],
    ['k8s.gcr.io/*', 'k8s.gcr.io/pause:3.9', true],
    ['nginx:1.2?', 'nginx:1.27', true],
    ['nginx:1.2?', 'nginx:1.271', false],
    ['*@sha256:*', 'busybox@sha256:abc', true],
  ];
  for (const [pattern, image, matches] of cases) {
    it(`${pattern} ${matches ? 'matches' : 'does not match'} ${image}`, () => {
      assert.equal(globList([pattern]).matches(image), matches);
    });
  }
});
