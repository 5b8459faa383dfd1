import {
  manageConfigMaps,
  manageEksAuthConfigMap,
  manageNetworking,
  manageWebhookConfigurations,
  manageWorkloads,
} from '../../../src/checks/rbac/resource-management.ts';
import { clusterRole, describeCheck, role } from './rbac-fixtures.ts';

const verbs = '["create", "update", "patch", "delete", "deletecollection", "impersonate", "*"]';

describeCheck(manageWorkloads, [
  {
    name: 'fails for a Role that can patch deployments',
    object: role('deployer', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'] }], 'apps'),
    messages: [
      `Role 'deployer' should not have access to resources ["pods", "deployments", "jobs", "cronjobs", "statefulsets", "daemonsets", "replicasets", "replicationcontrollers"] for verbs ${verbs}`,
    ],
  },
  {
    name: 'fails for a ClusterRole that can create jobs',
    object: clusterRole('batch', [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] }]),
    messages: [
      `ClusterRole 'batch' should not have access to resources ["pods", "deployments", "jobs", "cronjobs", "statefulsets", "daemonsets", "replicasets", "replicationcontrollers"] for verbs ${verbs}`,
    ],
  },
  {
    name: 'passes for read-only access',
    object: clusterRole('viewer', [
      { apiGroups: ['apps'], resources: ['deployments', 'pods'], verbs: ['get', 'watch'] },
    ]),
    messages: [],
  },
  {
    name: 'passes for a workload sub-resource',
    object: clusterRole('scaler', [
      { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['update'] },
    ]),
    messages: [],
  },
]);

describeCheck(manageConfigMaps, [
  {
    name: 'fails for update on configmaps',
    object: role(
      'config-writer',
      [{ apiGroups: [''], resources: ['configmaps'], verbs: ['update'] }],
      'apps',
    ),
    messages: [`Role 'config-writer' should not have access to resource 'configmaps' for verbs ${verbs}`],
  },
  {
    name: 'passes for get on configmaps',
    object: role('config-reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }], 'apps'),
    messages: [],
  },
]);

describeCheck(manageNetworking, [
  {
    name: 'fails for delete on networkpolicies',
    object: clusterRole('netadmin', [
      { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['delete'] },
    ]),
    messages: [
      `ClusterRole 'netadmin' should not have access to resources ["services", "endpoints", "endpointslices", "networkpolicies", "ingresses"] for verbs ${verbs}`,
    ],
  },
  {
    name: 'passes for list on services',
    object: clusterRole('netviewer', [{ apiGroups: [''], resources: ['services'], verbs: ['list'] }]),
    messages: [],
  },
]);

describeCheck(manageWebhookConfigurations, [
  {
    name: 'fails for patch on mutatingwebhookconfigurations',
    object: clusterRole('webhook-admin', [
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['mutatingwebhookconfigurations'],
        verbs: ['patch'],
      },
    ]),
    messages: [
      `ClusterRole 'webhook-admin' should not have access to resources ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"] for verbs ${verbs}`,
    ],
  },
  {
    name: 'passes for get on validatingwebhookconfigurations',
    object: clusterRole('webhook-viewer', [
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['validatingwebhookconfigurations'],
        verbs: ['get'],
      },
    ]),
    messages: [],
  },
]);

describeCheck(manageEksAuthConfigMap, [
  {
    name: 'fails for update on the aws-auth ConfigMap',
    object: role(
      'aws-auth-editor',
      [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['aws-auth'], verbs: ['update'] }],
      'kube-system',
    ),
    messages: [
      `Role 'aws-auth-editor' should not have access to resource 'configmaps' named 'aws-auth' for verbs ${verbs}`,
    ],
  },
  {
    name: 'passes without resourceNames (only the literal aws-auth name counts)',
    object: role(
      'cm-editor',
      [{ apiGroups: [''], resources: ['configmaps'], verbs: ['update'] }],
      'kube-system',
    ),
    messages: [],
  },
  {
    name: 'passes for get on aws-auth',
    object: role(
      'aws-auth-reader',
      [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['aws-auth'], verbs: ['get'] }],
      'kube-system',
    ),
    messages: [],
  },
]);
