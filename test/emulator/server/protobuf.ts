import type { KubeObject } from '../api.ts';
import { ApiError, badRequest } from './status.ts';

/**
 * Decodes the Kubernetes protobuf envelope that typed client-go clients send (`kubectl create namespace`,
 * `kubectl create secret|configmap|serviceaccount`), for the few kinds whose field numbers are listed here.
 * Other kinds answer 415 so the client's user sees what is unsupported.
 */

interface WireField {
  field: number;
  wire: number;
  varint?: bigint;
  bytes?: Buffer;
}

function readVarint(buf: Buffer, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = offset; i < buf.length && i < offset + 10; i++) {
    const byte = buf[i]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, i + 1];
    shift += 7n;
  }
  throw badRequest('malformed protobuf: truncated varint');
}

export function parseWire(buf: Buffer): WireField[] {
  const fields: WireField[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const [key, next] = readVarint(buf, offset);
    offset = next;
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [value, after] = readVarint(buf, offset);
      fields.push({ field, wire, varint: value });
      offset = after;
    } else if (wire === 2) {
      const [length, after] = readVarint(buf, offset);
      const end = after + Number(length);
      if (end > buf.length) throw badRequest('malformed protobuf: length past the end of the message');
      fields.push({ field, wire, bytes: buf.subarray(after, end) });
      offset = end;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (offset + size > buf.length) throw badRequest('malformed protobuf: truncated fixed field');
      fields.push({ field, wire, bytes: buf.subarray(offset, offset + size) });
      offset += size;
    } else {
      throw badRequest(`malformed protobuf: unsupported wire type ${wire}`);
    }
  }
  return fields;
}

type Scalar = 'string' | 'int' | 'bool' | 'bytes' | 'time';
type FieldType = Scalar | { map: 'string' | 'bytes' } | { message: Schema };
interface FieldSpec {
  name: string;
  type: FieldType;
  repeated?: boolean;
}
type Schema = Record<number, FieldSpec>;

const TIME: Schema = { 1: { name: 'seconds', type: 'int' }, 2: { name: 'nanos', type: 'int' } };

const OWNER_REFERENCE: Schema = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};

const OBJECT_META: Schema = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: 'time' },
  9: { name: 'deletionTimestamp', type: 'time' },
  10: { name: 'deletionGracePeriodSeconds', type: 'int' },
  11: { name: 'labels', type: { map: 'string' } },
  12: { name: 'annotations', type: { map: 'string' } },
  13: { name: 'ownerReferences', type: { message: OWNER_REFERENCE }, repeated: true },
  14: { name: 'finalizers', type: 'string', repeated: true },
};

const META = { name: 'metadata', type: { message: OBJECT_META } } satisfies FieldSpec;
const NAME_REF: Schema = { 1: { name: 'name', type: 'string' } };

/** Field numbers from the Kubernetes `generated.proto` files, for the kinds kubectl's typed commands create. */
const KINDS: Record<string, Schema> = {
  'v1/Namespace': {
    1: META,
    2: { name: 'spec', type: { message: { 1: { name: 'finalizers', type: 'string', repeated: true } } } },
  },
  'v1/ConfigMap': {
    1: META,
    2: { name: 'data', type: { map: 'string' } },
    3: { name: 'binaryData', type: { map: 'bytes' } },
    4: { name: 'immutable', type: 'bool' },
  },
  'v1/Secret': {
    1: META,
    2: { name: 'data', type: { map: 'bytes' } },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: { map: 'string' } },
    5: { name: 'immutable', type: 'bool' },
  },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: META,
    2: {
      name: 'spec',
      type: {
        message: {
          1: {
            name: 'resourceAttributes',
            type: {
              message: {
                1: { name: 'namespace', type: 'string' },
                2: { name: 'verb', type: 'string' },
                3: { name: 'group', type: 'string' },
                4: { name: 'version', type: 'string' },
                5: { name: 'resource', type: 'string' },
                6: { name: 'subresource', type: 'string' },
                7: { name: 'name', type: 'string' },
              },
            },
          },
          2: {
            name: 'nonResourceAttributes',
            type: { message: { 1: { name: 'path', type: 'string' }, 2: { name: 'verb', type: 'string' } } },
          },
        },
      },
    },
  },
  'v1/ServiceAccount': {
    1: META,
    3: { name: 'imagePullSecrets', type: { message: NAME_REF }, repeated: true },
    4: { name: 'automountServiceAccountToken', type: 'bool' },
  },
};

function decodeScalar(type: Scalar, f: WireField): unknown {
  switch (type) {
    case 'string':
      return f.bytes?.toString('utf8') ?? '';
    case 'bytes':
      return (f.bytes ?? Buffer.alloc(0)).toString('base64');
    case 'int':
      return Number(BigInt.asIntN(64, f.varint ?? 0n));
    case 'bool':
      return (f.varint ?? 0n) !== 0n;
    case 'time': {
      const t = decodeMessage(f.bytes ?? Buffer.alloc(0), TIME) as { seconds?: number };
      return new Date((t.seconds ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
  }
}

function decodeMessage(buf: Buffer, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of parseWire(buf)) {
    const spec = schema[f.field];
    if (!spec) continue;
    const { type } = spec;
    if (typeof type === 'object' && 'map' in type) {
      const entry = parseWire(f.bytes ?? Buffer.alloc(0));
      const key = entry.find((e) => e.field === 1);
      const value = entry.find((e) => e.field === 2);
      const map = (out[spec.name] ??= {}) as Record<string, unknown>;
      map[key?.bytes?.toString('utf8') ?? ''] =
        type.map === 'bytes'
          ? (value?.bytes ?? Buffer.alloc(0)).toString('base64')
          : (value?.bytes?.toString('utf8') ?? '');
      continue;
    }
    const value =
      typeof type === 'object'
        ? decodeMessage(f.bytes ?? Buffer.alloc(0), type.message)
        : decodeScalar(type, f);
    // Go omits empty strings from JSON (omitempty); gogo protobuf still writes them.
    if (value === '' && !spec.repeated) continue;
    if (spec.repeated) ((out[spec.name] ??= []) as unknown[]).push(value);
    else out[spec.name] = value;
  }
  return out;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export function decodeKubeProtobuf(body: Buffer): KubeObject {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw badRequest('protobuf body without the Kubernetes "k8s\\0" envelope');
  }
  const envelope = parseWire(body.subarray(4));
  const typeMeta = decodeMessage(envelope.find((f) => f.field === 1)?.bytes ?? Buffer.alloc(0), {
    1: { name: 'apiVersion', type: 'string' },
    2: { name: 'kind', type: 'string' },
  }) as { apiVersion?: string; kind?: string };
  const raw = envelope.find((f) => f.field === 2)?.bytes ?? Buffer.alloc(0);
  const schema = KINDS[`${typeMeta.apiVersion}/${typeMeta.kind}`];
  if (!schema) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the emulator cannot decode protobuf for ${typeMeta.apiVersion}/${typeMeta.kind} - accepted media types include: application/json, application/yaml`,
      {},
    );
  }
  const object = decodeMessage(raw, schema) as KubeObject;
  object.apiVersion = typeMeta.apiVersion!;
  object.kind = typeMeta.kind!;
  object.metadata ??= {};
  return object;
}
