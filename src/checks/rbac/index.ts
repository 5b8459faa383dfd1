import type { Check } from '../types.ts';
import {
  bindsAdminRole,
  bindsAnonymousUser,
  bindsAuthenticatedGroupOnGke,
  bindsSystemMasters,
} from './bindings.ts';
import { attachToPods, deletePodLogs, execIntoPods } from './pod-access.ts';
import {
  createClusterRoleBindingToAnyRole,
  createRoleBindingToAnyRole,
  extendOwnRoleBindings,
  impersonatePrivilegedGroups,
  nodeProxyEscalation,
  rbacResourceEscalation,
} from './privilege-escalation.ts';
import {
  manageConfigMaps,
  manageEksAuthConfigMap,
  manageNetworking,
  manageWebhookConfigurations,
  manageWorkloads,
} from './resource-management.ts';
import { manageNamespaceSecrets, manageSecrets } from './secrets.ts';
import {
  manageAllNamespaceResources,
  manageAllResources,
  wildcardVerbAndResource,
  wildcardVerbOnSensitiveResources,
} from './wildcards.ts';

/** The 24 RBAC checks (catalogue §2), in ID order: Role/ClusterRole rule checks, then binding checks. */
export const rbacChecks: readonly Check[] = [
  manageSecrets,
  deletePodLogs,
  impersonatePrivilegedGroups,
  wildcardVerbAndResource,
  wildcardVerbOnSensitiveResources,
  manageAllResources,
  nodeProxyEscalation,
  manageWorkloads,
  manageConfigMaps,
  rbacResourceEscalation,
  createRoleBindingToAnyRole,
  createClusterRoleBindingToAnyRole,
  execIntoPods,
  attachToPods,
  extendOwnRoleBindings,
  manageNetworking,
  bindsAdminRole,
  manageAllNamespaceResources,
  manageNamespaceSecrets,
  manageWebhookConfigurations,
  manageEksAuthConfigMap,
  bindsAnonymousUser,
  bindsSystemMasters,
  bindsAuthenticatedGroupOnGke,
];

export { rbacDifferencesFromUpstream, type DifferenceFromUpstream } from './differences.ts';
