import type { CheckCase } from '../fixtures.ts';
import { pod, podSpec, replicaSet } from '../fixtures.ts';

const hostPath = (path: string, name = 'host') => ({ name, hostPath: { path } });

export const volumeCases: CheckCase[] = [
  // KSV-0006
  { check: 'KSV-0006', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0006',
    name: 'docker.sock fails (message names the socket correctly)',
    object: replicaSet(podSpec({ volumes: [hostPath('/var/run/docker.sock')] })),
    messages: [
      "ReplicaSet 'web' should not specify '/var/run/docker.sock' in 'spec.template.volumes.hostPath.path'",
    ],
  },
  {
    check: 'KSV-0006',
    name: 'exact path only',
    object: replicaSet(podSpec({ volumes: [hostPath('/var/run/docker.sock/')] })),
    messages: [],
  },
  // KSV-0023
  { check: 'KSV-0023', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0023',
    name: 'any hostPath fails',
    object: pod(podSpec({ volumes: [{ name: 'tmp', emptyDir: {} }, hostPath('/data')] })),
    messages: ["Pod 'web' should not set 'spec.template.volumes.hostPath'"],
  },
  // KSV-0028
  { check: 'KSV-0028', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0028',
    name: 'nfs fails',
    object: replicaSet(podSpec({ volumes: [{ name: 'share', nfs: { server: 'nas', path: '/x' } }] })),
    messages: ["ReplicaSet 'web' should set 'spec.volumes[*]' to an allowed volume type"],
  },
  {
    check: 'KSV-0028',
    name: 'core types and hostPath pass',
    object: replicaSet(
      podSpec({
        volumes: [
          { name: 'a', persistentVolumeClaim: { claimName: 'x' } },
          { name: 'b', csi: { driver: 'd' } },
          { name: 'c', projected: { sources: [] } },
          { name: 'd', configMap: { name: 'cm' } },
          hostPath('/data'),
        ],
      }),
    ),
    messages: [],
  },
  // KSV-0121
  { check: 'KSV-0121', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0121',
    name: 'offending paths are listed as a sorted set',
    object: replicaSet(
      podSpec({
        volumes: [
          hostPath('/proc', 'p'),
          hostPath('/etc', 'e'),
          hostPath('/data', 'd'),
          hostPath('/etc', 'e2'),
        ],
      }),
    ),
    messages: ['replicaset web in apps namespace shouldn\'t have volumes set to {"/etc", "/proc"}'],
  },
  {
    check: 'KSV-0121',
    name: 'subdirectories are not matched',
    object: replicaSet(podSpec({ volumes: [hostPath('/etc/ssl')] })),
    messages: [],
  },
];
