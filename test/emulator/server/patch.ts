import { ApiError, badRequest } from './status.ts';

type Json = unknown;
type JsonObject = Record<string, Json>;

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function patchError(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

// ---------------------------------------------------------------- JSON patch (RFC 6902)

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, tokens: string[], op: string): { parent: Json; key: string } {
  let current = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isObject(current)) current = current[token];
    else current = undefined;
    if (current === undefined) {
      throw patchError(
        `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "/${tokens.join('/')}": missing value`,
      );
    }
  }
  return { parent: current, key: tokens[tokens.length - 1]! };
}

function arrayIndex(arr: Json[], key: string, allowEnd: boolean): number {
  if (key === '-' && allowEnd) return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw patchError(`invalid array index "${key}"`);
  const i = Number(key);
  if (i > arr.length || (!allowEnd && i === arr.length)) throw patchError(`array index ${i} out of bounds`);
  return i;
}

function getAt(doc: Json, tokens: string[]): Json {
  let current = doc;
  for (const token of tokens) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isObject(current)) current = Object.hasOwn(current, token) ? current[token] : undefined;
    else return undefined;
  }
  return current;
}

function removeAt(doc: Json, tokens: string[], op: string): Json {
  const { parent, key } = parentOf(doc, tokens, op);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, false), 1)[0];
  if (isObject(parent) && Object.hasOwn(parent, key)) {
    const old = parent[key];
    delete parent[key];
    return old;
  }
  throw patchError(
    `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing key: /${tokens.join('/')}: missing value`,
  );
}

function addAt(doc: Json, tokens: string[], value: Json, op: string): Json {
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, op);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value);
  else if (isObject(parent)) parent[key] = value;
  else throw patchError(`${op} operation does not apply: doc is missing path: /${tokens.join('/')}`);
  return doc;
}

export function applyJsonPatch(document: Json, patch: Json): Json {
  if (!Array.isArray(patch)) throw badRequest('the JSON patch must be an array of operations');
  let doc = structuredClone(document);
  for (const raw of patch) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest('each JSON patch operation needs "op" and "path"');
    }
    const tokens = decodePointer(raw.path);
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, tokens, structuredClone(raw.value), 'add');
        break;
      case 'remove':
        removeAt(doc, tokens, 'remove');
        break;
      case 'replace':
        if (tokens.length === 0) doc = structuredClone(raw.value);
        else {
          removeAt(doc, tokens, 'replace');
          doc = addAt(doc, tokens, structuredClone(raw.value), 'replace');
        }
        break;
      case 'move':
      case 'copy': {
        if (typeof raw.from !== 'string') throw badRequest(`"${raw.op}" needs "from"`);
        const from = decodePointer(raw.from);
        const value = raw.op === 'move' ? removeAt(doc, from, 'move') : structuredClone(getAt(doc, from));
        if (value === undefined) throw patchError(`${raw.op} operation does not apply: missing "from" path`);
        doc = addAt(doc, tokens, value, raw.op);
        break;
      }
      case 'test':
        if (JSON.stringify(getAt(doc, tokens)) !== JSON.stringify(raw.value)) {
          throw patchError(
            `the server rejected our request due to an error in our request: testing value /${tokens.join('/')} failed: test failed`,
          );
        }
        break;
      default:
        throw badRequest(`Unexpected kind: ${raw.op}`);
    }
  }
  return doc;
}

// ---------------------------------------------------------------- JSON merge patch (RFC 7386)

export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

// ---------------------------------------------------------------- strategic merge patch

/**
 * Merge keys of the built-in list fields kubectl patches, keyed by the list's field name; `ports` and a few
 * others depend on where the list sits. Lists not named here are atomic (replaced), like
 * `tolerations`, `args` and `command` in the real API.
 */
function mergeKeyFor(path: string[]): string | undefined {
  const field = path[path.length - 1];
  const parent = path[path.length - 2];
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'hostAliases':
      return 'ip';
    case 'ownerReferences':
      return 'uid';
    case 'conditions':
      return 'type';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'ports':
      // Container ports merge on containerPort; Service ports on port.
      return path.includes('containers') || path.includes('initContainers') || parent === undefined
        ? 'containerPort'
        : 'port';
    default:
      return undefined;
  }
}

