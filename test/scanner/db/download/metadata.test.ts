import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DbMetadataError,
  parseDbMetadata,
  serialiseDbMetadata,
  withDownloadedAt,
} from '../../../../src/scanner/db/download/metadata.ts';

describe('DB metadata.json', () => {
  it('reads Go times, treating the zero time as absent', () => {
    const m = parseDbMetadata(
      '{"Version":2,"NextUpdate":"2026-06-02T06:11:44.123456789Z","UpdatedAt":"2026-06-01T06:11:44Z","DownloadedAt":"0001-01-01T00:00:00Z"}',
    );
    assert.equal(m.version, 2);
    assert.equal(m.nextUpdate?.toISOString(), '2026-06-02T06:11:44.123Z');
    assert.equal(m.downloadedAt, undefined);
    assert.equal(parseDbMetadata('{}').version, 0);
  });

  it('stamps DownloadedAt and keeps the other fields as written', () => {
    const original = '{"Version":2,"NextUpdate":"2026-06-02T06:11:44.123456789Z","Extra":"kept"}';
    const stamped = withDownloadedAt(parseDbMetadata(original), new Date('2026-06-01T07:00:00Z'));
    const written = JSON.parse(serialiseDbMetadata(stamped)) as Record<string, unknown>;
    assert.deepEqual(written, {
      Version: 2,
      NextUpdate: '2026-06-02T06:11:44.123456789Z',
      Extra: 'kept',
      DownloadedAt: '2026-06-01T07:00:00.000Z',
    });
    assert.equal(
      parseDbMetadata(serialiseDbMetadata(stamped)).downloadedAt?.toISOString(),
      '2026-06-01T07:00:00.000Z',
    );
  });

  it('rejects invalid documents with a typed error', () => {
    for (const bad of ['', 'nope', '[]', '{"Version":"2"}', '{"NextUpdate":"tomorrow"}', '{"Version":-1}']) {
      assert.throws(() => parseDbMetadata(bad), DbMetadataError, bad);
    }
  });
});
