import type { GlobList } from './values.ts';

/**
 * Upstream's install modes (contract §3.11), from OPERATOR_TARGET_NAMESPACES and OPERATOR_NAMESPACE: which
 * namespaces are scanned and which the operator has to watch.
 */
export type InstallMode = 'OwnNamespace' | 'SingleNamespace' | 'MultiNamespace' | 'AllNamespaces';

export function resolveInstallMode(
  operatorNamespace: string,
  targetNamespaces: readonly string[],
): InstallMode {
  if (targetNamespaces.length === 0) return 'AllNamespaces';
  if (targetNamespaces.length > 1) return 'MultiNamespace';
  return targetNamespaces[0] === operatorNamespace ? 'OwnNamespace' : 'SingleNamespace';
}

/** The part of the operator's env that decides which namespaces are scanned. */
export interface NamespaceScope {
  readonly namespace: string;
  readonly targetNamespaces: readonly string[];
  readonly excludeNamespaces: GlobList;
  readonly installMode: InstallMode;
}

/**
 * Whether workloads in `namespace` are scanned (§3.11). The empty string stands for cluster-scoped objects, which
 * are never filtered by namespace. Exclusion globs apply only in AllNamespaces mode, as upstream.
 */
export function namespaceIncluded(env: NamespaceScope, namespace: string): boolean {
  if (namespace === '') return true;
  switch (env.installMode) {
    case 'AllNamespaces':
      return !env.excludeNamespaces.matches(namespace);
    case 'OwnNamespace':
      return namespace === env.namespace;
    default:
      return env.targetNamespaces.includes(namespace);
  }
}

/** The namespaces the operator has to watch (targets plus its own, for its config and Jobs), or `all`. */
export function watchedNamespaces(env: NamespaceScope): readonly string[] | 'all' {
  if (env.installMode === 'AllNamespaces') return 'all';
  return [...new Set([...env.targetNamespaces, env.namespace])];
}
