/**
 * The catalogue's worked example: the naive nginx Deployment of the kind-lab write-up, scanned the way the operator
 * scans it (as the ReplicaSet the Deployment creates), and a hardened version of it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { failedChecks, evaluateObject } from '../../../src/checks/evaluate.ts';
import type { KubernetesObject } from '../../../src/checks/types.ts';
import { NAIVE_NGINX_DEPLOYMENT } from '../../support/kind-lab.ts';

/** What the Deployment controller creates from a Deployment: a ReplicaSet with the same pod template. */
function replicaSetOf(deployment: KubernetesObject, hash: string): KubernetesObject {
  const spec = deployment.spec as { template: { metadata: { labels: Record<string, string> } } };
  const template = structuredClone(spec.template);
  template.metadata.labels['pod-template-hash'] = hash;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deployment.metadata?.name}-${hash}`,
      namespace: deployment.metadata?.namespace ?? 'default',
      labels: { ...template.metadata.labels },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata?.name, controller: true },
      ],
    },
    spec: { replicas: 1, selector: { matchLabels: { ...template.metadata.labels } }, template },
  };
}

function hardened(deployment: KubernetesObject): KubernetesObject {
  const copy = structuredClone(deployment);
  copy.metadata = { ...copy.metadata, namespace: 'web' };
  const podSpec = (copy.spec as { template: { spec: Record<string, unknown> } }).template.spec;
  podSpec.automountServiceAccountToken = false;
  podSpec.securityContext = {
    runAsNonRoot: true,
    runAsUser: 10101,
    runAsGroup: 10101,
    fsGroup: 10101,
    seccompProfile: { type: 'RuntimeDefault' },
  };
  const [nginx] = podSpec.containers as Record<string, unknown>[];
  assert.ok(nginx);
  nginx.ports = [{ containerPort: 8080 }];
  nginx.resources = { limits: { memory: '128Mi', cpu: '500m' }, requests: { memory: '64Mi', cpu: '100m' } };
  nginx.securityContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  };
  return copy;
}

const naive = replicaSetOf(parse(NAIVE_NGINX_DEPLOYMENT) as KubernetesObject, '75bc9f99c5');
const RS = "ReplicaSet 'naive-75bc9f99c5'";

describe('worked example: naive nginx Deployment, scanned as its ReplicaSet', () => {
  const failures = new Map(failedChecks(naive).map((result) => [result.check.id, result]));

  it('fails KSV-0110 (default namespace) and KSV-0003 (capabilities not dropped) with the exact texts', () => {
    const ksv110 = failures.get('KSV-0110');
    assert.ok(ksv110);
    assert.equal(ksv110.check.aliases[0], 'AVD-KSV-0110');
    assert.equal(ksv110.check.severity, 'LOW');
    assert.deepEqual(ksv110.messages, [
      'replicaset naive-75bc9f99c5 in default namespace should set metadata.namespace to a non-default namespace',
    ]);
    const ksv003 = failures.get('KSV-0003');
    assert.ok(ksv003);
    assert.equal(ksv003.check.aliases[0], 'AVD-KSV-0003');
    assert.equal(ksv003.check.severity, 'LOW');
    assert.deepEqual(ksv003.messages, [
      `Container 'nginx' of ${RS} should add 'ALL' to 'securityContext.capabilities.drop'`,
    ]);
  });

  it('fails exactly the checks the catalogue predicts, with their messages', () => {
    const expected: Record<string, string[]> = {
      'KSV-0001': [
        `Container 'nginx' of ${RS} should set 'securityContext.allowPrivilegeEscalation' to false`,
      ],
      'KSV-0003': [`Container 'nginx' of ${RS} should add 'ALL' to 'securityContext.capabilities.drop'`],
      'KSV-0004': [
        "Container 'nginx' of 'replicaset' 'naive-75bc9f99c5' in 'default' namespace should set securityContext.capabilities.drop",
      ],
      'KSV-0012': [`Container 'nginx' of ${RS} should set 'securityContext.runAsNonRoot' to true`],
      'KSV-0014': [`Container 'nginx' of ${RS} should set 'securityContext.readOnlyRootFilesystem' to true`],
      'KSV-0015': [`Container 'nginx' of ${RS} should set 'resources.requests.cpu'`],
      'KSV-0016': [`Container 'nginx' of ${RS} should set 'resources.requests.memory'`],
      'KSV-0020': [`Container 'nginx' of ${RS} should set 'securityContext.runAsUser' > 10000`],
      'KSV-0021': [`Container 'nginx' of ${RS} should set 'securityContext.runAsGroup' > 10000`],
      'KSV-0030': [
        "Either Pod or Container should set 'securityContext.seccompProfile.type' to 'RuntimeDefault'",
      ],
      'KSV-0104': [
        'container "nginx" of replicaset "naive-75bc9f99c5" in "default" namespace should specify a seccomp profile',
      ],
      'KSV-0106': ['container should drop all'],
      'KSV-0110': [
        'replicaset naive-75bc9f99c5 in default namespace should set metadata.namespace to a non-default namespace',
      ],
      'KSV-0117': [
        'replicaset naive-75bc9f99c5 in default namespace should not set ' +
          'spec.template.spec.containers.ports.containerPort to less than 1024',
      ],
      'KSV-0118': [
        'replicaset naive-75bc9f99c5 in default namespace is using the default security context, which allows root privileges',
        'container naive-75bc9f99c5 in default namespace is using the default security context',
      ],
    };
    assert.deepEqual(
      Object.fromEntries([...failures].map(([id, result]) => [id, result.messages])),
      expected,
    );
  });

  it('records a PASS for every other applicable check', () => {
    const results = evaluateObject(naive);
    const passed = results.filter((result) => result.success).map((result) => result.check.id);
    assert.ok(passed.includes('KSV-0011') && passed.includes('KSV-0018') && passed.includes('KSV-0013'));
    assert.ok(!results.some((result) => result.check.id === 'KSV-0109'), 'ConfigMap checks do not apply');
  });

  it('the hardened version passes every workload check, including KSV-0110 and KSV-0003', () => {
    const hardenedRs = replicaSetOf(
      hardened(parse(NAIVE_NGINX_DEPLOYMENT) as KubernetesObject),
      '5d9c7f8b6d',
    );
    assert.deepEqual(
      failedChecks(hardenedRs, { context: { clusterVersion: '1.29.3' } }).map((r) => [
        r.check.id,
        r.messages,
      ]),
      [],
    );
  });
});
