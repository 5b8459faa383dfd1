import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent as AgentType, Dispatcher } from 'undici';
import { DigestVerifier } from '../../util/digest-verifier.ts';
import { silentLogger, type Logger } from '../../util/logger.ts';
import { trivyTsVersion } from '../../util/version.ts';
import { parseChallenges, type AuthChallenge } from './challenge.ts';
import type { BasicCredentials, CredentialStore } from './credentials.ts';
import { RegistryError, registryErrorFromResponse } from './errors.ts';
import { Agent, redirect, request } from './http.ts';
import { MANIFEST_ACCEPT } from './manifest.ts';
import { formatReference, manifestIdentifier, type Reference } from './reference.ts';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry.ts';

/** A repository on a registry: what blobs are fetched from. */
export interface RepositoryLocation {
  readonly registry: string;
  readonly repository: string;
}

export interface BlobDescriptor {
  readonly digest: string;
  readonly size: number;
}

export interface ManifestResponse {
  /** From Content-Type, else the document's own `mediaType`. */
  mediaType: string;
  /** sha256 of the exact bytes received. */
  digest: string;
  bytes: Buffer;
}

export interface RegistryClientOptions {
  credentials?: CredentialStore;
  /** Plain HTTP, or HTTPS without certificate verification (HTTPS is tried first). */
  insecure?: boolean;
  retry?: RetryPolicy;
  logger?: Logger;
  /** Time allowed for response headers, and between two body chunks. */
  timeoutMs?: number;
}

interface Session {
  baseUrl: string;
  challenge: AuthChallenge | undefined;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;
const USER_AGENT = `trivy-ts/${trivyTsVersion}`;

/**
 * A client for the OCI distribution v2 API (pull side): ping and auth challenge per registry, bearer tokens
 * cached per repository scope, retries on temporary failures, manifests and digest-verified blob streams.
 */
export class RegistryClient {
  readonly #credentials: CredentialStore | undefined;
  readonly #insecure: boolean;
  readonly #retry: RetryPolicy;
  readonly #logger: Logger;
  readonly #agent: AgentType;
  readonly #dispatcher: Dispatcher;
  readonly #sessions = new Map<string, Promise<Session>>();
  readonly #tokens = new Map<string, CachedToken>();
  /** Looked up once per registry: credential helpers are programs, too slow to run per request. */
  readonly #credentialsByRegistry = new Map<string, Promise<BasicCredentials | undefined>>();

