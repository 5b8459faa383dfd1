import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { describeError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import {
  DEFAULT_OPERATOR_CONFIG_DATA,
  DEFAULT_TRIVY_CONFIG_DATA,
  OPERATOR_CONFIG_MAP_NAME,
  OPERATOR_SECRET_NAME,
  TRIVY_CONFIG_NAME,
} from './config/index.ts';
import { isAlreadyExists, type KubeClient } from './kube/client.ts';
import { builtin } from './kube/resource-types.ts';

export interface ConfigObjects {
  operatorConfigMap?: Record<string, string>;
  operatorSecret?: Record<string, string>;
  trivyConfigMap?: Record<string, string>;
  trivySecret?: Record<string, string>;
}

const managedBy = { 'app.kubernetes.io/managed-by': 'trivy-operator' };

/**
 * Reads the operator's ConfigMaps and Secrets from its namespace, creating the `trivy-operator` and
 * `trivy-operator-trivy-config` ConfigMaps with their defaults when absent (as upstream does, so users find the
 * keys to edit); existing objects are never overwritten.
 */
export async function readConfigObjects(
  client: KubeClient,
  namespace: string,
  logger: Logger,
): Promise<ConfigObjects> {
  const operatorConfigMap = await ensureConfigMap(
    client,
    namespace,
    OPERATOR_CONFIG_MAP_NAME,
    DEFAULT_OPERATOR_CONFIG_DATA,
    logger,
  );
  const trivyConfigMap = await ensureConfigMap(
    client,
    namespace,
    TRIVY_CONFIG_NAME,
    DEFAULT_TRIVY_CONFIG_DATA,
    logger,
  );
  const operatorSecret = await readSecret(client, namespace, OPERATOR_SECRET_NAME, logger);
  const trivySecret = await readSecret(client, namespace, TRIVY_CONFIG_NAME, logger);
  return {
    ...(operatorConfigMap ? { operatorConfigMap } : {}),
    ...(operatorSecret ? { operatorSecret } : {}),
    ...(trivyConfigMap ? { trivyConfigMap } : {}),
    ...(trivySecret ? { trivySecret } : {}),
  };
}

async function ensureConfigMap(
  client: KubeClient,
  namespace: string,
  name: string,
  defaults: Readonly<Record<string, string>>,
  logger: Logger,
): Promise<Record<string, string> | undefined> {
  const existing = await client.get<V1ConfigMap>(builtin.configMap, name, namespace);
  if (existing) return existing.data ?? {};
  try {
    await client.create<V1ConfigMap>(builtin.configMap, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace, labels: managedBy },
      data: { ...defaults },
    });
    logger.info({ configMap: `${namespace}/${name}` }, 'created the ConfigMap with its defaults');
  } catch (error) {
    if (!isAlreadyExists(error)) {
      // Read-only installs may not create ConfigMaps: the defaults apply all the same.
      logger.warn(
        { configMap: `${namespace}/${name}`, err: describeError(error) },
        'cannot create the ConfigMap',
      );
    }
  }
  return undefined;
}

/** Secret data base64-decoded; undefined when the Secret does not exist or may not be read. */
export async function readSecret(
  client: KubeClient,
  namespace: string,
  name: string,
  logger: Logger,
): Promise<Record<string, string> | undefined> {
  try {
    const secret = await client.get<V1Secret>(builtin.secret, name, namespace);
    return secret ? decodeSecretData(secret) : undefined;
  } catch (error) {
    logger.warn(
      { secret: `${namespace}/${name}`, err: describeError(error) },
      'cannot read the Secret; ignoring it',
    );
    return undefined;
  }
}

export function decodeSecretData(secret: V1Secret): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  );
}
