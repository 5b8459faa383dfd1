import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeKubeProtobuf } from './protobuf.ts';

/** Minimal protobuf writer for building envelopes in tests. */
function field(no: number, payload: Buffer | string): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([varint((no << 3) | 2), varint(bytes.length), bytes]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([field(1, apiVersion), field(2, kind)]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), field(1, typeMeta), field(2, raw)]);
}

describe('Kubernetes protobuf envelope', () => {
  it('decodes a ConfigMap with metadata, labels and data', () => {
    const meta = Buffer.concat([
      field(1, 'cm'),
      field(3, 'ns'),
      field(11, Buffer.concat([field(1, 'app'), field(2, 'x')])),
    ]);
    const raw = Buffer.concat([field(1, meta), field(2, Buffer.concat([field(1, 'k'), field(2, 'v')]))]);
    assert.deepEqual(decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw)), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'ns', labels: { app: 'x' } },
      data: { k: 'v' },
    });
  });

  it('refuses unknown kinds with 415 and malformed bytes with 400, never crashing', () => {
    assert.throws(
      () => decodeKubeProtobuf(envelope('batch/v1', 'Job', Buffer.alloc(0))),
      (e: { status: { code: number } }) => e.status.code === 415,
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        for (const body of [Buffer.from(bytes), envelope('v1', 'Secret', Buffer.from(bytes))]) {
          try {
            decodeKubeProtobuf(body);
          } catch (error) {
            assert.ok(
              [400, 415].includes((error as { status?: { code: number } }).status?.code ?? 0),
              String(error),
            );
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});
