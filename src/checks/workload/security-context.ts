/** Checks on the effective container securityContext and the pod-level securityContext (users, groups, flags). */
import type { Check } from '../types.ts';
import {
  WORKLOAD_KINDS,
  arrayAt,
  containersOf,
  effectiveSecurityContext,
  podSpecOf,
  recordAt,
} from '../kubernetes-object.ts';
import type { JsonRecord } from '../kubernetes-object.ts';
import { aliasesFor, avdReference, findings, labelsOf, perContainer, perObject } from './findings.ts';

function above(value: unknown, limit: number): boolean {
  return typeof value === 'number' && value > limit;
}

export const allowPrivilegeEscalation: Check = {
  id: 'KSV-0001',
  aliases: aliasesFor('KSV-0001', 'KSV001'),
  title: 'Can elevate its own privileges',
  description:
    'Unless privilege escalation is turned off, a process in the container can gain more privileges than its ' +
    'parent, for example through setuid binaries.',
  severity: 'MEDIUM',
  remediation: "Set 'securityContext.allowPrivilegeEscalation' to false on every container.",
  references: avdReference('KSV-0001'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perContainer(
      object,
      (context) => context.allowPrivilegeEscalation !== false,
      (ref, l) =>
        `Container '${ref.name}' of ${l.Kind} '${l.name}' should set 'securityContext.allowPrivilegeEscalation' to false`,
    ),
};

export const runAsNonRoot: Check = {
  id: 'KSV-0012',
  aliases: aliasesFor('KSV-0012', 'KSV012'),
  title: 'Runs as root user',
  description:
    'A container that may run as UID 0 gives an attacker who escapes it root on the node far more easily; ' +
    'Kubernetes refuses to start a non-root container as root only when runAsNonRoot is true.',
  severity: 'MEDIUM',
  remediation: "Set 'securityContext.runAsNonRoot' to true on the pod or on every container.",
  references: avdReference('KSV-0012'),
  kinds: WORKLOAD_KINDS,
  evaluate(object) {
    // Upstream treats a pod-level `runAsNonRoot: true` as covering the whole resource, container overrides included.
    if (recordAt(podSpecOf(object), 'securityContext')?.runAsNonRoot === true) return [];
    return perContainer(
      object,
      (context) => context.runAsNonRoot !== true,
      (ref, l) =>
        `Container '${ref.name}' of ${l.Kind} '${l.name}' should set 'securityContext.runAsNonRoot' to true`,
    );
  },
};

export const readOnlyRootFilesystem: Check = {
  id: 'KSV-0014',
  aliases: aliasesFor('KSV-0014', 'KSV014'),
  title: 'Root file system is not read-only',
  description:
    'A writable root file system lets an intruder change binaries and drop tools inside the container; a ' +
    'read-only one confines writes to the volumes the application declares.',
  severity: 'HIGH',
  remediation:
    "Set 'securityContext.readOnlyRootFilesystem' to true and mount writable volumes where needed.",
  references: avdReference('KSV-0014'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perContainer(
      object,
      (context) => context.readOnlyRootFilesystem !== true,
      (ref, l) =>
        `Container '${ref.name}' of ${l.Kind} '${l.name}' should set 'securityContext.readOnlyRootFilesystem' to true`,
    ),
};

export const privileged: Check = {
  id: 'KSV-0017',
  aliases: aliasesFor('KSV-0017', 'KSV017'),
  title: 'Privileged',
  description:
    'A privileged container has every capability and access to all host devices: it is root on the node in all ' +
    'but name.',
  severity: 'HIGH',
  remediation: "Set 'securityContext.privileged' to false (or leave it unset).",
  references: avdReference('KSV-0017'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perContainer(
      object,
      (context) => context.privileged === true,
      (ref, l) =>
        `Container '${ref.name}' of ${l.Kind} '${l.name}' should set 'securityContext.privileged' to false`,
    ),
};

export const runAsHighUid: Check = {
  id: 'KSV-0020',
  aliases: aliasesFor('KSV-0020', 'KSV020'),
  title: 'Runs with UID <= 10000',
  description:
    'Low UIDs collide with accounts that exist on the host; a UID above 10000 keeps a container process from ' +
    'matching a privileged host user.',
  severity: 'LOW',
  remediation: "Set 'securityContext.runAsUser' to a value greater than 10000.",
  references: avdReference('KSV-0020'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perContainer(
      object,
      (context) => !above(context.runAsUser, 10000),
      (ref, l) =>
        `Container '${ref.name}' of ${l.Kind} '${l.name}' should set 'securityContext.runAsUser' > 10000`,
    ),
};

export const runAsHighGid: Check = {
  id: 'KSV-0021',
  aliases: aliasesFor('KSV-0021', 'KSV021'),
  title: 'Runs with GID <= 10000',
  description:
    'Low GIDs collide with groups that exist on the host; a GID above 10000 keeps a container process out of ' +
    'privileged host groups.',
  severity: 'LOW',
  remediation: "Set 'securityContext.runAsGroup' to a value greater than 10000.",
  references: avdReference('KSV-0021'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perContainer(
      object,
      (context) => !above(context.runAsGroup, 10000),
      (ref, l) =>
        `Container '${ref.name}' of ${l.Kind} '${l.name}' should set 'securityContext.runAsGroup' > 10000`,
    ),
};

export const procMount: Check = {
  id: 'KSV-0027',
  aliases: aliasesFor('KSV-0027', 'KSV027'),
  title: 'Non-default /proc masks set',
  description:
    'The default /proc mount hides kernel interfaces from the container; changing procMount can expose them.',
  severity: 'MEDIUM',
  remediation: "Remove 'securityContext.procMount' from every container.",
  references: avdReference('KSV-0027'),
  kinds: WORKLOAD_KINDS,
  evaluate(object) {
    const failing = containersOf(object).some((ref) =>
      Object.hasOwn(effectiveSecurityContext(ref), 'procMount'),
    );
    return perObject(
      object,
      failing,
      (l) =>
        `${l.Kind} '${l.name}' should not set 'spec.containers[*].securityContext.procMount' or ` +
        `'spec.initContainers[*].securityContext.procMount'`,
    );
  },
};

export const rootUid: Check = {
  id: 'KSV-0105',
  aliases: aliasesFor('KSV-0105', 'KSV105'),
  title: 'Containers must not set runAsUser to 0',
  description: 'Asking for UID 0 explicitly runs the container as root.',
  severity: 'LOW',
  remediation: "Set 'securityContext.runAsUser' to a non-zero UID, or leave it unset and set runAsNonRoot.",
  references: avdReference('KSV-0105'),
  kinds: '*',
  evaluate(object) {
    const podLevel = recordAt(podSpecOf(object), 'securityContext')?.runAsUser === 0;
    const containerLevel = containersOf(object).some((ref) => effectiveSecurityContext(ref).runAsUser === 0);
    return podLevel || containerLevel
      ? [{ message: 'securityContext.runAsUser should be set to a value greater than 0' }]
      : [];
  },
};

export const rootGroup: Check = {
  id: 'KSV-0116',
  aliases: aliasesFor('KSV-0116', 'KSV116'),
  title: 'Runs with a root primary or supplementary GID',
  description:
    'Group 0 gives a process the file permissions of the root group on every volume and on files the image ' +
    'leaves group-writable.',
  severity: 'LOW',
  remediation:
    "Set 'spec.securityContext.runAsGroup', every 'supplementalGroups' entry and 'fsGroup' to integers " +
    'greater than 0.',
  references: avdReference('KSV-0116'),
  kinds: WORKLOAD_KINDS,
  evaluate(object) {
    const pod = recordAt(podSpecOf(object), 'securityContext');
    const failing =
      pod !== undefined &&
      (pod.runAsGroup === 0 || pod.fsGroup === 0 || arrayAt(pod, 'supplementalGroups').includes(0));
    return perObject(
      object,
      failing,
      (l) =>
        `${l.kind} ${l.name} in ${l.ns} namespace should set spec.securityContext.runAsGroup, ` +
        `spec.securityContext.supplementalGroups[*] and spec.securityContext.fsGroup to integer greater than 0`,
    );
  },
};

function isEmptyContext(value: JsonRecord | undefined): boolean {
  return value === undefined || Object.keys(value).length === 0;
}

export const defaultSecurityContext: Check = {
  id: 'KSV-0118',
  aliases: aliasesFor('KSV-0118', 'KSV118'),
  title: 'Default security context configured',
  description:
    'With no securityContext at all, the pod and its containers run with the runtime defaults, which allow ' +
    'root and privilege escalation.',
  severity: 'HIGH',
  remediation: 'Set a securityContext on the pod and on each container that restricts what they may do.',
  references: avdReference('KSV-0118'),
  kinds: WORKLOAD_KINDS,
  evaluate(object) {
    const labels = labelsOf(object);
    const messages: string[] = [];
    const spec = podSpecOf(object);
    if (spec !== undefined && isEmptyContext(recordAt(spec, 'securityContext'))) {
      messages.push(
        `${labels.kind} ${labels.name} in ${labels.ns} namespace is using the default security context, ` +
          'which allows root privileges',
      );
    }
    for (const ref of containersOf(object)) {
      if (isEmptyContext(effectiveSecurityContext(ref))) {
        // Upstream prints the resource name here, not the container's.
        messages.push(
          `container ${labels.name} in ${labels.ns} namespace is using the default security context`,
        );
      }
    }
    return findings(messages);
  },
};

export const hostProcess: Check = {
  id: 'KSV-0103',
  aliases: aliasesFor('KSV-0103', 'KSV103'),
  title: 'Access to host process',
  description:
    'A Windows HostProcess container runs directly on the node with the privileges of the host, outside any ' +
    'isolation.',
  severity: 'MEDIUM',
  remediation: "Remove 'windowsOptions.hostProcess' or set it to false on the pod and its containers.",
  references: avdReference('KSV-0103'),
  kinds: WORKLOAD_KINDS,
  evaluate(object) {
    const topLevel = recordAt(recordAt(recordAt(object, 'spec'), 'securityContext'), 'windowsOptions');
    const failing =
      topLevel?.hostProcess === true ||
      containersOf(object).some(
        (ref) => recordAt(effectiveSecurityContext(ref), 'windowsOptions')?.hostProcess === true,
      );
    return failing ? [{ message: 'You should not enable hostProcess.' }] : [];
  },
};

export const securityContextChecks: readonly Check[] = [
  allowPrivilegeEscalation,
  runAsNonRoot,
  readOnlyRootFilesystem,
  privileged,
  runAsHighUid,
  runAsHighGid,
  procMount,
  hostProcess,
  rootUid,
  rootGroup,
  defaultSecurityContext,
];
