import type { KubernetesObject } from '../../../../src/checks/types.ts';
import type { CheckCase } from '../fixtures.ts';
import { container, controller, cronJob, pod, podSpec, replicaSet } from '../fixtures.ts';

const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const tokenMount = (name = 'app') =>
  container({ volumeMounts: [{ name: 'token', mountPath: TOKEN_PATH }] }, name);

const object = (
  kind: string,
  extra: Record<string, unknown>,
  namespace = 'apps',
  name = 'x',
): KubernetesObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace },
  ...extra,
});

const controlPlanePod = (component: string): KubernetesObject =>
  pod(podSpec({ priorityClassName: 'system-node-critical' }), {
    name: `${component}-node1`,
    namespace: 'kube-system',
    metadata: { labels: { tier: 'control-plane', component } },
  });

const tiller = (who: string, kind = 'replicaset', name = 'web', ns = 'apps') =>
  `container '${who}' of ${kind} '${name}' in '${ns}' namespace shouldn't have tiller deployed`;

const cm = (data: Record<string, unknown>): KubernetesObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'apps' },
  data,
});

const secretsMessage = (set: string) =>
  `ConfigMap 'settings' in 'apps' namespace stores secrets in key(s) or value(s) '${set}'`;
const sensitiveMessage = (set: string) =>
  `ConfigMap 'settings' in 'apps' namespace stores sensitive contents in key(s) or value(s) '${set}'`;

const repos = (list: string[]): KubernetesObject => ({
  apiVersion: 'constraints.gatekeeper.sh/v1beta1',
  kind: 'K8sAllowedRepos',
  metadata: { name: 'repos' },
  spec: { parameters: { repos: list } },
});

