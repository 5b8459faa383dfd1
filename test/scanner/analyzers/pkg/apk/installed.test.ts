import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { apkAnalyzer, isApkVersion } from '../../../../../src/scanner/analyzers/pkg/apk/installed.ts';
import { parseApkLicense } from '../../../../../src/scanner/analyzers/pkg/apk/license.ts';
import type { Package } from '../../../../../src/scanner/inventory.ts';

/** apk's `C:` field: `Q1` + base64 of the SHA-1 of the package's control segment. */
function checksumOf(seed: string): { field: string; hex: string } {
  const digest = createHash('sha1').update(seed).digest();
  return { field: `Q1${digest.toString('base64')}`, hex: digest.toString('hex') };
}

const musl = checksumOf('musl');
/** An installed database in the layout apk-tools writes (apk-spec: one record per package, blank-line separated). */
const installed = [
  'C:' + musl.field,
  'P:musl',
  'V:1.2.4-r2',
  'A:x86_64',
  'S:383152',
  'I:622592',
  'T:the musl c library (libc) implementation',
  'U:https://musl.libc.org/',
  'L:MIT',
  'o:musl',
  'm:Timo Teräs <timo.teras@iki.fi>',
  't:1698231133',
  'c:a2ac9b5d8ac8bb0b5d2e8c02fe6d5cf0d9a0f0e1',
  'p:so:libc.musl-x86_64.so.1=1',
  'F:lib',
  'R:ld-musl-x86_64.so.1',
  'a:0:0:755',
  'Z:Q1v2m+xR1kx6V4k3/M0cT4sWbX6Hk=',
  'R:libc.musl-x86_64.so.1',
  'a:0:0:777',
  '',
  'C:' + checksumOf('busybox').field,
  'P:busybox',
  'V:1.36.1-r15',
  'A:x86_64',
  'L:GPL-2.0-only',
  'o:busybox',
  'D:so:libc.musl-x86_64.so.1 !busybox-static musl>=1.2',
  'F:bin',
  'R:busybox',
  'F:etc',
  'R:securetty',
  '',
  'P:ssl_client',
  'V:1.36.1-r15',
  'A:x86_64',
  'L:MPL 2.0 GPL2+ AND (MIT OR Apache-2.0)',
  'o:busybox',
  'D:so:libc.musl-x86_64.so.1 so:libcrypto.so.3 busybox=1.36.1-r15',
  '',
  'P:broken',
  'V:not-a-version',
  '',
  'P:musl',
  'V:9.9.9-r0',
  '',
].join('\n');

async function analyze(text: string, path = 'lib/apk/db/installed'): Promise<Package[]> {
  const content = Buffer.from(text);
  const result = await apkAnalyzer.analyze({ path, size: content.length, mode: 0o644, content });
  if (result === undefined) return [];
  assert.equal(result.packageInfos?.[0]?.FilePath, path);
  return result.packageInfos?.[0]?.Packages ?? [];
}

describe('apk installed database', () => {
  it('reads names, versions, origins, licenses, digests, files and dependencies', async () => {
    const packages = await analyze(installed);
    assert.deepEqual(
      packages.map((p) => p.ID),
      ['musl@1.2.4-r2', 'busybox@1.36.1-r15', 'ssl_client@1.36.1-r15'],
    );
    const [muslPkg, busybox, sslClient] = packages;
    assert.deepEqual(muslPkg, {
      ID: 'musl@1.2.4-r2',
      Name: 'musl',
      Version: '1.2.4-r2',
      Arch: 'x86_64',
      Licenses: ['MIT'],
      SrcName: 'musl',
      SrcVersion: '1.2.4-r2',
      Maintainer: 'Timo Teräs <timo.teras@iki.fi>',
      Digest: `sha1:${musl.hex}`,
      InstalledFiles: ['lib/ld-musl-x86_64.so.1', 'lib/libc.musl-x86_64.so.1'],
    });
    // `so:` requirement resolved through musl's provides, `musl>=1.2` through its name, `!conflict` ignored.
    assert.deepEqual(busybox?.DependsOn, ['musl@1.2.4-r2']);
    assert.deepEqual(busybox?.InstalledFiles, ['bin/busybox', 'etc/securetty']);
    assert.deepEqual(sslClient?.DependsOn, ['busybox@1.36.1-r15', 'musl@1.2.4-r2']);
    assert.equal(sslClient?.SrcName, 'busybox');
    assert.equal(sslClient?.SrcVersion, '1.36.1-r15');
    assert.deepEqual(sslClient?.Licenses, ['MPL2.0', 'GPL2+', 'MIT', 'Apache-2.0']);
  });

  it('accepts the usr/lib location and nothing else', () => {
    const wanted = (path: string): boolean => apkAnalyzer.required({ path, size: 1, mode: 0o644 });
    assert.equal(wanted('lib/apk/db/installed'), true);
    assert.equal(wanted('usr/lib/apk/db/installed'), true);
    assert.equal(wanted('lib/apk/db/installed.old'), false);
    assert.equal(wanted('lib/apk/db/triggers'), false);
  });

  it('reads a record without a trailing blank line and CRLF-free garbage without failing', async () => {
    assert.deepEqual(
      (await analyze('P:zlib\nV:1.3-r2')).map((p) => p.ID),
      ['zlib@1.3-r2'],
    );
    assert.deepEqual(await analyze('\u0000\u0001garbage\n:::\n\n'), []);
  });

  it('validates apk versions and splits licenses like Trivy', () => {
    for (const v of ['1.2.4-r2', '2.0_rc1-r0', '1.1.1w-r1', '20230311', '1.0_p1_git20200101-r3'])
      assert.ok(isApkVersion(v), v);
    for (const v of ['', 'abc', '1.0-r', '1..0', '1.0-rx']) assert.equal(isApkVersion(v), false, v);
    assert.deepEqual(parseApkLicense('GPL-2.0-or-later AND LGPL-2.1-or-later'), [
      'GPL-2.0-or-later',
      'LGPL-2.1-or-later',
    ]);
    assert.deepEqual(parseApkLicense(''), []);
  });
});
