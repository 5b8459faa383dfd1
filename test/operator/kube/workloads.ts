/** Workload objects as the API server returns them (no kind/apiVersion on list items), shared by the kube tests. */
import type {
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1OwnerReference,
  V1Pod,
  V1PodSpec,
  V1ReplicaSet,
  V1ReplicationController,
  V1StatefulSet,
} from '@kubernetes/client-node';

export const podSpec = (): V1PodSpec => ({
  containers: [
    {
      name: 'web',
      image: 'nginx:1.27.2',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      resources: { limits: { cpu: '500m', memory: '256Mi' } },
      imagePullPolicy: 'IfNotPresent',
    },
    { name: 'log-shipper', image: 'docker.io/fluent/fluent-bit:3.1.9', imagePullPolicy: 'IfNotPresent' },
  ],
  initContainers: [{ name: 'migrate', image: 'ghcr.io/acme/shop-migrations:2024.11.1' }],
  restartPolicy: 'Always',
  serviceAccountName: 'shop',
  dnsPolicy: 'ClusterFirst',
});

export const controllerRef = (kind: string, name: string, apiVersion = 'apps/v1'): V1OwnerReference => ({
  apiVersion,
  kind,
  name,
  uid: `uid-${kind.toLowerCase()}-${name}`,
  controller: true,
  blockOwnerDeletion: true,
});

const meta = (name: string, extra: Partial<NonNullable<V1Pod['metadata']>> = {}) => ({
  name,
  namespace: 'shop',
  uid: `uid-${name}`,
  resourceVersion: '4711',
  creationTimestamp: new Date('2024-11-20T08:00:00Z'),
  ...extra,
});

export const deployment = (revision: string): V1Deployment => ({
  metadata: meta('web', { annotations: { 'deployment.kubernetes.io/revision': revision } }),
  spec: { selector: { matchLabels: { app: 'web' } }, template: { spec: podSpec() } },
});

export const replicaSet = (
  name = 'web-6d4cf56db6',
  revision = '3',
  extra: Partial<V1ReplicaSet['metadata']> = {},
): V1ReplicaSet => ({
  metadata: meta(name, {
    labels: { app: 'web', 'pod-template-hash': name.split('-').pop()!, team: 'payments' },
    annotations: { 'deployment.kubernetes.io/revision': revision },
    ownerReferences: [controllerRef('Deployment', 'web')],
    ...extra,
  }),
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: podSpec() },
  },
});

export const pod = (
  name = 'web-6d4cf56db6-x7k2p',
  owner?: V1OwnerReference,
  extra: Partial<V1Pod['metadata']> = {},
): V1Pod => ({
  metadata: meta(name, { labels: { app: 'web' }, ...(owner ? { ownerReferences: [owner] } : {}), ...extra }),
  spec: podSpec(),
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'web',
        image: 'docker.io/library/nginx:1.27.2',
        imageID:
          'docker.io/library/nginx@sha256:bc5eac5eafc581aeda3008b4b1f07ebba230de2f27d47767129a6a905c84f470',
        ready: true,
        restartCount: 0,
      },
    ],
  },
});

export const replicationController = (name: string, version: string): V1ReplicationController => ({
  metadata: meta(name, {
    annotations: { 'openshift.io/deployment-config.latest-version': version },
    ownerReferences: [controllerRef('DeploymentConfig', 'legacy', 'apps.openshift.io/v1')],
  }),
  spec: { selector: { app: 'legacy' }, template: { spec: podSpec() } },
});

export const statefulSet = (): V1StatefulSet => ({
  metadata: meta('db'),
  spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { spec: podSpec() } },
});

export const daemonSet = (): V1DaemonSet => ({
  metadata: meta('node-agent'),
  spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: podSpec() } },
});

export const cronJob = (): V1CronJob => ({
  metadata: meta('nightly-report'),
  spec: {
    schedule: '0 3 * * *',
    jobTemplate: { spec: { template: { spec: { ...podSpec(), restartPolicy: 'OnFailure' } } } },
  },
});

export const job = (owner?: V1OwnerReference): V1Job => ({
  metadata: meta(owner ? 'nightly-report-28871234' : 'backfill', owner ? { ownerReferences: [owner] } : {}),
  spec: { template: { spec: { ...podSpec(), restartPolicy: 'Never' } } },
});
