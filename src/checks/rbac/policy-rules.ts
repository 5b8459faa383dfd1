import type { Check, CheckFinding, CheckSeverity, KubernetesObject } from '../types.ts';

/**
 * One entry of a Role's `rules[]`, with every list normalised to an array. Upstream compares list elements by exact,
 * case-sensitive equality: `*` is only ever the literal string `"*"`, and `pods/exec` is not `pods`.
 */
export interface PolicyRule {
  apiGroups: readonly unknown[];
  resources: readonly unknown[];
  verbs: readonly unknown[];
  resourceNames: readonly unknown[];
}

export type RoleKind = 'Role' | 'ClusterRole';

/** Metadata every RBAC check declares; `evaluate` is added by the builders below. */
export type CheckMetadata = Omit<Check, 'evaluate'>;

export const rbacReferences: readonly string[] = [
  'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
];

function listField(rule: Record<string, unknown>, key: string): readonly unknown[] {
  const value = rule[key];
  return Array.isArray(value) ? value : [];
}

/** The rules of a Role or ClusterRole in document order; malformed entries are skipped rather than trusted. */
export function policyRules(object: KubernetesObject): PolicyRule[] {
  const rules = object.rules;
  if (!Array.isArray(rules)) return [];
  const result: PolicyRule[] = [];
  for (const rule of rules) {
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) continue;
    const fields = rule as Record<string, unknown>;
    result.push({
      apiGroups: listField(fields, 'apiGroups'),
      resources: listField(fields, 'resources'),
      verbs: listField(fields, 'verbs'),
      resourceNames: listField(fields, 'resourceNames'),
    });
  }
  return result;
}

/** True when `list` holds `value` as an element (exact string equality, no wildcard expansion). */
export function includes(list: readonly unknown[], value: string): boolean {
  return list.includes(value);
}

export function includesAny(list: readonly unknown[], values: readonly string[]): boolean {
  return values.some((value) => list.includes(value));
}

/** Renders a list the way Rego's `sprintf("%v", array)` does: `["a", "b"]`. */
export function regoArray(values: readonly string[]): string {
  return `[${values.map((value) => JSON.stringify(value)).join(', ')}]`;
}

/** Renders a list the way Rego prints a set: `{"a", "b"}`, sorted. */
export function regoSet(values: readonly string[]): string {
  return `{${[...values]
    .sort()
    .map((value) => JSON.stringify(value))
    .join(', ')}}`;
}

/** `kind` exactly as written in the object (upstream messages and kind tests are case-sensitive). */
export function kindOf(object: KubernetesObject): string {
  return typeof object.kind === 'string' ? object.kind : '';
}

export function nameOf(object: KubernetesObject): string {
  const name = object.metadata?.name;
  return typeof name === 'string' ? name : '';
}

/** Upstream treats a missing namespace as `default`. */
export function namespaceOf(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace;
  return typeof namespace === 'string' && namespace !== '' ? namespace : 'default';
}

function isRoleOfKind(object: KubernetesObject, roleKinds: readonly RoleKind[]): boolean {
  return (roleKinds as readonly string[]).includes(kindOf(object));
}

/** A check that fails once for every rule of a Role/ClusterRole that `offends`. */
export function singleRuleCheck(
  metadata: CheckMetadata,
  spec: {
    roleKinds: readonly RoleKind[];
    offends(rule: PolicyRule): boolean;
    message(object: KubernetesObject): string;
  },
): Check {
  return {
    ...metadata,
    evaluate(object) {
      if (!isRoleOfKind(object, spec.roleKinds)) return [];
      const findings: CheckFinding[] = [];
      for (const rule of policyRules(object)) {
        if (spec.offends(rule)) findings.push({ message: spec.message(object) });
      }
      return findings;
    },
  };
}

/**
 * A check that needs two rules in order: it fails once for every rule i that matches `first` and is followed by
 * some rule j > i that matches `second` (upstream's `rules[i]`, `rules[j]`, `i < j`).
 */
export function orderedRulePairCheck(
  metadata: CheckMetadata,
  spec: {
    roleKinds: readonly RoleKind[];
    first(rule: PolicyRule): boolean;
    second(rule: PolicyRule): boolean;
    message(object: KubernetesObject): string;
  },
): Check {
  return {
    ...metadata,
    evaluate(object) {
      if (!isRoleOfKind(object, spec.roleKinds)) return [];
      const rules = policyRules(object);
      const findings: CheckFinding[] = [];
      // Scanning backwards tells, for each index, whether a matching second rule comes later.
      let secondFollows = false;
      const offendingFirst: boolean[] = new Array<boolean>(rules.length).fill(false);
      for (let index = rules.length - 1; index >= 0; index--) {
        const rule = rules[index] as PolicyRule;
        offendingFirst[index] = secondFollows && spec.first(rule);
        if (spec.second(rule)) secondFollows = true;
      }
      for (const offending of offendingFirst) {
        if (offending) findings.push({ message: spec.message(object) });
      }
      return findings;
    },
  };
}

export const bothRoleKinds: readonly RoleKind[] = ['Role', 'ClusterRole'];

/** Shorthand for the metadata of an RBAC check with the usual alias layout (AVD ID first, then the legacy ID). */
export function rbacCheckMetadata(fields: {
  id: string;
  legacyId: string;
  title: string;
  severity: CheckSeverity;
  kinds: readonly string[] | '*';
  description: string;
  remediation: string;
}): CheckMetadata {
  return {
    id: fields.id,
    aliases: [`AVD-${fields.id}`, fields.legacyId],
    title: fields.title,
    description: fields.description,
    severity: fields.severity,
    remediation: fields.remediation,
    references: rbacReferences,
    kinds: fields.kinds,
  };
}

/** Verbs that change objects (the list most RBAC checks and their messages use, in upstream order). */
export const modifyingVerbs: readonly string[] = [
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'impersonate',
  '*',
];

/** Verbs that read or change objects (secrets checks). */
export const readOrModifyVerbs: readonly string[] = ['get', 'list', 'watch', ...modifyingVerbs];
