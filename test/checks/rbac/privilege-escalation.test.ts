import {
  createClusterRoleBindingToAnyRole,
  createRoleBindingToAnyRole,
  extendOwnRoleBindings,
  impersonatePrivilegedGroups,
  nodeProxyEscalation,
  rbacResourceEscalation,
} from '../../../src/checks/rbac/privilege-escalation.ts';
import { clusterRole, describeCheck, role } from './rbac-fixtures.ts';

const rbacGroup = 'rbac.authorization.k8s.io';

describeCheck(impersonatePrivilegedGroups, [
  {
    name: 'fails for impersonate on groups with apiGroups *',
    object: clusterRole('impersonator', [
      { apiGroups: ['*'], resources: ['groups'], verbs: ['impersonate'] },
    ]),
    messages: ['Role permits impersonation of privileged groups'],
  },
  {
    name: 'passes for the * verb (impersonate must be literal)',
    object: clusterRole('impersonator', [{ apiGroups: ['*'], resources: ['groups'], verbs: ['*'] }]),
    messages: [],
  },
  {
    name: 'passes for the core API group',
    object: clusterRole('impersonator', [{ apiGroups: [''], resources: ['groups'], verbs: ['impersonate'] }]),
    messages: [],
  },
  {
    name: 'passes for impersonating users',
    object: clusterRole('impersonator', [{ apiGroups: ['*'], resources: ['users'], verbs: ['impersonate'] }]),
    messages: [],
  },
]);

describeCheck(nodeProxyEscalation, [
  {
    name: 'fails for get on nodes/proxy',
    object: clusterRole('kubelet-api', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]),
    messages: ['Role permits privilege escalation from node proxy'],
  },
  {
    name: 'passes for get on nodes',
    object: clusterRole('node-reader', [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]),
    messages: [],
  },
  {
    name: 'passes for the * verb on nodes/proxy (only get and create are listed)',
    object: clusterRole('kubelet-api', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['*'] }]),
    messages: [],
  },
]);

describeCheck(rbacResourceEscalation, [
  {
    name: 'fails for bind on roles',
    object: role('binder', [{ apiGroups: [rbacGroup], resources: ['roles'], verbs: ['bind'] }], 'apps'),
    messages: [
      `Role 'binder' should not have access to resources ["roles", "rolebindings"] for verbs ["escalate", "bind", "impersonate", "*"] as they can lead to privilege escalation`,
    ],
  },
  {
    name: 'fails for escalate on rolebindings in a ClusterRole',
    object: clusterRole('escalator', [
      { apiGroups: [rbacGroup], resources: ['rolebindings'], verbs: ['escalate'] },
    ]),
    messages: [
      `ClusterRole 'escalator' should not have access to resources ["roles", "rolebindings"] for verbs ["escalate", "bind", "impersonate", "*"] as they can lead to privilege escalation`,
    ],
  },
  {
    name: 'passes for create/update/delete (the older operator-pinned logic would fail this)',
    object: role(
      'rbac-manager',
      [
        {
          apiGroups: [rbacGroup],
          resources: ['roles', 'rolebindings'],
          verbs: ['create', 'update', 'delete'],
        },
      ],
      'apps',
    ),
    messages: [],
  },
  {
    name: 'passes for bind on clusterroles (not in the resource list)',
    object: clusterRole('binder', [{ apiGroups: [rbacGroup], resources: ['clusterroles'], verbs: ['bind'] }]),
    messages: [],
  },
]);

const createRoleBindings = { apiGroups: [rbacGroup], resources: ['rolebindings'], verbs: ['create'] };
const bindAnyRole = { apiGroups: [rbacGroup], resources: ['roles'], verbs: ['bind'], resourceNames: ['*'] };
const ksv51Message = 'Role permits creation of role binding and association with privileged role';

describeCheck(createRoleBindingToAnyRole, [
  {
    name: 'fails when create rolebindings precedes bind roles with resourceNames *',
    object: role('delegator', [createRoleBindings, bindAnyRole], 'apps'),
    messages: [ksv51Message],
  },
  {
    name: 'fails for bind on clusterroles too',
    object: clusterRole('delegator', [createRoleBindings, { ...bindAnyRole, resources: ['clusterroles'] }]),
    messages: [ksv51Message],
  },
  {
    name: 'passes when the rules are in the other order',
    object: role('delegator', [bindAnyRole, createRoleBindings], 'apps'),
    messages: [],
  },
  {
    name: 'passes when bind is limited to named roles',
    object: role('delegator', [createRoleBindings, { ...bindAnyRole, resourceNames: ['view'] }], 'apps'),
    messages: [],
  },
  {
    name: 'passes when the bind rule is in another API group',
    object: role('delegator', [createRoleBindings, { ...bindAnyRole, apiGroups: ['*'] }], 'apps'),
    messages: [],
  },
]);

const createClusterRoleBindings = {
  apiGroups: [rbacGroup],
  resources: ['clusterrolebindings'],
  verbs: ['create'],
};

describeCheck(createClusterRoleBindingToAnyRole, [
  {
    name: 'fails when create clusterrolebindings precedes bind clusterroles (any API group)',
    object: clusterRole('cluster-delegator', [
      createClusterRoleBindings,
      { apiGroups: ['example.com'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['*'] },
    ]),
    messages: [ksv51Message],
  },
  {
    name: 'passes when the rules are in the other order',
    object: clusterRole('cluster-delegator', [
      { apiGroups: [rbacGroup], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['*'] },
      createClusterRoleBindings,
    ]),
    messages: [],
  },
  {
    name: 'passes for bind on roles (only clusterroles count)',
    object: clusterRole('cluster-delegator', [createClusterRoleBindings, bindAnyRole]),
    messages: [],
  },
]);

describeCheck(extendOwnRoleBindings, [
  {
    name: 'fails for get and patch on rolebindings with apiGroups *',
    object: role(
      'binding-editor',
      [{ apiGroups: ['*'], resources: ['rolebindings'], verbs: ['get', 'patch'] }],
      'apps',
    ),
    messages: ['Role permits allowing users in a rolebinding to add other users to their rolebindings'],
  },
  {
    name: 'passes for patch without get',
    object: role(
      'binding-editor',
      [{ apiGroups: ['*'], resources: ['rolebindings'], verbs: ['patch'] }],
      'apps',
    ),
    messages: [],
  },
  {
    name: 'passes for get and patch split over two rules',
    object: role(
      'binding-editor',
      [
        { apiGroups: ['*'], resources: ['rolebindings'], verbs: ['get'] },
        { apiGroups: ['*'], resources: ['rolebindings'], verbs: ['patch'] },
      ],
      'apps',
    ),
    messages: [],
  },
  {
    name: 'passes for the rbac API group (only the literal * group counts)',
    object: role(
      'binding-editor',
      [{ apiGroups: [rbacGroup], resources: ['rolebindings'], verbs: ['get', 'patch'] }],
      'apps',
    ),
    messages: [],
  },
]);
