import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { BoltDb } from '../../../../src/scanner/db/bbolt/index.ts';
import { TrivyDb } from '../../../../src/scanner/db/trivy-db/index.ts';
import { DbArchiveError } from '../../../../src/scanner/db/download/archive.ts';
import { DbUpdateError } from '../../../../src/scanner/db/download/decision.ts';
import {
  DbDownloadError,
  ensureDb,
  type EnsureDbOptions,
} from '../../../../src/scanner/db/download/ensure-db.ts';
import { chainCredentials } from '../../../../src/scanner/registry/credentials.ts';
import {
  bearerTokenGate,
  pushDbArtifact,
  startFaultProxy,
  startRegistry,
  type FaultProxy,
  type RunningRegistry,
} from '../../../support/registry.ts';
import {
  buildDbLayer,
  gzipTar,
  sampleDbTree,
  sampleMetadata,
  SAMPLE_ADVISORY,
  SAMPLE_VULN_ID,
} from './db-artifact.ts';

let registry: RunningRegistry;
let proxy: FaultProxy;
let root: string;
let cacheDir: string;

const FAST_RETRY = { attempts: 2, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 2000 };

function options(repositories: string[], extra: Partial<EnsureDbOptions> = {}): EnsureDbOptions {
  return {
    cacheDir,
    repositories,
    insecure: true,
    retry: FAST_RETRY,
    // no ambient ~/.docker/config.json in tests
    credentialStore: chainCredentials(),
    ...extra,
  };
}

function lookupAdvisory(cache: string): { advisory: unknown; title: unknown } {
  const db = BoltDb.open(join(cache, 'db', 'trivy.db'));
  try {
    const advisory = db.root().bucket('debian 12')?.bucket('openssl')?.get(SAMPLE_VULN_ID);
    const vuln = db.root().bucket('vulnerability')?.get(SAMPLE_VULN_ID);
    return {
      advisory: advisory && JSON.parse(advisory.toString('utf8')),
      title: vuln && (JSON.parse(vuln.toString('utf8')) as { Title: string }).Title,
    };
  } finally {
    db.close();
  }
}

async function installedBytes(): Promise<{ db: Buffer; meta: string }> {
  return {
    db: await readFile(join(cacheDir, 'db', 'trivy.db')),
    meta: await readFile(join(cacheDir, 'db', 'metadata.json'), 'utf8'),
  };
}

async function dbDirEntries(): Promise<string[]> {
  return (await readdir(join(cacheDir, 'db'))).sort();
}

before(async () => {
  registry = await startRegistry();
  root = await mkdtemp(join(tmpdir(), 'trivy-ts-ensuredb-'));
  const target = (repository: string) => ({ url: registry.url, repository });
  await pushDbArtifact(target('trivy-db'), '2', await buildDbLayer({ tree: sampleDbTree('v1') }), {
    form: 'config',
  });
  await pushDbArtifact(target('trivy-db-oci11'), '2', await buildDbLayer({ tree: sampleDbTree('v2') }), {
    form: 'artifactType',
  });
  await pushDbArtifact(
    target('bad-traversal'),
    '2',
    await buildDbLayer({ extra: [{ name: '../escape.txt', content: Buffer.from('pwned') }] }),
  );
  await pushDbArtifact(
    target('bad-extra'),
    '2',
    await buildDbLayer({ extra: [{ name: 'run.sh', content: Buffer.from('#!/bin/sh') }] }),
  );
  await pushDbArtifact(
    target('schema3'),
    '2',
    await buildDbLayer({ metadata: sampleMetadata({ Version: 3 }) }),
  );
  await pushDbArtifact(
    target('not-bolt'),
    '2',
    await gzipTar([
      { name: 'trivy.db', content: Buffer.alloc(8192, 1) },
      { name: 'metadata.json', content: Buffer.from(JSON.stringify(sampleMetadata())) },
    ]),
  );
  proxy = await startFaultProxy(registry.url);
});

after(async () => {
  await proxy?.stop();
  await registry?.stop();
  await rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  proxy.setRule(undefined);
  cacheDir = await mkdtemp(join(root, 'cache-'));
});

