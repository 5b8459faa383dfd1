import type { V1Secret } from '@kubernetes/client-node';
import type { BasicCredentials } from '../../scanner/registry/credentials.ts';
import { DOCKER_HUB_REGISTRY } from '../../scanner/registry/reference.ts';

/** Credentials by registry host, from image pull Secrets; hosts may be wildcards (`*.example.com`). */
export type RegistryCredentials = ReadonlyMap<string, BasicCredentials>;

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
}

/**
 * Reads a `kubernetes.io/dockerconfigjson` or legacy `kubernetes.io/dockercfg` Secret. Entries without usable
 * credentials are skipped; the result never leaves this process except into a scan Job's own Secret.
 */
export function credentialsFromSecret(secret: V1Secret): Map<string, BasicCredentials> {
  const found = new Map<string, BasicCredentials>();
  const data = secret.data ?? {};
  const encoded = data['.dockerconfigjson'] ?? data['.dockercfg'];
  if (!encoded) return found;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return found;
  }
  const auths = (data['.dockerconfigjson'] ? (parsed as { auths?: unknown }).auths : parsed) as
    Record<string, AuthEntry> | undefined;
  if (!auths || typeof auths !== 'object') return found;
  for (const [server, entry] of Object.entries(auths)) {
    const credentials = decodeEntry(entry);
    if (credentials) found.set(normaliseServer(server), credentials);
  }
  return found;
}

function decodeEntry(entry: AuthEntry | undefined): BasicCredentials | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  if (typeof entry.auth !== 'string') return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** `https://index.docker.io/v1/` → `index.docker.io`; `docker.io` → `index.docker.io`; `host:5000/path` → `host:5000`. */
export function normaliseServer(server: string): string {
  const host = server
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  return host === 'docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB_REGISTRY : host;
}

/** Exact host first, then the most specific wildcard (`*.a.example.com` before `*.example.com`). */
export function credentialsFor(
  registry: string,
  credentials: RegistryCredentials,
): BasicCredentials | undefined {
  const host = normaliseServer(registry);
  const exact = credentials.get(host);
  if (exact) return exact;
  let best: { suffix: string; value: BasicCredentials } | undefined;
  for (const [server, value] of credentials) {
    if (!server.startsWith('*.')) continue;
    const suffix = server.slice(1);
    if (host.endsWith(suffix) && (!best || suffix.length > best.suffix.length)) best = { suffix, value };
  }
  return best?.value;
}

/** Later sources do not override earlier ones: the workload's own pull secrets come first. */
export function mergeCredentials(
  ...sources: ReadonlyMap<string, BasicCredentials>[]
): Map<string, BasicCredentials> {
  const merged = new Map<string, BasicCredentials>();
  for (const source of sources)
    for (const [host, value] of source) if (!merged.has(host)) merged.set(host, value);
  return merged;
}
