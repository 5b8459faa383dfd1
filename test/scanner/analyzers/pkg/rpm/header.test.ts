import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHeaderBlob, RpmHeaderError } from '../../../../../src/scanner/analyzers/pkg/rpm/header.ts';
import {
  rpmPackageFromHeader,
  resolveRpmDependencies,
} from '../../../../../src/scanner/analyzers/pkg/rpm/package.ts';
import { splitSourceRpm } from '../../../../../src/scanner/analyzers/pkg/rpm/source-rpm.ts';
import { encodeHeaderBlob, sampleHeaderBlob, type TagValue } from './header-writer.ts';

describe('rpm header blobs', () => {
  it('reads tags into a package with source, files, digest and epoch', () => {
    const { pkg, provides, requires } = rpmPackageFromHeader(sampleHeaderBlob());
    assert.deepEqual(pkg, {
      ID: 'openssl-libs@3.0.7-27.el9.x86_64',
      Name: 'openssl-libs',
      Version: '3.0.7',
      Release: '27.el9',
      Arch: 'x86_64',
      Epoch: 1,
      SrcEpoch: 1,
      SrcName: 'openssl',
      SrcVersion: '3.0.7',
      SrcRelease: '27.el9',
      Licenses: ['ASL 2.0'],
      Maintainer: 'Red Hat, Inc.',
      Digest: `md5:${'ab'.repeat(16)}`,
      InstalledFiles: ['/usr/lib64/libcrypto.so.3', '/usr/lib64/libssl.so.3', '/etc/pki/tls/openssl.cnf'],
    });
    assert.deepEqual(provides, ['openssl-libs', 'libssl.so.3()(64bit)']);
    assert.deepEqual(requires, ['libc.so.6()(64bit)']);
  });

  it('gives gpg-pubkey (no arch, no source, no vendor) arch None and marks it third-party', () => {
    const blob = encodeHeaderBlob(
      new Map<number, TagValue>([
        [1000, { type: 'string', value: 'gpg-pubkey' }],
        [1001, { type: 'string', value: 'fd431d51' }],
        [1002, { type: 'string', value: '4ae0493b' }],
        [1044, { type: 'string', value: '(none)' }],
      ]),
    );
    const { pkg } = rpmPackageFromHeader(blob);
    assert.equal(pkg.ID, 'gpg-pubkey@fd431d51-4ae0493b.');
    assert.equal(pkg.Arch, 'None');
    assert.equal(pkg.SrcName, undefined);
    assert.equal(pkg.ThirdParty, true);
  });

  it('resolves requirements through provides, never to the package itself', () => {
    const packages = resolveRpmDependencies([
      rpmPackageFromHeader(sampleHeaderBlob('openssl-libs', ['libssl.so.3()(64bit)', 'glibc'])),
      rpmPackageFromHeader(sampleHeaderBlob('glibc', [])),
    ]);
    assert.deepEqual(packages[0]?.DependsOn, ['glibc@3.0.7-27.el9.x86_64']);
    assert.equal(packages[1]?.DependsOn, undefined);
  });

  it('refuses blobs whose index or data run past the end', () => {
    const blob = sampleHeaderBlob();
    const bad: Buffer[] = [Buffer.alloc(4), blob.subarray(0, blob.length - 1), Buffer.alloc(8)];
    const hugeIndex = Buffer.from(blob);
    hugeIndex.writeUInt32BE(0x7fffffff, 0);
    bad.push(hugeIndex);
    const badOffset = Buffer.from(blob);
    badOffset.writeInt32BE(0x0fffffff, 8 + 8);
    bad.push(badOffset);
    const badCount = Buffer.from(blob);
    badCount.writeUInt32BE(1000, 8 + 16 * 9 + 12);
    bad.push(badCount);
    for (const b of bad) assert.throws(() => parseHeaderBlob(b), RpmHeaderError);
  });

  it('decodes one entry per wanted tag, so thousands of entries sharing one big array stay cheap', () => {
    const il = 60_000;
    const strings = 200_000;
    const dl = strings;
    const blob = Buffer.alloc(8 + il * 16 + dl);
    blob.writeUInt32BE(il, 0);
    blob.writeUInt32BE(dl, 4);
    for (let i = 0; i < il; i++) {
      blob.writeInt32BE(1117, 8 + i * 16);
      blob.writeUInt32BE(8, 8 + i * 16 + 4);
      blob.writeUInt32BE(strings, 8 + i * 16 + 12);
    }
    const started = performance.now();
    const tags = parseHeaderBlob(blob);
    assert.ok(performance.now() - started < 5000, 'linear in the blob size');
    assert.equal((tags.get(1117) as string[]).length, strings);
  });

  it('splits source RPM file names', () => {
    assert.deepEqual(splitSourceRpm('openssl-3.0.7-27.el9.src.rpm'), {
      name: 'openssl',
      version: '3.0.7',
      release: '27.el9',
    });
    assert.deepEqual(splitSourceRpm('python3-pip-21.2.3-7.el9.src.rpm'), {
      name: 'python3-pip',
      version: '21.2.3',
      release: '7.el9',
    });
    assert.equal(splitSourceRpm('nodashes.src.rpm'), undefined);
    assert.equal(splitSourceRpm('no-arch'), undefined);
  });
});
