import { UserFacingError } from '../../util/errors.ts';

/**
 * Error codes from the distribution spec's JSON error body, plus our own for failures seen on the client side
 * (`NETWORK`, `TLS`, `BLOB_TRUNCATED`, `SIZE_INVALID`, `DIGEST_INVALID`, `TOO_LARGE`).
 */
export type RegistryErrorCode = string;

const TEMPORARY_CODES = new Set(['TOOMANYREQUESTS', 'UNAVAILABLE', 'NETWORK', 'BLOB_TRUNCATED']);
const AUTH_CODES = new Set(['UNAUTHORIZED', 'DENIED']);

export interface RegistryErrorInit {
  registry: string;
  repository?: string;
  /** HTTP status, absent for network failures and client-side checks. */
  status?: number;
  codes?: RegistryErrorCode[];
  /** Registry-supplied detail (`errors[].message`); never contains credentials. */
  detail?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

/** A failed registry operation. `temporary` says whether trying again (or elsewhere) may succeed. */
export class RegistryError extends UserFacingError {
  readonly registry: string;
  readonly repository: string | undefined;
  readonly status: number | undefined;
  readonly codes: readonly RegistryErrorCode[];
  readonly temporary: boolean;
  readonly retryAfterMs: number | undefined;
  readonly detail: string | undefined;

  constructor(message: string, init: RegistryErrorInit) {
    const codes = init.codes ?? [];
    const status = init.status;
    super(message, { cause: init.cause, hint: hintFor(status, codes) });
    this.registry = init.registry;
    this.repository = init.repository;
    this.status = status;
    this.codes = codes;
    this.retryAfterMs = init.retryAfterMs;
    this.detail = init.detail;
    this.temporary =
      (status !== undefined && (status === 429 || status >= 500)) ||
      codes.some((code) => TEMPORARY_CODES.has(code));
  }

  hasCode(code: RegistryErrorCode): boolean {
    return this.codes.includes(code);
  }

  /** Missing or refused credentials: retrying elsewhere with the same identity will not help. */
  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403 || this.codes.some((code) => AUTH_CODES.has(code));
  }
}

function hintFor(status: number | undefined, codes: readonly string[]): string | undefined {
  if (status === 401 || codes.includes('UNAUTHORIZED')) {
    return 'log in with --username/--password or `docker login`, or check the credentials in ~/.docker/config.json';
  }
  if (status === 403 || codes.includes('DENIED'))
    return 'the credentials in use have no pull access to this repository';
  if (status === 429 || codes.includes('TOOMANYREQUESTS'))
    return 'the registry is rate limiting: wait and try again, or log in';
  if (codes.includes('NAME_UNKNOWN') || codes.includes('MANIFEST_UNKNOWN')) {
    return 'check the repository name and tag';
  }
  if (codes.includes('NETWORK'))
    return 'check network access to the registry (proxy, firewall, --insecure for plain HTTP)';
  if (codes.includes('TLS')) {
    return 'the registry certificate is not trusted: add its CA to NODE_EXTRA_CA_CERTS, or use --insecure';
  }
  return undefined;
}

interface DistributionErrorBody {
  errors?: Array<{ code?: unknown; message?: unknown }>;
}

/** Builds the error for a non-success response from its status and (possibly absent or non-JSON) body. */
export function registryErrorFromResponse(
  what: string,
  init: { registry: string; repository?: string; status: number; body: string; retryAfterMs?: number },
): RegistryError {
  const codes: string[] = [];
  const details: string[] = [];
  try {
    const parsed = JSON.parse(init.body) as DistributionErrorBody;
    for (const entry of Array.isArray(parsed.errors) ? parsed.errors : []) {
      if (typeof entry.code === 'string' && /^[A-Z_]{1,64}$/.test(entry.code)) codes.push(entry.code);
      if (typeof entry.message === 'string') details.push(entry.message.slice(0, 200));
    }
  } catch {
    // Not the distribution error format (proxies, CDNs): the status alone has to do.
  }
  const codeText = codes.length > 0 ? ` ${codes.join(', ')}` : '';
  const detailText = details.length > 0 ? `: ${details.join('; ')}` : '';
  return new RegistryError(
    `${what}: registry ${init.registry} answered HTTP ${init.status}${codeText}${detailText}`,
    {
      registry: init.registry,
      ...(init.repository === undefined ? {} : { repository: init.repository }),
      status: init.status,
      codes,
      ...(details.length > 0 ? { detail: details.join('; ') } : {}),
      ...(init.retryAfterMs === undefined ? {} : { retryAfterMs: init.retryAfterMs }),
    },
  );
}
