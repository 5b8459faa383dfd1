import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageIdentity, normaliseImage } from './image-ids.ts';

const digest = `sha256:${'1'.repeat(64)}`;

test('references normalise like containerd: Docker Hub, library/ and :latest defaults', () => {
  assert.deepEqual(normaliseImage('nginx'), { repository: 'docker.io/library/nginx', tag: 'latest' });
  assert.deepEqual(normaliseImage('bitnami/redis:7'), { repository: 'docker.io/bitnami/redis', tag: '7' });
  assert.deepEqual(normaliseImage('localhost:5000/app'), { repository: 'localhost:5000/app', tag: 'latest' });
  assert.deepEqual(normaliseImage(`ghcr.io/a/b@${digest}`), { repository: 'ghcr.io/a/b', digest });
});

test('imageID comes from the digest map (as written or normalised), the reference, or a stable stand-in', () => {
  assert.deepEqual(imageIdentity('nginx:1.25', { 'nginx:1.25': digest }), {
    image: 'docker.io/library/nginx:1.25',
    imageID: `docker.io/library/nginx@${digest}`,
  });
  assert.equal(
    imageIdentity('nginx:1.25', { 'docker.io/library/nginx:1.25': digest }).imageID,
    `docker.io/library/nginx@${digest}`,
  );
  assert.equal(imageIdentity(`quay.io/x/y:1@${digest}`, {}).imageID, `quay.io/x/y@${digest}`);
  const standIn = imageIdentity('redis:7', {}).imageID;
  assert.match(standIn, /^docker\.io\/library\/redis@sha256:[0-9a-f]{64}$/);
  assert.equal(imageIdentity('redis:7', {}).imageID, standIn);
  assert.notEqual(imageIdentity('redis:8', {}).imageID, standIn);
});
