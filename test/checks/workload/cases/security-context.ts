import type { CheckCase } from '../fixtures.ts';
import { container, cronJob, pod, podSpec, replicaSet, withContext, withContextFields } from '../fixtures.ts';

const rs = (name: string) => `of ReplicaSet 'web'`.replace('web', name);

export const securityContextCases: CheckCase[] = [
  // KSV-0001
  { check: 'KSV-0001', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0001',
    name: 'absent allowPrivilegeEscalation fails',
    object: replicaSet(podSpec({}, [withContextFields({ allowPrivilegeEscalation: undefined })])),
    messages: [`Container 'app' ${rs('web')} should set 'securityContext.allowPrivilegeEscalation' to false`],
  },
  {
    check: 'KSV-0001',
    name: 'true fails, one finding per container, initContainers included',
    object: replicaSet(
      podSpec({ initContainers: [withContextFields({ allowPrivilegeEscalation: true }, 'init')] }, [
        withContextFields({ allowPrivilegeEscalation: true }, 'app'),
        container({}, 'ok'),
      ]),
    ),
    messages: [
      `Container 'app' ${rs('web')} should set 'securityContext.allowPrivilegeEscalation' to false`,
      `Container 'init' ${rs('web')} should set 'securityContext.allowPrivilegeEscalation' to false`,
    ],
  },
  {
    check: 'KSV-0001',
    name: 'ephemeral containers are ignored',
    object: pod(podSpec({ ephemeralContainers: [{ name: 'debug', image: 'busybox' }] })),
    messages: [],
  },
  {
    check: 'KSV-0001',
    name: 'CronJob template path',
    object: cronJob(podSpec({}, [withContext(undefined, 'job')]), { name: 'nightly' }),
    messages: [
      `Container 'job' of CronJob 'nightly' should set 'securityContext.allowPrivilegeEscalation' to false`,
    ],
  },
  // KSV-0012
  { check: 'KSV-0012', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0012',
    name: 'neither pod nor container sets runAsNonRoot',
    object: replicaSet(
      podSpec({ securityContext: { runAsUser: 10001 } }, [withContextFields({ runAsNonRoot: undefined })]),
    ),
    messages: [`Container 'app' ${rs('web')} should set 'securityContext.runAsNonRoot' to true`],
  },
  {
    check: 'KSV-0012',
    name: 'inherited from the pod level',
    object: replicaSet(
      podSpec({ securityContext: { runAsNonRoot: true } }, [withContextFields({ runAsNonRoot: undefined })]),
    ),
    messages: [],
  },
  {
    check: 'KSV-0012',
    name: 'pod-level true suppresses a container override to false (upstream semantics)',
    object: replicaSet(
      podSpec({ securityContext: { runAsNonRoot: true } }, [withContextFields({ runAsNonRoot: false })]),
    ),
    messages: [],
  },
  {
    check: 'KSV-0012',
    name: 'pod-level false, container false fails',
    object: replicaSet(
      podSpec({ securityContext: { runAsNonRoot: false } }, [withContextFields({ runAsNonRoot: false })]),
    ),
    messages: [`Container 'app' ${rs('web')} should set 'securityContext.runAsNonRoot' to true`],
  },
  // KSV-0014
  { check: 'KSV-0014', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0014',
    name: 'absent fails',
    object: replicaSet(podSpec({}, [withContextFields({ readOnlyRootFilesystem: undefined })])),
    messages: [`Container 'app' ${rs('web')} should set 'securityContext.readOnlyRootFilesystem' to true`],
  },
  {
    check: 'KSV-0014',
    name: 'readOnlyRootFilesystem is not inherited from the pod',
    object: replicaSet(
      podSpec({ securityContext: { readOnlyRootFilesystem: true } }, [
        withContextFields({ readOnlyRootFilesystem: undefined }),
      ]),
    ),
    messages: [`Container 'app' ${rs('web')} should set 'securityContext.readOnlyRootFilesystem' to true`],
  },
  // KSV-0017
  { check: 'KSV-0017', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0017',
    name: 'privileged fails',
    object: replicaSet(podSpec({}, [withContextFields({ privileged: true })])),
    messages: [`Container 'app' ${rs('web')} should set 'securityContext.privileged' to false`],
  },
  {
    check: 'KSV-0017',
    name: 'privileged: false passes',
    object: replicaSet(podSpec({}, [withContextFields({ privileged: false })])),
    messages: [],
  },
  // KSV-0020
  { check: 'KSV-0020', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0020',
    name: 'UID 10000 fails',
    object: replicaSet(podSpec({ securityContext: {} }, [withContextFields({ runAsUser: 10000 })])),
    messages: [`Container 'app' ${rs('web')} should set 'securityContext.runAsUser' > 10000`],
  },
  {
    check: 'KSV-0020',
    name: 'absent everywhere fails',
    object: replicaSet(podSpec({ securityContext: {} }, [withContextFields({ runAsUser: undefined })])),
    messages: [`Container 'app' ${rs('web')} should set 'securityContext.runAsUser' > 10000`],
  },
  {
    check: 'KSV-0020',
    name: 'pod-level runAsUser is inherited',
    object: replicaSet(
      podSpec({ securityContext: { runAsUser: 20000 } }, [withContextFields({ runAsUser: undefined })]),
    ),
    messages: [],
  },
  {
    check: 'KSV-0020',
    name: 'container value wins over the pod value',
    object: replicaSet(
      podSpec({ securityContext: { runAsUser: 20000 } }, [withContextFields({ runAsUser: 1000 })]),
    ),
    messages: [`Container 'app' ${rs('web')} should set 'securityContext.runAsUser' > 10000`],
  },
  // KSV-0021
  { check: 'KSV-0021', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0021',
    name: 'GID 0 fails',
    object: replicaSet(podSpec({ securityContext: {} }, [withContextFields({ runAsGroup: 0 })])),
    messages: [`Container 'app' ${rs('web')} should set 'securityContext.runAsGroup' > 10000`],
  },
  {
    check: 'KSV-0021',
    name: 'pod-level runAsGroup is inherited',
    object: replicaSet(
      podSpec({ securityContext: { runAsGroup: 30000 } }, [withContextFields({ runAsGroup: undefined })]),
    ),
    messages: [],
  },
  // KSV-0027
  { check: 'KSV-0027', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0027',
    name: 'any procMount key fails, even Default',
    object: replicaSet(podSpec({}, [withContextFields({ procMount: 'Default' })])),
    messages: [
      "ReplicaSet 'web' should not set 'spec.containers[*].securityContext.procMount' or " +
        "'spec.initContainers[*].securityContext.procMount'",
    ],
  },
  // KSV-0103
  { check: 'KSV-0103', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0103',
    name: 'Pod-level hostProcess fails',
    object: pod(podSpec({ securityContext: { windowsOptions: { hostProcess: true } } })),
    messages: ['You should not enable hostProcess.'],
  },
  {
    check: 'KSV-0103',
    name: 'template pod-level hostProcess is inherited by the containers',
    object: replicaSet(podSpec({ securityContext: { windowsOptions: { hostProcess: true } } })),
    messages: ['You should not enable hostProcess.'],
  },
  {
    check: 'KSV-0103',
    name: 'container hostProcess fails once for the resource',
    object: replicaSet(
      podSpec({}, [
        withContextFields({ windowsOptions: { hostProcess: true } }, 'a'),
        withContextFields({ windowsOptions: { hostProcess: true } }, 'b'),
      ]),
    ),
    messages: ['You should not enable hostProcess.'],
  },
  {
    check: 'KSV-0103',
    name: 'hostProcess false passes',
    object: replicaSet(podSpec({}, [withContextFields({ windowsOptions: { hostProcess: false } })])),
    messages: [],
  },
  // KSV-0105
  { check: 'KSV-0105', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0105',
    name: 'container UID 0 fails',
    object: replicaSet(podSpec({}, [withContextFields({ runAsUser: 0 })])),
    messages: ['securityContext.runAsUser should be set to a value greater than 0'],
  },
  {
    check: 'KSV-0105',
    name: 'pod UID 0 fails even when the container overrides it',
    object: replicaSet(
      podSpec({ securityContext: { runAsUser: 0 } }, [withContextFields({ runAsUser: 10001 })]),
    ),
    messages: ['securityContext.runAsUser should be set to a value greater than 0'],
  },
  {
    check: 'KSV-0105',
    name: 'runs on any kind with spec.containers',
    object: {
      apiVersion: 'example.com/v1',
      kind: 'Runner',
      metadata: { name: 'r' },
      spec: { containers: [withContextFields({ runAsUser: 0 })] },
    },
    messages: ['securityContext.runAsUser should be set to a value greater than 0'],
  },
  // KSV-0116
  { check: 'KSV-0116', name: 'hardened passes', object: replicaSet(), messages: [] },
  ...(['runAsGroup', 'fsGroup'] as const).map((field) => ({
    check: 'KSV-0116',
    name: `pod ${field} 0 fails`,
    object: replicaSet(podSpec({ securityContext: { runAsNonRoot: true, [field]: 0 } })),
    messages: [
      'replicaset web in apps namespace should set spec.securityContext.runAsGroup, ' +
        'spec.securityContext.supplementalGroups[*] and spec.securityContext.fsGroup to integer greater than 0',
    ],
  })),
  {
    check: 'KSV-0116',
    name: 'supplementalGroups containing 0 fails',
    object: replicaSet(podSpec({ securityContext: { supplementalGroups: [1000, 0] } })),
    messages: [
      'replicaset web in apps namespace should set spec.securityContext.runAsGroup, ' +
        'spec.securityContext.supplementalGroups[*] and spec.securityContext.fsGroup to integer greater than 0',
    ],
  },
  {
    check: 'KSV-0116',
    name: 'container-level runAsGroup 0 is not considered',
    object: replicaSet(podSpec({}, [withContextFields({ runAsGroup: 0 })])),
    messages: [],
  },
  // KSV-0118
  { check: 'KSV-0118', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0118',
    name: 'no securityContext anywhere',
    object: replicaSet(
      podSpec({ securityContext: undefined }, [withContext(undefined, 'a'), withContext({}, 'b')]),
    ),
    messages: [
      'replicaset web in apps namespace is using the default security context, which allows root privileges',
      'container web in apps namespace is using the default security context',
    ],
  },
  {
    check: 'KSV-0118',
    name: 'empty pod context, containers inherit nothing but set their own',
    object: replicaSet(podSpec({ securityContext: {} })),
    messages: [
      'replicaset web in apps namespace is using the default security context, which allows root privileges',
    ],
  },
  {
    check: 'KSV-0118',
    name: 'an inherited pod field means the container context is not the default',
    object: replicaSet(podSpec({ securityContext: { runAsUser: 10001 } }, [withContext(undefined)])),
    messages: [],
  },
  {
    check: 'KSV-0118',
    name: 'a non-inherited pod field leaves the container on defaults',
    object: replicaSet(podSpec({ securityContext: { fsGroup: 10001 } }, [withContext(undefined)])),
    messages: ['container web in apps namespace is using the default security context'],
  },
];
