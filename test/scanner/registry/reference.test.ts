import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatReference,
  InvalidReferenceError,
  manifestIdentifier,
  parseReference,
} from '../../../src/scanner/registry/reference.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('parseReference', () => {
  it('normalises Docker Hub short names', () => {
    assert.deepEqual(parseReference('nginx:1.14'), {
      registry: 'index.docker.io',
      repository: 'library/nginx',
      tag: '1.14',
    });
    assert.deepEqual(parseReference('nginx'), {
      registry: 'index.docker.io',
      repository: 'library/nginx',
      tag: 'latest',
    });
    assert.deepEqual(parseReference('aquasec/trivy-db'), {
      registry: 'index.docker.io',
      repository: 'aquasec/trivy-db',
      tag: 'latest',
    });
  });

  it('maps docker.io and registry-1.docker.io to index.docker.io', () => {
    for (const host of ['docker.io', 'registry-1.docker.io', 'index.docker.io']) {
      assert.deepEqual(parseReference(`${host}/alpine:3.19`), {
        registry: 'index.docker.io',
        repository: 'library/alpine',
        tag: '3.19',
      });
    }
    assert.equal(parseReference('docker.io/aquasec/trivy-db:2').repository, 'aquasec/trivy-db');
  });

  it('keeps registries with ports, localhost and IPs, and uses the default tag', () => {
    assert.deepEqual(parseReference('127.0.0.1:5000/trivy-db', { defaultTag: '2' }), {
      registry: '127.0.0.1:5000',
      repository: 'trivy-db',
      tag: '2',
    });
    assert.deepEqual(parseReference('localhost/a/b:c'), {
      registry: 'localhost',
      repository: 'a/b',
      tag: 'c',
    });
    assert.deepEqual(parseReference('[::1]:5000/x:1'), { registry: '[::1]:5000', repository: 'x', tag: '1' });
    assert.equal(parseReference('ghcr.io/aquasecurity/trivy-db', { defaultTag: '2' }).tag, '2');
  });

  it('parses digests, with and without tag', () => {
    assert.deepEqual(parseReference(`ghcr.io/a/b@${DIGEST}`), {
      registry: 'ghcr.io',
      repository: 'a/b',
      digest: DIGEST,
    });
    const both = parseReference(`ghcr.io/a/b:1@${DIGEST}`);
    assert.equal(both.tag, '1');
    assert.equal(manifestIdentifier(both), DIGEST);
    assert.equal(formatReference(both), `ghcr.io/a/b:1@${DIGEST}`);
  });

  it('rejects malformed references with a typed error', () => {
    for (const bad of [
      '',
      ' nginx',
      'Nginx',
      'nginx:',
      'nginx@sha256:abc',
      'host:99999/x',
      'a//b',
      'ghcr.io/',
      `x:${'t'.repeat(129)}`,
      'bad_host!.io/x',
    ]) {
      assert.throws(() => parseReference(bad), InvalidReferenceError, bad);
    }
  });

  it('round-trips through formatReference', () => {
    for (const input of [
      'ghcr.io/aquasecurity/trivy-db:2',
      '127.0.0.1:5000/a/b-c.d_e:v1.0',
      `q.io/x@${DIGEST}`,
    ]) {
      assert.equal(formatReference(parseReference(input)), input);
    }
  });
});
