import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DB_ARTIFACT_TYPE,
  DB_LAYER_MEDIA_TYPE,
  DbArtifactError,
  dbLayerFromManifest,
} from '../../../../src/scanner/db/download/artifact.ts';

const digest = (c: string): string => `sha256:${c.repeat(64)}`;
const layer = {
  mediaType: DB_LAYER_MEDIA_TYPE,
  digest: digest('a'),
  size: 1234,
  annotations: { 'org.opencontainers.image.title': 'db.tar.gz' },
};
const emptyConfig = { mediaType: 'application/vnd.oci.empty.v1+json', digest: digest('4'), size: 2 };

function response(manifest: object, mediaType = 'application/vnd.oci.image.manifest.v1+json') {
  return { mediaType, digest: digest('f'), bytes: Buffer.from(JSON.stringify(manifest)) };
}

function check(manifest: object, mediaType?: string) {
  return dbLayerFromManifest(response(manifest, mediaType), 'test/db:2');
}

describe('dbLayerFromManifest', () => {
  it('accepts both artifact-type forms and returns the layer', () => {
    const modern = check({
      schemaVersion: 2,
      artifactType: DB_ARTIFACT_TYPE,
      config: emptyConfig,
      layers: [layer],
    });
    assert.equal(modern.artifactTypeForm, 'artifactType');
    assert.equal(modern.descriptor.digest, layer.digest);
    assert.equal(modern.title, 'db.tar.gz');
    const older = check({
      schemaVersion: 2,
      config: { ...emptyConfig, mediaType: DB_ARTIFACT_TYPE },
      layers: [layer],
    });
    assert.equal(older.artifactTypeForm, 'config');
  });

  it('rejects anything but exactly one DB layer with a plain title', () => {
    const base = { schemaVersion: 2, config: emptyConfig };
    const cases: Array<[object, RegExp]> = [
      [{ ...base, layers: [] }, /0 layers/],
      [{ ...base, layers: [layer, layer] }, /2 layers/],
      [
        { ...base, layers: [{ ...layer, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }] },
        /not application/,
      ],
      [{ ...base, layers: [{ ...layer, annotations: {} }] }, /no org\.opencontainers\.image\.title/],
      [
        {
          ...base,
          layers: [{ ...layer, annotations: { 'org.opencontainers.image.title': '../db.tar.gz' } }],
        },
        /unsafe/,
      ],
      [
        { ...base, layers: [{ ...layer, annotations: { 'org.opencontainers.image.title': '/tmp/x' } }] },
        /unsafe/,
      ],
      [{ ...base, layers: [{ ...layer, digest: 'md5:abc' }] }, /not an image manifest/],
      [{ schemaVersion: 2, manifests: [] }, /not an image manifest/],
    ];
    for (const [manifest, pattern] of cases) {
      assert.throws(
        () => check(manifest),
        (error: unknown) => {
          assert.ok(error instanceof DbArtifactError, String(error));
          assert.match(error.message, pattern);
          return true;
        },
      );
    }
    assert.throws(
      () => check({ schemaVersion: 2, manifests: [] }, 'application/vnd.oci.image.index.v1+json'),
      /index/,
    );
    assert.throws(
      () => dbLayerFromManifest({ ...response({}), bytes: Buffer.from('{') }, 'x'),
      /not valid JSON/,
    );
  });
});