export const objectCases: CheckCase[] = [
  // KSV-0036
  { check: 'KSV-0036', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0036',
    name: 'a Pod with automountServiceAccountToken: true fails',
    object: pod(podSpec({ automountServiceAccountToken: true })),
    messages: ["Container of Pod 'web' should set 'spec.automountServiceAccountToken' to false"],
  },
  {
    check: 'KSV-0036',
    name: 'a live Pod with the injected token mount and no key fails',
    object: pod(podSpec({ automountServiceAccountToken: undefined }, [tokenMount()])),
    messages: ["Container of Pod 'web' should set 'spec.automountServiceAccountToken' to false"],
  },
  {
    check: 'KSV-0036',
    name: 'key present and false passes despite the mount',
    object: pod(podSpec({ automountServiceAccountToken: false }, [tokenMount()])),
    messages: [],
  },
  {
    check: 'KSV-0036',
    name: 'controllers: only the mount test applies (template key is not read)',
    object: replicaSet(podSpec({ automountServiceAccountToken: false }, [tokenMount()])),
    messages: ["Container of ReplicaSet 'web' should set 'spec.automountServiceAccountToken' to false"],
  },
  // KSV-0037
  { check: 'KSV-0037', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0037',
    name: 'any object in kube-system fails',
    object: object('Service', { spec: {} }, 'kube-system', 'dns'),
    messages: ["Service 'dns' should not be set with 'kube-system' namespace"],
  },
  {
    check: 'KSV-0037',
    name: 'a core control-plane Pod passes',
    object: controlPlanePod('etcd'),
    messages: [],
  },
  {
    check: 'KSV-0037',
    name: 'a non-core component fails',
    object: controlPlanePod('coredns'),
    messages: ["Pod 'coredns-node1' should not be set with 'kube-system' namespace"],
  },
  // KSV-0038
  {
    check: 'KSV-0038',
    name: 'podSelector: {} counts as present',
    object: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p' },
      spec: { podSelector: {} },
    },
    messages: [],
  },
  {
    check: 'KSV-0038',
    name: 'a selector in an ingress peer counts',
    object: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p' },
      spec: { ingress: [{ from: [{ namespaceSelector: { matchLabels: { a: 'b' } } }] }] },
    },
    messages: [],
  },
  {
    check: 'KSV-0038',
    name: 'no selector anywhere fails',
    object: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p' },
      spec: { podSelector: false, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] },
    },
    messages: [
      'Network policy should uses podSelector and/or the namespaceSelector to restrict ingress and egress traffic ' +
        'within the Pod network',
    ],
  },
  {
    check: 'KSV-0038',
    name: 'other kinds are ignored',
    object: object('Service', { spec: {} }),
    messages: [],
  },
  // KSV-0039
  {
    check: 'KSV-0039',
    name: 'a complete entry passes',
    object: object('LimitRange', {
      spec: {
        limits: [
          { type: 'Pod', max: { cpu: '2' } },
          {
            type: 'Container',
            max: { cpu: '2' },
            min: { cpu: '10m' },
            default: { cpu: '1' },
            defaultRequest: { cpu: '100m' },
          },
        ],
      },
    }),
    messages: [],
  },
  {
    check: 'KSV-0039',
    name: 'no entry has all five fields',
    object: object('LimitRange', {
      spec: { limits: [{ type: 'Container', max: { cpu: '2' }, default: { cpu: '1' } }] },
    }),
    messages: [
      'A LimitRange policy with a default requests and limits for each container should be configured',
    ],
  },
  // KSV-0040
  {
    check: 'KSV-0040',
    name: 'all four hard limits pass',
    object: object('ResourceQuota', {
      spec: {
        hard: { 'requests.cpu': '4', 'requests.memory': '4Gi', 'limits.cpu': '8', 'limits.memory': '8Gi' },
      },
    }),
    messages: [],
  },
  {
    check: 'KSV-0040',
    name: 'missing limits.memory fails',
    object: object('ResourceQuota', {
      spec: { hard: { 'requests.cpu': '4', 'requests.memory': '4Gi', 'limits.cpu': '8' } },
    }),
    messages: ['A resource quota policy with hard memory and CPU limits should be configured per namespace'],
  },
  // KSV-0102
  { check: 'KSV-0102', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0102',
    name: 'a tiller image fails for that container',
    object: replicaSet(
      podSpec({}, [container({ image: 'gcr.io/kubernetes-helm/tiller:v2.16.0' }, 'tiller'), container()]),
    ),
    messages: [tiller('tiller')],
  },
  {
    check: 'KSV-0102',
    name: 'an object named like tiller flags each container',
    object: controller('Deployment', podSpec({}, [container({}, 'a'), container({}, 'b')]), {
      name: 'tiller-deploy',
      namespace: 'kube-system',
    }),
    messages: [
      tiller('a', 'deployment', 'tiller-deploy', 'kube-system'),
      tiller('b', 'deployment', 'tiller-deploy', 'kube-system'),
    ],
  },
  {
    check: 'KSV-0102',
    name: 'a Pod labelled app=helm is flagged by container and by pod name',
    object: pod(podSpec(), { metadata: { labels: { app: 'helm' } } }),
    messages: [tiller('app', 'pod'), tiller('web', 'pod')],
  },
  // KSV-0107
  {
    check: 'KSV-0107',
    name: 'apps/v1 passes',
    object: replicaSet(),
    messages: [],
  },
  {
    check: 'KSV-0107',
    name: 'batch/v1beta1 CronJob fails with no cluster version',
    object: cronJob(podSpec(), { apiVersion: 'batch/v1beta1' }),
    messages: [
      'apiVersion "batch/v1beta1" and kind "CronJob" should be replaced with the new API "batch.v1.CronJob"\n' +
        'See https://github.com/kubernetes/kubernetes/tree/master/staging/src/k8s.io/api/batch/v1beta1/zz_generated.prerelease-lifecycle.go',
    ],
  },
  {
    check: 'KSV-0107',
    name: 'before the deprecation version it passes',
    object: cronJob(podSpec(), { apiVersion: 'batch/v1beta1' }),
    context: { clusterVersion: '1.20.15' },
    messages: [],
  },
  {
    check: 'KSV-0107',
    name: 'from the deprecation version it fails (gitVersion with a leading v)',
    object: cronJob(podSpec(), { apiVersion: 'batch/v1beta1' }),
    context: { clusterVersion: 'v1.21.0' },
    messages: [
      'apiVersion "batch/v1beta1" and kind "CronJob" should be replaced with the new API "batch.v1.CronJob"\n' +
        'See https://github.com/kubernetes/kubernetes/tree/master/staging/src/k8s.io/api/batch/v1beta1/zz_generated.prerelease-lifecycle.go',
    ],
  },
  {
    check: 'KSV-0107',
    name: 'an unparseable cluster version passes silently',
    object: cronJob(podSpec(), { apiVersion: 'batch/v1beta1' }),
    context: { clusterVersion: 'garbage' },
    messages: [],
  },
  {
    check: 'KSV-0107',
    name: 'extensions/v1beta1 Deployment is flagged (upstream mislabels it)',
    object: controller('Deployment', podSpec(), { apiVersion: 'extensions/v1beta1' }),
    context: { clusterVersion: '1.16.0' },
    messages: [
      'apiVersion "extensions/v1beta1" and kind "Deployment" should be replaced with the new API "apps.v1.Deployment"\n' +
        'See https://github.com/kubernetes/kubernetes/tree/master/staging/src/k8s.io/api/extensions/v1beta1/zz_generated.prerelease-lifecycle.go',
    ],
  },
  {
    check: 'KSV-0107',
    name: 'apps/v1beta2 DaemonSet is flagged',
    object: controller('DaemonSet', podSpec(), { apiVersion: 'apps/v1beta2' }),
    messages: [
      'apiVersion "apps/v1beta2" and kind "DaemonSet" should be replaced with the new API "apps.v1.DaemonSet"\n' +
        'See https://github.com/kubernetes/kubernetes/tree/master/staging/src/k8s.io/api/apps/v1beta2/zz_generated.prerelease-lifecycle.go',
    ],
  },
  {
    check: 'KSV-0107',
    name: 'entries without a replacement never fire',
    object: { apiVersion: 'events/v1beta1', kind: 'Event', metadata: { name: 'e' } },
    messages: [],
  },
  {
    check: 'KSV-0107',
    name: 'kind match is exact',
    object: { apiVersion: 'policy/v1beta1', kind: 'poddisruptionbudget', metadata: { name: 'p' } },
    messages: [],
  },
  // KSV-0108
  {
    check: 'KSV-0108',
    name: 'ClusterIP service passes',
    object: object('Service', { spec: { type: 'ClusterIP', externalIPs: [] } }),
    messages: [],
  },
  {
    check: 'KSV-0108',
    name: 'externalIPs fail',
    object: object('Service', { spec: { externalIPs: ['203.0.113.7'] } }, 'apps', 'front'),
    messages: ["Service 'front' in 'apps' namespace should not set external IPs or external Name"],
  },
  {
    check: 'KSV-0108',
    name: 'externalName fails',
    object: object(
      'Service',
      { spec: { type: 'ExternalName', externalName: 'db.example.com' } },
      'apps',
      'db',
    ),
    messages: ["Service 'db' in 'apps' namespace should not set external IPs or external Name"],
  },
  // KSV-0109
  {
    check: 'KSV-0109',
    name: 'plain settings pass',
    object: cm({ 'color.good': 'blue', 'color.bad': 'yellow' }),
    messages: [],
  },
  {
    check: 'KSV-0109',
    name: 'secret-looking keys are reported as a set',
    object: cm({ password: 'password123', secretkey: 'test', tokenTTL: '5m' }),
    messages: [secretsMessage('{"password", "secretkey", "tokenTTL"}')],
  },
  {
    check: 'KSV-0109',
    name: 'assignments in values report the assigned name; interpolations and empty values do not',
    object: cm({
      'app.properties':
        'db.url=jdbc:x\ndb_password=hunter2\napi_token=${API_TOKEN}\nclient_secret=\npwd="{{ .Values.pwd }}"',
    }),
    messages: [secretsMessage('{"db_password"}')],
  },
  {
    check: 'KSV-0109',
    name: 'indented YAML lines keep their indentation in the reported name',
    object: cm({ 'config.yaml': 'db:\n  password: s3cr3t\n' }),
    messages: [secretsMessage('{"  password"}')],
  },
  // KSV-01010
  {
    check: 'KSV-01010',
    name: 'plain settings pass',
    object: cm({ color: 'blue', mode: 'fast' }),
    messages: [],
  },
  {
    check: 'KSV-01010',
    name: 'a username key fails',
    object: cm({ 'color.good': 'blue', username: 'test' }),
    messages: [sensitiveMessage('{"username"}')],
  },
  {
    check: 'KSV-01010',
    name: 'value lines report the text before the delimiter; e-mails anywhere flag',
    object: cm({ 'app.ini': 'user=alice\nEmail = alice@example.com\nphone: 123' }),
    messages: [sensitiveMessage('{"Email ", "phone"}')],
  },
  {
    check: 'KSV-01010',
    name: 'upstream quirk: a short upper-case single-line value flags its key',
    object: cm({ DB_PORT: '5432', LEVEL: 'info' }),
    messages: [sensitiveMessage('{"DB_PORT"}')],
  },
  // KSV-0110
  { check: 'KSV-0110', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0110',
    name: 'explicit default namespace fails',
    object: replicaSet(podSpec(), { namespace: 'default' }),
    messages: [
      'replicaset web in default namespace should set metadata.namespace to a non-default namespace',
    ],
  },
  {
    check: 'KSV-0110',
    name: 'missing namespace counts as default',
    object: cronJob(podSpec(), { namespace: null }),
    messages: ['cronjob web in default namespace should set metadata.namespace to a non-default namespace'],
  },
  {
    check: 'KSV-0110',
    name: 'DeploymentConfig is not covered',
    object: controller('DeploymentConfig', podSpec(), {
      namespace: null,
      apiVersion: 'apps.openshift.io/v1',
    }),
    messages: [],
  },
  // KSV-0124
  {
    check: 'KSV-0124',
    name: 'specific repositories pass',
    object: repos(['registry.example.com/team/', 'docker.io/library/nginx']),
    messages: [],
  },
  ...['docker.io', 'gcr.io', 'docker.io/library'].map((repo) => ({
    check: 'KSV-0124',
    name: `${repo} is open-ended`,
    object: repos(['registry.example.com/team/', repo]),
    messages: ['open-ended repository reference in prefix match'],
  })),
  {
    check: 'KSV-0124',
    name: 'other constraint kinds are ignored',
    object: { ...repos(['docker.io']), kind: 'K8sRequiredLabels' },
    messages: [],
  },
];
