import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RegistryClient, type RegistryClientOptions } from '../../../src/scanner/registry/client.ts';
import { staticCredentials } from '../../../src/scanner/registry/credentials.ts';
import { RegistryError } from '../../../src/scanner/registry/errors.ts';
import { parseReference } from '../../../src/scanner/registry/reference.ts';
import {
  bearerTokenGate,
  pushBlob,
  pushDbArtifact,
  selfSignedCertificate,
  sha256Digest,
  startFaultProxy,
  startRegistry,
  type FaultProxy,
  type PushedBlob,
  type RunningRegistry,
} from '../../support/registry.ts';

const FAST_RETRY = { attempts: 3, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 5_000 };
const layerBytes = randomBytes(200_000);

let registry: RunningRegistry;
let proxy: FaultProxy;
let layer: PushedBlob;
let manifestDigest: string;

function client(options: RegistryClientOptions = {}): RegistryClient {
  return new RegistryClient({ insecure: true, retry: FAST_RETRY, ...options });
}

async function withClient<T>(
  options: RegistryClientOptions,
  body: (c: RegistryClient) => Promise<T>,
): Promise<T> {
  const c = client(options);
  try {
    return await body(c);
  } finally {
    await c.close();
  }
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function isRegistryError(check: (error: RegistryError) => void): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof RegistryError, `expected RegistryError, got ${String(error)}`);
    check(error);
    return true;
  };
}

before(async () => {
  registry = await startRegistry();
  const pushed = await pushDbArtifact({ url: registry.url, repository: 'lib/artifact' }, 'v1', layerBytes);
  layer = pushed.layer;
  manifestDigest = pushed.manifestDigest;
  proxy = await startFaultProxy(registry.url);
});

after(async () => {
  await proxy?.stop();
  await registry?.stop();
});

