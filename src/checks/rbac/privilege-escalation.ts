import type { Check } from '../types.ts';
import {
  bothRoleKinds,
  includes,
  includesAny,
  kindOf,
  nameOf,
  orderedRulePairCheck,
  rbacCheckMetadata,
  regoArray,
  singleRuleCheck,
  type PolicyRule,
} from './policy-rules.ts';

const rbacApiGroup = 'rbac.authorization.k8s.io';

/** KSV-0043: impersonating groups (e.g. system:masters) with apiGroups `*`; the `*` verb does not count. */
export const impersonatePrivilegedGroups: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0043',
    legacyId: 'KSV043',
    title: 'Do not allow impersonation of privileged groups',
    severity: 'CRITICAL',
    kinds: '*',
    description:
      'Impersonating groups lets a subject send requests as a member of any group, such as system:masters, and so ' +
      'gain every permission that group has.',
    remediation: 'Remove the impersonate verb on groups from the role.',
  }),
  {
    roleKinds: bothRoleKinds,
    offends: (rule) =>
      includes(rule.apiGroups, '*') &&
      includes(rule.resources, 'groups') &&
      includes(rule.verbs, 'impersonate'),
    message: () => 'Role permits impersonation of privileged groups',
  },
);

/** KSV-0047: nodes/proxy reaches the kubelet API, which can run commands in any pod on the node. */
export const nodeProxyEscalation: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0047',
    legacyId: 'KSV047',
    title: 'Do not allow privilege escalation from node proxy',
    severity: 'HIGH',
    kinds: '*',
    description:
      'Access to nodes/proxy reaches the kubelet API of a node, which can run commands in every pod on it and ' +
      'bypasses admission control and audit logging of those actions.',
    remediation: 'Remove the get and create verbs on nodes/proxy from the role.',
  }),
  {
    roleKinds: bothRoleKinds,
    offends: (rule) => includes(rule.resources, 'nodes/proxy') && includesAny(rule.verbs, ['get', 'create']),
    message: () => 'Role permits privilege escalation from node proxy',
  },
);

const rbacResources: readonly string[] = ['roles', 'rolebindings'];
/** Current upstream logic (trivy-checks HEAD since 2026-01); see differences.ts for the operator-pinned variant. */
const rbacEscalationVerbs: readonly string[] = ['escalate', 'bind', 'impersonate', '*'];

/** KSV-0050: verbs on Roles/RoleBindings that let a subject grant itself more than it has. */
export const rbacResourceEscalation: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0050',
    legacyId: 'KSV050',
    title: 'Do not allow privilege escalation via RBAC resources',
    severity: 'CRITICAL',
    kinds: ['ClusterRole', 'Role'],
    description:
      'The escalate, bind and impersonate verbs on roles or rolebindings bypass the rule that a subject can only ' +
      'grant permissions it already holds, so the subject can give itself any permission.',
    remediation:
      'Remove the escalate, bind, impersonate and "*" verbs on roles and rolebindings from the role.',
  }),
  {
    roleKinds: bothRoleKinds,
    offends: (rule) =>
      includesAny(rule.resources, rbacResources) && includesAny(rule.verbs, rbacEscalationVerbs),
    message: (object) =>
      `${kindOf(object)} '${nameOf(object)}' should not have access to resources ${regoArray(rbacResources)} for verbs ${regoArray(rbacEscalationVerbs)} as they can lead to privilege escalation`,
  },
);

function bindsAnyRole(rule: PolicyRule, roleResources: readonly string[]): boolean {
  return (
    includesAny(rule.resources, roleResources) &&
    includes(rule.verbs, 'bind') &&
    includes(rule.resourceNames, '*')
  );
}

/** KSV-0051: create RoleBindings, then (in a later rule) bind any Role/ClusterRole. */
export const createRoleBindingToAnyRole: Check = orderedRulePairCheck(
  rbacCheckMetadata({
    id: 'KSV-0051',
    legacyId: 'KSV051',
    title: 'Do not allow role binding creation and association with privileged role/clusterrole',
    severity: 'HIGH',
    kinds: '*',
    description:
      'Creating RoleBindings together with the bind verb on any Role or ClusterRole lets a subject bind itself ' +
      'to a more privileged role, such as admin, and escalate its privileges.',
    remediation:
      'Remove the bind verb with resourceNames "*", or the create verb on rolebindings, from the role.',
  }),
  {
    roleKinds: bothRoleKinds,
    first: (rule) =>
      includes(rule.apiGroups, rbacApiGroup) &&
      includes(rule.resources, 'rolebindings') &&
      includes(rule.verbs, 'create'),
    second: (rule) => includes(rule.apiGroups, rbacApiGroup) && bindsAnyRole(rule, ['clusterroles', 'roles']),
    message: () => 'Role permits creation of role binding and association with privileged role',
  },
);

/** KSV-0052: create ClusterRoleBindings, then (in a later rule) bind any ClusterRole; that rule's apiGroups are not read. */
export const createClusterRoleBindingToAnyRole: Check = orderedRulePairCheck(
  rbacCheckMetadata({
    id: 'KSV-0052',
    legacyId: 'KSV052',
    title: 'Do not allow role to create ClusterRoleBindings and association with privileged role',
    severity: 'HIGH',
    kinds: '*',
    description:
      'Creating ClusterRoleBindings together with the bind verb on any ClusterRole lets a subject bind itself to ' +
      'cluster-admin and take over the cluster.',
    remediation:
      'Remove the bind verb with resourceNames "*" on clusterroles, or the create verb on clusterrolebindings, ' +
      'from the role.',
  }),
  {
    roleKinds: bothRoleKinds,
    first: (rule) =>
      includes(rule.apiGroups, rbacApiGroup) &&
      includes(rule.resources, 'clusterrolebindings') &&
      includes(rule.verbs, 'create'),
    second: (rule) => bindsAnyRole(rule, ['clusterroles']),
    message: () => 'Role permits creation of role binding and association with privileged role',
  },
);

/** KSV-0055: get + patch on RoleBindings lets members add other subjects to their own bindings. */
export const extendOwnRoleBindings: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0055',
    legacyId: 'KSV055',
    title: 'Do not allow users in a rolebinding to add other users to their rolebindings',
    severity: 'LOW',
    kinds: '*',
    description:
      'Reading and patching RoleBindings lets the subjects of a binding add other users, groups or service ' +
      'accounts to it and so hand out their own permissions.',
    remediation: 'Remove the patch verb on rolebindings from the role.',
  }),
  {
    roleKinds: bothRoleKinds,
    offends: (rule) =>
      includes(rule.apiGroups, '*') &&
      includes(rule.resources, 'rolebindings') &&
      includes(rule.verbs, 'get') &&
      includes(rule.verbs, 'patch'),
    message: () => 'Role permits allowing users in a rolebinding to add other users to their rolebindings',
  },
);
