import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  credentialsFor,
  credentialsFromSecret,
  mergeCredentials,
  normaliseServer,
} from '../../../src/operator/registry-auth/pull-secrets.ts';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const auth = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

describe('image pull secrets', () => {
  it('reads dockerconfigjson and legacy dockercfg, with auth or username/password', () => {
    const modern = credentialsFromSecret({
      type: 'kubernetes.io/dockerconfigjson',
      data: {
        '.dockerconfigjson': encode({
          auths: {
            'https://index.docker.io/v1/': { auth: auth('hub', 'p:w:d') },
            'registry.example.com:5000': { username: 'robot', password: 'secret' },
            'broken.example.com': { auth: Buffer.from('nocolon').toString('base64') },
          },
        }),
      },
    });
    assert.deepEqual(Object.fromEntries(modern), {
      'index.docker.io': { username: 'hub', password: 'p:w:d' },
      'registry.example.com:5000': { username: 'robot', password: 'secret' },
    });
    const legacy = credentialsFromSecret({
      type: 'kubernetes.io/dockercfg',
      data: { '.dockercfg': encode({ 'quay.io': { auth: auth('q', 'x') } }) },
    });
    assert.deepEqual(Object.fromEntries(legacy), { 'quay.io': { username: 'q', password: 'x' } });
  });

  it('ignores secrets that are not pull secrets or are not JSON', () => {
    assert.equal(credentialsFromSecret({ data: { token: 'abc' } }).size, 0);
    assert.equal(
      credentialsFromSecret({ data: { '.dockerconfigjson': Buffer.from('{not json').toString('base64') } })
        .size,
      0,
    );
    assert.equal(credentialsFromSecret({ data: { '.dockerconfigjson': encode({ auths: 'nope' }) } }).size, 0);
  });

  it('normalises server names the way the kubelet matches them', () => {
    assert.equal(normaliseServer('https://index.docker.io/v1/'), 'index.docker.io');
    assert.equal(normaliseServer('docker.io'), 'index.docker.io');
    assert.equal(normaliseServer('HTTP://Registry.Example.com:5000/some/path'), 'registry.example.com:5000');
  });

  it('prefers the exact host, then the most specific wildcard', () => {
    const store = new Map([
      ['*.example.com', { username: 'wide', password: '1' }],
      ['*.eu.example.com', { username: 'narrow', password: '2' }],
      ['eu.example.com', { username: 'exact', password: '3' }],
    ]);
    assert.equal(credentialsFor('eu.example.com', store)?.username, 'exact');
    assert.equal(credentialsFor('registry.eu.example.com', store)?.username, 'narrow');
    assert.equal(credentialsFor('registry.us.example.com', store)?.username, 'wide');
    assert.equal(credentialsFor('example.org', store), undefined);
  });

  it('keeps the first source when several know a host (the workload before the scan secrets)', () => {
    const merged = mergeCredentials(
      new Map([['ghcr.io', { username: 'workload', password: 'a' }]]),
      new Map([
        ['ghcr.io', { username: 'operator', password: 'b' }],
        ['quay.io', { username: 'operator', password: 'c' }],
      ]),
    );
    assert.equal(merged.get('ghcr.io')?.username, 'workload');
    assert.equal(merged.get('quay.io')?.username, 'operator');
  });
});
