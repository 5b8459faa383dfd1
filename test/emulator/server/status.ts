import type { ApiStatusError } from '../api.ts';

export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

type StatusBody = ApiStatusError['status'];

/** An error carrying the exact `Status` body a kube-apiserver would answer with. */
export class ApiError extends Error implements ApiStatusError {
  readonly status: StatusBody;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details: details as Record<string, unknown> } : {}),
      code,
    };
  }
}

export function isApiStatusError(error: unknown): error is ApiStatusError {
  if (!(error instanceof Error)) return false;
  const status = (error as Partial<ApiStatusError>).status;
  return typeof status === 'object' && status !== null && status.kind === 'Status';
}

/** `deployments.apps` or `pods`: how the API server names a resource in messages. */
export function qualifiedResource(group: string, resource: string): string {
  return group === '' ? resource : `${resource}.${group}`;
}

export function notFound(group: string, resource: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(group, resource)} "${name}" not found`, {
    name,
    group,
    kind: resource,
  });
}

export function alreadyExists(group: string, resource: string, name: string): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(group, resource)} "${name}" already exists`,
    {
      name,
      group,
      kind: resource,
    },
  );
}

export function conflict(group: string, resource: string, name: string, why?: string): ApiError {
  const detail =
    why ?? 'the object has been modified; please apply your changes to the latest version and try again';
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(group, resource)} "${name}": ${detail}`,
    { name, group, kind: resource },
  );
}

/** 422 Invalid; `kindLabel` is `Deployment.apps` or `Pod`, like the real message. */
export function invalid(kindLabel: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${kindLabel} "${name}" is invalid: ${joined}`, {
    name,
    group,
    kind: kindLabel.split('.')[0],
    causes,
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(verb: string, resourceLabel: string): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    `${verb} is not supported on resources of kind "${resourceLabel}"`,
    {},
  );
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function unsupportedMediaType(contentType: string, accepted: string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    { kind: contentType },
  );
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ reason: '', message, field: '' }],
  });
}

export function forbiddenInNamespace(message: string, details: StatusDetails): ApiError {
  return new ApiError(403, 'Forbidden', message, details);
}

/** etcd refuses values over its request limit; the API server passes the raw etcd text through as a 500. */
export function etcdTooLarge(): ApiError {
  const error = new ApiError(500, '', 'etcdserver: request is too large');
  delete (error.status as { reason?: string }).reason;
  return error;
}

/** The API server's own body limit (3 MiB), checked before decoding. */
export function requestEntityTooLarge(limit: number): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}
