/**
 * Test-only registry infrastructure: Debian's `docker-registry` on 127.0.0.1, a pusher speaking the OCI
 * distribution push API, and a fault-injecting HTTP proxy (also usable as a token server) to put in front of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type RequestListener,
  type Server,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';

export interface RunningRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** Require HTTP basic auth with this user (htpasswd, bcrypt). */
  htpasswd?: { username: string; password: string };
}

/** Starts `docker-registry serve` on a random 127.0.0.1 port with storage in a fresh temp dir. */
export async function startRegistry(options: RegistryOptions = {}): Promise<RunningRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'trivy-ts-registry-'));
  const lines = [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    'http:',
    '  addr: 127.0.0.1:0',
    '  secret: trivy-ts-test',
  ];
  if (options.htpasswd) {
    const hash = bcrypt.hashSync(options.htpasswd.password, 4);
    await writeFile(join(dir, 'htpasswd'), `${options.htpasswd.username}:${hash}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: trivy-ts-test', `    path: ${join(dir, 'htpasswd')}`);
  }
  await writeFile(join(dir, 'config.yml'), `${lines.join('\n')}\n`);

  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stop = async (): Promise<void> => {
    await killChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const host = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`docker-registry did not start:\n${output}`)), 15_000);
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /listening on (127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          child.stderr?.resume();
          resolve(match[1]);
        }
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`docker-registry exited with ${code}:\n${output}`));
      });
    });
    // Keep draining its log so the pipe never fills up.
    child.stderr?.on('data', () => undefined);
    return { host, url: `http://${host}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Pusher (OCI distribution push API: monolithic blob upload, manifest PUT)

export interface PushTarget {
  /** `http://127.0.0.1:PORT` */
  url: string;
  repository: string;
  basicAuth?: { username: string; password: string };
}

export interface PushedBlob {
  digest: string;
  size: number;
}

interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method,
      headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function authHeaders(target: PushTarget): Record<string, string> {
  if (!target.basicAuth) return {};
  const { username, password } = target.basicAuth;
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export async function pushBlob(target: PushTarget, bytes: Buffer): Promise<PushedBlob> {
  const digest = sha256Digest(bytes);
  const started = await send(
    `${target.url}/v2/${target.repository}/blobs/uploads/`,
    'POST',
    authHeaders(target),
  );
  if (started.status !== 202)
    throw new Error(`blob upload start: HTTP ${started.status} ${started.body.toString()}`);
  const location = new URL(String(started.headers.location), target.url);
  location.searchParams.set('digest', digest);
  const done = await send(
    location.toString(),
    'PUT',
    { ...authHeaders(target), 'content-type': 'application/octet-stream' },
    bytes,
  );
  if (done.status !== 201) throw new Error(`blob upload: HTTP ${done.status} ${done.body.toString()}`);
  return { digest, size: bytes.length };
}

export async function pushManifest(target: PushTarget, reference: string, manifest: object): Promise<string> {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const mediaType =
    (manifest as { mediaType?: string }).mediaType ?? 'application/vnd.oci.image.manifest.v1+json';
  const res = await send(
    `${target.url}/v2/${target.repository}/manifests/${reference}`,
    'PUT',
    { ...authHeaders(target), 'content-type': mediaType },
    bytes,
  );
  if (res.status !== 201) throw new Error(`manifest PUT: HTTP ${res.status} ${res.body.toString()}`);
  return sha256Digest(bytes);
}

export const TRIVY_DB_LAYER_MEDIA_TYPE = 'application/vnd.aquasec.trivy.db.layer.v1.tar+gzip';
export const TRIVY_DB_ARTIFACT_TYPE = 'application/vnd.aquasec.trivy.config.v1+json';

export interface DbArtifactOptions {
  /** `config`: artifact type as config media type (older oras); `artifactType`: OCI 1.1 with an empty config. */
  form?: 'config' | 'artifactType';
  title?: string;
  layerMediaType?: string;
  /** Extra layers after the DB layer (to test the one-layer rule). */
  extraLayers?: Buffer[];
}

/** Pushes a Trivy DB artifact the way `oras push` does: config blob, one layer blob, manifest under `tag`. */
export async function pushDbArtifact(
  target: PushTarget,
  tag: string,
  layer: Buffer,
  options: DbArtifactOptions = {},
): Promise<{ manifestDigest: string; layer: PushedBlob }> {
  const form = options.form ?? 'artifactType';
  const configBytes = Buffer.from('{}');
  const config = await pushBlob(target, configBytes);
  const pushedLayer = await pushBlob(target, layer);
  const extra = [];
  for (const bytes of options.extraLayers ?? []) extra.push(await pushBlob(target, bytes));
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    ...(form === 'artifactType' ? { artifactType: TRIVY_DB_ARTIFACT_TYPE } : {}),
    config: {
      mediaType: form === 'artifactType' ? 'application/vnd.oci.empty.v1+json' : TRIVY_DB_ARTIFACT_TYPE,
      ...config,
    },
    layers: [
      {
        mediaType: options.layerMediaType ?? TRIVY_DB_LAYER_MEDIA_TYPE,
        ...pushedLayer,
        annotations: { 'org.opencontainers.image.title': options.title ?? 'db.tar.gz' },
      },
      ...extra.map((blob) => ({ mediaType: TRIVY_DB_LAYER_MEDIA_TYPE, ...blob })),
    ],
    annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
  };
  const manifestDigest = await pushManifest(target, tag, manifest);
  return { manifestDigest, layer: pushedLayer };
}

// ---------------------------------------------------------------------------------------------------------------
// Fault-injecting proxy

export interface ProxiedRequest {
  method: string;
  /** Path with query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** 1-based count of requests seen so far with this method and path (query excluded). */
  seen: number;
}

export type FaultAction =
  /** Answer directly, without asking the registry. */
  | { respond: { status: number; headers?: Record<string, string>; body?: string | Buffer } }
  /** Forward, but cut the connection after this many body bytes. */
  | { truncateAfter: number }
  /** Forward with one body byte flipped (same length). */
  | { corruptByteAt: number }
  /** Forward this many body bytes, then stop sending (the connection stays open) and call `onStall`. */
  | { stallAfter: number; onStall?: () => void };

export type FaultRule = (request: ProxiedRequest) => FaultAction | undefined;

export interface FaultProxy {
  host: string;
  url: string;
  /** Every request that reached the proxy, in order. */
  requests: ProxiedRequest[];
  setRule(rule: FaultRule | undefined): void;
  stop(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of `targetUrl` whose rule can answer, cut, corrupt or stall responses.
 * With `tls` it serves HTTPS (e.g. a self-signed certificate from `selfSignedCertificate`).
 */
export async function startFaultProxy(
  targetUrl: string,
  initialRule?: FaultRule,
  tls?: { key: string; cert: string },
): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  let rule = initialRule;
  const requests: ProxiedRequest[] = [];
  const counts = new Map<string, number>();

  const handler: RequestListener = (req, res) => {
    const path = req.url ?? '/';
    const key = `${req.method} ${path.split('?')[0]}`;
    const seen = (counts.get(key) ?? 0) + 1;
    counts.set(key, seen);
    const proxied: ProxiedRequest = { method: req.method ?? 'GET', path, headers: req.headers, seen };
    requests.push(proxied);
    const action = rule?.(proxied);

    if (action && 'respond' in action) {
      req.resume();
      const body = action.respond.body ?? '';
      res.writeHead(action.respond.status, {
        'content-length': String(Buffer.byteLength(body)),
        ...action.respond.headers,
      });
      res.end(body);
      return;
    }

    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        let sent = 0;
        upstreamRes.on('data', (chunk: Buffer) => {
          if (action && 'truncateAfter' in action) {
            const room = action.truncateAfter - sent;
            if (room > 0) res.write(chunk.subarray(0, room));
            sent += chunk.length;
            if (sent >= action.truncateAfter) {
              upstreamRes.destroy();
              // Drop the connection a moment later, so the client has surely seen the headers: a mid-body cut.
              setTimeout(() => res.socket?.destroy(), 50);
            }
            return;
          }
          if (action && 'stallAfter' in action) {
            const room = action.stallAfter - sent;
            if (room > 0) res.write(chunk.subarray(0, room));
            sent += chunk.length;
            if (sent >= action.stallAfter) {
              upstreamRes.pause();
              action.onStall?.();
            }
            return;
          }
          if (action && 'corruptByteAt' in action) {
            const at = action.corruptByteAt - sent;
            if (at >= 0 && at < chunk.length) {
              const copy = Buffer.from(chunk);
              copy[at] = (copy[at] ?? 0) ^ 0xff;
              chunk = copy;
            }
          }
          sent += chunk.length;
          res.write(chunk);
        });
        upstreamRes.on('end', () => res.end());
        upstreamRes.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const server: Server = tls ? createTlsServer(tls, handler) : createServer(handler);
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    setRule(next) {
      rule = next;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A rule that makes the proxy behave like a registry with a token server: `/v2/` requests without a valid
 * `Bearer` token get a 401 challenge pointing at the proxy's own `/token`, which hands out `token` to clients that
 * present `credentials` (or to anyone when absent). Returns the rule and a log of token requests.
 */
export function bearerTokenGate(options: {
  proxyUrl: string;
  token: string;
  service?: string;
  credentials?: { username: string; password: string };
  /** Consulted for requests the gate lets through. */
  next?: FaultRule;
}): { rule: FaultRule; tokenRequests: ProxiedRequest[] } {
  const tokenRequests: ProxiedRequest[] = [];
  const service = options.service ?? 'trivy-ts-test-registry';
  const rule: FaultRule = (request) => {
    if (request.path.startsWith('/token')) {
      tokenRequests.push(request);
      const expected = options.credentials
        ? `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`
        : undefined;
      if (expected !== undefined && request.headers.authorization !== expected) {
        return { respond: { status: 401, body: '{"details":"bad credentials"}' } };
      }
      return {
        respond: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: options.token, expires_in: 300 }),
        },
      };
    }
    if (request.headers.authorization !== `Bearer ${options.token}`) {
      const scope = /^\/v2\/(.+)\/(?:manifests|blobs)\//.exec(request.path)?.[1];
      return {
        respond: {
          status: 401,
          headers: {
            'content-type': 'application/json',
            'www-authenticate': `Bearer realm="${options.proxyUrl}/token",service="${service}"${
              scope ? `,scope="repository:${scope}:pull"` : ''
            }`,
          },
          body: JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }),
        },
      };
    }
    return options.next?.(request);
  };
  return { rule, tokenRequests };
}

export { createServingCertificate as selfSignedCertificate } from './tls.ts';
