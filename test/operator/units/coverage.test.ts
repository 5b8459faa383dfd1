import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { coverage } from '../../../src/operator/status-view.ts';

const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

function pod(name: string, containers: [string, number][], labels: Record<string, string> = {}): V1Pod {
  return {
    metadata: { name, namespace: 'shop', labels },
    status: {
      phase: 'Running',
      containerStatuses: containers.map(([container, n]) => ({
        name: container,
        image: `registry.local/app:${n}`,
        imageID: `registry.local/app@${digest(n)}`,
        ready: true,
        restartCount: 0,
        state: { running: {} },
      })),
    },
  };
}

/** `coverage` over the operator's view of pods and its report cache, here as the few calls it makes of them. */
function operatorWith(pods: V1Pod[], reports: Record<string, number>) {
  return {
    view: {
      allPods: () => pods,
      ownerKeyOfPod: (found: V1Pod) =>
        found.metadata?.labels?.['job-name']
          ? `Job/shop/${found.metadata.labels['job-name']}`
          : `ReplicaSet/shop/${found.metadata?.name}`,
    },
    reports: {
      get: (_kind: string, name: string) => {
        const n = reports[name];
        return n === undefined
          ? undefined
          : { metadata: { annotations: { 'trivy-ts.aquasecurity.github.io/image-digest': digest(n) } } };
      },
    },
  } as unknown as Parameters<typeof coverage>[0];
}

describe('coverage', () => {
  it('counts running containers whose report describes the digest they run', () => {
    const pods = [
      pod('web', [
        ['app', 1],
        ['sidecar', 2],
      ]),
      pod('api', [['app', 3]]),
    ];
    // web/sidecar's report is of an older digest: not covered.
    const result = coverage(operatorWith(pods, { 'replicaset-web-app': 1, 'replicaset-web-sidecar': 9 }));
    assert.deepEqual(result, { covered: 1, running: 3, ratio: 1 / 3 });
  });

  it("leaves out the operator's own scan Jobs, which are never reported on", () => {
    const pods = [
      pod('web', [['app', 1]]),
      pod('scan-vulnerabilityreport-abc-x7k2p', [['scan', 5]], {
        'app.kubernetes.io/managed-by': 'trivy-operator',
        'job-name': 'scan-vulnerabilityreport-abc',
      }),
      pod('migrate-x', [['migrate', 6]], { 'job-name': 'migrate' }),
    ];
    const result = coverage(operatorWith(pods, { 'replicaset-web-app': 1, 'job-migrate-migrate': 6 }));
    assert.deepEqual(result, { covered: 2, running: 2, ratio: 1 });
  });
});
