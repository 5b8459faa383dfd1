import type { CheckCase } from '../fixtures.ts';
import { container, pod, podSpec, replicaSet, withContext, withContextFields } from '../fixtures.ts';

const seccompMessage =
  "Either Pod or Container should set 'securityContext.seccompProfile.type' to 'RuntimeDefault'";
const noSeccomp = (name = 'app') => withContextFields({ seccompProfile: undefined }, name);
const specWithoutSeccomp = (containers = [noSeccomp()]) =>
  podSpec({ securityContext: { runAsNonRoot: true } }, containers);
const seccomp104 = (c: string, kind = 'replicaset', name = 'web') =>
  `container "${c}" of ${kind} "${name}" in "apps" namespace should specify a seccomp profile`;

export const podSecurityCases: CheckCase[] = [
  // KSV-0002
  { check: 'KSV-0002', name: 'hardened passes (no annotation)', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0002',
    name: 'runtime/default passes',
    object: replicaSet(podSpec(), {
      templateMetadata: {
        annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' },
      },
    }),
    messages: [],
  },
  {
    check: 'KSV-0002',
    name: 'unconfined fails for the annotated container only',
    object: replicaSet(podSpec({}, [container({}, 'app'), container({}, 'side')]), {
      templateMetadata: {
        annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' },
      },
    }),
    messages: ["Container 'app' of ReplicaSet 'web' should specify an AppArmor profile"],
  },
  {
    check: 'KSV-0002',
    name: 'appArmorProfile in securityContext is ignored',
    object: pod(podSpec({}, [withContextFields({ appArmorProfile: { type: 'Unconfined' } })])),
    messages: [],
  },
  // KSV-0025
  { check: 'KSV-0025', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0025',
    name: 'allowed type passes',
    object: replicaSet(
      podSpec({}, [withContextFields({ seLinuxOptions: { type: 'container_init_t', level: 's0' } })]),
    ),
    messages: [],
  },
  {
    check: 'KSV-0025',
    name: 'custom type fails',
    object: replicaSet(podSpec({}, [withContextFields({ seLinuxOptions: { type: 'spc_t' } })])),
    messages: ["ReplicaSet 'web' uses invalid seLinux type 'spc_t'"],
  },
  {
    check: 'KSV-0025',
    name: 'user/role keys across pod and containers give one sorted result',
    object: replicaSet(
      podSpec({ securityContext: { seLinuxOptions: { user: 'system_u' } } }, [
        withContextFields({ seLinuxOptions: { role: 'sysadm_r' } }),
      ]),
    ),
    messages: ["ReplicaSet 'web' uses restricted properties in seLinuxOptions: ('role', 'user')"],
  },
  // KSV-0026
  { check: 'KSV-0026', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0026',
    name: 'unsafe sysctls are listed sorted, and the message says Pod',
    object: replicaSet(
      podSpec({
        securityContext: {
          sysctls: [
            { name: 'net.core.somaxconn', value: '1024' },
            { name: 'kernel.msgmax', value: '1' },
            { name: 'net.ipv4.tcp_syncookies', value: '1' },
          ],
        },
      }),
    ),
    messages: [
      'Pod \'web\' has disallowed sysctls: ["kernel.msgmax", "net.core.somaxconn"] and must only use allowed sysctls.',
    ],
  },
  {
    check: 'KSV-0026',
    name: 'tcp_keepalive_time is safe from 1.29',
    object: replicaSet(
      podSpec({ securityContext: { sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '60' }] } }),
    ),
    context: { clusterVersion: '1.29.0' },
    messages: [],
  },
  {
    check: 'KSV-0026',
    name: 'tcp_keepalive_time is unsafe before 1.29',
    object: replicaSet(
      podSpec({ securityContext: { sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '60' }] } }),
    ),
    context: { clusterVersion: '1.28.9' },
    messages: [
      'Pod \'web\' has disallowed sysctls: ["net.ipv4.tcp_keepalive_time"] and must only use allowed sysctls.',
    ],
  },
  {
    check: 'KSV-0026',
    name: 'tcp_rmem with an unknown version uses the newest list',
    object: replicaSet(
      podSpec({ securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '1 2 3' }] } }),
    ),
    messages: [],
  },
  {
    check: 'KSV-0026',
    name: 'tcp_rmem with an unparseable version uses the newest list',
    object: replicaSet(
      podSpec({ securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '1 2 3' }] } }),
    ),
    context: { clusterVersion: 'not-a-version' },
    messages: [],
  },
  {
    check: 'KSV-0026',
    name: 'a GKE 1.27 pre-release tag still gets the 1.27 list',
    object: replicaSet(
      podSpec({ securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_reserved_ports', value: '1' }] } }),
    ),
    context: { clusterVersion: '1.27.1-gke.1000' },
    messages: [],
  },
  // KSV-0030
  { check: 'KSV-0030', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0030',
    name: 'no profile anywhere fails once',
    object: replicaSet(specWithoutSeccomp([noSeccomp('a'), noSeccomp('b')])),
    messages: [seccompMessage],
  },
  {
    check: 'KSV-0030',
    name: 'Localhost passes',
    object: replicaSet(specWithoutSeccomp([withContextFields({ seccompProfile: { type: 'Localhost' } })])),
    messages: [],
  },
  {
    check: 'KSV-0030',
    name: 'pod-level RuntimeDefault is inherited',
    object: replicaSet(
      podSpec({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }, [noSeccomp()]),
    ),
    messages: [],
  },
  {
    check: 'KSV-0030',
    name: 'legacy pod annotation runtime/default passes without any profile',
    object: replicaSet(specWithoutSeccomp(), {
      templateMetadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' } },
    }),
    messages: [],
  },
  {
    check: 'KSV-0030',
    name: 'legacy pod annotation unconfined fails even with profiles set',
    object: replicaSet(podSpec(), {
      templateMetadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } },
    }),
    messages: ["seccomp.security.alpha.kubernetes.io/pod should be set to 'runtime/default'"],
  },
  // KSV-0104
  { check: 'KSV-0104', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0104',
    name: 'no profile fails per container, with %q quoting',
    object: replicaSet(specWithoutSeccomp([noSeccomp('a'), container({}, 'b')])),
    messages: [seccomp104('a')],
  },
  {
    check: 'KSV-0104',
    name: 'Unconfined fails (case-insensitive)',
    object: pod(podSpec({}, [withContextFields({ seccompProfile: { type: 'unconfined' } })])),
    messages: [seccomp104('app', 'pod')],
  },
  {
    check: 'KSV-0104',
    name: 'legacy container annotation supplies the profile',
    object: replicaSet(specWithoutSeccomp(), {
      templateMetadata: {
        annotations: { 'container.seccomp.security.alpha.kubernetes.io/app': 'runtime/default' },
      },
    }),
    messages: [],
  },
  {
    check: 'KSV-0104',
    name: 'legacy container annotation unconfined fails',
    object: replicaSet(specWithoutSeccomp(), {
      templateMetadata: {
        annotations: { 'container.seccomp.security.alpha.kubernetes.io/app': 'unconfined' },
      },
    }),
    messages: [seccomp104('app')],
  },
  {
    check: 'KSV-0104',
    name: 'container with no securityContext inherits the pod profile',
    object: replicaSet(
      podSpec({ securityContext: { seccompProfile: { type: 'Localhost' } } }, [withContext(undefined)]),
    ),
    messages: [],
  },
];
