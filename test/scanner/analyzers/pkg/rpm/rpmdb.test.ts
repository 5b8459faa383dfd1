import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Package } from '../../../../../src/scanner/inventory.ts';
import { AnalyzerError } from '../../../../../src/scanner/analyzers/types.ts';
import { rpmAnalyzer } from '../../../../../src/scanner/analyzers/pkg/rpm/rpmdb.ts';
import {
  buildRpms,
  installIntoSqliteDb,
  rpmQueryAll,
  samplePackages,
  sqliteHeaderBlobs,
  writeBerkeleyDb,
  writeNdb,
} from './fixtures.ts';

let workDir: string;
let sqliteDir: string;
let sqliteFile: string;
let blobs: { hnum: number; blob: Buffer }[];

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'trivy-ts-rpmdb-'));
  const rpms = await buildRpms(workDir, samplePackages());
  sqliteDir = join(workDir, 'sqlite');
  sqliteFile = await installIntoSqliteDb(sqliteDir, rpms);
  blobs = sqliteHeaderBlobs(sqliteFile);
});

after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function analyze(path: string, content: Buffer): Promise<Package[]> {
  assert.ok(rpmAnalyzer.required({ path, size: content.length, mode: 0o644 }), `${path} is required`);
  const result = await rpmAnalyzer.analyze({ path, size: content.length, mode: 0o644, content });
  assert.equal(result?.packageInfos?.length, 1);
  assert.equal(result?.packageInfos?.[0]?.FilePath, path);
  return result?.packageInfos?.[0]?.Packages ?? [];
}

/** Our packages in `rpm -qa --queryformat` form, for comparing with rpm's own reader. */
function asQueryLines(packages: Package[]): string[] {
  return packages
    .map((p) =>
      [
        p.Name,
        p.Epoch ?? 0,
        p.Version,
        p.Release,
        p.Arch,
        p.SrcName === undefined ? '(none)' : `${p.SrcName}-${p.SrcVersion}-${p.SrcRelease}.src.rpm`,
        p.Maintainer ?? '(none)',
        p.Licenses?.[0] ?? '(none)',
        p.Modularitylabel ?? '(none)',
      ].join('|'),
    )
    .sort();
}

function assertSamplePackages(packages: Package[]): void {
  const byName = new Map(packages.map((p) => [p.Name, p]));
  assert.equal(packages.length, 4);
  const libs = byName.get('hello-libs');
  const tool = byName.get('hello-tool');
  const node = byName.get('nodejs');
  const agent = byName.get('acme-agent');
  assert.ok(libs && tool && node && agent);
  assert.equal(libs.ID, 'hello-libs@1.2.3-4.el9.x86_64');
  assert.equal(libs.Epoch, 1);
  assert.equal(libs.SrcEpoch, 1);
  assert.deepEqual(libs.InstalledFiles, ['/usr/lib64/libhello.so.1']);
  assert.match(libs.Digest ?? '', /^md5:[0-9a-f]{32}$/);
  // Requirements resolve through PROVIDENAME (soname and package name); unknown ones are dropped.
  assert.deepEqual(tool.DependsOn, ['hello-libs@1.2.3-4.el9.x86_64']);
  assert.equal(tool.InstalledFiles?.length, 401);
  assert.ok(tool.InstalledFiles?.includes('/usr/share/hello-data/file-399.txt'));
  assert.equal(tool.Epoch, undefined);
  assert.equal(node.Modularitylabel, 'nodejs:18:9020020230427160308:rhel9');
  assert.equal(node.SrcRelease, '1.module_el9.2.0+41+3d4d3f7d');
  assert.equal(node.ThirdParty, undefined);
  // A vendor outside the distribution list: third-party, and its files stay unowned.
  assert.equal(agent.ThirdParty, true);
  assert.equal(agent.InstalledFiles, undefined);
  assert.deepEqual(agent.DependsOn, ['hello-tool@1.2.3-4.el9.x86_64']);
}

