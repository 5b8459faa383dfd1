import type { KubeObject, ResourceRef } from '../api.ts';
import { ApiError, qualifiedResource } from './status.ts';

export interface User {
  name: string;
  groups: string[];
}

/** What a request wants to do, in RBAC terms. */
export interface RequestAttributes {
  verb: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Set for non-resource requests (discovery, /version, /openapi). */
  path?: string;
}

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

/** Where the authorizer reads Roles and bindings from. */
export interface RbacSource {
  list(resource: ResourceRef, namespace?: string): KubeObject[];
  get(resource: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined;
}

const RBAC = 'rbac.authorization.k8s.io';
const ref = (resource: string): ResourceRef => ({ group: RBAC, version: 'v1', resource });

/** Paths every authenticated user may read, as the default `system:discovery` and `system:public-info-viewer` roles allow. */
const PUBLIC_PATHS = [/^\/version\/?$/, /^\/healthz/, /^\/readyz/, /^\/livez/];
const DISCOVERY_PATHS = [/^\/api(\/.*)?$/, /^\/apis(\/.*)?$/, /^\/openapi(\/.*)?$/, ...PUBLIC_PATHS];

export function isPublicPath(path: string): boolean {
  return PUBLIC_PATHS.some((p) => p.test(path));
}

/** Bearer tokens mapped to users. */
export class TokenAuthenticator {
  readonly #tokens = new Map<string, User>();

  add(token: string, user: User): void {
    this.#tokens.set(token, { name: user.name, groups: [...user.groups] });
  }

  authenticate(authorization: string | undefined): User | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const user = this.#tokens.get(match[1]!);
    return user ? { name: user.name, groups: [...user.groups, 'system:authenticated'] } : undefined;
  }
}

function matches(list: string[] | undefined, value: string): boolean {
  return (list ?? []).some((item) => item === '*' || item === value);
}

function ruleAllows(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (!matches(rule.verbs, attrs.verb)) return false;
  if (attrs.path !== undefined) {
    return (rule.nonResourceURLs ?? []).some(
      (u) => u === '*' || u === attrs.path || (u.endsWith('*') && attrs.path!.startsWith(u.slice(0, -1))),
    );
  }
  if (!matches(rule.apiGroups, attrs.group ?? '')) return false;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource!;
  const resourceOk = (rule.resources ?? []).some(
    (r) => r === '*' || r === resource || (attrs.subresource && r === `*/${attrs.subresource}`),
  );
  if (!resourceOk) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) {
    return attrs.name !== undefined && rule.resourceNames.includes(attrs.name);
  }
  return true;
}

function subjectMatches(subject: Subject, user: User, bindingNamespace: string | undefined): boolean {
  if (subject.kind === 'User') return subject.name === user.name;
  if (subject.kind === 'Group') return user.groups.includes(subject.name);
  if (subject.kind === 'ServiceAccount') {
    const ns = subject.namespace ?? bindingNamespace;
    return user.name === `system:serviceaccount:${ns}:${subject.name}`;
  }
  return false;
}

/**
 * RBAC evaluated from the Roles, ClusterRoles and bindings stored in the emulator, like the real RBAC
 * authorizer (no aggregation rules). Members of `system:masters` may do anything; every authenticated user
 * may read discovery paths.
 */
export class RbacAuthorizer {
  readonly #source: RbacSource;

  constructor(source: RbacSource) {
    this.#source = source;
  }

  allows(user: User, attrs: RequestAttributes): boolean {
    if (user.groups.includes('system:masters')) return true;
    if (
      attrs.path !== undefined &&
      attrs.verb === 'get' &&
      DISCOVERY_PATHS.some((p) => p.test(attrs.path!))
    ) {
      return true;
    }
    if (attrs.group === 'authorization.k8s.io' && attrs.verb === 'create') {
      if (attrs.resource === 'selfsubjectaccessreviews' || attrs.resource === 'selfsubjectrulesreviews')
        return true;
    }
    const rulesOf = (
      roleRef: { kind?: string; name?: string },
      namespace: string | undefined,
    ): PolicyRule[] => {
      const role =
        roleRef.kind === 'ClusterRole'
          ? this.#source.get(ref('clusterroles'), undefined, roleRef.name ?? '')
          : this.#source.get(ref('roles'), namespace, roleRef.name ?? '');
      return (role?.rules ?? []) as PolicyRule[];
    };
    for (const binding of this.#source.list(ref('clusterrolebindings'))) {
      const subjects = (binding.subjects ?? []) as Subject[];
      if (!subjects.some((s) => subjectMatches(s, user, undefined))) continue;
      const rules = rulesOf(binding.roleRef as { kind?: string; name?: string }, undefined);
      if (rules.some((r) => ruleAllows(r, attrs))) return true;
    }
    if (attrs.namespace !== undefined && attrs.path === undefined) {
      for (const binding of this.#source.list(ref('rolebindings'), attrs.namespace)) {
        const subjects = (binding.subjects ?? []) as Subject[];
        if (!subjects.some((s) => subjectMatches(s, user, attrs.namespace))) continue;
        const rules = rulesOf(binding.roleRef as { kind?: string; name?: string }, attrs.namespace);
        if (rules.some((r) => ruleAllows(r, attrs))) return true;
      }
    }
    return false;
  }
}

/** The Forbidden status the real RBAC authorizer produces. */
export function forbidden(user: User, attrs: RequestAttributes): ApiError {
  if (attrs.path !== undefined) {
    return new ApiError(
      403,
      'Forbidden',
      `forbidden: User "${user.name}" cannot ${attrs.verb} path "${attrs.path}"`,
      {},
    );
  }
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource!;
  const group = attrs.group ?? '';
  const subject = attrs.name
    ? `${qualifiedResource(group, attrs.resource!)} "${attrs.name}"`
    : qualifiedResource(group, attrs.resource!);
  const scope =
    attrs.namespace !== undefined ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  const message = `${subject} is forbidden: User "${user.name}" cannot ${attrs.verb} resource "${resource}" in API group "${group}" ${scope}`;
  const details: Record<string, string> = { group, kind: attrs.resource! };
  if (attrs.name) details.name = attrs.name;
  return new ApiError(403, 'Forbidden', message, details);
}

/** What a SelfSubjectAccessReview asks about, as request attributes; 422 when it names neither kind. */
export function accessReviewAttributes(review: KubeObject): RequestAttributes {
  const spec = (review.spec ?? {}) as {
    resourceAttributes?: Record<string, string>;
    nonResourceAttributes?: { path?: string; verb?: string };
  };
  if (spec.resourceAttributes) {
    const a = spec.resourceAttributes;
    const attrs: RequestAttributes = { verb: a.verb ?? '', group: a.group ?? '', resource: a.resource ?? '' };
    if (a.subresource) attrs.subresource = a.subresource;
    if (a.namespace) attrs.namespace = a.namespace;
    if (a.name) attrs.name = a.name;
    return attrs;
  }
  if (spec.nonResourceAttributes) {
    return { verb: spec.nonResourceAttributes.verb ?? '', path: spec.nonResourceAttributes.path ?? '' };
  }
  throw new ApiError(
    422,
    'Invalid',
    'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    {},
  );
}

export function accessReviewResult(review: KubeObject, allowed: boolean): KubeObject {
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: undefined },
    spec: review.spec,
    status: allowed ? { allowed: true, reason: 'RBAC: allowed' } : { allowed: false },
  };
}
