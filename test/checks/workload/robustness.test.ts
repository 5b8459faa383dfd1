/** No input, however malformed, makes a workload check throw: checks see untrusted manifests. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { workloadChecks } from '../../../src/checks/workload/index.ts';
import type { KubernetesObject } from '../../../src/checks/types.ts';

const KINDS = [
  'Pod',
  'ReplicaSet',
  'Deployment',
  'CronJob',
  'DeploymentConfig',
  'ConfigMap',
  'Service',
  'NetworkPolicy',
  'LimitRange',
  'ResourceQuota',
  'K8sAllowedRepos',
];
const KEYS = [
  'spec',
  'template',
  'jobTemplate',
  'containers',
  'initContainers',
  'securityContext',
  'capabilities',
  'add',
  'drop',
  'volumes',
  'hostPath',
  'path',
  'ports',
  'hostPort',
  'containerPort',
  'metadata',
  'annotations',
  'labels',
  'name',
  'image',
  'data',
  'sysctls',
  'seLinuxOptions',
  'seccompProfile',
  'type',
  'windowsOptions',
  'hostProcess',
  'resources',
  'limits',
  'requests',
  'runAsUser',
  'runAsGroup',
  'supplementalGroups',
  'parameters',
  'repos',
  'hard',
  'ingress',
  'from',
];

/** JSON trees biased towards the field names checks read, so malformed shapes reach deep code paths. */
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      10001,
      '',
      'ALL',
      'SYS_ADMIN',
      '/etc',
      'a:b',
      'password=x',
      'v1.29.3',
    ),
    fc.string(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 6 }),
  ),
}));

describe('robustness', () => {
  it('every check returns findings with string messages for arbitrary JSON objects', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KINDS),
        fc.constantFrom(
          'v1',
          'apps/v1',
          'apps.openshift.io/v1',
          'batch/v1beta1',
          'constraints.gatekeeper.sh/v1beta1',
        ),
        fc.dictionary(fc.constantFrom(...KEYS), json.value, { maxKeys: 6 }),
        fc.option(fc.constantFrom('1.29.3', 'v1.20.0', '1.27.1-gke.1000', 'junk')),
        (kind, apiVersion, body, clusterVersion) => {
          const object = { ...body, kind, apiVersion } as KubernetesObject;
          const context = clusterVersion === null ? {} : { clusterVersion };
          for (const check of workloadChecks) {
            const findings = check.evaluate(object, context);
            assert.ok(Array.isArray(findings));
            for (const finding of findings) assert.equal(typeof finding.message, 'string');
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('large ConfigMaps', () => {
  it('scan megabyte values in linear time (no regex backtracking blow-up)', () => {
    const size = 1_000_000;
    const values = {
      run: 'a'.repeat(size),
      runThenAt: `${'a'.repeat(size)}@`,
      atDots: '@a.'.repeat(size / 3),
      localParts: 'a@'.repeat(size / 2),
      spaces: `password${' '.repeat(size)}`,
      ibanish: 'AB12 3456 '.repeat(size / 10),
    };
    const started = performance.now();
    const ksv0109 = workloadChecks.find((check) => check.id === 'KSV-0109');
    const ksv01010 = workloadChecks.find((check) => check.id === 'KSV-01010');
    assert.ok(ksv0109 && ksv01010);
    for (const [key, value] of Object.entries(values)) {
      const object = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'big' },
        data: { [key]: value },
      };
      ksv0109.evaluate(object, {});
      ksv01010.evaluate(object, {});
    }
    // Quadratic matching of these inputs takes hours; linear takes well under a second on an idle machine.
    assert.ok(performance.now() - started < 15_000);
  });
});
