import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { TrivyDb } from '../../src/scanner/db/trivy-db/index.ts';
import { buildTrivyDbLayer, realisticTrivyDbFixture, writeSyntheticTrivyDb } from './trivy-db-fixture.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'trivy-db-fixture-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function untar(archive: Buffer): Promise<Map<string, Buffer>> {
  const members = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      members.set(entry.header.name, Buffer.concat(chunks));
    }
  })();
  extract.end(archive);
  await done;
  return members;
}

describe('Trivy DB fixtures', () => {
  it('builds the db.tar.gz layer with trivy.db and metadata.json at the top level', async () => {
    const members = await untar(gunzipSync(await buildTrivyDbLayer(realisticTrivyDbFixture())));
    assert.deepEqual([...members.keys()].sort(), ['metadata.json', 'trivy.db']);
    const metadata = JSON.parse(members.get('metadata.json')!.toString());
    assert.equal(metadata.Version, 2);
    assert.equal(
      metadata.DownloadedAt,
      '0001-01-01T00:00:00Z',
      'published artifacts carry a zero DownloadedAt',
    );

    const cacheDir = join(dir, 'from-layer');
    mkdirSync(join(cacheDir, 'db'), { recursive: true });
    for (const [name, content] of members) writeFileSync(join(cacheDir, 'db', name), content);
    const db = TrivyDb.open(cacheDir);
    try {
      assert.equal(db.advisories('debian 12', 'glibc').length, 2);
    } finally {
      db.close();
    }
  });

  it('streams a synthetic DB whose counts the reader confirms', () => {
    const cacheDir = join(dir, 'synthetic');
    const seen: [string, string, number][] = [];
    const summary = writeSyntheticTrivyDb(
      cacheDir,
      {
        osBuckets: 2,
        packagesPerOsBucket: 300,
        languageBuckets: 2,
        packagesPerLanguageBucket: 200,
        vulnerabilities: 3000,
        seed: 1,
      },
      (bucket, pkg, count) => seen.push([bucket, pkg, count]),
    );
    assert.equal(summary.packages, 1000);
    assert.equal(seen.length, 1000);
    const db = TrivyDb.open(cacheDir);
    try {
      const stats = db.stats();
      assert.equal(stats.advisories, summary.advisories);
      assert.equal(stats.packages, summary.packages);
      assert.equal(stats.vulnerabilities, 3000);
      for (const [bucket, pkg, count] of seen.slice(0, 50)) {
        assert.equal(db.advisories(bucket, pkg).length, count, `${bucket}/${pkg}`);
      }
      const [bucket, pkg] = seen[0]!;
      const id = db.advisories(bucket, pkg)[0]!.VulnerabilityID;
      assert.match(db.vulnerability(id)?.Description ?? '', /\w+ \w+/);
    } finally {
      db.close();
    }
  });
});
