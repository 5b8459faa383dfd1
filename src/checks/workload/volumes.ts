/** Pod volume checks: host paths and volume types outside the core set. */
import type { Check } from '../types.ts';
import { WORKLOAD_KINDS, hasKey, recordAt, stringAt, volumesOf } from '../kubernetes-object.ts';
import { renderRegoSet } from '../kubernetes-object.ts';
import { aliasesFor, avdReference, perObject } from './findings.ts';

function hostPaths(volumes: ReturnType<typeof volumesOf>): string[] {
  const paths: string[] = [];
  for (const volume of volumes) {
    const path = stringAt(recordAt(volume, 'hostPath'), 'path');
    if (path !== undefined) paths.push(path);
  }
  return paths;
}

export const dockerSocket: Check = {
  id: 'KSV-0006',
  aliases: aliasesFor('KSV-0006', 'KSV006'),
  title: 'hostPath volume mounted with docker.sock',
  description:
    'Whoever can talk to the Docker socket can start privileged containers on the node, so mounting it hands ' +
    'over the node.',
  severity: 'HIGH',
  remediation: "Do not mount '/var/run/docker.sock' into pods.",
  references: avdReference('KSV-0006'),
  kinds: WORKLOAD_KINDS,
  // Upstream's message says 'docker.socker'; we name the socket correctly.
  evaluate: (object) =>
    perObject(
      object,
      hostPaths(volumesOf(object)).includes('/var/run/docker.sock'),
      (l) =>
        `${l.Kind} '${l.name}' should not specify '/var/run/docker.sock' in 'spec.template.volumes.hostPath.path'`,
    ),
};

export const hostPathVolumes: Check = {
  id: 'KSV-0023',
  aliases: aliasesFor('KSV-0023', 'KSV023'),
  title: 'hostPath volumes mounted',
  description:
    "A hostPath volume exposes the node's file system to the pod and ties the pod to the files of one node.",
  severity: 'MEDIUM',
  remediation: "Replace 'hostPath' volumes with persistent volumes, emptyDir or projected volumes.",
  references: avdReference('KSV-0023'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perObject(
      object,
      volumesOf(object).some((volume) => hasKey(volume, 'hostPath')),
      (l) => `${l.Kind} '${l.name}' should not set 'spec.template.volumes.hostPath'`,
    ),
};

/** Volume types outside the Pod Security Standard's allowed set; hostPath is KSV-0023's business. */
export const DISALLOWED_VOLUME_TYPES = [
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephFS',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
] as const;

export const nonCoreVolumeTypes: Check = {
  id: 'KSV-0028',
  aliases: aliasesFor('KSV-0028', 'KSV028'),
  title: 'Non-core volume types used.',
  description:
    'The restricted Pod Security Standard allows only core volume types (configMap, secret, emptyDir, ' +
    'persistentVolumeClaim, projected, downwardAPI, csi, ephemeral); in-tree drivers for network storage reach ' +
    'outside the cluster and bypass PersistentVolume policy.',
  severity: 'LOW',
  remediation: 'Use persistentVolumeClaim, csi, ephemeral or another core volume type instead.',
  references: avdReference('KSV-0028'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perObject(
      object,
      volumesOf(object).some((volume) => DISALLOWED_VOLUME_TYPES.some((type) => hasKey(volume, type))),
      (l) => `${l.Kind} '${l.name}' should set 'spec.volumes[*]' to an allowed volume type`,
    ),
};

/** Host directories whose exposure gives away the node (exact paths, as upstream compares them). */
export const SENSITIVE_HOST_PATHS = [
  '/',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/proc',
  '/sys',
  '/usr',
  '/var/lib/docker',
];

export const sensitiveHostPaths: Check = {
  id: 'KSV-0121',
  aliases: aliasesFor('KSV-0121', 'KSV121'),
  title: 'Kubernetes resource with disallowed volumes mounted',
  description:
    'Mounting system directories of the node (/, /etc, /proc, /var/lib/docker, ...) lets the pod read or alter ' +
    'the host operating system.',
  severity: 'HIGH',
  remediation: 'Remove hostPath volumes that point at system directories of the node.',
  references: avdReference('KSV-0121'),
  kinds: WORKLOAD_KINDS,
  evaluate(object) {
    const offending = hostPaths(volumesOf(object)).filter((path) => SENSITIVE_HOST_PATHS.includes(path));
    return perObject(
      object,
      offending.length > 0,
      (l) =>
        `${l.kind} ${l.name} in ${l.ns} namespace shouldn't have volumes set to ${renderRegoSet(offending)}`,
    );
  },
};

export const volumeChecks: readonly Check[] = [
  dockerSocket,
  hostPathVolumes,
  nonCoreVolumeTypes,
  sensitiveHostPaths,
];