describe('RegistryClient against docker-registry', () => {
  it('fetches a manifest by tag and by digest, and a verified blob stream', async () => {
    proxy.setRule(undefined);
    await withClient({}, async (c) => {
      const byTag = await c.getManifest(parseReference(`${proxy.host}/lib/artifact:v1`));
      assert.equal(byTag.digest, manifestDigest);
      assert.equal(byTag.mediaType, 'application/vnd.oci.image.manifest.v1+json');
      const byDigest = await c.getManifest(parseReference(`${proxy.host}/lib/artifact@${manifestDigest}`));
      assert.deepEqual(byDigest.bytes, byTag.bytes);
      const blob = await c.getBlob({ registry: proxy.host, repository: 'lib/artifact' }, layer);
      assert.deepEqual(await readAll(blob), layerBytes);
    });
    const manifestRequest = proxy.requests.find((r) => r.path === '/v2/lib/artifact/manifests/v1');
    assert.match(String(manifestRequest?.headers.accept), /application\/vnd\.oci\.image\.index\.v1\+json/);
    assert.match(
      String(manifestRequest?.headers.accept),
      /application\/vnd\.docker\.distribution\.manifest\.v2\+json/,
    );
  });

  it('reports an unknown repository as a permanent 404 with the registry code', async () => {
    await withClient({}, async (c) => {
      await assert.rejects(
        c.getManifest(parseReference(`${registry.host}/no/such:1`)),
        isRegistryError((error) => {
          assert.equal(error.status, 404);
          assert.ok(error.hasCode('NAME_UNKNOWN') || error.hasCode('MANIFEST_UNKNOWN'), error.codes.join());
          assert.equal(error.temporary, false);
        }),
      );
      const missing = { digest: sha256Digest(Buffer.from('absent')), size: 6 };
      await assert.rejects(
        c.getBlob({ registry: registry.host, repository: 'lib/artifact' }, missing),
        isRegistryError((error) => assert.ok(error.hasCode('BLOB_UNKNOWN'))),
      );
    });
  });

  it('waits for Retry-After on 429 and then succeeds', async () => {
    const first = proxy.requests.filter((r) => r.path === '/v2/lib/artifact/manifests/v1').length + 1;
    proxy.setRule((r) =>
      r.path.includes('/manifests/') && r.seen === first
        ? {
            respond: {
              status: 429,
              headers: { 'retry-after': '1', 'content-type': 'application/json' },
              body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}',
            },
          }
        : undefined,
    );
    const before = proxy.requests.length;
    const started = Date.now();
    const manifest = await withClient({}, (c) =>
      c.getManifest(parseReference(`${proxy.host}/lib/artifact:v1`)),
    );
    assert.equal(manifest.digest, manifestDigest);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 950, `retried after ${elapsed} ms, Retry-After asked for 1 s`);
    const manifestHits = proxy.requests.slice(before).filter((r) => r.path.includes('/manifests/'));
    assert.equal(manifestHits.length, 2);
    proxy.setRule(undefined);
  });

  it('retries 5xx a bounded number of times, then fails as temporary', async () => {
    proxy.setRule((r) =>
      r.path.includes('/manifests/') ? { respond: { status: 503, body: 'down' } } : undefined,
    );
    const before = proxy.requests.length;
    await withClient({}, async (c) => {
      await assert.rejects(
        c.getManifest(parseReference(`${proxy.host}/lib/artifact:v1`)),
        isRegistryError((error) => {
          assert.equal(error.status, 503);
          assert.equal(error.temporary, true);
        }),
      );
    });
    assert.equal(
      proxy.requests.slice(before).filter((r) => r.path.includes('/manifests/')).length,
      FAST_RETRY.attempts,
    );
    proxy.setRule(undefined);
  });

  it('fails a blob stream cut short as a temporary BLOB_TRUNCATED error', async () => {
    proxy.setRule((r) => (r.path.includes('/blobs/') ? { truncateAfter: 50_000 } : undefined));
    await withClient({}, async (c) => {
      const blob = await c.getBlob({ registry: proxy.host, repository: 'lib/artifact' }, layer);
      await assert.rejects(
        readAll(blob),
        isRegistryError((error) => {
          assert.ok(error.hasCode('BLOB_TRUNCATED'), error.message);
          assert.equal(error.temporary, true);
        }),
      );
    });
    proxy.setRule(undefined);
  });

  it('fails a blob stream whose content does not match the digest', async () => {
    proxy.setRule((r) => (r.path.includes('/blobs/') ? { corruptByteAt: 123_456 } : undefined));
    await withClient({}, async (c) => {
      const blob = await c.getBlob({ registry: proxy.host, repository: 'lib/artifact' }, layer);
      await assert.rejects(
        readAll(blob),
        isRegistryError((error) => {
          assert.ok(error.hasCode('DIGEST_INVALID'));
          assert.equal(error.temporary, false);
        }),
      );
      // A descriptor that understates the size is caught as soon as the extra bytes arrive.
      const short = await c.getBlob(
        { registry: proxy.host, repository: 'lib/artifact' },
        { ...layer, size: 1000 },
      );
      await assert.rejects(
        readAll(short),
        isRegistryError((error) => assert.ok(error.hasCode('SIZE_INVALID'))),
      );
    });
    proxy.setRule(undefined);
  });

  it('turns connection failures into temporary NETWORK errors', async () => {
    const closed = await startFaultProxy(registry.url);
    await closed.stop();
    await withClient({ retry: { ...FAST_RETRY, attempts: 2 } }, async (c) => {
      await assert.rejects(
        c.getManifest(parseReference(`${closed.host}/lib/artifact:v1`)),
        isRegistryError((error) => {
          assert.ok(error.hasCode('NETWORK'));
          assert.equal(error.temporary, true);
        }),
      );
    });
  });
});

