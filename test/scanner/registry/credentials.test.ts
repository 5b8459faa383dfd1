import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  chainCredentials,
  CredentialError,
  dockerConfigCredentials,
  staticCredentials,
} from '../../../src/scanner/registry/credentials.ts';

let root: string;
let binDir: string;

/** A real credential helper program: answers for known servers, logs what it was asked. */
async function installHelper(name: string, script: string): Promise<void> {
  const path = join(binDir, `docker-credential-${name}`);
  await writeFile(path, `#!/bin/sh\n${script}\n`);
  await chmod(path, 0o755);
}

function envFor(configDir: string): NodeJS.ProcessEnv {
  return { DOCKER_CONFIG: configDir, PATH: `${binDir}:${process.env.PATH ?? ''}`, HOME: root };
}

async function configDir(name: string, config: unknown): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'trivy-ts-creds-'));
  binDir = join(root, 'bin');
  await mkdir(binDir);
  await installHelper(
    'fake',
    `read server; echo "$server" >> "${'$'}{HELPER_LOG:-/dev/null}"
case "$server" in
  registry.example.com) echo '{"ServerURL":"registry.example.com","Username":"helper-user","Secret":"helper-secret"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"x","Username":"hub-user","Secret":"hub-secret"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac`,
  );
  await installHelper('broken', 'echo "boom" >&2; exit 3');
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('dockerConfigCredentials', () => {
  it('decodes base64 auth and username/password entries, keyed by host or URL', async () => {
    const dir = await configDir('auths', {
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hub:p:with:colons').toString('base64') },
        'ghcr.io': { username: 'gh', password: 'ghp_x' },
        'http://127.0.0.1:5000/v2/': { auth: Buffer.from('local:pw').toString('base64') },
      },
    });
    const store = dockerConfigCredentials({ env: envFor(dir) });
    assert.deepEqual(await store.get('index.docker.io'), { username: 'hub', password: 'p:with:colons' });
    assert.deepEqual(await store.get('ghcr.io'), { username: 'gh', password: 'ghp_x' });
    assert.deepEqual(await store.get('127.0.0.1:5000'), { username: 'local', password: 'pw' });
    assert.equal(await store.get('quay.io'), undefined);
  });

  it('runs credHelpers for their host and credsStore for the rest, passing the server URL on stdin', async () => {
    const log = join(root, 'helper.log');
    const dir = await configDir('helpers', {
      credHelpers: { 'registry.example.com': 'fake' },
      credsStore: 'fake',
      auths: { 'other.example.com': { username: 'from-auths', password: 'x' } },
    });
    const store = dockerConfigCredentials({ env: { ...envFor(dir), HELPER_LOG: log } });
    assert.deepEqual(await store.get('registry.example.com'), {
      username: 'helper-user',
      password: 'helper-secret',
    });
    assert.deepEqual(await store.get('index.docker.io'), { username: 'hub-user', password: 'hub-secret' });
    // credsStore has no entry ("credentials not found"): fall through to auths
    assert.deepEqual(await store.get('other.example.com'), { username: 'from-auths', password: 'x' });
    assert.deepEqual((await readFile(log, 'utf8')).trim().split('\n'), [
      'registry.example.com',
      'https://index.docker.io/v1/',
      'other.example.com',
    ]);
  });

  it('reports failing or missing helpers and bad config files as CredentialError', async () => {
    const broken = dockerConfigCredentials({
      env: envFor(await configDir('broken', { credsStore: 'broken' })),
    });
    await assert.rejects(broken.get('x.io'), (error: unknown) => {
      assert.ok(error instanceof CredentialError);
      assert.match(error.message, /docker-credential-broken failed \(exit 3\)/);
      return true;
    });
    const missing = dockerConfigCredentials({
      env: envFor(await configDir('missing', { credsStore: 'nope' })),
    });
    await assert.rejects(missing.get('x.io'), /cannot run credential helper docker-credential-nope/);
    const invalid = dockerConfigCredentials({ env: envFor(await configDir('invalid', '{not json')) });
    await assert.rejects(invalid.get('x.io'), CredentialError);
    const badAuth = dockerConfigCredentials({
      env: envFor(
        await configDir('badauth', {
          auths: { 'x.io': { auth: Buffer.from('nocolon').toString('base64') } },
        }),
      ),
    });
    await assert.rejects(badAuth.get('x.io'), /not base64 of user:password/);
    const unsafe = dockerConfigCredentials({
      env: envFor(await configDir('unsafe', { credsStore: '../../bin/sh' })),
    });
    await assert.rejects(unsafe.get('x.io'), /invalid credential helper name/);
  });

  it('has nothing when there is no config file', async () => {
    const store = dockerConfigCredentials({ env: { DOCKER_CONFIG: join(root, 'absent'), PATH: '' } });
    assert.equal(await store.get('ghcr.io'), undefined);
  });
});

describe('chainCredentials', () => {
  it('prefers explicit credentials and falls back in order', async () => {
    const dir = await configDir('chain', { auths: { 'ghcr.io': { username: 'cfg', password: 'c' } } });
    const config = dockerConfigCredentials({ env: envFor(dir) });
    assert.deepEqual(
      await chainCredentials(staticCredentials({ username: 'u', password: 'p' }), config).get('ghcr.io'),
      {
        username: 'u',
        password: 'p',
      },
    );
    assert.deepEqual(await chainCredentials(config).get('ghcr.io'), { username: 'cfg', password: 'c' });
    assert.equal(await chainCredentials(config).get('quay.io'), undefined);
  });
});
