import type { Check } from '../types.ts';
import {
  includes,
  includesAny,
  namespaceOf,
  nameOf,
  rbacCheckMetadata,
  readOrModifyVerbs,
  singleRuleCheck,
} from './policy-rules.ts';

/** KSV-0041: a ClusterRole that can read or change Secrets in every namespace. */
export const manageSecrets: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0041',
    legacyId: 'KSV041',
    title: 'Manage secrets',
    severity: 'CRITICAL',
    kinds: ['ClusterRole'],
    description:
      'A ClusterRole that can read or change Secrets gives every subject bound to it the credentials, tokens and ' +
      'keys stored in all namespaces, which is usually enough to take over other workloads or the cluster.',
    remediation:
      'Remove the secrets resource from the ClusterRole, or grant access to the few named Secrets that are needed ' +
      'through a namespaced Role.',
  }),
  {
    roleKinds: ['ClusterRole'],
    offends: (rule) => includes(rule.resources, 'secrets') && includesAny(rule.verbs, readOrModifyVerbs),
    message: (object) => `ClusterRole '${nameOf(object)}' shouldn't have access to manage resource 'secrets'`,
  },
);

/** KSV-0113: a Role that can read or change the Secrets of its namespace. */
export const manageNamespaceSecrets: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0113',
    legacyId: 'KSV113',
    title: 'Manage namespace secrets',
    severity: 'MEDIUM',
    kinds: ['Role'],
    description:
      'A Role that can read or change Secrets exposes every credential stored in its namespace to the subjects ' +
      'bound to it, including service account tokens of more privileged workloads.',
    remediation:
      'Remove the secrets resource from the Role, or restrict it with resourceNames to the Secrets that are needed.',
  }),
  {
    roleKinds: ['Role'],
    offends: (rule) => includes(rule.resources, 'secrets') && includesAny(rule.verbs, readOrModifyVerbs),
    message: (object) =>
      `Role '${nameOf(object)}' shouldn't have access to manage secrets in namespace '${namespaceOf(object)}'`,
  },
);