describe('RegistryClient authentication', () => {
  it('uses basic credentials on a htpasswd registry and reports missing or wrong ones', async () => {
    const user = { username: 'alice', password: 's3cret-pass' };
    const secured = await startRegistry({ htpasswd: user });
    try {
      const blob = await pushBlob(
        { url: secured.url, repository: 'sec/db', basicAuth: user },
        Buffer.from('hello'),
      );
      const location = { registry: secured.host, repository: 'sec/db' };
      await withClient({ credentials: staticCredentials(user) }, async (c) => {
        assert.equal((await readAll(await c.getBlob(location, blob))).toString(), 'hello');
      });
      await withClient({}, async (c) => {
        await assert.rejects(
          c.getBlob(location, blob),
          isRegistryError((error) => {
            assert.equal(error.status, 401);
            assert.ok(error.isAuthError);
            assert.equal(error.temporary, false);
            assert.match(error.hint ?? '', /--username\/--password/);
          }),
        );
      });
      await withClient(
        { credentials: staticCredentials({ username: 'alice', password: 'wrong-pass' }) },
        async (c) => {
          await assert.rejects(
            c.getBlob(location, blob),
            isRegistryError((error) => {
              assert.equal(error.status, 401);
              assert.doesNotMatch(`${error.message} ${error.hint}`, /wrong-pass/);
            }),
          );
        },
      );
    } finally {
      await secured.stop();
    }
  });

  it('follows a Bearer challenge to the token server, with credentials, and caches the token', async () => {
    const gate = bearerTokenGate({
      proxyUrl: proxy.url,
      token: 'tok-123',
      credentials: { username: 'bob', password: 'bobs-password' },
    });
    proxy.setRule(gate.rule);
    const before = proxy.requests.length;
    try {
      await withClient(
        { credentials: staticCredentials({ username: 'bob', password: 'bobs-password' }) },
        async (c) => {
          const ref = parseReference(`${proxy.host}/lib/artifact:v1`);
          assert.equal((await c.getManifest(ref)).digest, manifestDigest);
          assert.deepEqual(await readAll(await c.getBlob(ref, layer)), layerBytes);
        },
      );
      assert.equal(gate.tokenRequests.length, 1);
      const tokenUrl = new URL(gate.tokenRequests[0]?.path ?? '', proxy.url);
      assert.equal(tokenUrl.searchParams.get('scope'), 'repository:lib/artifact:pull');
      assert.equal(tokenUrl.searchParams.get('service'), 'trivy-ts-test-registry');
      const registryHits = proxy.requests.slice(before).filter((r) => /\/(manifests|blobs)\//.test(r.path));
      assert.ok(registryHits.every((r) => r.headers.authorization === 'Bearer tok-123'));

      await withClient(
        { credentials: staticCredentials({ username: 'bob', password: 'not-bobs' }) },
        async (c) => {
          await assert.rejects(
            c.getManifest(parseReference(`${proxy.host}/lib/artifact:v1`)),
            isRegistryError((error) => {
              assert.equal(error.status, 401);
              assert.ok(error.isAuthError);
              assert.doesNotMatch(error.message, /not-bobs/);
            }),
          );
        },
      );
    } finally {
      proxy.setRule(undefined);
    }
  });

  it('follows a blob redirect to another origin without sending the token there', async () => {
    const cdn = await startFaultProxy(registry.url);
    const gate = bearerTokenGate({
      proxyUrl: proxy.url,
      token: 'secret-token',
      next: (r) =>
        r.path.includes('/blobs/')
          ? { respond: { status: 307, headers: { location: `${cdn.url}${r.path}` } } }
          : undefined,
    });
    proxy.setRule(gate.rule);
    try {
      await withClient({}, async (c) => {
        const blob = await c.getBlob({ registry: proxy.host, repository: 'lib/artifact' }, layer);
        assert.deepEqual(await readAll(blob), layerBytes);
      });
      assert.equal(cdn.requests.length, 1);
      assert.equal(cdn.requests[0]?.headers.authorization, undefined);
    } finally {
      proxy.setRule(undefined);
      await cdn.stop();
    }
  });

  it('gets an anonymous token when the token server allows it', async () => {
    const gate = bearerTokenGate({ proxyUrl: proxy.url, token: 'anon' });
    proxy.setRule(gate.rule);
    try {
      await withClient({}, async (c) => {
        assert.equal(
          (await c.getManifest(parseReference(`${proxy.host}/lib/artifact:v1`))).digest,
          manifestDigest,
        );
      });
      assert.equal(gate.tokenRequests[0]?.headers.authorization, undefined);
    } finally {
      proxy.setRule(undefined);
    }
  });
});

describe('RegistryClient over HTTPS', () => {
  it('accepts a self-signed certificate only with insecure', async () => {
    const tlsProxy = await startFaultProxy(registry.url, undefined, await selfSignedCertificate());
    try {
      const ref = parseReference(`${tlsProxy.host}/lib/artifact:v1`);
      await withClient({ insecure: true }, async (c) =>
        assert.equal((await c.getManifest(ref)).digest, manifestDigest),
      );
      await withClient({ insecure: false, retry: { ...FAST_RETRY, attempts: 1 } }, async (c) => {
        await assert.rejects(
          c.getManifest(ref),
          isRegistryError((error) => {
            assert.ok(error.hasCode('TLS'), error.message);
            assert.equal(error.temporary, false);
            assert.match(error.message, /certificate/i);
            assert.match(error.hint ?? '', /--insecure/);
          }),
        );
      });
    } finally {
      await tlsProxy.stop();
    }
  });
});
