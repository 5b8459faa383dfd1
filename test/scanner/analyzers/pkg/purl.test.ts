import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignOsPurls, formatPurl, osPackagePurl } from '../../../../src/scanner/analyzers/pkg/purl.ts';
import type { Package } from '../../../../src/scanner/inventory.ts';

describe('OS package PURLs', () => {
  it('builds Debian PURLs with arch, distro and epoch qualifiers, + escaped', () => {
    const pkg: Package = {
      Name: 'bsdutils',
      Version: '2.38.1',
      Release: '5+deb12u1',
      Epoch: 1,
      Arch: 'amd64',
    };
    assert.equal(
      osPackagePurl({ Family: 'debian', Name: '12.4' }, pkg),
      'pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u1?arch=amd64&distro=debian-12.4&epoch=1',
    );
    assert.equal(
      osPackagePurl(
        { Family: 'ubuntu', Name: '22.04' },
        { Name: 'libstdc++6', Version: '12.3.0', Release: '1ubuntu1~22.04' },
      ),
      'pkg:deb/ubuntu/libstdc%2B%2B6@12.3.0-1ubuntu1~22.04?distro=ubuntu-22.04',
    );
  });

  it('builds apk PURLs whose distro is the bare release', () => {
    assert.equal(
      osPackagePurl(
        { Family: 'alpine', Name: '3.19.0' },
        { Name: 'musl', Version: '1.2.4-r2', Arch: 'x86_64' },
      ),
      'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.0',
    );
    assert.equal(
      osPackagePurl(
        { Family: 'wolfi', Name: '20230201' },
        { Name: 'glibc', Version: '2.39-r1', Arch: 'x86_64' },
      ),
      'pkg:apk/wolfi/glibc@2.39-r1?arch=x86_64&distro=20230201',
    );
  });

  it('builds rpm PURLs with a readable modularity label and SUSE namespaces', () => {
    const node: Package = {
      Name: 'npm',
      Version: '9.6.7',
      Release: '1.18.18.2.1.module_el9.2.0+41+3d4d3f7d',
      Epoch: 1,
      Arch: 'x86_64',
      Modularitylabel: 'nodejs:18:9020020230427160308:rhel9',
    };
    assert.equal(
      osPackagePurl({ Family: 'alma', Name: '9.2' }, node),
      'pkg:rpm/alma/npm@9.6.7-1.18.18.2.1.module_el9.2.0%2B41%2B3d4d3f7d?arch=x86_64&distro=alma-9.2&epoch=1&modularitylabel=nodejs:18:9020020230427160308:rhel9',
    );
    const pkg: Package = { Name: 'libz1', Version: '1.2.13', Release: '150500.4.3.1', Arch: 'x86_64' };
    assert.equal(
      osPackagePurl({ Family: 'sles', Name: '15.5' }, pkg),
      'pkg:rpm/suse/libz1@1.2.13-150500.4.3.1?arch=x86_64&distro=sles-15.5',
    );
    assert.equal(
      osPackagePurl({ Family: 'opensuse-leap', Name: '15.5' }, pkg),
      'pkg:rpm/opensuse/libz1@1.2.13-150500.4.3.1?arch=x86_64&distro=opensuse-leap-15.5',
    );
  });

  it('assigns PURLs to copies and leaves families without a package type alone', () => {
    const packages: Package[] = [{ Name: 'musl', Version: '1.2.4-r2', Identifier: { UID: 'abc' } }];
    const assigned = assignOsPurls({ Family: 'alpine', Name: '3.19.0' }, packages);
    assert.deepEqual(assigned[0]?.Identifier, {
      UID: 'abc',
      PURL: 'pkg:apk/alpine/musl@1.2.4-r2?distro=3.19.0',
    });
    assert.equal(packages[0]?.Identifier?.PURL, undefined);
    assert.equal(assignOsPurls({ Family: 'bottlerocket', Name: '1.0' }, packages)[0], packages[0]);
  });

  it('percent-encodes non-ASCII and reserved characters, sorts qualifiers, drops empty ones', () => {
    assert.equal(
      formatPurl({
        type: 'deb',
        namespace: 'debian',
        name: 'a b/ü',
        version: '1@2',
        qualifiers: { z: 'x y', a: '', m: undefined },
      }),
      'pkg:deb/debian/a%20b%2F%C3%BC@1%402?z=x%20y',
    );
  });
});
