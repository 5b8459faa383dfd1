import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installedVersion, sourceVersion } from '../../../../src/scanner/detect/version/package-version.ts';

describe('package version strings', () => {
  it('formats [epoch:]version[-release] for the binary and the source package', () => {
    const pkg = {
      Name: 'libc6',
      Version: '2.36',
      Release: '9+deb12u4',
      Epoch: 1,
      SrcName: 'glibc',
      SrcVersion: '2.36',
      SrcRelease: '9+deb12u3',
      SrcEpoch: 0,
    };
    assert.equal(installedVersion(pkg), '1:2.36-9+deb12u4');
    assert.equal(sourceVersion(pkg), '2.36-9+deb12u3');
    assert.equal(installedVersion({ Name: 'musl', Version: '1.2.4-r2' }), '1.2.4-r2');
    assert.equal(installedVersion({ Name: 'x', Version: '1.0', Epoch: 0, Release: '' }), '1.0');
  });

  it('falls back to the binary version when no source version was recorded', () => {
    assert.equal(
      sourceVersion({ Name: 'busybox', Version: '1.36.1', Release: 'r15', SrcName: 'busybox' }),
      '1.36.1-r15',
    );
  });
});
