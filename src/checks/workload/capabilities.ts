/** Linux capability checks on the effective container securityContext. */
import type { Check } from '../types.ts';
import {
  WORKLOAD_KINDS,
  arrayAt,
  capabilityList,
  containersOf,
  effectiveSecurityContext,
  hasKey,
  recordAt,
} from '../kubernetes-object.ts';
import type { JsonRecord } from '../kubernetes-object.ts';
import { aliasesFor, avdReference, findings, perContainer } from './findings.ts';

function dropsAll(context: JsonRecord): boolean {
  return capabilityList(context, 'drop').some((capability) => capability.toUpperCase() === 'ALL');
}

function adds(context: JsonRecord, capability: string): boolean {
  return capabilityList(context, 'add').includes(capability);
}

export const dropAllCapabilities: Check = {
  id: 'KSV-0003',
  aliases: aliasesFor('KSV-0003', 'KSV003'),
  title: 'Default capabilities: some containers do not drop all',
  description:
    'Container runtimes grant a default set of capabilities that most applications never use; dropping ALL and ' +
    'adding back only what is needed shrinks what a compromised process can do.',
  severity: 'LOW',
  remediation:
    "Add 'ALL' to 'securityContext.capabilities.drop' and add back only the capabilities you need.",
  references: avdReference('KSV-0003'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perContainer(
      object,
      (context) => !dropsAll(context),
      (ref, l) =>
        `Container '${ref.name}' of ${l.Kind} '${l.name}' should add 'ALL' to 'securityContext.capabilities.drop'`,
    ),
};

export const dropAnyCapabilities: Check = {
  id: 'KSV-0004',
  aliases: aliasesFor('KSV-0004', 'KSV004'),
  title: 'Default capabilities: some containers do not drop any',
  description:
    'A container that drops no capability keeps everything the runtime grants by default, most of which it ' +
    'does not need.',
  severity: 'LOW',
  remediation: "Set 'securityContext.capabilities.drop', ideally to ['ALL'].",
  references: avdReference('KSV-0004'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perContainer(
      object,
      (context) => !hasKey(recordAt(context, 'capabilities'), 'drop'),
      (ref, l) =>
        `Container '${ref.name}' of '${l.kind}' '${l.name}' in '${l.ns}' namespace should set ` +
        'securityContext.capabilities.drop',
    ),
};

export const sysAdminCapability: Check = {
  id: 'KSV-0005',
  aliases: aliasesFor('KSV-0005', 'KSV005'),
  title: 'SYS_ADMIN capability added',
  description:
    'SYS_ADMIN covers mounting file systems, namespaces and many other administrative operations; it is close ' +
    'to full root on the node.',
  severity: 'HIGH',
  remediation: "Remove 'SYS_ADMIN' from 'securityContext.capabilities.add'.",
  references: avdReference('KSV-0005'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perContainer(
      object,
      (context) => adds(context, 'SYS_ADMIN'),
      (ref, l) =>
        `Container '${ref.name}' of ${l.Kind} '${l.name}' should not include 'SYS_ADMIN' in ` +
        `'securityContext.capabilities.add'`,
    ),
};

export const addedCapabilities: Check = {
  id: 'KSV-0022',
  aliases: aliasesFor('KSV-0022', 'KSV022'),
  title: 'Specific capabilities added',
  description:
    'Every capability added beyond the runtime defaults widens what the container may do to the kernel and the ' +
    'node.',
  severity: 'MEDIUM',
  remediation: "Remove the entries of 'securityContext.capabilities.add'.",
  references: avdReference('KSV-0022'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perContainer(
      object,
      (context) => arrayAt(recordAt(context, 'capabilities'), 'add').length > 0,
      (ref, l) =>
        `Container '${ref.name}' of ${l.Kind} '${l.name}' should not set 'securityContext.capabilities.add'`,
    ),
};

export const onlyNetBindService: Check = {
  id: 'KSV-0106',
  aliases: aliasesFor('KSV-0106', 'KSV106'),
  title: 'Container capabilities must only include NET_BIND_SERVICE',
  description:
    'The restricted Pod Security Standard requires containers to drop ALL capabilities and add back at most ' +
    'NET_BIND_SERVICE.',
  severity: 'LOW',
  remediation: "Drop 'ALL' capabilities and add only 'NET_BIND_SERVICE' if the process binds low ports.",
  references: avdReference('KSV-0106'),
  kinds: '*',
  evaluate(object) {
    const messages: string[] = [];
    for (const ref of containersOf(object)) {
      const context = effectiveSecurityContext(ref);
      if (!dropsAll(context)) {
        messages.push('container should drop all');
        continue;
      }
      const extra = arrayAt(recordAt(context, 'capabilities'), 'add').some((c) => c !== 'NET_BIND_SERVICE');
      if (extra) messages.push('container should not add stuff');
    }
    return findings(messages);
  },
};

export const netRawCapability: Check = {
  id: 'KSV-0119',
  aliases: aliasesFor('KSV-0119', 'KSV119'),
  title: 'NET_RAW capability added',
  description:
    'NET_RAW lets a process craft raw packets, which enables spoofing and man-in-the-middle attacks on the pod ' +
    'network.',
  severity: 'HIGH',
  remediation: "Remove 'NET_RAW' from 'securityContext.capabilities.add'.",
  references: avdReference('KSV-0119'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perContainer(
      object,
      (context) => adds(context, 'NET_RAW'),
      (ref, l) =>
        `container ${ref.name} of ${l.kind} ${l.name} in ${l.ns} namespace should not include 'NET_RAW' in ` +
        'securityContext.capabilities.add',
    ),
};

export const sysModuleCapability: Check = {
  id: 'KSV-0120',
  aliases: aliasesFor('KSV-0120', 'KSV120'),
  title: 'SYS_MODULE capability added',
  description: 'SYS_MODULE lets a process load kernel modules, which is arbitrary code in the node kernel.',
  severity: 'HIGH',
  remediation: "Remove 'SYS_MODULE' from 'securityContext.capabilities.add'.",
  references: avdReference('KSV-0120'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perContainer(
      object,
      (context) => adds(context, 'SYS_MODULE'),
      // Upstream renders the whole container object here; we print its name, as the message intends.
      (ref, l) =>
        `container ${ref.name} of ${l.kind} ${l.name} in ${l.ns} namespace should not include 'SYS_MODULE' in ` +
        'securityContext.capabilities.add',
    ),
};

export const capabilityChecks: readonly Check[] = [
  dropAllCapabilities,
  dropAnyCapabilities,
  sysAdminCapability,
  addedCapabilities,
  onlyNetBindService,
  netRawCapability,
  sysModuleCapability,
];
