import type { Check } from '../types.ts';
import {
  bothRoleKinds,
  includes,
  includesAny,
  namespaceOf,
  nameOf,
  rbacCheckMetadata,
  singleRuleCheck,
} from './policy-rules.ts';

/** Verbs that KSV-0046 and KSV-0112 treat as managing a resource (note: `patch` and `watch` are not among them). */
const allResourcesVerbs: readonly string[] = [
  'create',
  'update',
  'delete',
  'deletecollection',
  'impersonate',
  '*',
  'list',
  'get',
];

/** Resources KSV-0045 protects from a wildcard verb. */
const sensitiveResources: readonly string[] = [
  'secrets',
  'pods',
  'deployments',
  'daemonsets',
  'statefulsets',
  'replicationcontrollers',
  'replicasets',
  'cronjobs',
  'jobs',
  'roles',
  'clusterroles',
  'rolebindings',
  'clusterrolebindings',
  'users',
  'groups',
];

/** KSV-0044: one rule granting every verb on every resource of every API group. */
export const wildcardVerbAndResource: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0044',
    legacyId: 'KSV044',
    title: 'No wildcard verb and resource roles',
    severity: 'CRITICAL',
    kinds: '*',
    description:
      'A rule with the wildcard in apiGroups, resources and verbs grants unrestricted access, equivalent to ' +
      'cluster-admin within the role’s scope, including to resource types added to the cluster later.',
    remediation: 'List the API groups, resources and verbs the subject actually needs instead of using "*".',
  }),
  {
    roleKinds: bothRoleKinds,
    offends: (rule) =>
      includes(rule.apiGroups, '*') && includes(rule.resources, '*') && includes(rule.verbs, '*'),
    message: () => 'Role permits wildcard verb on wildcard resource',
  },
);

/** KSV-0045: the wildcard verb on workloads, Secrets or RBAC objects. */
export const wildcardVerbOnSensitiveResources: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0045',
    legacyId: 'KSV045',
    title: 'No wildcard verb roles',
    severity: 'CRITICAL',
    kinds: '*',
    description:
      'The wildcard verb on Secrets, workloads, RBAC objects, users or groups grants every present and future ' +
      'verb on them, including escalate, bind and impersonate.',
    remediation: 'Replace "*" in verbs with the verbs the subject needs on those resources.',
  }),
  {
    roleKinds: bothRoleKinds,
    offends: (rule) => includes(rule.verbs, '*') && includesAny(rule.resources, sensitiveResources),
    message: () => 'Role permits wildcard verb on specific resources',
  },
);

/** KSV-0046: a ClusterRole that manages every resource type. */
export const manageAllResources: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0046',
    legacyId: 'KSV046',
    title: 'Manage all resources',
    severity: 'CRITICAL',
    kinds: ['ClusterRole'],
    description:
      'A ClusterRole with the wildcard resource lets its subjects read or change every resource type in every ' +
      'namespace, Secrets and RBAC objects included.',
    remediation: 'Replace "*" in resources with the resource types the subject needs.',
  }),
  {
    roleKinds: ['ClusterRole'],
    offends: (rule) => includes(rule.resources, '*') && includesAny(rule.verbs, allResourcesVerbs),
    message: (object) => `ClusterRole '${nameOf(object)}' shouldn't manage all resources`,
  },
);

/** KSV-0112: a Role that manages every resource type of its namespace. */
export const manageAllNamespaceResources: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0112',
    legacyId: 'KSV112',
    title: 'Manage all resources at the namespace',
    severity: 'CRITICAL',
    kinds: ['Role'],
    description:
      'A Role with the wildcard resource lets its subjects read or change every resource type in the namespace, ' +
      'Secrets, workloads and RoleBindings included, so they control everything that runs there.',
    remediation: 'Replace "*" in resources with the resource types the subject needs in this namespace.',
  }),
  {
    roleKinds: ['Role'],
    offends: (rule) => includes(rule.resources, '*') && includesAny(rule.verbs, allResourcesVerbs),
    message: (object) =>
      `Role '${nameOf(object)}' shouldn't manage all resources at the namespace '${namespaceOf(object)}'`,
  },
);
