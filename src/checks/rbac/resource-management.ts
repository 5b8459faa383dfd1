import type { Check, KubernetesObject } from '../types.ts';
import {
  bothRoleKinds,
  includes,
  includesAny,
  kindOf,
  modifyingVerbs,
  nameOf,
  rbacCheckMetadata,
  regoArray,
  singleRuleCheck,
} from './policy-rules.ts';

/** `{Kind} '{name}' should not have access to resources [...] for verbs [...]`, shared by several checks. */
function resourcesMessage(object: KubernetesObject, resources: readonly string[]): string {
  return `${kindOf(object)} '${nameOf(object)}' should not have access to resources ${regoArray(resources)} for verbs ${regoArray(modifyingVerbs)}`;
}

const workloadResources: readonly string[] = [
  'pods',
  'deployments',
  'jobs',
  'cronjobs',
  'statefulsets',
  'daemonsets',
  'replicasets',
  'replicationcontrollers',
];

/** KSV-0048: creating or changing workloads runs arbitrary images with any service account of the scope. */
export const manageWorkloads: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0048',
    legacyId: 'KSV048',
    title: 'Manage Kubernetes workloads and pods',
    severity: 'MEDIUM',
    kinds: ['ClusterRole', 'Role'],
    description:
      'Creating or changing pods and workload controllers lets a subject run any image with any service account, ' +
      'Secret or volume available in the scope of the role, and so gain their privileges.',
    remediation:
      'Grant only the verbs and workload resources the subject needs, in as few namespaces as possible.',
  }),
  {
    roleKinds: bothRoleKinds,
    offends: (rule) =>
      includesAny(rule.resources, workloadResources) && includesAny(rule.verbs, modifyingVerbs),
    message: (object) => resourcesMessage(object, workloadResources),
  },
);

/** KSV-0049: ConfigMaps often carry configuration that workloads trust. */
export const manageConfigMaps: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0049',
    legacyId: 'KSV049',
    title: 'Manage configmaps',
    severity: 'MEDIUM',
    kinds: ['ClusterRole', 'Role'],
    description:
      'Changing ConfigMaps lets a subject alter the configuration that workloads and cluster components load, ' +
      'which can change their behaviour or the credentials they use.',
    remediation: 'Grant only read access to configmaps, or restrict write access with resourceNames.',
  }),
  {
    roleKinds: bothRoleKinds,
    offends: (rule) => includes(rule.resources, 'configmaps') && includesAny(rule.verbs, modifyingVerbs),
    message: (object) =>
      `${kindOf(object)} '${nameOf(object)}' should not have access to resource 'configmaps' for verbs ${regoArray(modifyingVerbs)}`,
  },
);

const networkingResources: readonly string[] = [
  'services',
  'endpoints',
  'endpointslices',
  'networkpolicies',
  'ingresses',
];

/** KSV-0056: rerouting or exposing traffic, or lifting network isolation. */
export const manageNetworking: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0056',
    legacyId: 'KSV056',
    title: 'Manage Kubernetes networking',
    severity: 'HIGH',
    kinds: ['ClusterRole', 'Role'],
    description:
      'Changing Services, Endpoints, EndpointSlices, NetworkPolicies or Ingresses lets a subject redirect or ' +
      'intercept traffic, expose internal services or remove network isolation.',
    remediation: 'Grant only read access to networking resources unless the subject manages them.',
  }),
  {
    roleKinds: bothRoleKinds,
    offends: (rule) =>
      includesAny(rule.resources, networkingResources) && includesAny(rule.verbs, modifyingVerbs),
    message: (object) => resourcesMessage(object, networkingResources),
  },
);

const webhookResources: readonly string[] = [
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
];

/** KSV-0114: admission webhooks see, and can rewrite, every object sent to the API server. */
export const manageWebhookConfigurations: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0114',
    legacyId: 'KSV114',
    title: 'Manage webhookconfigurations',
    severity: 'CRITICAL',
    kinds: ['ClusterRole', 'Role'],
    description:
      'Changing admission webhook configurations lets a subject intercept, read and rewrite every object sent ' +
      'to the API server, Secrets included, or switch off admission policies.',
    remediation: 'Remove write verbs on mutatingwebhookconfigurations and validatingwebhookconfigurations.',
  }),
  {
    roleKinds: bothRoleKinds,
    offends: (rule) =>
      includesAny(rule.resources, webhookResources) && includesAny(rule.verbs, modifyingVerbs),
    message: (object) => resourcesMessage(object, webhookResources),
  },
);

/** KSV-0115: on EKS the aws-auth ConfigMap maps IAM identities to Kubernetes users and groups. */
export const manageEksAuthConfigMap: Check = singleRuleCheck(
  rbacCheckMetadata({
    id: 'KSV-0115',
    legacyId: 'KSV115',
    title: 'Manage EKS IAM Auth ConfigMap',
    severity: 'CRITICAL',
    kinds: ['ClusterRole', 'Role'],
    description:
      'On Amazon EKS the aws-auth ConfigMap maps IAM identities to Kubernetes users and groups; changing it lets ' +
      'a subject give any IAM identity, including its own, cluster-admin rights.',
    remediation: 'Remove write verbs on the aws-auth ConfigMap from the role.',
  }),
  {
    roleKinds: bothRoleKinds,
    offends: (rule) =>
      includes(rule.resources, 'configmaps') &&
      includes(rule.resourceNames, 'aws-auth') &&
      includesAny(rule.verbs, modifyingVerbs),
    message: (object) =>
      `${kindOf(object)} '${nameOf(object)}' should not have access to resource 'configmaps' named 'aws-auth' for verbs ${regoArray(modifyingVerbs)}`,
  },
);