describe('ensureDb', () => {
  it('downloads, validates and installs the DB, then keeps it while fresh', async () => {
    const started = Date.now();
    const status = await ensureDb(options([`${proxy.host}/trivy-db`]));
    assert.equal(status.downloaded, true);
    assert.equal(status.source, `${proxy.host}/trivy-db:2`);
    assert.ok((status.metadata.downloadedAt?.getTime() ?? 0) >= started - 1000);
    assert.deepEqual(lookupAdvisory(cacheDir), { advisory: SAMPLE_ADVISORY, title: 'openssl: sample (v1)' });
    const written = JSON.parse(await readFile(join(cacheDir, 'db', 'metadata.json'), 'utf8')) as Record<
      string,
      string
    >;
    assert.equal(written.Version, 2);
    assert.equal(Date.parse(written.DownloadedAt ?? ''), status.metadata.downloadedAt?.getTime());
    assert.deepEqual(
      await dbDirEntries(),
      ['metadata.json', 'trivy.db'],
      'no staging dir or lock left behind',
    );

    const blobGets = () => proxy.requests.filter((r) => r.path.includes('/blobs/')).length;
    const before = blobGets();
    const again = await ensureDb(options([`${proxy.host}/trivy-db`]));
    assert.equal(again.downloaded, false);
    assert.equal(blobGets(), before, 'a fresh DB is not downloaded again');
  });

  it('accepts the OCI 1.1 artifactType form and replaces the DB when forced', async () => {
    await ensureDb(options([`${registry.host}/trivy-db`]));
    const status = await ensureDb(options([`${registry.host}/trivy-db-oci11:2`], { force: true }));
    assert.equal(status.downloaded, true);
    assert.equal(lookupAdvisory(cacheDir).title, 'openssl: sample (v2)');
  });

  it('keeps readers of the replaced DB working: they read the old file, new readers the new one', async () => {
    await ensureDb(options([`${registry.host}/trivy-db`]));
    // No caches, so every lookup reads the file the reader opened.
    const uncached = { pageCacheBytes: 0, advisoryCacheBytes: 0, vulnerabilityCacheBytes: 0 };
    const old = TrivyDb.open(cacheDir, uncached);
    try {
      assert.equal(old.vulnerability(SAMPLE_VULN_ID)?.Title, 'openssl: sample (v1)');
      const status = await ensureDb(options([`${registry.host}/trivy-db-oci11`], { force: true }));
      assert.equal(status.downloaded, true);
      const fresh = TrivyDb.open(cacheDir, uncached);
      try {
        assert.equal(fresh.vulnerability(SAMPLE_VULN_ID)?.Title, 'openssl: sample (v2)');
      } finally {
        fresh.close();
      }
      assert.equal(old.vulnerability(SAMPLE_VULN_ID)?.Title, 'openssl: sample (v1)');
      assert.deepEqual(old.advisories('debian 12', 'openssl')[0]?.FixedVersion, SAMPLE_ADVISORY.FixedVersion);
      assert.equal(old.metadata.Version, 2);
    } finally {
      old.close();
    }
  });

  it('falls back to the next repository on 5xx', async () => {
    proxy.setRule(() => ({ respond: { status: 503, body: 'maintenance' } }));
    const status = await ensureDb(options([`${proxy.host}/trivy-db`, `${registry.host}/trivy-db-oci11`]));
    assert.equal(status.source, `${registry.host}/trivy-db-oci11:2`);
    assert.equal(lookupAdvisory(cacheDir).title, 'openssl: sample (v2)');
  });

  it('falls back on BLOB_UNKNOWN and on a truncated blob', async () => {
    proxy.setRule((r) =>
      r.path.includes('/blobs/')
        ? {
            respond: {
              status: 404,
              headers: { 'content-type': 'application/json' },
              body: '{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}',
            },
          }
        : undefined,
    );
    const viaBlobUnknown = await ensureDb(
      options([`${proxy.host}/trivy-db`, `${registry.host}/trivy-db-oci11`]),
    );
    assert.equal(viaBlobUnknown.source, `${registry.host}/trivy-db-oci11:2`);

    proxy.setRule((r) => (r.path.includes('/blobs/') ? { truncateAfter: 100 } : undefined));
    const viaTruncation = await ensureDb(
      options([`${proxy.host}/trivy-db`, `${registry.host}/trivy-db`], { force: true }),
    );
    assert.equal(viaTruncation.source, `${registry.host}/trivy-db:2`);
  });

  it('stops at an auth error without trying the next repository; succeeds with credentials', async () => {
    const gate = bearerTokenGate({
      proxyUrl: proxy.url,
      token: 't',
      credentials: { username: 'u', password: 'p' },
    });
    proxy.setRule(gate.rule);
    const second = await startFaultProxy(registry.url);
    try {
      await assert.rejects(
        ensureDb(options([`${proxy.host}/trivy-db`, `${second.host}/trivy-db`])),
        (error: unknown) => {
          assert.ok(error instanceof DbDownloadError, String(error));
          assert.match(error.message, /HTTP 401/);
          assert.match(error.hint ?? '', /--username\/--password.*troubleshooting/);
          return true;
        },
      );
      assert.equal(second.requests.length, 0);
      assert.equal(existsSync(join(cacheDir, 'db', 'trivy.db')), false);

      const status = await ensureDb(
        options([`${proxy.host}/trivy-db`], { credentials: { username: 'u', password: 'p' } }),
      );
      assert.equal(status.downloaded, true);
      assert.equal(
        gate.tokenRequests.at(-1)?.headers.authorization,
        `Basic ${Buffer.from('u:p').toString('base64')}`,
      );
    } finally {
      await second.stop();
    }
  });

  it('sends --username/--password to a registry that requires them', async () => {
    const user = { username: 'dbuser', password: 'db-pass-123' };
    const secured = await startRegistry({ htpasswd: user });
    try {
      await pushDbArtifact(
        { url: secured.url, repository: 'trivy-db', basicAuth: user },
        '2',
        await buildDbLayer(),
      );
      await assert.rejects(ensureDb(options([`${secured.host}/trivy-db`])), (error: unknown) => {
        assert.ok(error instanceof DbDownloadError);
        assert.match(error.message, /HTTP 401/);
        return true;
      });
      const status = await ensureDb(options([`${secured.host}/trivy-db`], { credentials: user }));
      assert.equal(status.downloaded, true);
      assert.deepEqual(lookupAdvisory(cacheDir).advisory, SAMPLE_ADVISORY);
    } finally {
      await secured.stop();
    }
  });

  it('reports a missing repository clearly', async () => {
    await assert.rejects(ensureDb(options([`${registry.host}/nope/trivy-db`])), (error: unknown) => {
      assert.ok(error instanceof DbDownloadError);
      assert.match(error.message, /nope\/trivy-db:2.*HTTP 404/);
      assert.match(error.hint ?? '', /check --db-repository/);
      return true;
    });
  });

  it('keeps the previous DB when the new one is bad, corrupted or truncated', async () => {
    await ensureDb(options([`${registry.host}/trivy-db`]));
    const previous = await installedBytes();
    const attempts: Array<[string[], (error: unknown) => boolean]> = [
      [
        [`${registry.host}/bad-traversal`],
        (e) => e instanceof DbArchiveError && /\.\.\/escape\.txt/.test(e.message),
      ],
      [[`${registry.host}/bad-extra`], (e) => e instanceof DbArchiveError && /run\.sh/.test(e.message)],
      [[`${registry.host}/not-bolt`], (e) => e instanceof DbArchiveError && /bbolt/.test(e.message)],
      [[`${registry.host}/schema3`], (e) => e instanceof DbUpdateError && e.hint === 'upgrade trivy-ts'],
    ];
    for (const [repositories, check] of attempts) {
      await assert.rejects(ensureDb(options(repositories, { force: true })), check, repositories[0]);
      assert.deepEqual(await installedBytes(), previous);
      assert.deepEqual(await dbDirEntries(), ['metadata.json', 'trivy.db']);
    }
    assert.equal(existsSync(join(cacheDir, 'escape.txt')), false);

    proxy.setRule((r) => (r.path.includes('/blobs/') ? { corruptByteAt: 10 } : undefined));
    await assert.rejects(
      ensureDb(options([`${proxy.host}/trivy-db`], { force: true })),
      /DIGEST_INVALID|digest/,
    );
    proxy.setRule((r) => (r.path.includes('/blobs/') ? { truncateAfter: 100 } : undefined));
    await assert.rejects(
      ensureDb(options([`${proxy.host}/trivy-db`], { force: true })),
      /truncated|broke|closed/,
    );
    assert.deepEqual(await installedBytes(), previous);
    assert.deepEqual(lookupAdvisory(cacheDir).advisory, SAMPLE_ADVISORY);
  });

  it('refuses --skip-db-update on the first run and honours it afterwards', async () => {
    await assert.rejects(
      ensureDb(options([`${registry.host}/trivy-db`], { skipUpdate: true })),
      (error: unknown) => {
        assert.ok(error instanceof DbUpdateError);
        assert.match(error.message, /--skip-db-update cannot be used on the first run/);
        return true;
      },
    );
    await ensureDb(options([`${registry.host}/trivy-db`]));
    const stale = {
      ...sampleMetadata(),
      NextUpdate: '2020-01-01T00:00:00Z',
      DownloadedAt: '2020-01-01T00:00:00Z',
    };
    await writeFile(join(cacheDir, 'db', 'metadata.json'), JSON.stringify(stale));
    const skipped = await ensureDb(options([`${proxy.host}/unreachable`], { skipUpdate: true }));
    assert.equal(skipped.downloaded, false);
  });

  it('cleans up the staging dir of a crashed run', async () => {
    await mkdir(join(cacheDir, 'db', '.download-crashed'), { recursive: true });
    await writeFile(join(cacheDir, 'db', '.download-crashed', 'layer.tar.gz'), 'partial');
    await ensureDb(options([`${registry.host}/trivy-db`]));
    assert.deepEqual(await dbDirEntries(), ['metadata.json', 'trivy.db']);
  });

  it('lets one of two concurrent updaters download and the other reuse its result', async () => {
    const before = proxy.requests.filter((r) => r.path.includes('/blobs/sha256')).length;
    const results = await Promise.all([
      ensureDb(options([`${proxy.host}/trivy-db`])),
      ensureDb(options([`${proxy.host}/trivy-db`])),
    ]);
    assert.deepEqual(results.map((r) => r.downloaded).sort(), [false, true]);
    const layerGets = proxy.requests.filter((r) => r.path.includes('/blobs/sha256')).length - before;
    assert.equal(layerGets, 1, 'the DB layer is fetched once');
  });
});
