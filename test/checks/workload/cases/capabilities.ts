import type { CheckCase } from '../fixtures.ts';
import { pod, podSpec, replicaSet, withContextFields } from '../fixtures.ts';

const caps = (capabilities: unknown, name = 'app') => withContextFields({ capabilities }, name);

export const capabilityCases: CheckCase[] = [
  // KSV-0003
  { check: 'KSV-0003', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0003',
    name: 'drop ALL is case-insensitive',
    object: replicaSet(podSpec({}, [caps({ drop: ['all'] })])),
    messages: [],
  },
  {
    check: 'KSV-0003',
    name: 'dropping some but not ALL fails',
    object: replicaSet(podSpec({}, [caps({ drop: ['NET_RAW'] })])),
    messages: ["Container 'app' of ReplicaSet 'web' should add 'ALL' to 'securityContext.capabilities.drop'"],
  },
  {
    check: 'KSV-0003',
    name: 'capabilities are container-only: pod level is not inherited',
    object: replicaSet(podSpec({ securityContext: { capabilities: { drop: ['ALL'] } } }, [caps(undefined)])),
    messages: ["Container 'app' of ReplicaSet 'web' should add 'ALL' to 'securityContext.capabilities.drop'"],
  },
  // KSV-0004
  { check: 'KSV-0004', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0004',
    name: 'an empty drop list counts as present',
    object: replicaSet(podSpec({}, [caps({ drop: [] })])),
    messages: [],
  },
  {
    check: 'KSV-0004',
    name: 'no drop key fails, with lower-case kind and namespace',
    object: replicaSet(podSpec({}, [caps({ add: [] })])),
    messages: [
      "Container 'app' of 'replicaset' 'web' in 'apps' namespace should set securityContext.capabilities.drop",
    ],
  },
  {
    check: 'KSV-0004',
    name: 'missing namespace renders as default',
    object: pod(podSpec({}, [caps(undefined)]), { namespace: null }),
    messages: [
      "Container 'app' of 'pod' 'web' in 'default' namespace should set securityContext.capabilities.drop",
    ],
  },
  // KSV-0005
  { check: 'KSV-0005', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0005',
    name: 'SYS_ADMIN added fails',
    object: replicaSet(podSpec({}, [caps({ drop: ['ALL'], add: ['SYS_ADMIN'] })])),
    messages: [
      "Container 'app' of ReplicaSet 'web' should not include 'SYS_ADMIN' in 'securityContext.capabilities.add'",
    ],
  },
  {
    check: 'KSV-0005',
    name: 'match is case-sensitive',
    object: replicaSet(podSpec({}, [caps({ drop: ['ALL'], add: ['sys_admin'] })])),
    messages: [],
  },
  // KSV-0022
  { check: 'KSV-0022', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0022',
    name: 'any added capability fails, even NET_BIND_SERVICE',
    object: replicaSet(podSpec({}, [caps({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] })])),
    messages: ["Container 'app' of ReplicaSet 'web' should not set 'securityContext.capabilities.add'"],
  },
  {
    check: 'KSV-0022',
    name: 'empty add list passes',
    object: replicaSet(podSpec({}, [caps({ drop: ['ALL'], add: [] })])),
    messages: [],
  },
  // KSV-0106
  { check: 'KSV-0106', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0106',
    name: 'drop ALL plus NET_BIND_SERVICE passes',
    object: replicaSet(podSpec({}, [caps({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] })])),
    messages: [],
  },
  {
    check: 'KSV-0106',
    name: 'not dropping ALL fails',
    object: replicaSet(podSpec({}, [caps({ drop: ['NET_RAW'] })])),
    messages: ['container should drop all'],
  },
  {
    check: 'KSV-0106',
    name: 'adding anything else fails',
    object: replicaSet(podSpec({}, [caps({ drop: ['ALL'], add: ['CHOWN'] })])),
    messages: ['container should not add stuff'],
  },
  // KSV-0119
  { check: 'KSV-0119', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0119',
    name: 'NET_RAW added fails',
    object: replicaSet(podSpec({}, [caps({ drop: ['ALL'], add: ['NET_RAW'] })])),
    messages: [
      "container app of replicaset web in apps namespace should not include 'NET_RAW' in securityContext.capabilities.add",
    ],
  },
  // KSV-0120
  { check: 'KSV-0120', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0120',
    name: 'SYS_MODULE added fails and names the container',
    object: replicaSet(podSpec({}, [caps({ drop: ['ALL'], add: ['SYS_MODULE'] })])),
    messages: [
      "container app of replicaset web in apps namespace should not include 'SYS_MODULE' in securityContext.capabilities.add",
    ],
  },
];
