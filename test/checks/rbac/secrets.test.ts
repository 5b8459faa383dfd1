import { manageNamespaceSecrets, manageSecrets } from '../../../src/checks/rbac/secrets.ts';
import { clusterRole, describeCheck, role } from './rbac-fixtures.ts';

const secretsReaderMessage =
  "ClusterRole 'secrets-reader' shouldn't have access to manage resource 'secrets'";

describeCheck(manageSecrets, [
  {
    name: 'fails for a ClusterRole that can get secrets (apiGroups ignored)',
    object: clusterRole('secrets-reader', [
      { apiGroups: ['example.com'], resources: ['secrets'], verbs: ['get'] },
    ]),
    messages: [secretsReaderMessage],
  },
  {
    name: 'fails once per offending rule',
    object: clusterRole('secrets-reader', [
      { apiGroups: [''], resources: ['secrets'], verbs: ['watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      { apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['*'] },
    ]),
    messages: [secretsReaderMessage, secretsReaderMessage],
  },
  {
    name: 'fails for every listed verb, impersonate included',
    object: clusterRole('secrets-reader', [{ resources: ['secrets'], verbs: ['impersonate'] }]),
    messages: [secretsReaderMessage],
  },
  {
    name: 'passes for the wildcard resource (`*` is a literal, not "every resource")',
    object: clusterRole('everything', [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }]),
    messages: [],
  },
  {
    name: 'passes for verbs outside the list',
    object: clusterRole('escalator', [
      { apiGroups: [''], resources: ['secrets'], verbs: ['escalate', 'bind'] },
    ]),
    messages: [],
  },
  {
    name: 'passes for a Role (ClusterRole only; KSV-0113 covers Roles)',
    object: role('secrets-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }], 'apps'),
    messages: [],
  },
  {
    name: 'is case-sensitive about resources',
    object: clusterRole('secrets-reader', [{ apiGroups: [''], resources: ['Secrets'], verbs: ['get'] }]),
    messages: [],
  },
]);

describeCheck(manageNamespaceSecrets, [
  {
    name: 'fails for a Role that can list secrets',
    object: role('app', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }], 'payments'),
    messages: ["Role 'app' shouldn't have access to manage secrets in namespace 'payments'"],
  },
  {
    name: 'reports the default namespace when metadata.namespace is missing',
    object: role('app', [{ apiGroups: [''], resources: ['secrets'], verbs: ['*'] }]),
    messages: ["Role 'app' shouldn't have access to manage secrets in namespace 'default'"],
  },
  {
    name: 'passes for a Role that reads only configmaps',
    object: role('app', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }], 'payments'),
    messages: [],
  },
  {
    name: 'passes for a ClusterRole',
    object: clusterRole('app', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]),
    messages: [],
  },
]);
