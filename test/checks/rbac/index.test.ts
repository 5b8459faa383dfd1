import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rbacChecks, rbacDifferencesFromUpstream } from '../../../src/checks/rbac/index.ts';
import type { Check, KubernetesObject } from '../../../src/checks/types.ts';
import { binding, clusterRole, role } from './rbac-fixtures.ts';

/** Catalogue §2: legacy ID, ID, title, severity, kinds ('*' = any). */
const catalogue: [string, string, string, Check['severity'], readonly string[] | '*'][] = [
  ['KSV041', 'KSV-0041', 'Manage secrets', 'CRITICAL', ['ClusterRole']],
  ['KSV042', 'KSV-0042', 'Delete pod logs', 'MEDIUM', ['ClusterRole', 'Role']],
  ['KSV043', 'KSV-0043', 'Do not allow impersonation of privileged groups', 'CRITICAL', '*'],
  ['KSV044', 'KSV-0044', 'No wildcard verb and resource roles', 'CRITICAL', '*'],
  ['KSV045', 'KSV-0045', 'No wildcard verb roles', 'CRITICAL', '*'],
  ['KSV046', 'KSV-0046', 'Manage all resources', 'CRITICAL', ['ClusterRole']],
  ['KSV047', 'KSV-0047', 'Do not allow privilege escalation from node proxy', 'HIGH', '*'],
  ['KSV048', 'KSV-0048', 'Manage Kubernetes workloads and pods', 'MEDIUM', ['ClusterRole', 'Role']],
  ['KSV049', 'KSV-0049', 'Manage configmaps', 'MEDIUM', ['ClusterRole', 'Role']],
  [
    'KSV050',
    'KSV-0050',
    'Do not allow privilege escalation via RBAC resources',
    'CRITICAL',
    ['ClusterRole', 'Role'],
  ],
  [
    'KSV051',
    'KSV-0051',
    'Do not allow role binding creation and association with privileged role/clusterrole',
    'HIGH',
    '*',
  ],
  [
    'KSV052',
    'KSV-0052',
    'Do not allow role to create ClusterRoleBindings and association with privileged role',
    'HIGH',
    '*',
  ],
  ['KSV053', 'KSV-0053', 'Exec into Pods', 'HIGH', ['ClusterRole', 'Role']],
  ['KSV054', 'KSV-0054', 'Do not allow attaching to shell on pods', 'HIGH', '*'],
  [
    'KSV055',
    'KSV-0055',
    'Do not allow users in a rolebinding to add other users to their rolebindings',
    'LOW',
    '*',
  ],
  ['KSV056', 'KSV-0056', 'Manage Kubernetes networking', 'HIGH', ['ClusterRole', 'Role']],
  ['KSV111', 'KSV-0111', 'User with admin access', 'MEDIUM', ['RoleBinding', 'ClusterRoleBinding']],
  ['KSV112', 'KSV-0112', 'Manage all resources at the namespace', 'CRITICAL', ['Role']],
  ['KSV113', 'KSV-0113', 'Manage namespace secrets', 'MEDIUM', ['Role']],
  ['KSV114', 'KSV-0114', 'Manage webhookconfigurations', 'CRITICAL', ['ClusterRole', 'Role']],
  ['KSV115', 'KSV-0115', 'Manage EKS IAM Auth ConfigMap', 'CRITICAL', ['ClusterRole', 'Role']],
  ['KSV122', 'KSV-0122', 'Anonymous user access binding', 'CRITICAL', ['RoleBinding', 'ClusterRoleBinding']],
  [
    'KSV0123',
    'KSV-0123',
    'system:masters group access binding',
    'CRITICAL',
    ['RoleBinding', 'ClusterRoleBinding'],
  ],
  [
    'KSV01011',
    'KSV-01011',
    'system:authenticate group access binding',
    'CRITICAL',
    ['RoleBinding', 'ClusterRoleBinding'],
  ],
];

function findingIds(object: KubernetesObject, clusterVersion?: string): string[] {
  return rbacChecks.flatMap((check) =>
    check.evaluate(object, { clusterVersion }).map((finding) => `${check.id}: ${finding.message}`),
  );
}

