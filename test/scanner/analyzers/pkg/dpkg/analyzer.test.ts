import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import type { AnalysisResult, PackageFiles } from '../../../../../src/scanner/analyzers/types.ts';
import { AnalyzerError } from '../../../../../src/scanner/analyzers/types.ts';
import type { Package } from '../../../../../src/scanner/inventory.ts';
import { dpkgAnalyzer } from '../../../../../src/scanner/analyzers/pkg/dpkg/analyzer.ts';
import { attachPackageFiles } from '../../../../../src/scanner/analyzers/pkg/dpkg/md5sums.ts';
import { debianAnalyzer } from '../../../../../src/scanner/analyzers/os/debian.ts';
import { assignOsPurls } from '../../../../../src/scanner/analyzers/pkg/purl.ts';
import { bookwormMinbase } from '../../../../support/debootstrap.ts';

const run = promisify(execFile);

async function analyze(path: string, text: string | Buffer): Promise<AnalysisResult | undefined> {
  const content = Buffer.isBuffer(text) ? text : Buffer.from(text);
  assert.ok(dpkgAnalyzer.required({ path, size: content.length, mode: 0o644 }), `${path} is required`);
  return dpkgAnalyzer.analyze({ path, size: content.length, mode: 0o644, content });
}

async function packagesOf(path: string, text: string): Promise<Package[]> {
  return (await analyze(path, text))?.packageInfos?.[0]?.Packages ?? [];
}

