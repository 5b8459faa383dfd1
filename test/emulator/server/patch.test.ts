import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyJsonPatch, applyMergePatch, applyServerSideApply, applyStrategicMergePatch } from './patch.ts';

const pod = () => ({
  metadata: { name: 'p', labels: { a: '1', b: '2' }, finalizers: ['x'] },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'app:1',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        volumeMounts: [{ name: 'v', mountPath: '/data' }],
        args: ['--one', '--two'],
      },
      { name: 'sidecar', image: 'side:1' },
    ],
    tolerations: [{ key: 'k1' }, { key: 'k2' }],
  },
});

describe('JSON patch', () => {
  it('applies add, replace, remove, move, copy and test', () => {
    const result = applyJsonPatch(pod(), [
      { op: 'test', path: '/metadata/name', value: 'p' },
      { op: 'add', path: '/metadata/labels/c', value: '3' },
      { op: 'replace', path: '/spec/containers/0/image', value: 'app:2' },
      { op: 'remove', path: '/metadata/labels/a' },
      { op: 'add', path: '/spec/tolerations/-', value: { key: 'k3' } },
      { op: 'copy', from: '/metadata/labels/b', path: '/metadata/labels/d' },
      { op: 'move', from: '/metadata/labels/c', path: '/metadata/labels/e' },
    ]) as ReturnType<typeof pod>;
    assert.deepEqual(result.metadata.labels, { b: '2', d: '2', e: '3' });
    assert.equal(result.spec.containers[0]!.image, 'app:2');
    assert.deepEqual(
      result.spec.tolerations.map((t) => t.key),
      ['k1', 'k2', 'k3'],
    );
  });

  it('rejects a failed test and a missing path without changing the input', () => {
    const input = pod();
    assert.throws(
      () => applyJsonPatch(input, [{ op: 'test', path: '/metadata/name', value: 'q' }]),
      /test failed/,
    );
    assert.throws(() => applyJsonPatch(input, [{ op: 'remove', path: '/metadata/nope' }]), /missing/);
    assert.throws(
      () => applyJsonPatch(input, [{ op: 'add', path: '/spec/containers/9', value: 1 }]),
      /out of bounds/,
    );
    assert.throws(() => applyJsonPatch(input, { op: 'add' }), /array/);
    assert.deepEqual(input, pod());
  });
});

describe('JSON merge patch', () => {
  it('merges maps, deletes on null and replaces lists', () => {
    const result = applyMergePatch(pod(), {
      metadata: { labels: { a: null, c: '3' } },
      spec: { tolerations: [{ key: 'only' }] },
    }) as ReturnType<typeof pod>;
    assert.deepEqual(result.metadata.labels, { b: '2', c: '3' });
    assert.deepEqual(result.spec.tolerations, [{ key: 'only' }]);
    assert.equal(result.spec.containers.length, 2);
  });
});

describe('strategic merge patch', () => {
  it('merges containers by name and env by name, keeps atomic lists atomic', () => {
    const result = applyStrategicMergePatch(pod(), {
      spec: {
        containers: [{ name: 'app', image: 'app:2', env: [{ name: 'C', value: '3' }], args: ['--three'] }],
        tolerations: [{ key: 'k9' }],
      },
    }) as ReturnType<typeof pod>;
    const app = result.spec.containers[0]!;
    assert.equal(app.image, 'app:2');
    assert.deepEqual(
      app.env!.map((e) => e.name),
      ['A', 'B', 'C'],
    );
    assert.deepEqual(app.args, ['--three']);
    assert.equal(result.spec.containers[1]!.name, 'sidecar');
    assert.deepEqual(result.spec.tolerations, [{ key: 'k9' }]);
  });

  it('honours $patch delete and replace, $deleteFromPrimitiveList and ignores $setElementOrder', () => {
    const result = applyStrategicMergePatch(pod(), {
      metadata: { labels: { $patch: 'replace', z: '9' } },
      spec: {
        '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
        containers: [
          { name: 'sidecar', $patch: 'delete' },
          {
            name: 'app',
            ports: [{ containerPort: 8080 }],
            volumeMounts: [{ mountPath: '/data', readOnly: true }],
          },
        ],
      },
    }) as ReturnType<typeof pod> & { spec: { containers: Array<{ volumeMounts?: unknown[] }> } };
    assert.deepEqual(result.metadata.labels, { z: '9' });
    assert.deepEqual(
      result.spec.containers.map((c) => c.name),
      ['app'],
    );
    assert.deepEqual(
      result.spec.containers[0]!.ports!.map((p) => p.containerPort),
      [80, 8080],
    );
    assert.deepEqual(result.spec.containers[0]!.volumeMounts, [
      { name: 'v', mountPath: '/data', readOnly: true },
    ]);
    assert.ok(!('$setElementOrder/containers' in result.spec));

    const trimmed = applyStrategicMergePatch(pod(), {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] },
      spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o:1' }] },
    }) as ReturnType<typeof pod>;
    assert.deepEqual(trimmed.metadata.finalizers, []);
    assert.deepEqual(trimmed.spec.containers, [{ name: 'only', image: 'o:1' }]);
  });

  it('merges Service ports on port, finalizers as a set, and deletes keys set to null', () => {
    const svc = {
      spec: { ports: [{ port: 80, name: 'http' }], selector: { app: 'a' } },
      metadata: { finalizers: ['a'] },
    };
    const result = applyStrategicMergePatch(svc, {
      spec: { ports: [{ port: 443, name: 'https' }], selector: null },
      metadata: { finalizers: ['a', 'b'] },
    }) as { spec: { ports: unknown[]; selector?: unknown }; metadata: { finalizers: string[] } };
    assert.equal(result.spec.ports.length, 2);
    assert.equal(result.spec.selector, undefined);
    assert.deepEqual(result.metadata.finalizers, ['a', 'b']);
  });
});

describe('server-side apply (simplified)', () => {
  it('merges the applied configuration into the live object', () => {
    const result = applyServerSideApply(pod(), {
      metadata: { labels: { c: '3' } },
      spec: { containers: [{ name: 'app', image: 'app:3' }] },
    }) as ReturnType<typeof pod>;
    assert.deepEqual(result.metadata.labels, { a: '1', b: '2', c: '3' });
    assert.equal(result.spec.containers[0]!.image, 'app:3');
    assert.equal(result.spec.containers.length, 2);
  });
});

describe('patches never crash on bad input', () => {
  const json = fc.jsonValue({ maxDepth: 3 });
  const isApiError = (error: unknown) => {
    const code = (error as { status?: { code: number } }).status?.code;
    return code === 400 || code === 422;
  };

  it('JSON patch: a result or a 400/422', () => {
    const op = fc.record({
      op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus'),
      path: fc.constantFrom('', '/', '/a', '/a/0', '/a/-', '/b/c', '/a/99', 'x', '/metadata/name'),
      from: fc.constantFrom('/a', '/b', '/nope'),
      value: json,
    });
    fc.assert(
      fc.property(json, fc.array(op, { maxLength: 5 }), (doc, ops) => {
        try {
          applyJsonPatch(doc, ops);
        } catch (error) {
          assert.ok(isApiError(error), String(error));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('strategic merge and merge patch: a result or a 400', () => {
    fc.assert(
      fc.property(json, json, (doc, patch) => {
        applyMergePatch(doc, patch);
        try {
          applyStrategicMergePatch(doc, patch);
        } catch (error) {
          assert.ok(isApiError(error), String(error));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
