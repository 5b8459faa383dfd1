import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  clusterVersionAtLeast,
  containersOf,
  effectiveSecurityContext,
  hasField,
  hasKey,
  namespaceOf,
  parseClusterVersion,
  podTemplateOf,
  renderRegoSet,
} from '../../../src/checks/kubernetes-object.ts';
import { container, controller, cronJob, pod, podSpec, replicaSet } from './fixtures.ts';

describe('podTemplateOf', () => {
  it('is the Pod itself for a Pod', () => {
    const object = pod(podSpec(), { metadata: { annotations: { a: 'b' } } });
    assert.equal(podTemplateOf(object)?.spec, object.spec);
    assert.deepEqual(podTemplateOf(object)?.metadata?.annotations, { a: 'b' });
  });

  for (const kind of [
    'Deployment',
    'StatefulSet',
    'DaemonSet',
    'ReplicaSet',
    'ReplicationController',
    'Job',
  ]) {
    it(`is spec.template for ${kind}`, () => {
      const object = controller(kind);
      assert.equal(
        podTemplateOf(object)?.spec,
        (object.spec as { template: { spec: unknown } }).template.spec,
      );
    });
  }

  it('is spec.jobTemplate.spec.template for CronJob', () => {
    const object = cronJob(podSpec({ hostPID: true }));
    assert.equal(podTemplateOf(object)?.spec.hostPID, true);
  });

  it('reads DeploymentConfig templates only for apps.openshift.io/v1', () => {
    assert.ok(
      podTemplateOf(controller('DeploymentConfig', podSpec(), { apiVersion: 'apps.openshift.io/v1' })),
    );
    assert.equal(podTemplateOf(controller('DeploymentConfig', podSpec(), { apiVersion: 'v1' })), undefined);
  });

  it('is undefined for other kinds and malformed objects', () => {
    assert.equal(podTemplateOf({ kind: 'ConfigMap', data: {} }), undefined);
    assert.equal(podTemplateOf({ kind: 'Deployment', spec: { template: 'nope' } }), undefined);
    assert.equal(podTemplateOf({ kind: 'CronJob', spec: null }), undefined);
  });
});

describe('containersOf', () => {
  it('lists containers then initContainers, ignores ephemeral containers, and sees each container once', () => {
    const object = pod(
      podSpec({ initContainers: [container({}, 'init')], ephemeralContainers: [container({}, 'debug')] }, [
        container({}, 'a'),
        container({}, 'b'),
      ]),
    );
    assert.deepEqual(
      containersOf(object).map((ref) => ref.name),
      ['a', 'b', 'init'],
    );
  });

  it('also reads spec.containers of any kind (custom resources)', () => {
    const object = { apiVersion: 'x/v1', kind: 'Runner', spec: { containers: [container({}, 'c')] } };
    assert.deepEqual(
      containersOf(object).map((ref) => ref.name),
      ['c'],
    );
  });

  it('skips entries that are not objects', () => {
    assert.deepEqual(
      containersOf(pod({ containers: [null, 'x', 3, container({}, 'ok')] })).map((r) => r.name),
      ['ok'],
    );
  });
});

describe('effectiveSecurityContext', () => {
  it('inherits exactly the six pod-level fields, container values winning, nested objects merged', () => {
    const object = replicaSet({
      securityContext: {
        runAsUser: 1,
        runAsGroup: 2,
        runAsNonRoot: true,
        seLinuxOptions: { level: 's0', type: 'container_t' },
        seccompProfile: { type: 'RuntimeDefault' },
        windowsOptions: { hostProcess: false },
        fsGroup: 3,
        supplementalGroups: [4],
        sysctls: [],
        readOnlyRootFilesystem: true,
      },
      containers: [{ name: 'c', securityContext: { runAsUser: 5, seLinuxOptions: { type: 'spc_t' } } }],
    });
    const [ref] = containersOf(object);
    assert.ok(ref);
    assert.deepEqual(effectiveSecurityContext(ref), {
      runAsUser: 5,
      runAsGroup: 2,
      runAsNonRoot: true,
      seLinuxOptions: { level: 's0', type: 'spc_t' },
      seccompProfile: { type: 'RuntimeDefault' },
      windowsOptions: { hostProcess: false },
    });
  });

  it('is {} when neither the pod nor the container sets anything', () => {
    const [ref] = containersOf(pod({ containers: [{ name: 'c' }] }));
    assert.ok(ref);
    assert.deepEqual(effectiveSecurityContext(ref), {});
  });
});

describe('presence helpers', () => {
  it('has_key counts any value, has_field all but false', () => {
    const value = { f: false, n: null, e: {}, z: 0, s: '' };
    for (const key of ['f', 'n', 'e', 'z', 's']) assert.equal(hasKey(value, key), true, key);
    assert.equal(hasKey(value, 'missing'), false);
    assert.equal(hasField(value, 'f'), false);
    for (const key of ['n', 'e', 'z', 's']) assert.equal(hasField(value, key), true, key);
    assert.equal(hasKey(['f'], '0'), false);
    assert.equal(hasKey(null, 'f'), false);
  });
});

describe('namespaceOf', () => {
  it('defaults a missing or empty namespace to default', () => {
    assert.equal(namespaceOf({ metadata: {} }), 'default');
    assert.equal(namespaceOf({ metadata: { namespace: '' } }), 'default');
    assert.equal(namespaceOf({}), 'default');
    assert.equal(namespaceOf({ metadata: { namespace: 'apps' } }), 'apps');
  });
});

describe('cluster version', () => {
  it('parses plain, v-prefixed and GKE versions; rejects garbage', () => {
    assert.equal(parseClusterVersion('1.29.3')?.version, '1.29.3');
    assert.equal(parseClusterVersion('v1.29.3')?.version, '1.29.3');
    assert.deepEqual(parseClusterVersion('1.27.1-gke.1000')?.prerelease, ['gke', 1000]);
    assert.equal(parseClusterVersion('1.29'), undefined);
    assert.equal(parseClusterVersion('latest'), undefined);
    assert.equal(parseClusterVersion(undefined), undefined);
  });

  it('compares under semver: a pre-release sorts before its release', () => {
    const at = (v: string, min: string) => {
      const parsed = parseClusterVersion(v);
      assert.ok(parsed);
      return clusterVersionAtLeast(parsed, min);
    };
    assert.equal(at('1.29.0', 'v1.29'), true);
    assert.equal(at('1.28.15', 'v1.29'), false);
    assert.equal(at('1.30.1', '1.29'), true);
    assert.equal(at('1.29.0-gke.1', 'v1.29'), false);
    assert.equal(at('1.29.1-gke.1', 'v1.29'), true);
  });
});

describe('renderRegoSet', () => {
  it('sorts byte-wise, de-duplicates and quotes like Rego', () => {
    assert.equal(renderRegoSet(['b', 'B', 'a', 'b']), '{"B", "a", "b"}');
    assert.equal(renderRegoSet(['say "hi"']), '{"say \\"hi\\""}');
  });
});
