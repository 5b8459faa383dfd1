/** Where an RBAC check deliberately behaves differently from the upstream Rego check it reproduces. */
export interface DifferenceFromUpstream {
  id: string;
  upstream: string;
  ours: string;
}

const misspeltKind = (id: string): DifferenceFromUpstream => ({
  id,
  upstream:
    'Matches kind `RoleBinding` and the misspelt `ClusterRolebinding`, so real ClusterRoleBinding objects are never ' +
    'flagged.',
  ours: 'Matches `RoleBinding`, `ClusterRoleBinding` and the misspelt `ClusterRolebinding`.',
});

export const rbacDifferencesFromUpstream: readonly DifferenceFromUpstream[] = [
  {
    id: 'KSV-0050',
    upstream:
      'trivy-operator v0.32.0 pins trivy-checks 79d27547, where KSV-0050 is titled "Manage Kubernetes RBAC ' +
      'resources" and fails on verbs create, update, delete, deletecollection, impersonate or `*` on roles or ' +
      'rolebindings, with the message `{Kind} \'{name}\' should not have access to resources ["roles", ' +
      '"rolebindings"] for verbs ["create", "update", "delete", "deletecollection", "impersonate", "*"]`.',
    ours:
      'Implements the current trivy-checks logic: title "Do not allow privilege escalation via RBAC resources", ' +
      'fails on verbs escalate, bind, impersonate or `*`, and the message ends with "as they can lead to privilege ' +
      'escalation". Reports from the operator-pinned bundle therefore differ for this check.',
  },
  misspeltKind('KSV-0122'),
  misspeltKind('KSV-0123'),
  misspeltKind('KSV-01011'),
];
