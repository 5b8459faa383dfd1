/** NetworkPolicy selectors. */
import type { Check } from '../types.ts';
import { arrayAt, hasField, kindOf, recordAt } from '../kubernetes-object.ts';
import { aliasesFor, avdReference } from './findings.ts';

function hasSelector(value: unknown): boolean {
  return hasField(value, 'podSelector') || hasField(value, 'namespaceSelector');
}

export const networkPolicySelectors: Check = {
  id: 'KSV-0038',
  aliases: aliasesFor('KSV-0038', 'KSV038'),
  title: 'Selector usage in network policies',
  description:
    'A network policy only restricts traffic for the pods and namespaces its selectors pick; without selectors ' +
    'it protects nothing.',
  severity: 'MEDIUM',
  remediation:
    'Give the policy a podSelector and/or namespaceSelector, at the top or in its ingress/egress peers.',
  references: avdReference('KSV-0038'),
  kinds: '*',
  evaluate(object) {
    if (kindOf(object).toLowerCase() !== 'networkpolicy') return [];
    const spec = recordAt(object, 'spec');
    const peers = [
      ...arrayAt(spec, 'ingress').flatMap((rule) => arrayAt(rule, 'from')),
      ...arrayAt(spec, 'egress').flatMap((rule) => arrayAt(rule, 'to')),
    ];
    if (hasSelector(spec) || peers.some(hasSelector)) return [];
    return [
      {
        message:
          'Network policy should uses podSelector and/or the namespaceSelector to restrict ingress and egress ' +
          'traffic within the Pod network',
      },
    ];
  },
};