/** Primitive lists with the `merge` strategy (set semantics). */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

const DIRECTIVE = '$patch';
const ORDER_PREFIX = '$setElementOrder/';
const DELETE_PRIMITIVE_PREFIX = '$deleteFromPrimitiveList/';
const RETAIN_KEYS = '$retainKeys';

export function applyStrategicMergePatch(original: Json, patch: Json): Json {
  if (!isObject(patch)) throw badRequest('a strategic merge patch must be a JSON object');
  return mergeMap(isObject(original) ? structuredClone(original) : {}, patch, []);
}

function mergeMap(original: JsonObject, patch: JsonObject, path: string[]): JsonObject | undefined {
  const directive = patch[DIRECTIVE];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const replaced = structuredClone(patch);
    delete replaced[DIRECTIVE];
    return stripDirectives(replaced) as JsonObject;
  }
  if (directive !== undefined && directive !== 'merge') {
    throw badRequest(`Unknown patch directive: ${String(directive)}`);
  }
  const result = original;
  for (const [key, value] of Object.entries(patch)) {
    if (key === DIRECTIVE || key === RETAIN_KEYS || key.startsWith(ORDER_PREFIX)) continue;
    if (key.startsWith(DELETE_PRIMITIVE_PREFIX)) {
      const field = key.slice(DELETE_PRIMITIVE_PREFIX.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) {
        result[field] = current.filter(
          (item) => !value.some((v) => JSON.stringify(v) === JSON.stringify(item)),
        );
      }
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const childPath = [...path, key];
    const current = result[key];
    if (Array.isArray(value)) {
      result[key] = mergeList(Array.isArray(current) ? current : [], value, childPath);
    } else if (isObject(value)) {
      const merged = mergeMap(isObject(current) ? current : {}, value, childPath);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = value;
    }
  }
  const retain = patch[RETAIN_KEYS];
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (
      k === DIRECTIVE ||
      k === RETAIN_KEYS ||
      k.startsWith(ORDER_PREFIX) ||
      k.startsWith(DELETE_PRIMITIVE_PREFIX)
    ) {
      continue;
    }
    out[k] = stripDirectives(v);
  }
  return out;
}

function mergeList(original: Json[], patch: Json[], path: string[]): Json[] {
  const field = path[path.length - 1]!;
  if (patch.some((item) => isObject(item) && item[DIRECTIVE] === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item[DIRECTIVE] === 'replace')).map(stripDirectives);
  }
  if (MERGED_PRIMITIVE_LISTS.has(field)) {
    const result = [...original];
    for (const item of patch)
      if (!result.some((r) => JSON.stringify(r) === JSON.stringify(item))) result.push(item);
    return result;
  }
  const mergeKey = mergeKeyFor(path);
  if (!mergeKey || !patch.every(isObject)) return patch.map(stripDirectives);
  const result = original.map((item) => structuredClone(item));
  for (const item of patch as JsonObject[]) {
    const keyValue = item[mergeKey];
    const index = result.findIndex((r) => isObject(r) && r[mergeKey] === keyValue);
    if (item[DIRECTIVE] === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (index >= 0) {
      const merged = mergeMap(result[index] as JsonObject, item, path);
      if (merged === undefined) result.splice(index, 1);
      else result[index] = merged;
    } else {
      result.push(stripDirectives(item));
    }
  }
  return result;
}

/**
 * Server-side apply, simplified: the applied configuration is merged into the live object like a strategic
 * merge patch without directives. Field ownership (managedFields) is not tracked, so fields removed from the
 * applied configuration are not removed from the object and conflicts are never reported.
 */
export function applyServerSideApply(live: Json, applied: JsonObject): Json {
  return (
    mergeMap(isObject(live) ? structuredClone(live) : {}, stripDirectives(applied) as JsonObject, []) ?? {}
  );
}
