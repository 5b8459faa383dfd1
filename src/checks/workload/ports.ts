/** Container port checks. */
import type { Check } from '../types.ts';
import { WORKLOAD_KINDS, arrayAt, containersOf, hasKey } from '../kubernetes-object.ts';
import { aliasesFor, avdReference, perContainer, perObject } from './findings.ts';

export const hostPorts: Check = {
  id: 'KSV-0024',
  aliases: aliasesFor('KSV-0024', 'KSV024'),
  title: 'Access to host ports',
  description:
    "A hostPort binds the container to the node's own address, bypassing Services and network policies and " +
    'limiting where the pod can be scheduled.',
  severity: 'HIGH',
  remediation: "Remove 'ports[*].hostPort' and expose the container through a Service.",
  references: avdReference('KSV-0024'),
  kinds: WORKLOAD_KINDS,
  // Upstream emits one result per (container, offending port); one per offending container says the same thing.
  evaluate: (object) =>
    perContainer(
      object,
      (_context, ref) => arrayAt(ref.container, 'ports').some((port) => hasKey(port, 'hostPort')),
      (ref, l) =>
        `Container '${ref.name}' of ${l.Kind} '${l.name}' should not set host ports, 'ports[*].hostPort'`,
    ),
};

export const privilegedPorts: Check = {
  id: 'KSV-0117',
  aliases: aliasesFor('KSV-0117', 'KSV117'),
  title: 'Prevent binding to privileged ports',
  description:
    'Ports below 1024 need NET_BIND_SERVICE or root inside the container; an unprivileged port avoids both.',
  severity: 'MEDIUM',
  remediation: 'Listen on a container port of 1024 or above and map it with a Service.',
  references: avdReference('KSV-0117'),
  kinds: WORKLOAD_KINDS,
  evaluate(object) {
    const failing = containersOf(object).some((ref) =>
      arrayAt(ref.container, 'ports').some(
        (port) =>
          typeof port === 'object' &&
          port !== null &&
          typeof (port as { containerPort?: unknown }).containerPort === 'number' &&
          (port as { containerPort: number }).containerPort < 1024,
      ),
    );
    return perObject(
      object,
      failing,
      (l) =>
        `${l.kind} ${l.name} in ${l.ns} namespace should not set spec.template.spec.containers.ports.containerPort ` +
        'to less than 1024',
    );
  },
};

export const portChecks: readonly Check[] = [hostPorts, privilegedPorts];