  constructor(options: RegistryClientOptions = {}) {
    this.#credentials = options.credentials;
    this.#insecure = options.insecure ?? false;
    this.#retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.#logger = options.logger ?? silentLogger;
    const timeout = options.timeoutMs ?? 60_000;
    this.#agent = new Agent({
      connect: { rejectUnauthorized: !this.#insecure, timeout },
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    // Blob downloads are commonly redirected to a CDN; the interceptor drops Authorization on cross-origin hops.
    this.#dispatcher = this.#agent.compose(redirect({ maxRedirections: 5 }));
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  /** GET a manifest or index by tag or digest. A digest reference is checked against the bytes received. */
  async getManifest(ref: Reference, accept: readonly string[] = MANIFEST_ACCEPT): Promise<ManifestResponse> {
    const what = `fetching manifest ${formatReference(ref)}`;
    const response = await this.#get(
      ref,
      `/v2/${ref.repository}/manifests/${manifestIdentifier(ref)}`,
      what,
      {
        accept: accept.join(', '),
      },
    );
    const bytes = await readLimited(response.body, MAX_MANIFEST_BYTES, () =>
      clientError(`${what}: the manifest is larger than ${MAX_MANIFEST_BYTES} bytes`, ref, 'TOO_LARGE'),
    );
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (ref.digest?.startsWith('sha256:') && ref.digest !== digest) {
      throw clientError(`${what}: the registry sent a manifest with digest ${digest}`, ref, 'DIGEST_INVALID');
    }
    let mediaType = headerValue(response.headers['content-type'])?.split(';')[0]?.trim() ?? '';
    if (mediaType === '' || mediaType === 'application/json' || mediaType === 'text/plain') {
      mediaType = embeddedMediaType(bytes) ?? mediaType;
    }
    return { mediaType, digest, bytes };
  }

  /**
   * GET a blob as a stream. The stream fails with a `RegistryError` if the content is cut short
   * (`BLOB_TRUNCATED`, temporary), longer than declared or does not match the digest (`DIGEST_INVALID`).
   */
  async getBlob(location: RepositoryLocation, blob: BlobDescriptor): Promise<Readable> {
    const what = `fetching blob ${blob.digest} from ${location.registry}/${location.repository}`;
    let verifier: DigestVerifier;
    try {
      verifier = new DigestVerifier(
        blob,
        (problem, code) =>
          new RegistryError(
            `blob ${blob.digest} from ${location.registry}/${location.repository} ${problem}`,
            {
              ...location,
              codes: [code],
            },
          ),
      );
    } catch (error) {
      throw clientError(`${what}: ${(error as Error).message}`, location, 'DIGEST_INVALID');
    }
    const response = await this.#get(location, `/v2/${location.repository}/blobs/${blob.digest}`, what, {});
    const body = response.body;
    body.on('error', (error: Error) => {
      verifier.destroy(
        new RegistryError(
          `${what}: the connection broke after ${verifier.bytesReceived} bytes: ${error.message}`,
          {
            registry: location.registry,
            repository: location.repository,
            codes: ['BLOB_TRUNCATED'],
            cause: error,
          },
        ),
      );
    });
    verifier.on('close', () => {
      if (!body.destroyed) body.destroy();
    });
    body.pipe(verifier);
    return verifier;
  }

  /** A small blob (image config, artifact config) read into memory, verified. */
  async getBlobBytes(location: RepositoryLocation, blob: BlobDescriptor, maxBytes: number): Promise<Buffer> {
    if (blob.size > maxBytes) {
      throw clientError(
        `blob ${blob.digest} is ${blob.size} bytes, more than the ${maxBytes} allowed`,
        location,
        'TOO_LARGE',
      );
    }
    const stream = await this.getBlob(location, blob);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async #get(
    location: RepositoryLocation,
    path: string,
    what: string,
    headers: Record<string, string>,
  ): Promise<Dispatcher.ResponseData> {
    let renewedAuth = false;
    for (let attempt = 1; ; attempt++) {
      let failure: RegistryError;
      try {
        const session = await this.#session(location.registry);
        const authorization = await this.#authorization(session, location, renewedAuth);
        const response = await this.#request(`${session.baseUrl}${path}`, {
          ...headers,
          ...(authorization === undefined ? {} : { authorization }),
        });
        this.#logger.debug(
          { registry: location.registry, path, status: response.statusCode },
          'registry request',
        );
        if (response.statusCode >= 200 && response.statusCode < 300) return response;
        const body = (await readLimited(response.body, MAX_ERROR_BODY_BYTES, () => undefined)).toString(
          'utf8',
        );
        const challengeHeader = headerValue(response.headers['www-authenticate']);
        if (response.statusCode === 401 && !renewedAuth) {
          // Expired token, or a challenge that differs from the ping's: authenticate again once.
          if (challengeHeader !== undefined) session.challenge = preferredChallenge(challengeHeader);
          this.#tokens.delete(tokenKey(location));
          renewedAuth = true;
          attempt--;
          continue;
        }
        failure = registryErrorFromResponse(what, {
          registry: location.registry,
          repository: location.repository,
          status: response.statusCode,
          body,
          ...retryAfterOf(response),
        });
      } catch (error) {
        failure = error instanceof RegistryError ? error : networkError(what, location, error);
      }
      if (!failure.temporary || attempt >= this.#retry.attempts) throw failure;
      const delayMs = retryDelayMs(this.#retry, attempt, failure.retryAfterMs);
      this.#logger.warn(
        {
          registry: location.registry,
          repository: location.repository,
          attempt,
          delayMs,
          status: failure.status,
        },
        `registry request failed, retrying: ${failure.message}`,
      );
      await sleep(delayMs);
    }
  }

