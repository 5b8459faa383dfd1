import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { DeleteOptions, KubeObject, PodLogSource, ResourceRef } from '../api.ts';
import { accessReviewAttributes, accessReviewResult, forbidden, isPublicPath } from './auth.ts';
import type { RequestAttributes, User, RbacAuthorizer, TokenAuthenticator } from './auth.ts';
import {
  SERVER_VERSION,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiV3GroupVersion,
  openApiV3Root,
} from './discovery.ts';
import type { RequestFaults } from './faults.ts';
import { applyJsonPatch, applyMergePatch, applyServerSideApply, applyStrategicMergePatch } from './patch.ts';
import { apiVersionOf } from './resources.ts';
import type { ResourceType } from './resources.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import {
  ApiError,
  badRequest,
  gone,
  internalError,
  isApiStatusError,
  methodNotAllowed,
  notFound,
  requestEntityTooLarge,
  unsupportedMediaType,
} from './status.ts';
import type { MemoryClusterStore } from './store.ts';
import { servePodLog } from './pod-log.ts';
import { decodeKubeProtobuf } from './protobuf.ts';
import { applyScale, toScale } from './scale.ts';
import { toTable } from './table.ts';
import type { IncludeObject } from './table.ts';
import type { WatchHub } from './watch.ts';

/** kube-apiserver's limit on a request body (3 MiB), applied before decoding. */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

export interface ApiHandlerDeps {
  store: MemoryClusterStore;
  authenticator: TokenAuthenticator;
  authorizer: RbacAuthorizer;
  faults: RequestFaults;
  watches: WatchHub;
  podLogSource: () => PodLogSource | undefined;
  serverAddress: () => string;
}

interface ResourceRequest {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  watchPrefix: boolean;
}

const NOT_FOUND = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});

function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: unknown): void {
  const apiError = isApiStatusError(error)
    ? error
    : internalError(error instanceof Error ? error.message : String(error));
  const headers: Record<string, string> = {};
  const retry = apiError.status.details?.retryAfterSeconds;
  if (typeof retry === 'number') headers['Retry-After'] = String(retry);
  send(res, apiError.status.code, apiError.status, headers);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_REQUEST_BODY_BYTES) {
    req.resume();
    throw requestEntityTooLarge(MAX_REQUEST_BODY_BYTES);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BODY_BYTES) {
      req.resume();
      throw requestEntityTooLarge(MAX_REQUEST_BODY_BYTES);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * JSON and YAML, plus the Kubernetes protobuf envelope for the few kinds `protobuf.ts` knows (what typed
 * client-go clients such as `kubectl create namespace` send); other protobuf and CBOR bodies get 415.
 */
function decodeBody(body: Buffer, contentType: string): unknown {
  const mediaType = contentType.split(';')[0]!.trim();
  if (mediaType === 'application/vnd.kubernetes.protobuf') return decodeKubeProtobuf(body);
  if (mediaType.includes('protobuf') || mediaType.includes('cbor')) {
    throw unsupportedMediaType(mediaType, ['application/json', 'application/yaml']);
  }
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return contentType.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

function asObject(body: unknown): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('the request body must be a JSON object');
  }
  const object = body as KubeObject;
  if (typeof object.metadata !== 'object' || object.metadata === null) object.metadata = {};
  return object;
}

function parseResourcePath(store: MemoryClusterStore, segments: string[]): ResourceRequest | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1]!;
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1]!;
    version = segments[2]!;
    rest = segments.slice(3);
  } else return undefined;
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !(rest.length === 3 && ['status', 'finalize'].includes(rest[2]!))
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) throw NOT_FOUND();
  const type = store.registry.find(group, version, rest[0]!);
  if (!type) throw NOT_FOUND();
  if (namespace !== undefined && !type.namespaced) throw NOT_FOUND();
  const subresource = rest[2];
  if (subresource !== undefined && !type.subresources.includes(subresource)) throw NOT_FOUND();
  return { type, namespace, name: rest[1], subresource, watchPrefix };
}

/**
 * Items of a list as a real API server encodes them: built-in kinds without `apiVersion`/`kind` (the list carries
 * them once), custom resources with them (they are stored and served as unstructured JSON).
 */
