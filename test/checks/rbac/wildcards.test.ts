import {
  manageAllNamespaceResources,
  manageAllResources,
  wildcardVerbAndResource,
  wildcardVerbOnSensitiveResources,
} from '../../../src/checks/rbac/wildcards.ts';
import { clusterRole, describeCheck, role } from './rbac-fixtures.ts';

describeCheck(wildcardVerbAndResource, [
  {
    name: 'fails for a ClusterRole with * apiGroups, resources and verbs',
    object: clusterRole('superuser', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    messages: ['Role permits wildcard verb on wildcard resource'],
  },
  {
    name: 'fails for a Role too',
    object: role('superuser', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], 'apps'),
    messages: ['Role permits wildcard verb on wildcard resource'],
  },
  {
    name: 'passes when apiGroups is the core group only',
    object: clusterRole('core-superuser', [{ apiGroups: [''], resources: ['*'], verbs: ['*'] }]),
    messages: [],
  },
  {
    name: 'needs all three wildcards in the same rule',
    object: clusterRole('split', [
      { apiGroups: ['*'], resources: ['*'], verbs: ['get'] },
      { apiGroups: ['*'], resources: ['pods'], verbs: ['*'] },
    ]),
    messages: [],
  },
  {
    name: 'ignores objects that are not roles',
    object: {
      kind: 'ConfigMap',
      metadata: { name: 'x' },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    },
    messages: [],
  },
]);

describeCheck(wildcardVerbOnSensitiveResources, [
  {
    name: 'fails for * verbs on pods',
    object: role('pod-admin', [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }], 'apps'),
    messages: ['Role permits wildcard verb on specific resources'],
  },
  {
    name: 'fails for * verbs on clusterrolebindings in any API group',
    object: clusterRole('rbac-admin', [
      { apiGroups: ['example.com'], resources: ['clusterrolebindings'], verbs: ['*'] },
    ]),
    messages: ['Role permits wildcard verb on specific resources'],
  },
  {
    name: 'passes for * verbs on the wildcard resource (not in the list)',
    object: clusterRole('superuser', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    messages: [],
  },
  {
    name: 'passes for * verbs on a sub-resource of a listed resource',
    object: clusterRole('logs', [{ apiGroups: [''], resources: ['pods/log'], verbs: ['*'] }]),
    messages: [],
  },
  {
    name: 'passes for explicit verbs on pods',
    object: clusterRole('viewer', [
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ]),
    messages: [],
  },
]);

describeCheck(manageAllResources, [
  {
    name: 'fails for a ClusterRole that can list every resource',
    object: clusterRole('lister', [{ apiGroups: [''], resources: ['*'], verbs: ['list'] }]),
    messages: ["ClusterRole 'lister' shouldn't manage all resources"],
  },
  {
    name: 'passes for watch and patch (not in the verb list)',
    object: clusterRole('watcher', [{ apiGroups: [''], resources: ['*'], verbs: ['watch', 'patch'] }]),
    messages: [],
  },
  {
    name: 'passes for a Role (KSV-0112 covers Roles)',
    object: role('lister', [{ apiGroups: [''], resources: ['*'], verbs: ['list'] }], 'apps'),
    messages: [],
  },
]);

describeCheck(manageAllNamespaceResources, [
  {
    name: 'fails for a Role that can delete every resource',
    object: role('cleaner', [{ apiGroups: ['apps'], resources: ['*'], verbs: ['delete'] }], 'ci'),
    messages: ["Role 'cleaner' shouldn't manage all resources at the namespace 'ci'"],
  },
  {
    name: 'passes for a Role limited to named resources',
    object: role('cleaner', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['delete'] }], 'ci'),
    messages: [],
  },
  {
    name: 'passes for a ClusterRole',
    object: clusterRole('cleaner', [{ apiGroups: ['apps'], resources: ['*'], verbs: ['delete'] }]),
    messages: [],
  },
]);
