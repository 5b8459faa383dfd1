import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { PodTemplateSpec } from './kube-types.ts';
import { podTemplateHash, safeEncode } from './template-hash.ts';

const template = (image: string, labels: Record<string, string> = { app: 'web' }): PodTemplateSpec => ({
  metadata: { labels },
  spec: { containers: [{ name: 'web', image }] },
});

test('equal templates hash equally whatever their key order; any change gives another hash', () => {
  const a = podTemplateHash(template('nginx:1.25'));
  const reordered: PodTemplateSpec = {
    spec: { containers: [{ image: 'nginx:1.25', name: 'web' }] },
    metadata: { labels: { app: 'web' } },
  };
  assert.equal(podTemplateHash(reordered), a);
  assert.notEqual(podTemplateHash(template('nginx:1.26')), a);
  assert.notEqual(podTemplateHash(template('nginx:1.25'), 1), a, 'the collision count changes the hash');
});

test('an existing pod-template-hash label does not take part', () => {
  const plain = podTemplateHash(template('nginx:1.25'));
  assert.equal(podTemplateHash(template('nginx:1.25', { app: 'web', 'pod-template-hash': 'xyz' })), plain);
});

test('hashes only use the safe alphabet and are label-sized', () => {
  fc.assert(
    fc.property(fc.string(), fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (image, labels) => {
      const hash = podTemplateHash(template(image, labels));
      return /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/.test(hash);
    }),
  );
  // Each byte indexes the alphabet modulo its length, like Kubernetes' SafeEncodeString: '0' is 48, 48 % 27 = 21.
  assert.equal(safeEncode('0123'), '4567');
});
