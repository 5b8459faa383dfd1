/**
 * Kubernetes objects for the config audit benchmark: a deterministic mix of the kinds the operator audits by
 * default (workloads, Services, Roles, ClusterRoles, NetworkPolicies) plus ConfigMaps, some hardened and some not,
 * so that every check family runs and reports differ. Bench-only; nothing here is shipped.
 */

export type BenchObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
};

export const BENCH_NAMESPACES = Array.from({ length: 10 }, (_, i) => `audit-${i}`);

const wildcard = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];
const readPods = [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }];

function deployment(i: number, namespace: string): BenchObject {
  const hardened = i % 3 === 0;
  const name = `app-${i}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name, team: `t${i % 7}` } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          ...(hardened
            ? {
                automountServiceAccountToken: false,
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: 10001,
                  runAsGroup: 10001,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
              }
            : {}),
          containers: [
            {
              name: 'app',
              image: `registry.example.com/shop/app-${i % 50}:1.${i % 9}`,
              ports: [{ containerPort: hardened ? 8080 : 80 }],
              resources: hardened
                ? { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } }
                : { limits: { memory: '128Mi' } },
              ...(hardened
                ? {
                    securityContext: {
                      allowPrivilegeEscalation: false,
                      readOnlyRootFilesystem: true,
                      capabilities: { drop: ['ALL'] },
                    },
                  }
                : {}),
            },
            ...(i % 4 === 1
              ? [
                  {
                    name: 'sidecar',
                    image: 'busybox',
                    securityContext: { privileged: true },
                    command: ['sleep', '1d'],
                  },
                ]
              : []),
          ],
        },
      },
    },
  };
}

function service(i: number, namespace: string): BenchObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `svc-${i}`, namespace, labels: { app: `app-${i}` } },
    spec: {
      selector: { app: `app-${i}` },
      ports: [{ port: 80, targetPort: 8080 }],
      ...(i % 10 === 0 ? { externalIPs: ['192.0.2.10'] } : {}),
    },
  };
}

function configMap(i: number, namespace: string): BenchObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `settings-${i}`, namespace },
    data: {
      'app.properties': `server.port=8080\nlog.level=info\nfeature.${i}=on\n`,
      ...(i % 5 === 0 ? { DB_PASSWORD: 'hunter2' } : { greeting: 'hello world' }),
      'large.txt': 'lorem ipsum dolor sit amet '.repeat(40),
    },
  };
}

function role(i: number, namespace: string): BenchObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: `role-${i}`, namespace },
    rules: i % 4 === 0 ? wildcard : readPods,
  };
}

function clusterRole(i: number): BenchObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `bench-clusterrole-${i}` },
    rules:
      i % 5 === 0
        ? wildcard
        : [{ apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'list', 'create'] }],
  };
}

function networkPolicy(i: number, namespace: string): BenchObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `np-${i}`, namespace },
    spec: { podSelector: { matchLabels: { app: `app-${i}` } }, policyTypes: ['Ingress'] },
  };
}

/** Kinds and their share of the mix (they add up to 1). */
const MIX: readonly [string, number][] = [
  ['Deployment', 0.2],
  ['Service', 0.2],
  ['ConfigMap', 0.2],
  ['Role', 0.2],
  ['ClusterRole', 0.1],
  ['NetworkPolicy', 0.1],
];

/** `count` objects of the mix, spread over `BENCH_NAMESPACES`, each kind in equal-sized slices. */
export function benchObjects(count: number): BenchObject[] {
  const objects: BenchObject[] = [];
  for (const [kind, share] of MIX) {
    const n = Math.round(count * share);
    for (let i = 0; i < n; i++) {
      const namespace = BENCH_NAMESPACES[i % BENCH_NAMESPACES.length]!;
      if (kind === 'Deployment') objects.push(deployment(i, namespace));
      else if (kind === 'Service') objects.push(service(i, namespace));
      else if (kind === 'ConfigMap') objects.push(configMap(i, namespace));
      else if (kind === 'Role') objects.push(role(i, namespace));
      else if (kind === 'ClusterRole') objects.push(clusterRole(i));
      else objects.push(networkPolicy(i, namespace));
    }
  }
  return objects;
}

export function countByKind(objects: readonly BenchObject[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const object of objects) counts[object.kind] = (counts[object.kind] ?? 0) + 1;
  return counts;
}
