/**
 * Where the API server is and how to authenticate to it, from a kubeconfig or the in-cluster service account.
 *
 * The parsing and the authenticators are `@kubernetes/client-node`'s own (`config_types`, `ExecAuth`, `FileAuth`, and
 * its OIDC/Azure/GCP providers when a kubeconfig names one), imported module by module: its package entry point also
 * loads the generated API (about a thousand modules, ~80 MiB resident), which the operator never uses — its REST
 * client is `client.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import {
  newClusters,
  newContexts,
  newUsers,
  type Cluster,
  type Context,
  type User,
} from '@kubernetes/client-node/dist/config_types.js';
import { ExecAuth } from '@kubernetes/client-node/dist/exec_auth.js';
import { FileAuth } from '@kubernetes/client-node/dist/file_auth.js';
import { parse } from 'yaml';

export interface TlsSettings {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** One API server and one identity: what the REST client needs. */
export interface ClusterConnection {
  /** `https://host:port`, no trailing slash. */
  server: string;
  /** The kubeconfig context (or `in-cluster`), for logs and reports. */
  contextName: string;
  clusterName: string;
  tls: TlsSettings;
  /** Request headers that authenticate (bearer token, basic auth, impersonation); tokens are refreshed as needed. */
  authHeaders(): Promise<Record<string, string>>;
}

export class KubeConfigError extends Error {}

