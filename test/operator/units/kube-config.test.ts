import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { KubeConfigError, loadClusterConnection } from '../../../src/operator/kube/kube-config.ts';

let scratch: string;

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kube-config-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function kubeconfig(name: string, document: object): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, stringify(document));
  return path;
}

const cluster = (name: string, server: string, extra: object = {}) => ({
  name,
  cluster: { server, ...extra },
});
const context = (name: string, clusterName: string, user: string) => ({
  name,
  context: { cluster: clusterName, user },
});

describe('loadClusterConnection', () => {
  it('uses the current context, strips the trailing slash and sends the bearer token', async () => {
    const file = await kubeconfig('token.yaml', {
      clusters: [cluster('dev', 'https://dev.example:6443/')],
      users: [{ name: 'alice', user: { token: 's3cret' } }],
      contexts: [context('dev', 'dev', 'alice')],
      'current-context': 'dev',
    });
    const connection = loadClusterConnection({ kubeconfig: file, env: {} });
    assert.equal(connection.server, 'https://dev.example:6443');
    assert.equal(connection.contextName, 'dev');
    assert.equal(connection.clusterName, 'dev');
    assert.deepEqual(await connection.authHeaders(), { Authorization: 'Bearer s3cret' });
  });

  it('honours --context and reports unknown contexts with the known ones', async () => {
    const file = await kubeconfig('two.yaml', {
      clusters: [cluster('a', 'https://a:1'), cluster('b', 'https://b:2')],
      users: [{ name: 'u', user: { username: 'bob', password: 'pw' } }],
      contexts: [context('ctx-a', 'a', 'u'), context('ctx-b', 'b', 'u')],
      'current-context': 'ctx-a',
    });
    const connection = loadClusterConnection({ kubeconfig: file, context: 'ctx-b', env: {} });
    assert.equal(connection.server, 'https://b:2');
    assert.deepEqual(await connection.authHeaders(), {
      Authorization: `Basic ${Buffer.from('bob:pw').toString('base64')}`,
    });
    assert.throws(
      () => loadClusterConnection({ kubeconfig: file, context: 'prod', env: {} }),
      (error: Error) =>
        error instanceof KubeConfigError &&
        /"prod" is not in the kubeconfig \(known: ctx-a, ctx-b\)/.test(error.message),
    );
  });

  it('merges $KUBECONFIG files (skipping missing ones), the first definition and current-context winning', async () => {
    const first = await kubeconfig('first.yaml', {
      clusters: [cluster('shared', 'https://first:1')],
      contexts: [context('one', 'shared', 'nobody')],
      'current-context': 'one',
    });
    const second = await kubeconfig('second.yaml', {
      clusters: [cluster('shared', 'https://second:2'), cluster('other', 'https://other:3')],
      contexts: [context('two', 'other', 'nobody')],
      'current-context': 'two',
    });
    const env = { KUBECONFIG: [join(scratch, 'missing.yaml'), first, second].join(delimiter) };
    assert.equal(loadClusterConnection({ env }).server, 'https://first:1');
    assert.equal(loadClusterConnection({ env, context: 'two' }).server, 'https://other:3');
  });

  it('reads certificate files relative to the kubeconfig and keeps the TLS settings', async () => {
    const dir = join(scratch, 'certs');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'ca.pem'), 'CA BYTES');
    await writeFile(join(dir, 'client.pem'), 'CERT BYTES');
    const file = join(dir, 'config');
    await writeFile(
      file,
      stringify({
        clusters: [
          cluster('c', 'https://c:443', { 'certificate-authority': 'ca.pem', 'tls-server-name': 'api.c' }),
        ],
        users: [
          {
            name: 'u',
            user: {
              'client-certificate': 'client.pem',
              'client-key-data': Buffer.from('KEY').toString('base64'),
            },
          },
        ],
        contexts: [context('c', 'c', 'u')],
        'current-context': 'c',
      }),
    );
    const { tls } = loadClusterConnection({ kubeconfig: file, env: {} });
    assert.equal(tls.ca?.toString(), 'CA BYTES');
    assert.equal(tls.cert?.toString(), 'CERT BYTES');
    assert.equal(tls.key?.toString(), 'KEY');
    assert.equal(tls.servername, 'api.c');
    assert.equal(tls.rejectUnauthorized, undefined);
  });

  /** A kubeconfig whose user `user` runs a plugin script printing an ExecCredential with `status`. */
  async function execPluginKubeconfig(
    user: string,
    status: string,
    env: { name: string; value: string }[] = [],
  ) {
    const plugin = join(scratch, `${user}-plugin.sh`);
    const credential = `{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":${status}}`;
    await writeFile(plugin, `#!/bin/sh\necho '${credential}'\n`);
    await chmod(plugin, 0o755);
    return kubeconfig(`${user}-exec.yaml`, {
      clusters: [cluster('c', 'https://c:443')],
      users: [
        {
          name: user,
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command: plugin,
              ...(env.length > 0 ? { env } : {}),
              interactiveMode: 'Never',
            },
          },
        },
      ],
      contexts: [context('c', 'c', user)],
      'current-context': 'c',
    });
  }

  it('runs an exec credential plugin and passes its token on', async () => {
    // The token is built by the script from the environment the kubeconfig gives it.
    const file = await execPluginKubeconfig('u', `{"token":"from-'"$PLUGIN_WORD"'"}`, [
      { name: 'PLUGIN_WORD', value: 'plugin' },
    ]);
    const connection = loadClusterConnection({ kubeconfig: file, env: {} });
    assert.deepEqual(await connection.authHeaders(), { Authorization: 'Bearer from-plugin' });
  });

  it('refuses, with a clear error, an exec plugin that returns a client certificate', async () => {
    const file = await execPluginKubeconfig(
      'certs',
      '{"clientCertificateData":"CERT","clientKeyData":"KEY"}',
    );
    await assert.rejects(
      loadClusterConnection({ kubeconfig: file, env: {} }).authHeaders(),
      /exec plugin of user "certs" returned a client certificate/,
    );
  });

  it('says what is missing when there is no kubeconfig and no cluster', async () => {
    assert.throws(
      () => loadClusterConnection({ env: { HOME: join(scratch, 'empty-home') } }),
      /no kubeconfig found .* not running in a cluster/,
    );
    const noCurrent = await kubeconfig('no-current.yaml', {
      clusters: [cluster('c', 'https://c:443')],
      contexts: [context('c', 'c', 'u')],
    });
    assert.throws(() => loadClusterConnection({ kubeconfig: noCurrent, env: {} }), /sets no current-context/);
    const broken = join(scratch, 'broken.yaml');
    await writeFile(broken, 'clusters: [\n');
    assert.throws(
      () => loadClusterConnection({ kubeconfig: broken, env: {} }),
      (error: Error) => error.message.startsWith(`${broken}:`),
    );
    const dangling = await kubeconfig('dangling.yaml', {
      contexts: [context('c', 'missing', 'u')],
      'current-context': 'c',
    });
    assert.throws(() => loadClusterConnection({ kubeconfig: dangling, env: {} }), /names cluster missing/);
  });
});
