import type { Check } from '../types.ts';
import {
  bothRoleKinds,
  includes,
  includesAny,
  kindOf,
  modifyingVerbs,
  nameOf,
  orderedRulePairCheck,
  rbacCheckMetadata,
  regoArray,
  singleRuleCheck,
} from './policy-rules.ts';

const logDeletionVerbs: readonly string[] = ['delete', 'deletecollection', '*'];

/** KSV-0042: deleting container logs hides what an attacker did. */
export const deletePodLogs: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0042',
    legacyId: 'KSV042',
    title: 'Delete pod logs',
    severity: 'MEDIUM',
    kinds: ['ClusterRole', 'Role'],
    description:
      'Deleting pods/log lets a subject erase the container logs that would show what it did, which hampers ' +
      'incident response and audits.',
    remediation: 'Remove the delete and deletecollection verbs (and "*") on pods/log from the role.',
  }),
  {
    roleKinds: bothRoleKinds,
    offends: (rule) => includes(rule.resources, 'pods/log') && includesAny(rule.verbs, logDeletionVerbs),
    message: (object) =>
      `${kindOf(object)} '${nameOf(object)}' should not have access to resource 'pods/log' for verbs ${regoArray(logDeletionVerbs)}`,
  },
);

/** KSV-0053: exec into a container runs arbitrary commands with the container's identity. */
export const execIntoPods: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0053',
    legacyId: 'KSV053',
    title: 'Exec into Pods',
    severity: 'HIGH',
    kinds: ['ClusterRole', 'Role'],
    description:
      'Access to pods/exec lets a subject run any command inside running containers, with their service ' +
      'account token, mounted Secrets and network position.',
    remediation: 'Remove pods/exec from the role, or keep only read-only verbs on it.',
  }),
  {
    roleKinds: bothRoleKinds,
    offends: (rule) => includes(rule.resources, 'pods/exec') && includesAny(rule.verbs, modifyingVerbs),
    message: (object) =>
      `${kindOf(object)} '${nameOf(object)}' should not have access to resource '${regoArray(['pods/exec'])}' for verbs ${regoArray(modifyingVerbs)}`,
  },
);

/** KSV-0054: attaching needs `create` on pods/attach plus a later rule with `get` on pods, all with apiGroups `*`. */
export const attachToPods: Check = orderedRulePairCheck(
  rbacCheckMetadata({
    id: 'KSV-0054',
    legacyId: 'KSV054',
    title: 'Do not allow attaching to shell on pods',
    severity: 'HIGH',
    kinds: '*',
    description:
      'Being able to create pods/attach and get pods lets a subject attach to the shell or process of running ' +
      'containers and act with their privileges.',
    remediation: 'Remove the create verb on pods/attach from the role.',
  }),
  {
    roleKinds: bothRoleKinds,
    first: (rule) =>
      includes(rule.apiGroups, '*') &&
      includes(rule.resources, 'pods/attach') &&
      includes(rule.verbs, 'create'),
    second: (rule) =>
      includes(rule.apiGroups, '*') && includes(rule.resources, 'pods') && includes(rule.verbs, 'get'),
    message: () => 'Role permits attaching to shell on pods',
  },
);