  #request(url: string, headers: Record<string, string>): Promise<Dispatcher.ResponseData> {
    return request(url, {
      method: 'GET',
      dispatcher: this.#dispatcher,
      headers: { 'user-agent': USER_AGENT, ...headers },
    });
  }

  /** Pings `/v2/` once per registry to learn the scheme (with --insecure) and the auth challenge. */
  #session(registry: string): Promise<Session> {
    let session = this.#sessions.get(registry);
    if (!session) {
      session = this.#ping(registry);
      this.#sessions.set(registry, session);
      session.catch(() => this.#sessions.delete(registry));
    }
    return session;
  }

  async #ping(registry: string): Promise<Session> {
    const schemes = this.#insecure ? ['https', 'http'] : ['https'];
    let lastError: unknown;
    for (const scheme of schemes) {
      const baseUrl = `${scheme}://${registry}`;
      let response: Dispatcher.ResponseData;
      try {
        response = await this.#request(`${baseUrl}/v2/`, {});
      } catch (error) {
        lastError = error;
        continue;
      }
      const body = (await readLimited(response.body, MAX_ERROR_BODY_BYTES, () => undefined)).toString('utf8');
      if (response.statusCode === 429 || response.statusCode >= 500) {
        throw registryErrorFromResponse(`contacting ${registry}`, {
          registry,
          status: response.statusCode,
          body,
          ...retryAfterOf(response),
        });
      }
      const header =
        response.statusCode === 401 ? headerValue(response.headers['www-authenticate']) : undefined;
      return { baseUrl, challenge: header === undefined ? undefined : preferredChallenge(header) };
    }
    throw networkError(`contacting ${registry}`, { registry }, lastError);
  }

  async #authorization(
    session: Session,
    location: RepositoryLocation,
    renew: boolean,
  ): Promise<string | undefined> {
    const challenge = session.challenge;
    if (!challenge) return undefined;
    const credentials = await this.#credentialsFor(location.registry);
    if (challenge.scheme === 'basic') {
      return credentials === undefined ? undefined : basicAuthorization(credentials);
    }
    if (challenge.scheme !== 'bearer') return undefined;
    const key = tokenKey(location);
    const cached = this.#tokens.get(key);
    if (cached && !renew && cached.expiresAt > Date.now()) return `Bearer ${cached.value}`;
    const token = await this.#fetchToken(challenge, location, credentials);
    this.#tokens.set(key, token);
    return `Bearer ${token.value}`;
  }

  #credentialsFor(registry: string): Promise<BasicCredentials | undefined> {
    let found = this.#credentialsByRegistry.get(registry);
    if (!found) {
      found = this.#credentials?.get(registry) ?? Promise.resolve(undefined);
      this.#credentialsByRegistry.set(registry, found);
      found.catch(() => this.#credentialsByRegistry.delete(registry));
    }
    return found;
  }

  async #fetchToken(
    challenge: AuthChallenge,
    location: RepositoryLocation,
    credentials: BasicCredentials | undefined,
  ): Promise<CachedToken> {
    const what = `authenticating to ${location.registry} for ${location.repository}`;
    const realm = challenge.params.realm;
    let url: URL;
    try {
      url = new URL(realm ?? '');
    } catch {
      throw clientError(
        `${what}: the registry's Bearer challenge has no usable realm`,
        location,
        'UNAUTHORIZED',
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw clientError(`${what}: the token realm is not an HTTP(S) URL`, location, 'UNAUTHORIZED');
    }
    if (challenge.params.service !== undefined) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', `repository:${location.repository}:pull`);
    const response = await this.#request(
      url.toString(),
      credentials === undefined ? {} : { authorization: basicAuthorization(credentials) },
    );
    const body = await readLimited(response.body, MAX_TOKEN_RESPONSE_BYTES, () =>
      clientError(`${what}: the token response is too large`, location, 'TOO_LARGE'),
    );
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const status = response.statusCode;
      throw registryErrorFromResponse(`${what} (token server ${url.host})`, {
        ...location,
        status,
        body: body.toString('utf8'),
        ...retryAfterOf(response),
      });
    }
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw clientError(
        `${what}: the token server answered with something that is not JSON`,
        location,
        'UNAUTHORIZED',
      );
    }
    const value = typeof parsed.token === 'string' ? parsed.token : parsed.access_token;
    if (typeof value !== 'string' || value.length === 0) {
      throw clientError(`${what}: the token server answered without a token`, location, 'UNAUTHORIZED');
    }
    const lifetimeSeconds =
      typeof parsed.expires_in === 'number' && parsed.expires_in > 0
        ? Math.min(parsed.expires_in, 86_400)
        : 60;
    // Renew a little early so a token does not expire between the check and the request.
    return { value, expiresAt: Date.now() + lifetimeSeconds * 900 };
  }
}

function tokenKey(location: RepositoryLocation): string {
  return `${location.registry}/${location.repository}`;
}

function basicAuthorization(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

function preferredChallenge(header: string): AuthChallenge | undefined {
  const challenges = parseChallenges(header);
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function retryAfterOf(response: Dispatcher.ResponseData): { retryAfterMs?: number } {
  const retryAfterMs = parseRetryAfter(headerValue(response.headers['retry-after']));
  return retryAfterMs === undefined ? {} : { retryAfterMs };
}

function embeddedMediaType(bytes: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown };
    return typeof parsed.mediaType === 'string' ? parsed.mediaType : undefined;
  } catch {
    return undefined;
  }
}

function clientError(
  message: string,
  location: { registry: string; repository?: string },
  code: string,
): RegistryError {
  return new RegistryError(message, { ...location, codes: [code] });
}

/**
 * Wraps a failure of the connection itself. Certificate problems are permanent (`TLS`, pointing at --insecure);
 * other socket and protocol errors (which all carry a `code`) are temporary (`NETWORK`). Anything else, such as a
 * credential helper failure, is rethrown as is.
 */
function networkError(
  what: string,
  location: { registry: string; repository?: string },
  error: unknown,
): RegistryError {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') throw error;
  const reason = error instanceof Error ? error.message : String(error);
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL_(?!WRONG_VERSION)/.test(code)) {
    return new RegistryError(`${what}: TLS connection to ${location.registry} failed: ${reason}`, {
      ...location,
      codes: ['TLS'],
      cause: error,
    });
  }
  return new RegistryError(`${what}: connection to ${location.registry} failed: ${reason}`, {
    ...location,
    codes: ['NETWORK'],
    cause: error,
  });
}

/** Reads a response body up to `max` bytes; beyond that, destroys it and throws what `tooLarge` returns (if any). */
async function readLimited(body: Readable, max: number, tooLarge: () => Error | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > max) {
      body.destroy();
      const error = tooLarge();
      if (error) throw error;
      break;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