const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface LoadOptions {
  /** A kubeconfig file; else `$KUBECONFIG` (merged, first wins), `~/.kube/config`, then the in-cluster account. */
  kubeconfig?: string;
  context?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

export function loadClusterConnection(options: LoadOptions = {}): ClusterConnection {
  const env = options.env ?? process.env;
  const files = options.kubeconfig
    ? [options.kubeconfig]
    : // As kubectl: files of $KUBECONFIG that do not exist are skipped.
      (env.KUBECONFIG
        ? env.KUBECONFIG.split(delimiter)
        : [join(env.HOME ?? homedir(), '.kube', 'config')]
      ).filter((file) => file !== '' && existsSync(file));
  if (files.length === 0) {
    if (env.KUBERNETES_SERVICE_HOST) return inClusterConnection(env);
    throw new KubeConfigError(
      `no kubeconfig found (${env.KUBECONFIG ? `$KUBECONFIG=${env.KUBECONFIG}` : '~/.kube/config'}) and not running in a cluster`,
    );
  }
  return fromKubeconfigFiles(files, options.context);
}

/** The pod's service account: the API server from the environment, the token file re-read every minute. */
export function inClusterConnection(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ClusterConnection {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  const user: User = {
    name: 'in-cluster',
    authProvider: { name: 'tokenFile', config: { tokenFile: join(serviceAccountDir, 'token') } },
  } as User;
  return connection({
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    contextName: 'in-cluster',
    clusterName: 'in-cluster',
    tls: { ca: readFileSync(join(serviceAccountDir, 'ca.crt')) },
    user,
  });
}

function fromKubeconfigFiles(
  files: readonly string[],
  contextOverride: string | undefined,
): ClusterConnection {
  const clusters: Cluster[] = [];
  const users: User[] = [];
  const contexts: Context[] = [];
  let currentContext: string | undefined;
  for (const file of files) {
    let document: Record<string, unknown>;
    try {
      document = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
    } catch (error) {
      throw new KubeConfigError(`${file}: ${(error as Error).message}`);
    }
    const base = dirname(file);
    const add = <T extends { name: string }>(into: T[], items: T[]) => {
      for (const item of items) if (!into.some((known) => known.name === item.name)) into.push(item);
    };
    try {
      add(
        clusters,
        newClusters(document.clusters).map((cluster) => absolutePaths(cluster, base)),
      );
      add(
        users,
        newUsers(document.users).map((user) => absolutePaths(user, base)),
      );
      add(contexts, newContexts(document.contexts));
    } catch (error) {
      throw new KubeConfigError(`${file}: ${(error as Error).message}`);
    }
    currentContext ??= document['current-context'] as string | undefined;
  }
  const contextName = contextOverride ?? currentContext;
  if (!contextName) throw new KubeConfigError('the kubeconfig sets no current-context; pass --context');
  const context = contexts.find((candidate) => candidate.name === contextName);
  if (!context) {
    throw new KubeConfigError(
      `context ${JSON.stringify(contextName)} is not in the kubeconfig (known: ${contexts.map((known) => known.name).join(', ') || 'none'})`,
    );
  }
  const cluster = clusters.find((candidate) => candidate.name === context.cluster);
  if (!cluster)
    throw new KubeConfigError(
      `context ${contextName} names cluster ${context.cluster}, which is not defined`,
    );
  const user = users.find((candidate) => candidate.name === context.user) ?? ({ name: '' } as User);
  const tls: TlsSettings = {};
  const ca = bytes(cluster.caFile, cluster.caData);
  const cert = bytes(user.certFile, user.certData);
  const key = bytes(user.keyFile, user.keyData);
  if (ca) tls.ca = ca;
  if (cert) tls.cert = cert;
  if (key) tls.key = key;
  if (cluster.skipTLSVerify) tls.rejectUnauthorized = false;
  if (cluster.tlsServerName) tls.servername = cluster.tlsServerName;
  return connection({ server: cluster.server, contextName, clusterName: cluster.name, tls, user });
}

function connection(parts: {
  server: string;
  contextName: string;
  clusterName: string;
  tls: TlsSettings;
  user: User;
}): ClusterConnection {
  const { user } = parts;
  const exec = new ExecAuth();
  const file = new FileAuth();
  let provider:
    Promise<{ applyAuthentication(user: User, options: object): Promise<void> } | undefined> | undefined;
  return {
    server: parts.server.replace(/\/+$/, ''),
    contextName: parts.contextName,
    clusterName: parts.clusterName,
    tls: parts.tls,
    async authHeaders() {
      const options: { headers: Record<string, string>; cert?: string; key?: string } = { headers: {} };
      if (exec.isAuthProvider(user)) {
        await exec.applyAuthentication(user, options);
        // The TLS settings are fixed when the client's connection pool is made; a certificate from a plugin comes later.
        if (options.cert !== undefined && options.headers.Authorization === undefined) {
          throw new KubeConfigError(
            `the exec plugin of user ${JSON.stringify(user.name)} returned a client certificate; only plugins that return a token are supported`,
          );
        }
      } else if (file.isAuthProvider(user)) await file.applyAuthentication(user, options);
      else if (user.authProvider) {
        provider ??= loadAuthProvider(user);
        await (await provider)?.applyAuthentication(user, options);
      }
      if (user.token) options.headers.Authorization = `Bearer ${user.token}`;
      if (user.username && user.password && !options.headers.Authorization) {
        options.headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
      }
      if (user.impersonateUser) options.headers['Impersonate-User'] = user.impersonateUser;
      return options.headers;
    },
  };
}

/** OIDC, Azure and GCP auth providers are rare and heavy: loaded only for a kubeconfig that names one. */
async function loadAuthProvider(user: User) {
  switch (user.authProvider?.name) {
    case 'oidc':
      return new (await import('@kubernetes/client-node/dist/oidc_auth.js')).OpenIDConnectAuth();
    case 'azure':
      return new (await import('@kubernetes/client-node/dist/azure_auth.js')).AzureAuth();
    case 'gcp':
      return new (await import('@kubernetes/client-node/dist/gcp_auth.js')).GoogleCloudPlatformAuth();
    default:
      throw new KubeConfigError(`auth-provider ${JSON.stringify(user.authProvider?.name)} is not supported`);
  }
}

function bytes(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file) return readFileSync(file);
  return data ? Buffer.from(data, 'base64') : undefined;
}

/** Relative file references in a kubeconfig are relative to the kubeconfig's directory. */
function absolutePaths<T extends object>(entry: T, base: string): T {
  const resolved = { ...entry } as Record<string, unknown>;
  for (const key of ['caFile', 'certFile', 'keyFile']) {
    const value = resolved[key];
    if (typeof value === 'string' && value !== '' && !isAbsolute(value)) resolved[key] = join(base, value);
  }
  return resolved as unknown as T;
}
