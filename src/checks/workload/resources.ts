/** CPU and memory requests and limits. */
import type { Check } from '../types.ts';
import { WORKLOAD_KINDS, hasKey, recordAt } from '../kubernetes-object.ts';
import { aliasesFor, avdReference, perContainer } from './findings.ts';

function resourceCheck(
  id: string,
  legacy: string,
  section: 'limits' | 'requests',
  resource: 'cpu' | 'memory',
  title: string,
  description: string,
): Check {
  return {
    id,
    aliases: aliasesFor(id, legacy),
    title,
    description,
    severity: 'LOW',
    remediation: `Set 'resources.${section}.${resource}' on every container.`,
    references: avdReference(id),
    kinds: WORKLOAD_KINDS,
    evaluate: (object) =>
      perContainer(
        object,
        (_context, ref) => !hasKey(recordAt(recordAt(ref.container, 'resources'), section), resource),
        (ref, l) =>
          `Container '${ref.name}' of ${l.Kind} '${l.name}' should set 'resources.${section}.${resource}'`,
      ),
  };
}

export const cpuLimit = resourceCheck(
  'KSV-0011',
  'KSV011',
  'limits',
  'cpu',
  'CPU not limited',
  'Without a CPU limit one container can take all the CPU of its node and starve its neighbours.',
);

export const cpuRequest = resourceCheck(
  'KSV-0015',
  'KSV015',
  'requests',
  'cpu',
  'CPU requests not specified',
  'Without a CPU request the scheduler cannot place the pod on a node with room for it, and the pod is first ' +
    'in line to be throttled.',
);

export const memoryRequest = resourceCheck(
  'KSV-0016',
  'KSV016',
  'requests',
  'memory',
  'Memory requests not specified',
  'Without a memory request the scheduler cannot reserve memory for the pod, and it is first in line to be ' +
    'evicted under pressure.',
);

export const memoryLimit = resourceCheck(
  'KSV-0018',
  'KSV018',
  'limits',
  'memory',
  'Memory not limited',
  'Without a memory limit a leaking container can exhaust the memory of its node and get other pods killed.',
);

export const resourceChecks: readonly Check[] = [cpuLimit, cpuRequest, memoryRequest, memoryLimit];
