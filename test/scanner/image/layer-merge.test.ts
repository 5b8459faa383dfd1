import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Application, Package } from '../../../src/scanner/inventory.ts';
import { mergeLayers } from '../../../src/scanner/image/layer-merge.ts';
import type { LayerAnalysis } from '../../../src/scanner/image/layer-walker.ts';

function layer(diffId: string, parts: Partial<LayerAnalysis>): LayerAnalysis {
  return {
    SchemaVersion: 2,
    DiffID: diffId,
    Digest: diffId.replace('diff', 'blob'),
    PackageInfos: [],
    Applications: [],
    OpaqueDirs: [],
    WhiteoutFiles: [],
    Secrets: [],
    PackageFiles: [],
    ...parts,
  };
}

const deb = (name: string, version: string, installedFiles: string[] = []): Package => ({
  ID: `${name}@${version}`,
  Name: name,
  Version: version,
  InstalledFiles: installedFiles,
});
const npm = (name: string, version: string, filePath: string): Package => ({
  ID: `${name}@${version}`,
  Name: name,
  Version: version,
  FilePath: filePath,
});
const nodeApp = (...packages: Package[]): Application => ({
  Type: 'node-pkg',
  FilePath: packages[0]?.FilePath ?? '',
  Packages: packages,
});

describe('layer merge', () => {
  const base = layer('sha256:diff1', {
    OS: { Family: 'debian', Name: '12.5' },
    PackageInfos: [
      { FilePath: 'var/lib/dpkg/status', Packages: [deb('bash', '5.2.15-2'), deb('curl', '7.88.1-10')] },
    ],
    Applications: [
      nodeApp(npm('lodash', '4.17.20', 'app/node_modules/lodash/package.json')),
      nodeApp(npm('left-pad', '1.0.0', 'app/node_modules/left-pad/package.json')),
      nodeApp(npm('cached', '1.0.0', 'opt/cache/cached/package.json')),
    ],
  });

  it('attributes each package to the lowest layer that installed that version', () => {
    const upgrade = layer('sha256:diff2', {
      PackageInfos: [
        {
          FilePath: 'var/lib/dpkg/status',
          Packages: [deb('bash', '5.2.15-2'), deb('curl', '7.88.1-10+deb12u5')],
        },
      ],
    });
    const merged = mergeLayers([base, upgrade]);
    assert.deepEqual(
      merged.Packages.map((pkg) => [pkg.ID, pkg.Layer?.DiffID]),
      [
        ['bash@5.2.15-2', 'sha256:diff1'],
        ['curl@7.88.1-10+deb12u5', 'sha256:diff2'],
      ],
    );
    assert.equal(merged.Packages[0]?.Layer?.Digest, 'sha256:blob1');
  });

  it('removes what whiteouts and opaque directories delete, and nothing else', () => {
    const deleting = layer('sha256:diff2', {
      WhiteoutFiles: ['app/node_modules/lodash'],
      OpaqueDirs: ['opt/cache'],
    });
    const merged = mergeLayers([base, deleting]);
    assert.deepEqual(
      merged.Applications.flatMap((app) => app.Packages.map((pkg) => pkg.ID)),
      ['left-pad@1.0.0'],
    );
    assert.equal(merged.Packages.length, 2, 'the dpkg database is untouched');
  });

  it('lets an upper layer re-add what it deleted (whiteout then new file in the same layer)', () => {
    const reinstall = layer('sha256:diff2', {
      WhiteoutFiles: ['app/node_modules/lodash'],
      Applications: [nodeApp(npm('lodash', '4.17.21', 'app/node_modules/lodash/package.json'))],
    });
    const merged = mergeLayers([base, reinstall]);
    const lodash = merged.Applications[0]?.Packages.find((pkg) => pkg.Name === 'lodash');
    assert.equal(lodash?.Version, '4.17.21');
    assert.equal(lodash?.Layer?.DiffID, 'sha256:diff2');
  });

  it('collapses per-manifest types into one application and keeps file-level ones apart', () => {
    const lock = layer('sha256:diff2', {
      Applications: [
        {
          Type: 'cargo',
          FilePath: 'src/Cargo.lock',
          Packages: [{ ID: 'serde@1.0.0', Name: 'serde', Version: '1.0.0' }],
        },
      ],
    });
    const merged = mergeLayers([base, lock]);
    assert.deepEqual(
      merged.Applications.map((app) => [app.Type, app.FilePath, app.Packages.length]),
      [
        ['cargo', 'src/Cargo.lock', 1],
        ['node-pkg', '', 3],
      ],
    );
  });

  it('drops language packages whose manifest an OS package installed', () => {
    const withOwnedFile = layer('sha256:diff1', {
      PackageInfos: [
        {
          FilePath: 'var/lib/dpkg/status',
          Packages: [deb('node-lodash', '4.17.21', ['usr/share/nodejs/lodash/package.json'])],
        },
      ],
      Applications: [nodeApp(npm('lodash', '4.17.21', 'usr/share/nodejs/lodash/package.json'))],
    });
    assert.deepEqual(mergeLayers([withOwnedFile]).Applications, []);
  });
});
