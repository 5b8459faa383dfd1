import type { Check, CheckContext, CheckFinding, KubernetesObject } from '../types.ts';
import { kindOf, nameOf, rbacCheckMetadata, regoArray, regoSet, type CheckMetadata } from './policy-rules.ts';

/**
 * Kinds the subject checks (KSV-0122, KSV-0123, KSV-01011) accept. Upstream lists `RoleBinding` and the misspelt
 * `ClusterRolebinding`, so real ClusterRoleBindings were never flagged; we accept both spellings (differences.ts).
 */
const subjectCheckKinds: readonly string[] = ['RoleBinding', 'ClusterRoleBinding', 'ClusterRolebinding'];

function subjectNames(object: KubernetesObject): string[] {
  const subjects = object.subjects;
  if (!Array.isArray(subjects)) return [];
  const names: string[] = [];
  for (const subject of subjects) {
    if (subject === null || typeof subject !== 'object') continue;
    const name = (subject as Record<string, unknown>).name;
    if (typeof name === 'string') names.push(name);
  }
  return names;
}

function roleRefName(object: KubernetesObject): string | undefined {
  const roleRef = object.roleRef;
  if (roleRef === null || typeof roleRef !== 'object') return undefined;
  const name = (roleRef as Record<string, unknown>).name;
  return typeof name === 'string' ? name : undefined;
}

/** A binding check that fails once per binding whose subjects include one of `names` (subject kind not read). */
function subjectCheck(
  metadata: CheckMetadata,
  names: readonly string[],
  applies: (context: CheckContext) => boolean = () => true,
): Check {
  return {
    ...metadata,
    evaluate(object, context): CheckFinding[] {
      if (!subjectCheckKinds.includes(kindOf(object)) || !applies(context)) return [];
      if (!subjectNames(object).some((name) => names.includes(name))) return [];
      return [
        { message: `${kindOf(object)} '${nameOf(object)}' should not bind to roles ${regoSet(names)}` },
      ];
    },
  };
}

const adminRoles: readonly string[] = ['cluster-admin', 'admin', 'edit'];

/** KSV-0111: bindings to the built-in admin-level ClusterRoles. */
export const bindsAdminRole: Check = {
  ...rbacCheckMetadata({
    id: 'KSV-0111',
    legacyId: 'KSV111',
    title: 'User with admin access',
    severity: 'MEDIUM',
    kinds: ['RoleBinding', 'ClusterRoleBinding'],
    description:
      'Binding the built-in cluster-admin, admin or edit ClusterRoles grants broad rights, including reading ' +
      'Secrets and changing workloads, which rarely matches what a user or service account needs.',
    remediation:
      'Bind a role that grants only the permissions the subjects need instead of cluster-admin, admin or edit.',
  }),
  evaluate(object) {
    const kind = kindOf(object).toLowerCase();
    if (kind !== 'rolebinding' && kind !== 'clusterrolebinding') return [];
    const roleName = roleRefName(object);
    if (roleName === undefined || !adminRoles.includes(roleName)) return [];
    return [
      { message: `${kindOf(object)} '${nameOf(object)}' should not bind to roles ${regoArray(adminRoles)}` },
    ];
  },
};

/** KSV-0122: anonymous and unauthenticated requests must not receive permissions. */
export const bindsAnonymousUser: Check = subjectCheck(
  rbacCheckMetadata({
    id: 'KSV-0122',
    legacyId: 'KSV122',
    title: 'Anonymous user access binding',
    severity: 'CRITICAL',
    kinds: ['RoleBinding', 'ClusterRoleBinding'],
    description:
      'Binding system:anonymous or system:unauthenticated gives the bound permissions to anyone who can reach the ' +
      'API server, without credentials.',
    remediation: 'Remove system:anonymous and system:unauthenticated from the binding subjects.',
  }),
  ['system:unauthenticated', 'system:anonymous'],
);

/** KSV-0123: system:masters bypasses RBAC entirely, so it must never be a subject. */
export const bindsSystemMasters: Check = subjectCheck(
  rbacCheckMetadata({
    id: 'KSV-0123',
    legacyId: 'KSV0123',
    title: 'system:masters group access binding',
    severity: 'CRITICAL',
    kinds: ['RoleBinding', 'ClusterRoleBinding'],
    description:
      'Members of system:masters are cluster administrators whose requests skip authorization; referencing the ' +
      'group in a binding suggests credentials in that group are in use, and they cannot be revoked through RBAC.',
    remediation:
      'Remove system:masters from the binding subjects and use a dedicated group with a suitable role.',
  }),
  ['system:masters'],
);

/** KSV-01011: on GKE, system:authenticated includes every Google account, not just the cluster's users. */
export const bindsAuthenticatedGroupOnGke: Check = subjectCheck(
  rbacCheckMetadata({
    id: 'KSV-01011',
    legacyId: 'KSV01011',
    title: 'system:authenticate group access binding',
    severity: 'CRITICAL',
    kinds: ['RoleBinding', 'ClusterRoleBinding'],
    description:
      'On GKE the system:authenticated group contains every holder of a Google account, so permissions bound to ' +
      'it are open to anyone on the internet who signs in.',
    remediation:
      'Remove system:authenticated from the binding subjects and bind specific users or groups instead.',
  }),
  ['system:authenticated'],
  (context) => context.clusterVersion !== undefined && context.clusterVersion.includes('-gke'),
);
