import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodePackageAnalyzer } from '../../../src/scanner/analyzers/lang/node-pkg.ts';
import { pythonPackageAnalyzer } from '../../../src/scanner/analyzers/lang/python-pkg.ts';
import { ImageFormatError, type ContainerImage } from '../../../src/scanner/image/image.ts';
import { mergeLayers } from '../../../src/scanner/image/layer-merge.ts';
import { walkLayer } from '../../../src/scanner/image/layer-walker.ts';
import { openLocalImage } from '../../../src/scanner/image/local.ts';
import { TarIndexError } from '../../../src/scanner/image/tar-index.ts';
import { buildOciImage, combineIntoIndex, skopeoCopy } from '../../support/oci-image.ts';

const amd64 = { os: 'linux', architecture: 'amd64' };
const packageJson = (name: string, version: string) => JSON.stringify({ name, version });

async function inventoryOf(image: ContainerImage) {
  const layers = [];
  for (const layer of image.layers) {
    layers.push(
      await walkLayer(await layer.open(), {
        analyzers: [nodePackageAnalyzer, pythonPackageAnalyzer],
        diffId: layer.diffId,
        ...(layer.digest ? { digest: layer.digest } : {}),
      }),
    );
  }
  const merged = mergeLayers(layers);
  return merged.Applications.flatMap((app) =>
    app.Packages.map((pkg) => `${pkg.ID} ${pkg.Layer?.DiffID === image.layers[0]?.diffId ? 'L1' : 'L2'}`),
  ).sort();
}

describe('local image sources (umoci + skopeo)', () => {
  let scratch: string;
  let layout: string;
  const expected = ['ms@2.1.3 L1', 'six@1.16.0 L2'];

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-local-'));
    layout = join(scratch, 'layout');
    await buildOciImage(layout, 'app', [
      {
        add: {
          'app/node_modules/lodash/package.json': packageJson('lodash', '4.17.20'),
          'app/node_modules/ms/package.json': packageJson('ms', '2.1.3'),
        },
      },
      {
        remove: ['app/node_modules/lodash'],
        add: {
          'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA': 'Name: six\nVersion: 1.16.0\n',
        },
      },
    ]);
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('reads an OCI layout directory; the whiteout umoci wrote removes lodash', async () => {
    const image = await openLocalImage(layout, { platform: amd64 });
    assert.equal(image.layers.length, 2);
    assert.match(image.id, /^sha256:[a-f0-9]{64}$/);
    assert.deepEqual(await inventoryOf(image), expected);
  });

  it('reads a docker save archive written by skopeo (legacy layout, layers verified against diff IDs)', async () => {
    const archive = join(scratch, 'docker.tar');
    await skopeoCopy(`oci:${layout}:app`, `docker-archive:${archive}:example/app:1.0`);
    const image = await openLocalImage(archive, { platform: amd64 });
    assert.deepEqual(image.repoTags, ['example/app:1.0']);
    assert.deepEqual(await inventoryOf(image), expected);
  });

  it('reads an OCI archive written by skopeo', async () => {
    const archive = join(scratch, 'oci.tar');
    await skopeoCopy(`oci:${layout}:app`, `oci-archive:${archive}:app`);
    const image = await openLocalImage(archive, { platform: amd64 });
    assert.deepEqual(await inventoryOf(image), expected);
  });

  it('selects the platform from a multi-platform index, and says which platforms exist otherwise', async () => {
    const multi = join(scratch, 'multi');
    await buildOciImage(multi, 'amd', [{ add: { 'a/package.json': packageJson('only-amd64', '1.0.0') } }], {
      architecture: 'amd64',
    });
    await buildOciImage(multi, 'arm', [{ add: { 'a/package.json': packageJson('only-arm64', '1.0.0') } }], {
      architecture: 'arm64',
    });
    await combineIntoIndex(multi, 'both', { amd: 'linux/amd64', arm: 'linux/arm64' });
    const arm = await openLocalImage(`${multi}:both`, { platform: { os: 'linux', architecture: 'arm64' } });
    assert.equal(arm.config.architecture, 'arm64');
    await assert.rejects(
      openLocalImage(`${multi}:both`, { platform: { os: 'linux', architecture: 's390x' } }),
      (error: unknown) =>
        error instanceof ImageFormatError && /linux\/amd64, linux\/arm64/.test(error.hint ?? ''),
    );
    await assert.rejects(openLocalImage(`${multi}:nope`, { platform: amd64 }), /has no image tagged "nope"/);
  });

  it('fails the layer stream when a blob was tampered with', async () => {
    const copy = join(scratch, 'tampered');
    await skopeoCopy(`oci:${layout}:app`, `oci:${copy}:app`);
    const image = await openLocalImage(copy, { platform: amd64 });
    const layerPath = join(copy, 'blobs', 'sha256', (image.layers[0]?.digest ?? '').split(':')[1] ?? '');
    const bytes = await readFile(layerPath);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    await writeFile(layerPath, bytes);
    await assert.rejects(inventoryOf(image), /corrupt|digest|could not be read/);
  });

  it('refuses files that are not image archives, with a hint', async () => {
    const notTar = join(scratch, 'not-an-image.tar');
    await writeFile(notTar, Buffer.alloc(2048, 7));
    await assert.rejects(openLocalImage(notTar, { platform: amd64 }), TarIndexError);
    await assert.rejects(openLocalImage(join(scratch, 'missing'), { platform: amd64 }), ImageFormatError);
    const emptyDir = join(scratch, 'empty');
    await skopeoCopy(`oci:${layout}:app`, `oci:${emptyDir}:app`);
    await rm(join(emptyDir, 'index.json'));
    await assert.rejects(openLocalImage(emptyDir, { platform: amd64 }), /not an OCI image layout/);
    assert.ok((await readdir(emptyDir)).includes('blobs'));
  });
});
