/** SELinux options on the pod and its containers. */
import type { Check } from '../types.ts';
import {
  WORKLOAD_KINDS,
  compareStrings,
  containersOf,
  effectiveSecurityContext,
  hasKey,
  podSpecOf,
  recordAt,
} from '../kubernetes-object.ts';
import type { JsonRecord } from '../kubernetes-object.ts';
import { aliasesFor, avdReference, findings, labelsOf } from './findings.ts';

const ALLOWED_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t']);
const RESTRICTED_KEYS = ['role', 'user'] as const;

export const seLinuxOptions: Check = {
  id: 'KSV-0025',
  aliases: aliasesFor('KSV-0025', 'KSV025'),
  title: 'SELinux custom options set',
  description:
    'Custom SELinux types, users or roles can move a container out of the confined container domain the ' +
    'runtime assigns.',
  severity: 'MEDIUM',
  remediation:
    "Leave 'seLinuxOptions.user' and 'seLinuxOptions.role' unset and use only the container_t, " +
    'container_init_t or container_kvm_t types.',
  references: avdReference('KSV-0025'),
  kinds: WORKLOAD_KINDS,
  evaluate(object) {
    const contexts: JsonRecord[] = containersOf(object).map(effectiveSecurityContext);
    const podContext = recordAt(podSpecOf(object), 'securityContext');
    if (podContext !== undefined) contexts.push(podContext);
    const labels = labelsOf(object);
    const messages: string[] = [];
    const restricted = new Set<string>();
    for (const context of contexts) {
      const options = recordAt(context, 'seLinuxOptions');
      if (options === undefined) continue;
      if (typeof options.type === 'string' && options.type !== '' && !ALLOWED_TYPES.has(options.type)) {
        messages.push(`${labels.Kind} '${labels.name}' uses invalid seLinux type '${options.type}'`);
      }
      for (const key of RESTRICTED_KEYS) if (hasKey(options, key)) restricted.add(key);
    }
    if (restricted.size > 0) {
      const keys = [...restricted].sort(compareStrings).map((key) => `'${key}'`);
      messages.push(
        `${labels.Kind} '${labels.name}' uses restricted properties in seLinuxOptions: (${keys.join(', ')})`,
      );
    }
    return findings(messages);
  },
};