describe('rpm analyzer', () => {
  it('reads a real SQLite rpmdb written by rpm and agrees with rpm -qa', async () => {
    const packages = await analyze('var/lib/rpm/rpmdb.sqlite', await readFile(sqliteFile));
    assertSamplePackages(packages);
    assert.deepEqual(asQueryLines(packages), await rpmQueryAll(sqliteDir, 'sqlite'));
  });

  for (const variant of [
    { label: 'little-endian', options: {} },
    { label: 'big-endian', options: { bigEndian: true } },
    { label: 'checksummed 512-byte pages', options: { checksum: true, pageSize: 512 } },
    { label: '64 KiB pages', options: { pageSize: 65536 } },
  ]) {
    it(`reads a ${variant.label} Berkeley DB written by db5.3_load`, async () => {
      const dir = join(workDir, `bdb-${variant.label.replace(/\W+/g, '-')}`);
      await rm(dir, { recursive: true, force: true });
      await (await import('node:fs/promises')).mkdir(dir, { recursive: true });
      const file = join(dir, 'Packages');
      await writeBerkeleyDb(file, blobs, variant.options);
      const packages = await analyze('usr/lib/sysimage/rpm/Packages', await readFile(file));
      assertSamplePackages(packages);
      if (variant.label === 'little-endian') {
        // rpm's read-only BDB backend is a second, independent reader of the same file.
        assert.deepEqual(asQueryLines(packages), await rpmQueryAll(dir, 'bdb_ro'));
      }
    });
  }

  it('reads an NDB Packages.db', async () => {
    const packages = await analyze('var/lib/rpm/Packages.db', writeNdb(blobs.map((b) => b.blob)));
    assertSamplePackages(packages);
    assert.deepEqual(
      asQueryLines(packages),
      asQueryLines(await analyze('var/lib/rpm/rpmdb.sqlite', await readFile(sqliteFile))),
    );
  });

  it('only wants the rpmdb paths', () => {
    for (const path of [
      'var/lib/rpm/Packages',
      'usr/share/rpm/rpmdb.sqlite',
      'usr/lib/sysimage/rpm/Packages.db',
    ]) {
      assert.equal(rpmAnalyzer.required({ path, size: 1, mode: 0o644 }), true, path);
    }
    for (const path of ['var/lib/rpm/Name', 'var/lib/rpm/rpmdb.sqlite-wal', 'etc/Packages']) {
      assert.equal(rpmAnalyzer.required({ path, size: 1, mode: 0o644 }), false, path);
    }
  });

  it('gives AnalyzerError for damaged databases of each format', async () => {
    const sqlite = await readFile(sqliteFile);
    const bdbFile = join(workDir, 'damaged-Packages');
    await writeBerkeleyDb(bdbFile, blobs);
    const bdb = await readFile(bdbFile);
    const ndb = writeNdb(blobs.map((b) => b.blob));
    const cases: [string, Buffer][] = [
      ['var/lib/rpm/rpmdb.sqlite', Buffer.from('not a database at all')],
      ['var/lib/rpm/rpmdb.sqlite', sqlite.subarray(0, 4096)],
      ['var/lib/rpm/Packages', bdb.subarray(0, 100)],
      ['var/lib/rpm/Packages', Buffer.alloc(8192)],
      ['var/lib/rpm/Packages', bdb.subarray(0, bdb.length - 4096)],
      ['var/lib/rpm/Packages.db', ndb.subarray(0, 20)],
      ['var/lib/rpm/Packages.db', ndb.subarray(0, 4096 + 64)],
    ];
    for (const [path, content] of cases) {
      await assert.rejects(
        async () => rpmAnalyzer.analyze({ path, size: content.length, mode: 0o644, content }),
        AnalyzerError,
        `${path} (${content.length} bytes)`,
      );
    }
  });

  it('refuses NDB slots that share one blob and Berkeley DB items that share one overflow chain', async () => {
    const ndb = writeNdb(blobs.map((b) => b.blob));
    const slotPages = 4096;
    const firstSlot = 32;
    for (let at = firstSlot + 16; at < slotPages; at += 16) {
      ndb.writeUInt32LE(1, at + 4);
      ndb.copy(ndb, at + 8, firstSlot + 8, firstSlot + 16);
    }
    await assert.rejects(
      async () =>
        rpmAnalyzer.analyze({ path: 'var/lib/rpm/Packages.db', size: ndb.length, mode: 0o644, content: ndb }),
      /overlapping blobs/,
    );

    const file = join(workDir, 'shared-Packages');
    await writeBerkeleyDb(file, blobs);
    const bdb = await readFile(file);
    const offPageItems: number[] = [];
    for (let base = 4096; base + 4096 <= bdb.length; base += 4096) {
      if (bdb[base + 25] !== 13) continue;
      const entries = bdb.readUInt16LE(base + 20);
      for (let i = 1; i < entries; i += 2) {
        const item = base + bdb.readUInt16LE(base + 26 + i * 2);
        if (bdb[item] === 3) offPageItems.push(item);
      }
    }
    assert.ok(offPageItems.length >= 2, 'headers are stored off-page');
    const [first, ...rest] = offPageItems as [number, ...number[]];
    for (const item of rest) bdb.copy(bdb, item + 4, first + 4, first + 12);
    await assert.rejects(
      async () =>
        rpmAnalyzer.analyze({ path: 'var/lib/rpm/Packages', size: bdb.length, mode: 0o644, content: bdb }),
      /overflow chain broken/,
    );
  });

  it('treats a truncated Berkeley DB overflow chain as corruption', async () => {
    const file = join(workDir, 'truncated-Packages');
    await writeBerkeleyDb(file, blobs);
    const full = await readFile(file);
    const cut = Buffer.from(full);
    // Point every overflow page's "next page" at itself: a cycle must be detected, not followed forever.
    for (let at = 4096; at + 4096 <= cut.length; at += 4096) {
      if (cut[at + 25] === 7 && cut.readUInt32LE(at + 16) !== 0) cut.writeUInt32LE(at / 4096, at + 16);
    }
    await writeFile(file, cut);
    await assert.rejects(
      async () =>
        rpmAnalyzer.analyze({ path: 'var/lib/rpm/Packages', size: cut.length, mode: 0o644, content: cut }),
      AnalyzerError,
    );
  });
});
