import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UserFacingError } from '../../../../src/util/errors.ts';
import {
  TrivyDb,
  TrivyDbMetadataError,
  TrivyDbMissingError,
  TrivyDbSchemaError,
  TrivyDbValueError,
} from '../../../../src/scanner/db/trivy-db/index.ts';
import { FIXTURE_DATA_SOURCES, realisticTrivyDbFixture } from '../../../support/trivy-db-fixture.ts';

let root: string;
let cacheDir: string;
let db: TrivyDb;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'trivy-db-'));
  cacheDir = join(root, 'cache');
  realisticTrivyDbFixture(new Date('2026-07-01T12:00:00Z')).writeCacheDir(cacheDir);
  db = TrivyDb.open(cacheDir);
});
after(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

function fixtureDir(name: string): string {
  return join(root, name);
}

describe('TrivyDb', () => {
  it('opens a cache dir in Trivy layout and reads metadata.json', () => {
    assert.equal(db.metadata.Version, 2);
    assert.equal(db.metadata.UpdatedAt.toISOString(), '2026-07-01T11:00:00.000Z');
    assert.equal(db.metadata.NextUpdate.toISOString(), '2026-07-02T11:00:00.000Z');
    assert.equal(db.dbPath, join(cacheDir, 'db', 'trivy.db'));
    assert.ok(db.fileSize > 0 && db.fileSize % 4096 === 0);
    assert.ok(db.bucketNames().includes('debian 12'));
  });

  it('returns OS advisories of one package in ID order, with status strings and the data source', () => {
    const advisories = db.advisories('debian 12', 'openssl');
    assert.deepEqual(
      advisories.map((advisory) => advisory.VulnerabilityID),
      ['CVE-2023-5678', 'CVE-2024-0727', 'CVE-2024-2511'],
    );
    assert.deepEqual(advisories[0], {
      VulnerabilityID: 'CVE-2023-5678',
      FixedVersion: '3.0.13-1~deb12u1',
      VendorIDs: ['DSA-5621-1'],
      DataSource: FIXTURE_DATA_SOURCES['debian 12'],
    });
    assert.equal(advisories[2]!.Status, 'fix_deferred');
    assert.equal(advisories[2]!.Severity, 1);
    assert.equal(advisories[2]!.FixedVersion, undefined);
    assert.equal(db.advisories('debian 12', 'zlib')[0]!.Status, 'will_not_fix');
    assert.deepEqual(db.advisories('debian 12', 'no-such-package'), []);
    assert.deepEqual(db.advisories('debian 99', 'openssl'), []);
    assert.deepEqual(db.advisories('debian', 'openssl'), [], 'OS buckets are exact, not prefixes');
  });

  it('decodes Red Hat entries', () => {
    const [rhsa] = db
      .advisories('Red Hat', 'openssl')
      .filter((advisory) => advisory.VulnerabilityID.startsWith('RHSA'));
    assert.deepEqual(rhsa!.Entries, [
      {
        FixedVersion: '1:3.0.7-27.el9',
        Cves: [{ ID: 'CVE-2023-5678', Severity: 1 }],
        Arches: ['aarch64', 'x86_64'],
        Affected: [3, 4],
      },
    ]);
    assert.equal(rhsa!.DataSource?.ID, 'redhat');
  });

  it('merges language buckets in byte order, the later bucket winning, after normalizing the name', () => {
    assert.deepEqual(db.languageBucketNames('npm'), [
      'npm::GitHub Security Advisory npm',
      'npm::Node.js Ecosystem Security Working Group',
    ]);
    const lodash = db.languageAdvisories('npm', 'LoDash');
    assert.deepEqual(
      lodash.map((advisory) => [advisory.VulnerabilityID, advisory.DataSource?.ID, advisory.PatchedVersions]),
      [
        ['CVE-2019-10744', 'nodejs-security-wg', ['>=4.17.12']],
        ['CVE-2020-8203', 'ghsa', ['4.17.19']],
      ],
    );
    assert.deepEqual(
      db.languageAdvisories('pip', 'Python_Multipart').map((advisory) => advisory.VulnerabilityID),
      ['CVE-2024-24762'],
    );
    assert.equal(db.languageAdvisories('go', 'golang.org/x/net')[0]!.VendorIDs![0], 'GO-2023-2102');
    assert.deepEqual(db.languageAdvisories('go', 'golang.org/X/net'), [], 'Go keeps case');
    assert.equal(
      db.languageAdvisories('maven', 'org.apache.logging.log4j:log4j-core')[0]!.VulnerableVersions!.length,
      2,
    );
    assert.deepEqual(db.languageAdvisories('cargo', 'serde'), []);
  });

  it('returns shared results that callers cannot modify', () => {
    const first = db.advisories('alpine 3.19', 'openssl');
    assert.throws(() => (first as unknown as unknown[]).push({}), TypeError);
    assert.throws(() => {
      (first[0] as { FixedVersion?: string }).FixedVersion = 'tampered';
    }, TypeError);
  });

  it('memoizes what is asked for again: the same frozen objects come back once a key is seen as repeated', () => {
    const fresh = TrivyDb.open(cacheDir);
    try {
      const once = fresh.advisories('debian 12', 'glibc');
      const twice = fresh.advisories('debian 12', 'glibc');
      assert.notEqual(twice, once, 'asked for once: not cached yet');
      assert.deepEqual(twice, once);
      assert.equal(fresh.advisories('debian 12', 'glibc'), twice);
      const npm = [1, 2, 3].map(() => fresh.languageAdvisories('npm', 'lodash'));
      assert.equal(npm[2], npm[1]);
      // Details are kept from the third request on (an ID asked for twice is common and says little).
      const details = [1, 2, 3, 4].map(() => fresh.vulnerability('CVE-2023-4911'));
      assert.notEqual(details[2], details[1]);
      assert.ok(details[2]);
      assert.equal(details[3], details[2]);
    } finally {
      fresh.close();
    }
  });

  it('gives the same answers with the advisory cache off or tiny (eviction keeps results right)', () => {
    const queries: ((target: TrivyDb) => readonly unknown[])[] = [
      (target) => target.advisories('debian 12', 'openssl'),
      (target) => target.advisories('debian 12', 'glibc'),
      (target) => target.languageAdvisories('npm', 'lodash'),
      (target) => target.advisories('ubuntu 22.04', 'glibc'),
      (target) => target.languageAdvisories('pip', 'jinja2'),
      (target) => target.advisories('alpine 3.19', 'busybox'),
      (target) => target.advisories('debian 12', 'missing'),
    ];
    const expected = queries.map((query) => query(db));
    for (const cacheBytes of [0, 3000]) {
      const other = TrivyDb.open(cacheDir, {
        advisoryCacheBytes: cacheBytes,
        vulnerabilityCacheBytes: cacheBytes,
        pageCacheBytes: cacheBytes * 4,
      });
      try {
        for (let round = 0; round < 3; round++) {
          assert.deepEqual(
            queries.map((query) => query(other)),
            expected,
          );
          assert.equal(other.vulnerability('CVE-2023-4911')?.CweIDs?.[0], 'CWE-787');
        }
      } finally {
        other.close();
      }
    }
  });

  it('reads vulnerability details (memoized) and data sources', () => {
    const details = db.vulnerability('CVE-2023-4911')!;
    assert.equal(details.Title, 'glibc: buffer overflow in ld.so leading to privilege escalation');
    assert.equal(details.Severity, 'HIGH');
    assert.deepEqual(details.VendorSeverity, { nvd: 3, debian: 3, ubuntu: 3, redhat: 3 });
    assert.deepEqual(details.CVSS, {
      nvd: { V3Vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', V3Score: 7.8 },
    });
    assert.deepEqual(details.CweIDs, ['CWE-787']);
    assert.equal(details.PublishedDate, '2023-10-03T18:15:10.463Z');
    assert.deepEqual(db.vulnerability('CVE-2023-4911'), details);
    assert.equal(db.vulnerability('CVE-1999-0001'), undefined);
    assert.deepEqual(db.dataSource('ubuntu 22.04'), FIXTURE_DATA_SOURCES['ubuntu 22.04']);
    assert.equal(db.dataSource('Red Hat CPE'), undefined);
  });

  it('counts packages and advisories per bucket', () => {
    const stats = db.stats();
    const debian = stats.buckets.find((bucket) => bucket.bucket === 'debian 12')!;
    assert.deepEqual(
      {
        kind: debian.kind,
        packages: debian.packages,
        advisories: debian.advisories,
        source: debian.dataSource?.ID,
      },
      { kind: 'os', packages: 5, advisories: 8, source: 'debian' },
    );
    const nodeWg = stats.buckets.find((bucket) => bucket.bucket.startsWith('npm::Node.js'))!;
    assert.deepEqual([nodeWg.kind, nodeWg.packages, nodeWg.advisories], ['language', 1, 1]);
    assert.equal(stats.buckets.find((bucket) => bucket.bucket === 'Red Hat CPE')!.kind, 'other');
    assert.equal(stats.vulnerabilities, 7);
    assert.equal(stats.dataSources, Object.keys(FIXTURE_DATA_SOURCES).length);
    assert.equal(stats.advisories, 8 + 4 + 3 + 2 + 5 + 2 + 1 + 1);
    assert.deepEqual(
      stats.buckets.map((bucket) => bucket.bucket),
      [...stats.buckets.map((bucket) => bucket.bucket)].sort((a, b) =>
        Buffer.compare(Buffer.from(a), Buffer.from(b)),
      ),
    );
  });

  it('skips malformed values, reporting bucket, package and key, without failing the lookup', () => {
    const fixture = realisticTrivyDbFixture();
    fixture.addAdvisory('debian 12', 'openssl', 'CVE-2024-9999', '{"FixedVersion":');
    fixture.addAdvisory('debian 12', 'openssl', 'CVE-2024-9998', { FixedVersion: 3 });
    fixture.addAdvisory('debian 12', 'openssl', 'CVE-2024-9997', '');
    fixture.addVulnerability('CVE-2024-0727', '["not an object"]');
    fixture.addDataSource('alpine 3.19', '{"Name":"no ID"}');
    const dir = fixtureDir('corrupt');
    fixture.writeCacheDir(dir);
    const reported: TrivyDbValueError[] = [];
    const corrupt = TrivyDb.open(dir, { onInvalidValue: (error) => reported.push(error) });
    try {
      assert.deepEqual(
        corrupt.advisories('debian 12', 'openssl').map((advisory) => advisory.VulnerabilityID),
        ['CVE-2023-5678', 'CVE-2024-0727', 'CVE-2024-2511'],
      );
      assert.equal(corrupt.vulnerability('CVE-2024-0727'), undefined);
      assert.equal(corrupt.advisories('alpine 3.19', 'openssl')[0]!.DataSource, undefined);
      assert.deepEqual(
        reported.map((error) => [error.bucket, error.packageName, error.key]),
        [
          ['data-source', undefined, 'alpine 3.19'],
          ['debian 12', 'openssl', 'CVE-2024-9998'],
          ['debian 12', 'openssl', 'CVE-2024-9999'],
          ['vulnerability', undefined, 'CVE-2024-0727'],
        ],
      );
      assert.match(
        reported[1]!.message,
        /bucket "debian 12", package "openssl", key "CVE-2024-9998"\): FixedVersion is not a string/,
      );
      assert.match(reported[2]!.message, /not JSON/);
      assert.ok(reported.every((error) => error instanceof UserFacingError));
      assert.equal(corrupt.invalidValueCount, 4);
    } finally {
      corrupt.close();
    }
    const strict = TrivyDb.open(dir, {
      onInvalidValue: (error) => {
        throw error;
      },
    });
    try {
      assert.throws(() => strict.advisories('debian 12', 'openssl'), TrivyDbValueError);
    } finally {
      strict.close();
    }
  });

  it('explains a missing DB, a newer schema and bad metadata', () => {
    const empty = fixtureDir('empty');
    assert.throws(
      () => TrivyDb.open(empty),
      (error: unknown) => {
        assert.ok(error instanceof TrivyDbMissingError);
        assert.match(error.message, /No vulnerability database at .*empty\/db\/trivy\.db/);
        assert.match(error.hint ?? '', /trivy-ts db update/);
        return true;
      },
    );

    const noMetadata = fixtureDir('no-metadata');
    const { metadataPath } = realisticTrivyDbFixture().writeCacheDir(noMetadata);
    rmSync(metadataPath);
    assert.throws(() => TrivyDb.open(noMetadata), TrivyDbMissingError);

    const newer = fixtureDir('newer');
    const fixture = realisticTrivyDbFixture();
    fixture.metadata.Version = 3;
    fixture.writeCacheDir(newer);
    assert.throws(
      () => TrivyDb.open(newer),
      (error: unknown) => {
        assert.ok(error instanceof TrivyDbSchemaError);
        assert.match(error.hint ?? '', /Upgrade trivy-ts/);
        return true;
      },
    );

    writeFileSync(join(newer, 'db', 'metadata.json'), '{"Version":2,"UpdatedAt":"yesterday"}');
    assert.throws(() => TrivyDb.open(newer), TrivyDbMetadataError);
  });

  it('opens explicit file paths', () => {
    const other = TrivyDb.open({
      dbPath: join(cacheDir, 'db', 'trivy.db'),
      metadataPath: join(cacheDir, 'db', 'metadata.json'),
    });
    try {
      assert.equal(other.advisories('alpine 3.19', 'musl')[0]!.FixedVersion, '1.2.4_git20230717-r5');
    } finally {
      other.close();
    }
  });

  it('turns a damaged file into a user-facing error, not a crash', () => {
    const damaged = fixtureDir('damaged');
    const { dbPath } = realisticTrivyDbFixture().writeCacheDir(damaged);
    truncateSync(dbPath, 3 * 4096);
    assert.throws(
      () => {
        const broken = TrivyDb.open(damaged);
        try {
          broken.stats();
        } finally {
          broken.close();
        }
      },
      (error: unknown) => error instanceof UserFacingError && /corrupt|db update/i.test(errorText(error)),
    );
  });
});

function errorText(error: UserFacingError): string {
  return `${error.message} ${error.hint ?? ''}`;
}