describe('dpkg analyzer on a real bookworm minbase rootfs', () => {
  let rootfs: string;
  let packages: Package[];

  before(async () => {
    rootfs = await bookwormMinbase();
    const status = await readFile(join(rootfs, 'var/lib/dpkg/status'));
    const result = await analyze('var/lib/dpkg/status', status);
    packages = result?.packageInfos?.[0]?.Packages ?? [];
  });

  it('finds the same packages, versions and sources as dpkg-query', async () => {
    const { stdout } = await run('dpkg-query', [
      `--admindir=${join(rootfs, 'var/lib/dpkg')}`,
      '-W',
      '-f',
      '${db:Status-Abbrev}|${Package}|${Version}|${source:Package}|${source:Version}\n',
    ]);
    const expected = stdout
      .split('\n')
      .filter((line) => line.startsWith('ii'))
      .map((line) => line.slice(line.indexOf('|') + 1))
      .sort();
    const joinVersion = (
      epoch: number | undefined,
      version: string | undefined,
      release: string | undefined,
    ): string => `${epoch ? `${epoch}:` : ''}${version ?? ''}${release ? `-${release}` : ''}`;
    const actual = packages
      .map((p) =>
        [
          p.Name,
          joinVersion(p.Epoch, p.Version, p.Release),
          p.SrcName,
          joinVersion(p.SrcEpoch, p.SrcVersion, p.SrcRelease),
        ].join('|'),
      )
      .sort();
    assert.ok(expected.length > 50, `minbase has ${expected.length} packages`);
    assert.deepEqual(actual, expected);
    for (const p of packages) assert.equal(p.ID, `${p.Name}@${joinVersion(p.Epoch, p.Version, p.Release)}`);
  });

  it('resolves Depends to installed package IDs exactly as dpkg-query lists them', async () => {
    const ids = new Map(packages.map((p) => [p.Name, p.ID]));
    const { stdout } = await run('dpkg-query', [
      `--admindir=${join(rootfs, 'var/lib/dpkg')}`,
      '-W',
      '-f',
      '${Package}\t${Depends}\n',
    ]);
    let checked = 0;
    for (const line of stdout.split('\n')) {
      const [name, depends] = line.split('\t');
      const pkg = packages.find((p) => p.Name === name);
      if (pkg === undefined || depends === undefined) continue;
      const expected = new Set<string>();
      for (const alternative of depends.split(/[,|]/)) {
        const dep = alternative.trim().split(/[\s(:]/)[0] ?? '';
        const id = ids.get(dep);
        if (id !== undefined) expected.add(id);
      }
      assert.deepEqual(pkg.DependsOn ?? [], [...expected].sort(), name);
      checked += expected.size;
    }
    assert.ok(checked > 50, `${checked} dependency edges checked`);
  });

  it('gives each package the files its md5sums lists', async () => {
    const infoDir = join(rootfs, 'var/lib/dpkg/info');
    const lists: PackageFiles[] = [];
    const lineCount = new Map<string, number>();
    for (const file of (await readdir(infoDir)).filter((f) => f.endsWith('.md5sums'))) {
      const content = await readFile(join(infoDir, file));
      const result = await analyze(`var/lib/dpkg/info/${file}`, content);
      lists.push(...(result?.packageFiles ?? []));
      lineCount.set(
        file,
        content
          .toString()
          .split('\n')
          .filter((l) => l !== '').length,
      );
    }
    assert.ok(
      lists.some((l) => l.arch === 'amd64'),
      'Multi-Arch: same packages have name:arch lists',
    );
    const [info] = attachPackageFiles([{ FilePath: 'var/lib/dpkg/status', Packages: packages }], lists);
    const libc = info?.Packages.find((p) => p.Name === 'libc6');
    assert.ok(libc?.InstalledFiles?.includes('/lib/x86_64-linux-gnu/libc.so.6'));
    assert.equal(libc?.InstalledFiles?.length, lineCount.get('libc6:amd64.md5sums'));
    const dpkg = info?.Packages.find((p) => p.Name === 'dpkg');
    assert.ok(dpkg?.InstalledFiles?.includes('/usr/bin/dpkg'));
    assert.equal(dpkg?.InstalledFiles?.length, lineCount.get('dpkg.md5sums'));
  });

  it('detects Debian 12 and gives every package a debian PURL', async () => {
    const content = await readFile(join(rootfs, 'etc/debian_version'));
    const os = (
      await debianAnalyzer.analyze({ path: 'etc/debian_version', size: content.length, mode: 0o644, content })
    )?.os;
    assert.equal(os?.Family, 'debian');
    assert.match(os?.Name ?? '', /^12\.\d+$/);
    const withPurls = assignOsPurls(os ?? { Family: '', Name: '' }, packages);
    for (const p of withPurls) {
      assert.ok(
        p.Identifier?.PURL?.startsWith(`pkg:deb/debian/${encodeURIComponent(p.Name)}@`),
        p.Identifier?.PURL,
      );
      assert.ok(p.Identifier?.PURL?.includes(`distro=debian-${os?.Name ?? ''}`));
    }
    const bsdutils = withPurls.find((p) => p.Name === 'bsdutils');
    assert.match(
      bsdutils?.Identifier?.PURL ?? '',
      /^pkg:deb\/debian\/bsdutils@2\.38\.1-5%2B[^?]+\?arch=amd64&distro=debian-12\.\d+&epoch=1$/,
    );
  });
});

describe('dpkg status parsing', () => {
  it('splits versions, reads Source with and without version, skips removed packages', async () => {
    const status = [
      'Package: bsdutils',
      'Status: install ok installed',
      'Architecture: amd64',
      'Maintainer: util-linux packagers <util-linux@packages.debian.org>',
      'Source: util-linux (2.38.1-5+deb12u1)',
      'Version: 1:2.38.1-5+b1',
      'Depends: libc6 (>= 2.34), libsystemd0 | nothing-here, python3:any',
      '',
      'Package: libc6',
      'Status: install ok installed',
      'Architecture: amd64',
      'Source: glibc',
      'Version: 2.36-9+deb12u4',
      'Description: GNU C Library',
      ' continuation line: not a field',
      '',
      'Package: python3',
      'Status: install ok installed',
      'Version: 3.11.2-1+b1',
      '',
      'Package: removed',
      'Status: deinstall ok config-files',
      'Version: 1.0-1',
      '',
      'Package: purged',
      'Status: purge ok not-installed',
      'Version: 1.0-1',
      '',
      'Package: docker-ce',
      'Status: install ok installed',
      'Maintainer: Docker <support@docker.com>',
      'Version: 5:24.0.7-1~debian.12~bookworm',
      '',
      'Package: native',
      'Status: install ok installed',
      'Version: 20230311',
      '',
      'Package: broken-version',
      'Status: install ok installed',
      'Version: x:1.0',
      '',
    ].join('\n');
    const packages = await packagesOf('var/lib/dpkg/status', status);
    const byName = new Map(packages.map((p) => [p.Name, p]));
    assert.deepEqual([...byName.keys()].sort(), ['bsdutils', 'docker-ce', 'libc6', 'native', 'python3']);
    assert.deepEqual(byName.get('bsdutils'), {
      ID: 'bsdutils@1:2.38.1-5+b1',
      Name: 'bsdutils',
      Version: '2.38.1',
      Epoch: 1,
      Release: '5+b1',
      Arch: 'amd64',
      SrcName: 'util-linux',
      SrcVersion: '2.38.1',
      SrcRelease: '5+deb12u1',
      Maintainer: 'util-linux packagers <util-linux@packages.debian.org>',
      DependsOn: ['libc6@2.36-9+deb12u4', 'python3@3.11.2-1+b1'],
    });
    assert.equal(byName.get('libc6')?.SrcName, 'glibc');
    assert.equal(byName.get('libc6')?.SrcRelease, '9+deb12u4');
    assert.equal(byName.get('python3')?.SrcName, 'python3');
    assert.equal(byName.get('docker-ce')?.ThirdParty, true);
    assert.equal(byName.get('docker-ce')?.Epoch, 5);
    assert.equal(byName.get('bsdutils')?.ThirdParty, undefined);
    assert.equal(byName.get('native')?.Release, undefined);
    assert.equal(byName.get('native')?.ID, 'native@20230311');
  });

  it('reads distroless status.d files, one paragraph each, and their md5sums', async () => {
    const path = 'var/lib/dpkg/status.d/libssl3';
    const packages = await packagesOf(path, 'Package: libssl3\nVersion: 3.0.11-1~deb12u2\nSource: openssl\n');
    assert.equal(packages[0]?.ID, 'libssl3@3.0.11-1~deb12u2');
    assert.equal(packages[0]?.SrcName, 'openssl');
    const files = await analyze('var/lib/dpkg/status.d/libssl3.md5sums', 'abc  usr/lib/libssl.so.3\n');
    assert.deepEqual(files?.packageFiles, [{ packageName: 'libssl3', files: ['/usr/lib/libssl.so.3'] }]);
  });

  it('wants only the dpkg database files', () => {
    const wanted = (path: string): boolean => dpkgAnalyzer.required({ path, size: 1, mode: 0o644 });
    assert.equal(wanted('var/lib/dpkg/status'), true);
    assert.equal(wanted('var/lib/dpkg/info/libc6:amd64.md5sums'), true);
    assert.equal(wanted('var/lib/dpkg/info/libc6:amd64.list'), false);
    assert.equal(wanted('var/lib/dpkg/status-old'), false);
    assert.equal(wanted('var/lib/dpkg/status.d/sub/dir'), false);
    assert.equal(wanted('usr/var/lib/dpkg/status'), false);
  });

  it('rejects an md5sums line without the two-space separator', async () => {
    await assert.rejects(
      async () => analyze('var/lib/dpkg/info/foo.md5sums', 'd41d8cd98f00b204e9800998ecf8427e usr/bin/foo\n'),
      AnalyzerError,
    );
  });

  it('returns nothing for an empty or garbage status file', async () => {
    assert.equal(await analyze('var/lib/dpkg/status', ''), undefined);
    assert.equal(await analyze('var/lib/dpkg/status', Buffer.from([0xff, 0x00, 0x0a, 0x3a])), undefined);
  });
});
