import { attachToPods, deletePodLogs, execIntoPods } from '../../../src/checks/rbac/pod-access.ts';
import { clusterRole, describeCheck, role } from './rbac-fixtures.ts';

describeCheck(deletePodLogs, [
  {
    name: 'fails for a Role that can delete pods/log',
    object: role('log-wiper', [{ apiGroups: [''], resources: ['pods/log'], verbs: ['delete'] }], 'apps'),
    messages: [
      `Role 'log-wiper' should not have access to resource 'pods/log' for verbs ["delete", "deletecollection", "*"]`,
    ],
  },
  {
    name: 'fails for a ClusterRole with * on pods/log',
    object: clusterRole('log-wiper', [{ apiGroups: [''], resources: ['pods/log'], verbs: ['*'] }]),
    messages: [
      `ClusterRole 'log-wiper' should not have access to resource 'pods/log' for verbs ["delete", "deletecollection", "*"]`,
    ],
  },
  {
    name: 'passes when only pods (not the pods/log sub-resource) can be deleted',
    object: role('pod-deleter', [{ apiGroups: [''], resources: ['pods'], verbs: ['delete'] }], 'apps'),
    messages: [],
  },
  {
    name: 'passes for reading logs',
    object: role(
      'log-reader',
      [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'list'] }],
      'apps',
    ),
    messages: [],
  },
]);

const execMessage = (kind: string, name: string): string =>
  `${kind} '${name}' should not have access to resource '["pods/exec"]' for verbs ["create", "update", "patch", "delete", "deletecollection", "impersonate", "*"]`;

describeCheck(execIntoPods, [
  {
    name: 'fails for create on pods/exec',
    object: role('debugger', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }], 'apps'),
    messages: [execMessage('Role', 'debugger')],
  },
  {
    name: 'fails for a ClusterRole with * on pods/exec',
    object: clusterRole('debugger', [{ apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['*'] }]),
    messages: [execMessage('ClusterRole', 'debugger')],
  },
  {
    name: 'passes for get-only access to pods/exec',
    object: role('debugger', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }], 'apps'),
    messages: [],
  },
  {
    name: 'passes for create on pods (exec is a distinct sub-resource)',
    object: role('creator', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }], 'apps'),
    messages: [],
  },
]);

const attachRule = { apiGroups: ['*'], resources: ['pods/attach'], verbs: ['create'] };
const getPodsRule = { apiGroups: ['*'], resources: ['pods'], verbs: ['get'] };

describeCheck(attachToPods, [
  {
    name: 'fails when create pods/attach comes before get pods',
    object: role('attacher', [attachRule, getPodsRule], 'apps'),
    messages: ['Role permits attaching to shell on pods'],
  },
  {
    name: 'fails once per preceding attach rule',
    object: clusterRole('attacher', [attachRule, attachRule, getPodsRule]),
    messages: ['Role permits attaching to shell on pods', 'Role permits attaching to shell on pods'],
  },
  {
    name: 'passes when the rules are in the other order',
    object: role('attacher', [getPodsRule, attachRule], 'apps'),
    messages: [],
  },
  {
    name: 'passes when both are in one rule (two distinct rules are needed)',
    object: role(
      'attacher',
      [{ apiGroups: ['*'], resources: ['pods/attach', 'pods'], verbs: ['create', 'get'] }],
      'apps',
    ),
    messages: [],
  },
  {
    name: 'passes for the core API group (only the literal * group counts)',
    object: role(
      'attacher',
      [
        { apiGroups: [''], resources: ['pods/attach'], verbs: ['create'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      ],
      'apps',
    ),
    messages: [],
  },
]);
