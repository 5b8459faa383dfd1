import {
  bindsAdminRole,
  bindsAnonymousUser,
  bindsAuthenticatedGroupOnGke,
  bindsSystemMasters,
} from '../../../src/checks/rbac/bindings.ts';
import { binding, describeCheck } from './rbac-fixtures.ts';

const user = (name: string) => ({ kind: 'User', name });
const group = (name: string) => ({ kind: 'Group', name });

describeCheck(bindsAdminRole, [
  {
    name: 'fails for a RoleBinding to admin',
    object: binding('RoleBinding', 'dev-admin', 'admin', [user('dev')]),
    messages: [`RoleBinding 'dev-admin' should not bind to roles ["cluster-admin", "admin", "edit"]`],
  },
  {
    name: 'fails for a ClusterRoleBinding to cluster-admin',
    object: binding('ClusterRoleBinding', 'ops', 'cluster-admin', [group('ops')]),
    messages: [`ClusterRoleBinding 'ops' should not bind to roles ["cluster-admin", "admin", "edit"]`],
  },
  {
    name: 'compares the kind case-insensitively and keeps it as written in the message',
    object: binding('Rolebinding', 'editors', 'edit', [group('editors')]),
    messages: [`Rolebinding 'editors' should not bind to roles ["cluster-admin", "admin", "edit"]`],
  },
  {
    name: 'passes for a binding to view',
    object: binding('RoleBinding', 'viewers', 'view', [group('viewers')]),
    messages: [],
  },
  {
    name: 'passes for a binding without roleRef',
    object: { kind: 'RoleBinding', metadata: { name: 'broken' }, subjects: [] },
    messages: [],
  },
]);

describeCheck(bindsAnonymousUser, [
  {
    name: 'fails for a RoleBinding with system:anonymous',
    object: binding('RoleBinding', 'open', 'view', [user('system:anonymous')]),
    messages: [`RoleBinding 'open' should not bind to roles {"system:anonymous", "system:unauthenticated"}`],
  },
  {
    name: 'fails for a real ClusterRoleBinding (upstream misses it: misspelt kind)',
    object: binding('ClusterRoleBinding', 'open', 'view', [group('system:unauthenticated')]),
    messages: [
      `ClusterRoleBinding 'open' should not bind to roles {"system:anonymous", "system:unauthenticated"}`,
    ],
  },
  {
    name: 'fails for the misspelt ClusterRolebinding kind, as upstream does',
    object: binding('ClusterRolebinding', 'open', 'view', [group('system:unauthenticated')]),
    messages: [
      `ClusterRolebinding 'open' should not bind to roles {"system:anonymous", "system:unauthenticated"}`,
    ],
  },
  {
    name: 'fails once however many matching subjects there are (subject kind not read)',
    object: binding('RoleBinding', 'open', 'view', [
      { kind: 'ServiceAccount', name: 'system:anonymous' },
      group('system:unauthenticated'),
    ]),
    messages: [`RoleBinding 'open' should not bind to roles {"system:anonymous", "system:unauthenticated"}`],
  },
  {
    name: 'passes for named users',
    object: binding('RoleBinding', 'team', 'view', [user('alice'), group('system:authenticated')]),
    messages: [],
  },
  {
    name: 'passes for kinds spelt otherwise (kind is compared exactly)',
    object: binding('rolebinding', 'open', 'view', [user('system:anonymous')]),
    messages: [],
  },
]);

describeCheck(bindsSystemMasters, [
  {
    name: 'fails for a ClusterRoleBinding with system:masters',
    object: binding('ClusterRoleBinding', 'masters', 'cluster-admin', [group('system:masters')]),
    messages: [`ClusterRoleBinding 'masters' should not bind to roles {"system:masters"}`],
  },
  {
    name: 'passes without system:masters',
    object: binding('ClusterRoleBinding', 'ops', 'cluster-admin', [group('ops')]),
    messages: [],
  },
]);

const authenticated = binding('ClusterRoleBinding', 'everyone', 'view', [group('system:authenticated')]);

describeCheck(bindsAuthenticatedGroupOnGke, [
  {
    name: 'fails on GKE',
    object: authenticated,
    context: { clusterVersion: '1.29.3-gke.1093000' },
    messages: [`ClusterRoleBinding 'everyone' should not bind to roles {"system:authenticated"}`],
  },
  {
    name: 'passes on a non-GKE cluster',
    object: authenticated,
    context: { clusterVersion: '1.29.3' },
    messages: [],
  },
  {
    name: 'passes when the cluster version is unknown',
    object: authenticated,
    messages: [],
  },
]);
