import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DbUpdateError,
  decideUpdate,
  type LocalDbState,
} from '../../../../src/scanner/db/download/decision.ts';
import { parseDbMetadata } from '../../../../src/scanner/db/download/metadata.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const HOUR = 3600_000;

function local(fields: Record<string, unknown> | undefined, dbFilePresent = true): LocalDbState {
  return {
    dbFilePresent,
    metadata: fields === undefined ? undefined : parseDbMetadata(JSON.stringify(fields)),
  };
}

function at(offsetMs: number): string {
  return new Date(NOW.getTime() + offsetMs).toISOString();
}

const fresh = {
  Version: 2,
  NextUpdate: at(5 * HOUR),
  UpdatedAt: at(-19 * HOUR),
  DownloadedAt: at(-3 * HOUR),
};
const stale = {
  Version: 2,
  NextUpdate: at(-1 * HOUR),
  UpdatedAt: at(-25 * HOUR),
  DownloadedAt: at(-2 * HOUR),
};

function decide(state: LocalDbState, options: { skipUpdate?: boolean; force?: boolean } = {}): string {
  return decideUpdate(state, {
    now: NOW,
    skipUpdate: options.skipUpdate ?? false,
    force: options.force ?? false,
  }).action;
}

describe('decideUpdate (Trivy NeedsUpdate rules)', () => {
  it('downloads when trivy.db or metadata.json is missing, and refuses --skip-db-update then', () => {
    assert.equal(decide(local(undefined, false)), 'download');
    assert.equal(decide(local(fresh, false)), 'download');
    assert.equal(decide(local(undefined, true)), 'download');
    assert.throws(
      () => decide(local(undefined, false), { skipUpdate: true }),
      (error: unknown) => {
        assert.ok(error instanceof DbUpdateError);
        assert.match(error.message, /--skip-db-update cannot be used on the first run/);
        return true;
      },
    );
  });

  it('keeps a DB before NextUpdate, or within an hour of the download', () => {
    assert.equal(decide(local(fresh)), 'use-local');
    assert.equal(decide(local({ ...stale, DownloadedAt: at(-HOUR / 2) })), 'use-local');
    assert.equal(decide(local(stale)), 'download');
  });

  it('downloads once NextUpdate has passed and the last download is over an hour old', () => {
    assert.equal(decide(local({ ...stale, DownloadedAt: at(-1 * HOUR - 1) })), 'download');
    assert.equal(decide(local({ ...stale, DownloadedAt: at(-HOUR + 1000) })), 'use-local');
  });

  it('re-downloads a DB never stamped by a client (zero DownloadedAt) unless skipping', () => {
    const oras = { ...fresh, DownloadedAt: '0001-01-01T00:00:00Z' };
    assert.equal(decide(local(oras)), 'download');
    assert.equal(decide(local(oras), { skipUpdate: true }), 'use-local');
  });

  it('refuses a newer schema with "upgrade trivy-ts" and downloads over an older one', () => {
    assert.throws(
      () => decide(local({ ...fresh, Version: 3 })),
      (error: unknown) => {
        assert.ok(error instanceof DbUpdateError);
        assert.equal(error.hint, 'upgrade trivy-ts');
        return true;
      },
    );
    assert.equal(decide(local({ ...fresh, Version: 1 })), 'download');
    assert.throws(
      () => decide(local({ ...fresh, Version: 1 }), { skipUpdate: true }),
      /--skip-db-update forbids/,
    );
  });

  it('skips any update with --skip-db-update when a schema-2 DB is there, however old', () => {
    assert.equal(
      decide(local({ ...stale, DownloadedAt: at(-100 * HOUR) }), { skipUpdate: true }),
      'use-local',
    );
  });

  it('downloads a fresh DB when forced', () => {
    assert.equal(decide(local(fresh), { force: true }), 'download');
  });
});
