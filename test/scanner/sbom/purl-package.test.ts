import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packageFromPurl } from '../../../src/scanner/sbom/purl-package.ts';
import { parseSbom } from '../../../src/scanner/sbom/read-sbom.ts';
import { sbomInventory } from '../../../src/scanner/sbom/sbom-inventory.ts';

describe('packages from purls', () => {
  const cases: [string, Record<string, unknown> | undefined][] = [
    [
      'pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&distro=debian-12.5&epoch=1',
      {
        kind: 'os',
        ID: 'zlib1g@1:1.2.13.dfsg-1',
        Name: 'zlib1g',
        Version: '1.2.13.dfsg',
        Release: '1',
        Epoch: 1,
        SrcName: 'zlib1g',
        SrcVersion: '1.2.13.dfsg',
        SrcEpoch: 1,
        Arch: 'amd64',
      },
    ],
    [
      'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?upstream=openssl%403.0.11-1~deb12u2',
      {
        kind: 'os',
        ID: 'libssl3@3.0.11-1~deb12u2',
        Name: 'libssl3',
        SrcName: 'openssl',
        SrcVersion: '3.0.11',
        SrcRelease: '1~deb12u2',
      },
    ],
    [
      'pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1&upstream=openssl-3.0.7-27.el9.src.rpm',
      {
        kind: 'os',
        ID: 'openssl-libs@3.0.7-27.el9.x86_64',
        Version: '3.0.7',
        Release: '27.el9',
        Epoch: 1,
        SrcName: 'openssl',
        SrcVersion: '3.0.7',
        SrcRelease: '27.el9',
      },
    ],
    [
      'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.0',
      { kind: 'os', ID: 'musl@1.2.4-r2', Version: '1.2.4-r2' },
    ],
    [
      'pkg:npm/%40babel/traverse@7.22.0',
      { kind: 'language', type: 'node-pkg', ID: '@babel/traverse@7.22.0', Name: '@babel/traverse' },
    ],
    [
      'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
      {
        kind: 'language',
        type: 'jar',
        ID: 'org.apache.logging.log4j:log4j-core:2.14.1',
        Name: 'org.apache.logging.log4j:log4j-core',
      },
    ],
    [
      'pkg:golang/golang.org/x/net@v0.10.0',
      { kind: 'language', type: 'gobinary', Name: 'golang.org/x/net', Version: 'v0.10.0' },
    ],
    ['pkg:pypi/jinja2@3.1.2', { kind: 'language', type: 'python-pkg', Name: 'jinja2' }],
    ['pkg:oci/web@sha256%3Aabc', undefined],
    ['pkg:npm/left-pad', undefined],
    ['not a purl', undefined],
    ['pkg:deb/debian/bad@not-a-version!', undefined],
  ];
  for (const [purl, expected] of cases) {
    it(purl, () => {
      const found = packageFromPurl(purl);
      if (expected === undefined) return assert.equal(found, undefined);
      assert.ok(found);
      const flat: Record<string, unknown> = {
        kind: found.kind,
        ...(found.kind === 'language' ? { type: found.type } : {}),
        ...found.pkg,
      };
      for (const [key, value] of Object.entries(expected))
        assert.deepEqual(flat[key], value, `${purl}: ${key}`);
      assert.equal(found.pkg.Identifier?.PURL, purl);
    });
  }
});

describe('SBOM → inventory', () => {
  it('puts packages under the application component that reaches them and groups the rest by type', () => {
    const document = parseSbom(
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        metadata: { component: { type: 'application', name: '.', 'bom-ref': 'root' } },
        components: [
          {
            type: 'application',
            name: 'web/package-lock.json',
            'bom-ref': 'app',
            properties: [{ name: 'aquasecurity:trivy:Type', value: 'npm' }],
          },
          {
            type: 'library',
            name: 'express',
            version: '4.18.2',
            purl: 'pkg:npm/express@4.18.2',
            'bom-ref': 'e',
          },
          { type: 'library', name: 'ms', version: '2.0.0', purl: 'pkg:npm/ms@2.0.0', 'bom-ref': 'm' },
          { type: 'library', name: 'flask', version: '2.3.3', purl: 'pkg:pypi/flask@2.3.3', 'bom-ref': 'f' },
        ],
        dependencies: [
          { ref: 'root', dependsOn: ['app', 'f'] },
          { ref: 'app', dependsOn: ['e'] },
          { ref: 'e', dependsOn: ['m'] },
        ],
      }),
      'bom.json',
    );
    const { inventory } = sbomInventory(document);
    assert.deepEqual(
      inventory.Applications.map((app) => [app.Type, app.FilePath, app.Packages.map((pkg) => pkg.ID)]),
      [
        ['npm', 'web/package-lock.json', ['express@4.18.2', 'ms@2.0.0']],
        ['python-pkg', '', ['flask@2.3.3']],
      ],
    );
    assert.equal(inventory.OS, undefined);
  });
});