function listItems(type: ResourceType, items: KubeObject[]): unknown[] {
  if (type.custom) return items;
  return items.map(({ apiVersion: _apiVersion, kind: _kind, ...rest }) => rest);
}

function refOf(type: ResourceType): ResourceRef {
  return { group: type.group, version: type.version, resource: type.resource };
}

/** `application/json;as=Table;g=meta.k8s.io;v=v1` (first acceptable entry) → Table output. */
function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some(
      (part) =>
        /;\s*as=Table/.test(part) && /;\s*g=meta\.k8s\.io/.test(part) && /;\s*v=v1(;|$|\s)/.test(part),
    );
}

function includeObjectParam(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function encodeContinue(rv: number, key: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: key })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      rv?: unknown;
      start?: unknown;
    };
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string')
      return { rv: parsed.rv, start: parsed.start };
  } catch {
    // fall through to the error below
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}

/** What the real server warns when a Job is deleted without a propagation policy (its Pods are orphaned). */
const JOB_ORPHAN_WARNING =
  'child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning';

const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

function verbOf(method: string, r: ResourceRequest, query: URLSearchParams): string {
  switch (method) {
    case 'GET':
      if (r.name === undefined)
        return r.watchPrefix || query.get('watch') === 'true' || query.get('watch') === '1'
          ? 'watch'
          : 'list';
      return r.watchPrefix ? 'watch' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return r.name === undefined ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

/** The HTTP face of the emulator: routing, authn/authz, faults, and the Kubernetes REST semantics. */
export function createApiHandler(deps: ApiHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { store } = deps;

  function authenticate(req: IncomingMessage, path: string): User {
    const user = deps.authenticator.authenticate(req.headers.authorization);
    if (user) return impersonate(req, user);
    if (!req.headers.authorization && isPublicPath(path))
      return { name: 'system:anonymous', groups: ['system:unauthenticated'] };
    throw new ApiError(401, 'Unauthorized', 'Unauthorized');
  }

  /** `kubectl --as/--as-group`: the Impersonate-* headers, allowed by RBAC's `impersonate` verb. */
  function impersonate(req: IncomingMessage, user: User): User {
    const target = req.headers['impersonate-user'];
    const groupHeader = req.headers['impersonate-group'];
    if (target === undefined && groupHeader === undefined) return user;
    if (typeof target !== 'string' || target === '') {
      throw badRequest('requested impersonation of groups without impersonating a user');
    }
    const groups = (Array.isArray(groupHeader) ? groupHeader.join(',') : (groupHeader ?? ''))
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '');
    const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(target);
    const checks: RequestAttributes[] = sa
      ? [{ verb: 'impersonate', group: '', resource: 'serviceaccounts', namespace: sa[1]!, name: sa[2]! }]
      : [{ verb: 'impersonate', group: '', resource: 'users', name: target }];
    for (const g of groups) checks.push({ verb: 'impersonate', group: '', resource: 'groups', name: g });
    for (const attrs of checks) authorize(user, attrs);
    const implied = sa ? ['system:serviceaccounts', `system:serviceaccounts:${sa[1]}`] : [];
    return { name: target, groups: [...new Set([...groups, ...implied, 'system:authenticated'])] };
  }

  function authorize(user: User, attrs: RequestAttributes): void {
    if (user.name === 'system:anonymous') return;
    if (!deps.authorizer.allows(user, attrs)) throw forbidden(user, attrs);
  }

  function handleNonResource(
    req: IncomingMessage,
    res: ServerResponse,
    segments: string[],
    path: string,
  ): boolean {
    if (req.method !== 'GET') return false;
    const registry = store.registry;
    if (path === '/version') return (send(res, 200, SERVER_VERSION), true);
    if (['/healthz', '/readyz', '/livez'].includes(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return true;
    }
    if (path === '/api') return (send(res, 200, apiVersions(deps.serverAddress())), true);
    if (path === '/apis') return (send(res, 200, apiGroupList(registry)), true);
    if (segments[0] === 'apis' && segments.length === 2) {
      const doc = apiGroupDocument(registry, segments[1]!);
      if (!doc) throw NOT_FOUND();
      return (send(res, 200, doc), true);
    }
    if (
      (segments[0] === 'api' && segments.length === 2) ||
      (segments[0] === 'apis' && segments.length === 3)
    ) {
      const [group, version] = segments[0] === 'api' ? ['', segments[1]!] : [segments[1]!, segments[2]!];
      const doc = apiResourceList(registry, group, version);
      if (!doc) throw NOT_FOUND();
      return (send(res, 200, doc), true);
    }
    if (path === '/openapi/v3') return (send(res, 200, openApiV3Root(registry)), true);
    if (segments[0] === 'openapi' && segments[1] === 'v3') {
      const rest = segments.slice(2);
      const [group, version] = rest[0] === 'api' ? ['', rest[1] ?? ''] : [rest[1] ?? '', rest[2] ?? ''];
      const doc = openApiV3GroupVersion(registry, group, version);
      if (!doc) throw NOT_FOUND();
      return (send(res, 200, doc), true);
    }
    return false;
  }

  function listObjects(r: ResourceRequest, query: URLSearchParams): KubeObject[] {
    return store.list(refOf(r.type), r.namespace, selectorsOf(query));
  }

  function selectorsOf(query: URLSearchParams): { labelSelector?: string; fieldSelector?: string } {
    const labelSelector = query.get('labelSelector');
    const fieldSelector = query.get('fieldSelector');
    return {
      ...(labelSelector ? { labelSelector } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
    };
  }

  function handleList(
    req: IncomingMessage,
    res: ServerResponse,
    r: ResourceRequest,
    query: URLSearchParams,
  ): void {
    const rv = store.resourceVersion;
    const token = query.get('continue');
    let after: string | undefined;
    if (token) {
      const decoded = decodeContinue(token);
      if (decoded.rv < store.compactedResourceVersion) throw gone(CONTINUE_EXPIRED);
      after = decoded.start;
    }
    const limit = Number(query.get('limit') ?? 0);
    const page = store.listPage(refOf(r.type), r.namespace, {
      ...selectorsOf(query),
      ...(after !== undefined ? { after } : {}),
      ...(Number.isInteger(limit) && limit > 0 ? { limit } : {}),
    });
    const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
    if (page.remaining > 0 && page.lastKey !== undefined) {
      metadata.continue = encodeContinue(rv, page.lastKey);
      metadata.remainingItemCount = page.remaining;
    }
    if (wantsTable(req.headers.accept)) {
      send(res, 200, toTable(r.type, page.items, metadata, includeObjectParam(query)));
      return;
    }
    send(res, 200, {
      kind: `${r.type.kind}List`,
      apiVersion: apiVersionOf(r.type),
      metadata,
      items: listItems(r.type, page.items),
    });
  }

  function handleWatch(
    req: IncomingMessage,
    res: ServerResponse,
    r: ResourceRequest,
    query: URLSearchParams,
  ): void {
    const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
    let fieldSelector = query.get('fieldSelector') ?? undefined;
    if (r.name !== undefined)
      fieldSelector = [`metadata.name=${r.name}`, fieldSelector].filter(Boolean).join(',');
    const fields = parseFieldSelector(fieldSelector, r.type.group, r.type.resource, !!r.type.custom);
    const timeout = query.get('timeoutSeconds');
    const sendInitial = query.get('sendInitialEvents');
    deps.watches.serve(res, {
      type: r.type,
      namespace: r.namespace,
      labels,
      fields,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      allowBookmarks: query.get('allowWatchBookmarks') === 'true',
      sendInitialEvents: sendInitial === null ? undefined : sendInitial === 'true',
      timeoutSeconds: timeout === null ? undefined : Number(timeout),
      table: wantsTable(req.headers.accept) ? includeObjectParam(query) : undefined,
    });
  }

  function getExisting(r: ResourceRequest): KubeObject {
    const object = store.get(refOf(r.type), r.namespace, r.name!);
    if (!object) throw notFound(r.type.group, r.type.resource, r.name!);
    return object;
  }

  function checkIdentity(r: ResourceRequest, object: KubeObject, requireName: boolean): void {
    const expected = apiVersionOf(r.type);
    if (object.apiVersion !== undefined && object.apiVersion !== expected) {
      throw badRequest(
        `the API version in the data (${object.apiVersion}) does not match the expected API version (${expected})`,
      );
    }
    if (object.kind !== undefined && object.kind !== r.type.kind) {
      throw badRequest(
        `the kind in the data (${object.kind}) does not match the expected kind (${r.type.kind})`,
      );
    }
    if (r.type.namespaced) {
      if (object.metadata.namespace === undefined || object.metadata.namespace === '')
        object.metadata.namespace = r.namespace;
      else if (r.namespace !== undefined && object.metadata.namespace !== r.namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
    }
    if (requireName && r.name !== undefined) {
      if (object.metadata.name === undefined) object.metadata.name = r.name;
      else if (object.metadata.name !== r.name) {
        throw badRequest(
          `the name of the object (${object.metadata.name}) does not match the name on the URL (${r.name})`,
        );
      }
    }
  }

  /** fieldValidation=Strict: unknown fields of custom resources are an error, Warn turns them into warnings. */
  function fieldValidation(
    r: ResourceRequest,
    object: KubeObject,
    query: URLSearchParams,
    res: ServerResponse,
  ): void {
    const mode = query.get('fieldValidation');
    if (mode !== 'Strict' && mode !== 'Warn') return;
    const unknown = store
      .unknownFields(refOf(r.type), object)
      .filter((f) => !f.startsWith('status') || !r.type.subresources.includes('status'));
    if (unknown.length === 0) return;
    if (mode === 'Strict') {
      const list = unknown.map((f) => `unknown field "${f}"`);
      throw badRequest(
        `${r.type.kind} in version "${r.type.version}" cannot be handled as a ${r.type.kind}: strict decoding error: ${list.join(', ')}`,
      );
    }
    res.setHeader(
      'Warning',
      unknown.map((f) => `299 - "unknown field \\"${f}\\""`),
    );
  }

  function rejectDryRun(query: URLSearchParams): void {
    if (query.get('dryRun')) throw badRequest('dryRun is not supported by the Kubernetes API emulator');
  }

  async function handleCreate(
    req: IncomingMessage,
    res: ServerResponse,
    r: ResourceRequest,
    query: URLSearchParams,
  ) {
    if (r.name !== undefined) throw methodNotAllowed('create', r.type.resource);
    rejectDryRun(query);
    const object = asObject(decodeBody(await readBody(req), req.headers['content-type'] ?? ''));
    checkIdentity(r, object, false);
    fieldValidation(r, object, query, res);
    send(res, 201, store.create(refOf(r.type), object));
  }

  async function handleUpdate(
    req: IncomingMessage,
    res: ServerResponse,
    r: ResourceRequest,
    query: URLSearchParams,
  ) {
    if (r.name === undefined) throw methodNotAllowed('update', r.type.resource);
    rejectDryRun(query);
    const object = asObject(decodeBody(await readBody(req), req.headers['content-type'] ?? ''));
    checkIdentity(r, object, true);
    fieldValidation(r, object, query, res);
    const ref = refOf(r.type);
    send(res, 200, r.subresource === 'status' ? store.updateStatus(ref, object) : store.update(ref, object));
  }

  async function handlePatch(
    req: IncomingMessage,
    res: ServerResponse,
    r: ResourceRequest,
    query: URLSearchParams,
  ) {
    if (r.name === undefined) throw methodNotAllowed('patch', r.type.resource);
    rejectDryRun(query);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const accepted = [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
    ];
    if (!r.type.custom) accepted.push('application/strategic-merge-patch+json');
    if (!accepted.includes(contentType)) throw unsupportedMediaType(contentType, accepted);
    const patch = decodeBody(await readBody(req), contentType);
    const ref = refOf(r.type);
    const existing = store.get(ref, r.namespace, r.name);
    if (contentType === 'application/apply-patch+yaml') {
      if (!query.get('fieldManager')) {
        throw new ApiError(422, 'Invalid', 'PATCH request with apply content type requires fieldManager', {});
      }
      const applied = asObject(patch);
      checkIdentity(r, applied, true);
      fieldValidation(r, applied, query, res);
      if (!existing) {
        if (r.subresource) throw notFound(r.type.group, r.type.resource, r.name);
        send(res, 201, store.create(ref, applied));
        return;
      }
      const merged = asObject(applyServerSideApply(existing, applied as Record<string, unknown>));
      merged.metadata.resourceVersion = existing.metadata.resourceVersion;
      send(
        res,
        200,
        r.subresource === 'status' ? store.updateStatus(ref, merged) : store.update(ref, merged),
      );
      return;
    }
    if (!existing) throw notFound(r.type.group, r.type.resource, r.name);
    let patched: unknown;
    if (contentType === 'application/json-patch+json') patched = applyJsonPatch(existing, patch);
    else if (contentType === 'application/merge-patch+json') patched = applyMergePatch(existing, patch ?? {});
    else patched = applyStrategicMergePatch(existing, patch ?? {});
    const object = asObject(patched);
    if (
      object.metadata.name !== existing.metadata.name ||
      (r.type.namespaced && object.metadata.namespace !== existing.metadata.namespace)
    ) {
      throw badRequest('metadata.name and metadata.namespace cannot be changed by a patch');
    }
    fieldValidation(r, object, query, res);
    send(res, 200, r.subresource === 'status' ? store.updateStatus(ref, object) : store.update(ref, object));
  }

  async function deleteOptions(req: IncomingMessage, query: URLSearchParams): Promise<DeleteOptions> {
    const body = decodeBody(await readBody(req), req.headers['content-type'] ?? '') as
      | {
          propagationPolicy?: string;
          orphanDependents?: boolean;
          preconditions?: { uid?: string; resourceVersion?: string };
          dryRun?: string[];
        }
      | undefined;
    if (body?.dryRun && body.dryRun.length > 0)
      throw badRequest('dryRun is not supported by the Kubernetes API emulator');
    const options: DeleteOptions = {};
    let policy = body?.propagationPolicy ?? query.get('propagationPolicy') ?? undefined;
    const orphan =
      body?.orphanDependents ??
      (query.has('orphanDependents') ? query.get('orphanDependents') === 'true' : undefined);
    if (policy === undefined && orphan !== undefined) policy = orphan ? 'Orphan' : 'Background';
    if (policy !== undefined) {
      if (policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
        throw new ApiError(
          422,
          'Invalid',
          `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`,
          {},
        );
      }
      options.propagationPolicy = policy;
    }
    if (body?.preconditions) options.preconditions = body.preconditions;
    return options;
  }

  async function handleDelete(
    req: IncomingMessage,
    res: ServerResponse,
    r: ResourceRequest,
    query: URLSearchParams,
  ) {
    rejectDryRun(query);
    const options = await deleteOptions(req, query);
    const ref = refOf(r.type);
    if (r.subresource) throw methodNotAllowed('delete', `${r.type.resource}/${r.subresource}`);
    if (r.type.group === 'batch' && r.type.resource === 'jobs' && options.propagationPolicy === undefined) {
      res.setHeader('Warning', `299 - "${JOB_ORPHAN_WARNING}"`);
    }
    if (r.name !== undefined) {
      send(res, 200, store.deleteObject(ref, r.namespace, r.name, options));
      return;
    }
    const deleted: KubeObject[] = [];
    for (const object of listObjects(r, query)) {
      try {
        deleted.push(store.deleteObject(ref, object.metadata.namespace, object.metadata.name!, options));
      } catch (error) {
        if (!isApiStatusError(error) || error.status.code !== 404) throw error;
      }
    }
    send(res, 200, {
      kind: `${r.type.kind}List`,
      apiVersion: apiVersionOf(r.type),
      metadata: { resourceVersion: String(store.resourceVersion) },
      items: listItems(r.type, deleted),
    });
  }

  function handleLog(res: ServerResponse, r: ResourceRequest, query: URLSearchParams): void {
    servePodLog(res, {
      pod: getExisting(r),
      query,
      source: deps.podLogSource,
      currentPod: () => store.get(refOf(r.type), r.namespace, r.name!),
    });
  }

  /** SelfSubjectAccessReview (`kubectl auth can-i`): answered from RBAC for the caller, not stored. */
  async function handleAccessReview(req: IncomingMessage, res: ServerResponse, user: User) {
    const review = asObject(decodeBody(await readBody(req), req.headers['content-type'] ?? ''));
    const attrs = accessReviewAttributes(review);
    send(res, 201, accessReviewResult(review, deps.authorizer.allows(user, attrs)));
  }

  /** The `scale` subresource: an autoscaling/v1 Scale view that reads and writes the workload's replicas. */
  async function handleScale(
    req: IncomingMessage,
    res: ServerResponse,
    r: ResourceRequest,
    query: URLSearchParams,
  ) {
    const current = getExisting(r);
    const method = req.method ?? 'GET';
    if (method === 'GET') {
      send(res, 200, toScale(r.type, current));
      return;
    }
    if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed(method, `${r.type.resource}/scale`);
    rejectDryRun(query);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const body = decodeBody(await readBody(req), contentType);
    let scale: unknown = body;
    if (method === 'PATCH') {
      const base = toScale(r.type, current);
      if (contentType === 'application/json-patch+json') scale = applyJsonPatch(base, body);
      else if (contentType === 'application/merge-patch+json') scale = applyMergePatch(base, body ?? {});
      else if (contentType === 'application/strategic-merge-patch+json') {
        scale = applyStrategicMergePatch(base, body ?? {});
      } else {
        throw unsupportedMediaType(contentType, [
          'application/json-patch+json',
          'application/merge-patch+json',
          'application/strategic-merge-patch+json',
        ]);
      }
    }
    const updated = store.update(refOf(r.type), applyScale(r.type, current, asObject(scale)));
    send(res, 200, toScale(r.type, updated));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const segments = path.split('/').filter((s) => s !== '');
    const method = req.method ?? 'GET';
    const delay = deps.faults.delayFor(path);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const user: User = authenticate(req, path);
    const injected = deps.faults.errorFor(method, path, () => {
      try {
        const target = parseResourcePath(store, segments);
        return target && { group: target.type.group, resource: target.type.resource, name: target.name };
      } catch {
        return undefined;
      }
    });
    if (injected) throw injected;

    const r = parseResourcePath(store, segments);
    if (!r) {
      authorize(user, { verb: method.toLowerCase(), path });
      if (handleNonResource(req, res, segments, path)) return;
      throw NOT_FOUND();
    }
    const verb = verbOf(method, r, url.searchParams);
    authorize(user, {
      verb,
      group: r.type.group,
      resource: r.type.resource,
      ...(r.subresource ? { subresource: r.subresource } : {}),
      ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
      ...(r.name !== undefined ? { name: r.name } : {}),
    });
    const query = url.searchParams;
    if (r.subresource === 'log') {
      if (method !== 'GET') throw methodNotAllowed(method, 'pods/log');
      handleLog(res, r, query);
      return;
    }
    if (r.subresource === 'scale') return handleScale(req, res, r, query);
    if (r.type.group === 'authorization.k8s.io' && r.type.resource === 'selfsubjectaccessreviews') {
      if (method !== 'POST' || r.name !== undefined) throw methodNotAllowed(method, r.type.resource);
      return handleAccessReview(req, res, user);
    }
    switch (method) {
      case 'GET':
        if (verb === 'watch') handleWatch(req, res, r, query);
        else if (verb === 'list') handleList(req, res, r, query);
        else {
          const object = getExisting(r);
          if (wantsTable(req.headers.accept)) {
            send(
              res,
              200,
              toTable(
                r.type,
                [object],
                { resourceVersion: object.metadata.resourceVersion },
                includeObjectParam(query),
              ),
            );
          } else send(res, 200, object);
        }
        return;
      case 'POST':
        return handleCreate(req, res, r, query);
      case 'PUT':
        return handleUpdate(req, res, r, query);
      case 'PATCH':
        return handlePatch(req, res, r, query);
      case 'DELETE':
        return handleDelete(req, res, r, query);
      default:
        throw methodNotAllowed(method, r.type.resource);
    }
  }

  return (req, res) => {
    route(req, res).catch((error: unknown) => sendError(res, error));
  };
}
