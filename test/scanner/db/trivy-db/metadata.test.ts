import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  assertSupportedSchema,
  formatMetadata,
  formatRfc3339,
  goZeroTime,
  isZeroTime,
  parseMetadata,
  parseRfc3339,
  readMetadata,
  TrivyDbMetadataError,
  TrivyDbMissingError,
  TrivyDbSchemaError,
  writeMetadata,
} from '../../../../src/scanner/db/trivy-db/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trivy-db-metadata-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('trivy-db metadata.json', () => {
  it('parses what Trivy writes: nanoseconds, offsets and the Go zero time', () => {
    const metadata = parseMetadata(
      '{"Version":2,"NextUpdate":"2026-07-02T06:13:39.123456789Z","UpdatedAt":"2026-07-01T08:13:39+02:00","DownloadedAt":"0001-01-01T00:00:00Z"}',
      'metadata.json',
    );
    assert.equal(metadata.Version, 2);
    assert.equal(metadata.NextUpdate.toISOString(), '2026-07-02T06:13:39.123Z');
    assert.equal(metadata.UpdatedAt.toISOString(), '2026-07-01T06:13:39.000Z');
    assert.ok(isZeroTime(metadata.DownloadedAt));
    assert.ok(!isZeroTime(metadata.UpdatedAt));
  });

  it('reads a missing Version as 0 and missing times as the zero time, like Go', () => {
    const metadata = parseMetadata('{"UpdatedAt":"2026-07-01T06:13:39Z"}', 'm');
    assert.equal(metadata.Version, 0);
    assert.ok(isZeroTime(metadata.NextUpdate) && isZeroTime(metadata.DownloadedAt));
    assert.throws(
      () => assertSupportedSchema(metadata, 'm'),
      (error: unknown) => {
        assert.ok(error instanceof TrivyDbSchemaError);
        assert.match(error.hint ?? '', /trivy-ts db update/);
        return true;
      },
    );
  });

  it('rejects a newer schema with an upgrade hint', () => {
    const metadata = parseMetadata('{"Version":3}', 'm');
    assert.throws(
      () => assertSupportedSchema(metadata, 'm'),
      (error: unknown) => {
        assert.ok(error instanceof TrivyDbSchemaError);
        assert.equal(error.version, 3);
        assert.match(error.hint ?? '', /Upgrade trivy-ts/);
        return true;
      },
    );
    assert.doesNotThrow(() => assertSupportedSchema(parseMetadata('{"Version":2}', 'm'), 'm'));
  });

  it('rejects malformed files with the field named', () => {
    const bad: [string, RegExp][] = [
      ['not json', /not JSON/],
      ['[]', /not a JSON object/],
      ['{"Version":"2"}', /Version/],
      ['{"Version":-1}', /Version/],
      ['{"Version":2,"UpdatedAt":"2026-02-30T00:00:00Z"}', /UpdatedAt/],
      ['{"Version":2,"UpdatedAt":"2026-13-01T00:00:00Z"}', /UpdatedAt/],
      ['{"Version":2,"NextUpdate":"2026-07-01 06:00:00"}', /NextUpdate/],
      ['{"Version":2,"DownloadedAt":12345}', /DownloadedAt/],
    ];
    for (const [text, field] of bad) {
      assert.throws(
        () => parseMetadata(text, '/c/db/metadata.json'),
        (error: unknown) => {
          assert.ok(error instanceof TrivyDbMetadataError, text);
          assert.match(error.message, field);
          assert.match(error.message, /\/c\/db\/metadata\.json/);
          return true;
        },
      );
    }
  });

  it('validates RFC 3339 strictly', () => {
    assert.equal(parseRfc3339('2024-02-29T23:59:59Z')?.toISOString(), '2024-02-29T23:59:59.000Z');
    for (const text of [
      '2023-02-29T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T00:00:00+25:00',
      '2024-01-01',
    ]) {
      assert.equal(parseRfc3339(text), undefined, text);
    }
  });

  it('formats like Go (zero fraction dropped, Version omitted when 0) and round-trips', () => {
    assert.equal(formatRfc3339(goZeroTime()), '0001-01-01T00:00:00Z');
    assert.equal(formatRfc3339(new Date('2026-07-01T06:00:00.120Z')), '2026-07-01T06:00:00.12Z');
    const metadata = {
      Version: 2,
      NextUpdate: new Date('2026-07-02T06:00:00Z'),
      UpdatedAt: new Date('2026-07-01T06:00:00.5Z'),
      DownloadedAt: goZeroTime(),
    };
    assert.equal(
      formatMetadata(metadata),
      '{"Version":2,"NextUpdate":"2026-07-02T06:00:00Z","UpdatedAt":"2026-07-01T06:00:00.5Z","DownloadedAt":"0001-01-01T00:00:00Z"}',
    );
    assert.ok(!formatMetadata({ ...metadata, Version: 0 }).includes('Version'));
    const path = join(dir, 'metadata.json');
    writeMetadata(path, metadata);
    assert.deepEqual(readMetadata(path), metadata);
    assert.deepEqual(readdirSync(dir), ['metadata.json'], 'no temp file left behind');
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).DownloadedAt, '0001-01-01T00:00:00Z');
  });

  it('reports a missing file as a missing DB', () => {
    assert.throws(
      () => readMetadata(join(dir, 'nope', 'metadata.json')),
      (error: unknown) => {
        assert.ok(error instanceof TrivyDbMissingError);
        assert.match(error.hint ?? '', /trivy-ts db update/);
        return true;
      },
    );
  });
});
