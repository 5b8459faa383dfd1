import type { V1PodSpec, V1Secret, V1ServiceAccount } from '@kubernetes/client-node';
import type { BasicCredentials } from '../../scanner/registry/credentials.ts';
import { describeError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import type { KubeClient } from '../kube/client.ts';
import { builtin } from '../kube/resource-types.ts';
import { credentialsFor, credentialsFromSecret, mergeCredentials } from './pull-secrets.ts';

export interface WorkloadCredentialOptions {
  client: KubeClient;
  operatorNamespace: string;
  /** `OPERATOR_ACCESS_GLOBAL_SECRETS_SERVICE_ACCOUNTS`: read pull secrets in workload namespaces. */
  accessGlobalSecrets: boolean;
  /** `OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES`: namespace → secret names. */
  scanSecretNames: Readonly<Record<string, readonly string[]>>;
  logger: Logger;
  cacheTtlMs?: number;
}

/**
 * Registry credentials for a workload's images, as the kubelet would use them: the pod's `imagePullSecrets`, then
 * its ServiceAccount's, then the configured scan secrets. Workload namespaces are only read when
 * `OPERATOR_ACCESS_GLOBAL_SECRETS_SERVICE_ACCOUNTS` allows it (least privilege otherwise: only the scan secrets in
 * the operator's namespace). Secrets are read directly (never cached by an informer) and kept a minute.
 */
export class WorkloadCredentials {
  readonly #options: WorkloadCredentialOptions;
  readonly #secrets = new Map<string, { at: number; value: Promise<V1Secret | undefined> }>();
  readonly #accounts = new Map<string, { at: number; value: Promise<V1ServiceAccount | undefined> }>();

  constructor(options: WorkloadCredentialOptions) {
    this.#options = options;
  }

  async forImage(
    namespace: string,
    spec: V1PodSpec | undefined,
    registry: string,
  ): Promise<BasicCredentials | undefined> {
    const { accessGlobalSecrets, operatorNamespace, scanSecretNames } = this.#options;
    const sources: { namespace: string; name: string }[] = [];
    if (accessGlobalSecrets) {
      for (const reference of spec?.imagePullSecrets ?? []) {
        if (reference.name) sources.push({ namespace, name: reference.name });
      }
      const account = await this.#account(namespace, spec?.serviceAccountName || 'default');
      for (const reference of account?.imagePullSecrets ?? []) {
        if (reference.name) sources.push({ namespace, name: reference.name });
      }
      for (const name of scanSecretNames[namespace] ?? []) sources.push({ namespace, name });
    }
    for (const name of scanSecretNames[operatorNamespace] ?? [])
      sources.push({ namespace: operatorNamespace, name });

    const maps = [];
    for (const source of sources) {
      const secret = await this.#secret(source.namespace, source.name);
      if (secret) maps.push(credentialsFromSecret(secret));
    }
    return credentialsFor(registry, mergeCredentials(...maps));
  }

  #secret(namespace: string, name: string): Promise<V1Secret | undefined> {
    return this.#cached(this.#secrets, `${namespace}/${name}`, () =>
      this.#options.client.get<V1Secret>(builtin.secret, name, namespace),
    );
  }

  #account(namespace: string, name: string): Promise<V1ServiceAccount | undefined> {
    return this.#cached(this.#accounts, `${namespace}/${name}`, () =>
      this.#options.client.get<V1ServiceAccount>(builtin.serviceAccount, name, namespace),
    );
  }

  #cached<T>(
    cache: Map<string, { at: number; value: Promise<T | undefined> }>,
    key: string,
    read: () => Promise<T | undefined>,
  ) {
    const ttl = this.#options.cacheTtlMs ?? 60_000;
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < ttl) return hit.value;
    const value = read().catch((error: unknown) => {
      // A pull secret we may not read (403) or that is gone is not fatal: the image may be public.
      this.#options.logger.warn(
        { secret: key, err: describeError(error) },
        'cannot read a pull secret or service account',
      );
      return undefined;
    });
    cache.set(key, { at: Date.now(), value });
    if (cache.size > 5000) cache.delete(cache.keys().next().value as string);
    return value;
  }
}
