/** Pod-level settings that share the node's namespaces or files. */
import type { Check } from '../types.ts';
import { WORKLOAD_KINDS, hasKey, podSpecOf } from '../kubernetes-object.ts';
import { aliasesFor, avdReference, perObject } from './findings.ts';

export const hostAliases: Check = {
  id: 'KSV-0007',
  aliases: aliasesFor('KSV-0007', 'KSV007'),
  title: 'Manages /etc/hosts',
  description:
    "hostAliases rewrites the pod's /etc/hosts, which can silently redirect the names the application resolves.",
  severity: 'LOW',
  remediation: "Remove 'spec.template.spec.hostAliases' and use DNS instead.",
  references: avdReference('KSV-0007'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perObject(
      object,
      hasKey(podSpecOf(object), 'hostAliases'),
      (l) => `'${l.kind}' '${l.name}' in '${l.ns}' namespace should not set spec.template.spec.hostAliases`,
    ),
};

function hostNamespaceCheck(
  id: string,
  legacy: string,
  field: 'hostIPC' | 'hostNetwork' | 'hostPID',
  title: string,
  description: string,
): Check {
  return {
    id,
    aliases: aliasesFor(id, legacy),
    title,
    description,
    severity: 'HIGH',
    remediation: `Remove 'spec.template.spec.${field}' or set it to false.`,
    references: avdReference(id),
    kinds: WORKLOAD_KINDS,
    evaluate: (object) =>
      perObject(
        object,
        podSpecOf(object)?.[field] === true,
        (l) => `${l.Kind} '${l.name}' should not set 'spec.template.spec.${field}' to true`,
      ),
  };
}

export const hostIpc = hostNamespaceCheck(
  'KSV-0008',
  'KSV008',
  'hostIPC',
  'Access to host IPC namespace',
  "Sharing the node's IPC namespace lets the pod read and write shared memory of every process on the node.",
);

export const hostNetwork = hostNamespaceCheck(
  'KSV-0009',
  'KSV009',
  'hostNetwork',
  'Access to host network',
  "Sharing the node's network namespace exposes the node's interfaces, loopback services and traffic to the pod " +
    'and bypasses network policies.',
);

export const hostPid = hostNamespaceCheck(
  'KSV-0010',
  'KSV010',
  'hostPID',
  'Access to host PID',
  "Sharing the node's PID namespace lets the pod see, signal and trace every process on the node.",
);

export const hostNamespaceChecks: readonly Check[] = [hostAliases, hostIpc, hostNetwork, hostPid];