describe('rbacChecks', () => {
  it('lists the 24 catalogue checks with their IDs, aliases, titles, severities and kinds', () => {
    assert.equal(rbacChecks.length, 24);
    assert.deepEqual(
      rbacChecks.map((check) => [check.aliases[1], check.id, check.title, check.severity, check.kinds]),
      catalogue,
    );
    for (const check of rbacChecks) {
      assert.deepEqual(check.aliases, [`AVD-${check.id}`, check.aliases[1]], check.id);
      assert.ok(check.description.length > 40, `${check.id} has a description`);
      assert.ok(check.remediation.length > 20, `${check.id} has a remediation`);
      assert.notEqual(check.deprecated, true);
    }
  });

  it('has the catalogue severity distribution (12 CRITICAL, 6 HIGH, 5 MEDIUM, 1 LOW)', () => {
    const counts: Record<string, number> = {};
    for (const check of rbacChecks) counts[check.severity] = (counts[check.severity] ?? 0) + 1;
    assert.deepEqual(counts, { CRITICAL: 12, HIGH: 6, MEDIUM: 5, LOW: 1 });
  });

  it('flags a ClusterRole with * verbs on * resources with exactly KSV-0044 and KSV-0046', () => {
    const superuser = clusterRole('superuser', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
    assert.deepEqual(findingIds(superuser), [
      'KSV-0044: Role permits wildcard verb on wildcard resource',
      "KSV-0046: ClusterRole 'superuser' shouldn't manage all resources",
    ]);
  });

  it("flags Kubernetes' own cluster-admin ClusterRole the same way (the nonResourceURLs rule is harmless)", () => {
    const clusterAdmin = clusterRole('cluster-admin', [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]);
    assert.deepEqual(findingIds(clusterAdmin), [
      'KSV-0044: Role permits wildcard verb on wildcard resource',
      "KSV-0046: ClusterRole 'cluster-admin' shouldn't manage all resources",
    ]);
  });

  it('flags a namespaced Role with * on * with KSV-0044 and KSV-0112', () => {
    const superuser = role('superuser', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], 'team-a');
    assert.deepEqual(findingIds(superuser), [
      'KSV-0044: Role permits wildcard verb on wildcard resource',
      "KSV-0112: Role 'superuser' shouldn't manage all resources at the namespace 'team-a'",
    ]);
  });

  it('passes a least-privilege Role', () => {
    const reader = role(
      'reader',
      [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }],
      'a',
    );
    assert.deepEqual(findingIds(reader), []);
  });

  it('flags a ClusterRoleBinding of system:masters to cluster-admin with KSV-0111 and KSV-0123', () => {
    const masters = binding('ClusterRoleBinding', 'masters', 'cluster-admin', [
      { kind: 'Group', name: 'system:masters' },
    ]);
    assert.deepEqual(findingIds(masters, '1.30.1'), [
      `KSV-0111: ClusterRoleBinding 'masters' should not bind to roles ["cluster-admin", "admin", "edit"]`,
      `KSV-0123: ClusterRoleBinding 'masters' should not bind to roles {"system:masters"}`,
    ]);
  });

  it('never throws on malformed roles and bindings', () => {
    const malformed: KubernetesObject[] = [
      { kind: 'ClusterRole' },
      { kind: 'ClusterRole', metadata: { name: 'x' }, rules: 'all' },
      { kind: 'ClusterRole', rules: [null, 1, 'x', [], { resources: 'secrets', verbs: { 0: '*' } }] },
      { kind: 'Role', rules: [{ apiGroups: [null, 3], resources: [{ name: '*' }], verbs: [true] }] },
      { kind: 'RoleBinding', roleRef: 'admin', subjects: 'system:masters' },
      { kind: 'ClusterRoleBinding', roleRef: null, subjects: [null, 7, { name: 5 }] },
      { kind: 42 as unknown as string, metadata: null as unknown as undefined },
    ];
    for (const object of malformed) assert.deepEqual(findingIds(object, '1.29.0-gke.1'), []);
  });

  it('renders an empty name when metadata.name is missing rather than crashing', () => {
    const anonymous = clusterRole('', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
    delete anonymous.metadata;
    assert.deepEqual(findingIds(anonymous), [
      "KSV-0041: ClusterRole '' shouldn't have access to manage resource 'secrets'",
    ]);
  });
});

describe('rbacDifferencesFromUpstream', () => {
  it('documents KSV-0050 and the misspelt binding kind for KSV-0122, KSV-0123 and KSV-01011', () => {
    assert.deepEqual(
      rbacDifferencesFromUpstream.map((difference) => difference.id),
      ['KSV-0050', 'KSV-0122', 'KSV-0123', 'KSV-01011'],
    );
    const ids = new Set(rbacChecks.map((check) => check.id));
    for (const difference of rbacDifferencesFromUpstream) {
      assert.ok(ids.has(difference.id));
      assert.ok(difference.upstream.length > 0 && difference.ours.length > 0);
    }
    assert.match(rbacDifferencesFromUpstream[1]?.upstream ?? '', /ClusterRolebinding/);
  });
});
