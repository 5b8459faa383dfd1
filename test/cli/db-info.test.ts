import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { realisticTrivyDbFixture } from '../support/trivy-db-fixture.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'bin', 'trivy-ts');

let root: string;
let cacheDir: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'db-info-'));
  cacheDir = join(root, 'cache');
  const fixture = realisticTrivyDbFixture();
  fixture.metadata = {
    Version: 2,
    UpdatedAt: '2026-07-01T06:13:39.123456789Z',
    NextUpdate: '2026-07-02T06:13:39Z',
    DownloadedAt: '0001-01-01T00:00:00Z',
  };
  fixture.writeCacheDir(cacheDir);
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('trivy-ts db info', () => {
  it('prints metadata, size and counts per data source as a table', async () => {
    const { stdout } = await run(cli, ['db', 'info', '--cache-dir', cacheDir]);
    assert.match(stdout, /^Version: +2$/m);
    assert.match(stdout, /^UpdatedAt: +2026-07-01T06:13:39\.123Z$/m);
    assert.match(stdout, /^NextUpdate: +2026-07-02T06:13:39Z$/m);
    assert.match(stdout, /^DownloadedAt: +never$/m);
    assert.match(stdout, /^File size: +\d+\.\d KiB \([\d,]+ bytes\)$/m);
    assert.match(stdout, /^debian 12 +debian +5 +8$/m);
    assert.match(stdout, /^npm::Node\.js Ecosystem Security Working Group +nodejs-security-wg +1 +1$/m);
    assert.doesNotMatch(stdout, /^vulnerability /m);
  });

  it('prints JSON with --format json (global options before the command work too)', async () => {
    const { stdout } = await run(cli, ['--cache-dir', cacheDir, '--quiet', 'db', 'info', '--format', 'json']);
    const info = JSON.parse(stdout);
    assert.equal(info.Version, 2);
    assert.equal(info.DownloadedAt, '0001-01-01T00:00:00Z');
    assert.equal(info.Path, join(cacheDir, 'db', 'trivy.db'));
    assert.ok(info.FileSize > 0 && info.FileSize % 4096 === 0);
    assert.equal(info.Vulnerabilities, 7);
    assert.deepEqual(
      info.DataSources.find((source: { Bucket: string }) => source.Bucket === 'alpine 3.19'),
      {
        Bucket: 'alpine 3.19',
        Kind: 'os',
        ID: 'alpine',
        Name: 'Alpine Secdb',
        URL: 'https://secdb.alpinelinux.org/',
        Packages: 3,
        Advisories: 4,
      },
    );
    assert.equal(
      info.Advisories,
      info.DataSources.reduce((sum: number, s: { Advisories: number }) => sum + s.Advisories, 0),
    );
  });

  it('says how to get a DB when there is none', async () => {
    await assert.rejects(run(cli, ['db', 'info', '--cache-dir', join(root, 'empty')]), (error: unknown) => {
      const failure = error as { code: number; stderr: string; stdout: string };
      assert.equal(failure.code, 1);
      assert.match(failure.stderr, /No vulnerability database at .*empty\/db\/trivy\.db/);
      assert.match(failure.stderr, /trivy-ts db update/);
      assert.doesNotMatch(failure.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(failure.stdout, '');
      return true;
    });
  });
});
