import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ImageRecord } from '../../../src/scanner/scan/image-record.ts';
import { imageKey, ImageStore, madeBy } from '../../../src/operator/store/image-store.ts';

const record = (packages: number): ImageRecord => ({
  schemaVersion: 1,
  analyzer: 'test',
  analyzedAt: '2026-12-01T00:00:00.000Z',
  image: { name: 'app', id: 'sha256:config', config: {}, repoTags: [], repoDigests: [], layers: [] },
  inventory: {
    Packages: Array.from({ length: packages }, (_, index) => ({ Name: `pkg-${index}`, Version: '1.0' })),
    Applications: [],
  },
  secrets: [],
});

describe('image store (SQLite)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trivy-ts-store-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('walks an image through pending → scanning → done and keeps it across reopening', () => {
    const path = join(dir, 'lifecycle.db');
    const store = ImageStore.open(path);
    const tracked = store.track('sha256:aa', 'linux/amd64', 'ghcr.io/org/app', 1000);
    assert.equal(tracked.state, 'pending');
    assert.equal(store.needsAnalysis(tracked), true);
    store.markScanning(tracked.key, 2000);
    assert.equal(store.needsAnalysis(store.get(tracked.key)!), false);
    store.markDone(tracked.key, record(3), 3000);
    store.close();

    const reopened = ImageStore.open(path);
    const done = reopened.get(imageKey('sha256:aa', 'linux/amd64'))!;
    assert.equal(done.state, 'done');
    assert.equal(done.analyzedAt, 3000);
    assert.equal(reopened.record(done.key)?.inventory.Packages.length, 3);
    assert.equal(reopened.needsAnalysis(done), false);
    assert.equal(
      reopened.track('sha256:aa', 'linux/amd64', 'ghcr.io/org/app').state,
      'done',
      'track keeps state',
    );
    reopened.close();
  });

  it('asks for every image again when the analysis settings differ from those its inventories were made with', () => {
    const path = join(dir, 'settings.db');
    const store = ImageStore.open(path);
    assert.equal(
      store.useAnalysisSettings('skip-a', 500),
      false,
      'the first settings recorded ask for nothing',
    );
    const tracked = store.track('sha256:bb', 'linux/amd64', 'ghcr.io/org/app', 1000);
    store.markScanning(tracked.key, 2000);
    store.markDone(tracked.key, record(1), 3000);
    assert.equal(store.useAnalysisSettings('skip-a', 4000), false, 'unchanged');
    assert.equal(store.needsAnalysis(store.get(tracked.key)!), false);
    store.close();

    const reopened = ImageStore.open(path);
    assert.equal(reopened.useAnalysisSettings('skip-b', 5000), true, 'changed while the operator was down');
    assert.equal(reopened.needsAnalysis(reopened.get(tracked.key)!), true);
    reopened.markScanning(tracked.key, 6000);
    reopened.markDone(tracked.key, record(1), 7000);
    assert.equal(reopened.needsAnalysis(reopened.get(tracked.key)!), false);
    assert.equal(reopened.useAnalysisSettings('skip-b', 8000), false);
    reopened.close();
  });

  it('backs off failed analyses exponentially up to the cap', () => {
    const store = ImageStore.open(':memory:');
    const { key } = store.track('sha256:bb', 'linux/amd64', 'repo');
    const delays: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      store.markScanning(key, 0);
      store.markFailed(key, 'RegistryUnavailable: 503', 1000, 8000, 0);
      const image = store.get(key)!;
      delays.push(image.nextAttemptAt ?? 0);
      assert.equal(image.reason, 'RegistryUnavailable: 503');
      assert.equal(store.needsAnalysis(image, (image.nextAttemptAt ?? 0) - 1), false);
      assert.equal(store.needsAnalysis(image, image.nextAttemptAt ?? 0), true);
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 8000, 8000]);
    store.markDone(key, record(1));
    assert.equal(store.get(key)?.attempts, 0);
    assert.equal(store.get(key)?.reason, undefined);
    store.close();
  });

  it('a rescan request is satisfied by any analysis started after it, however many ask', () => {
    const store = ImageStore.open(':memory:');
    const { key } = store.track('sha256:cc', 'linux/amd64', 'repo');
    store.markScanning(key, 100);
    store.markDone(key, record(1), 200);
    store.requestRescan(key, 150);
    assert.equal(store.needsAnalysis(store.get(key)!), true, 'asked after the analysis started');
    store.markScanning(key, 300);
    store.markDone(key, record(1), 400);
    store.requestRescan(key, 250);
    assert.equal(store.needsAnalysis(store.get(key)!), false, 'an older request is already satisfied');
    store.requestRescan(key, 500);
    store.requestRescan(key, 350);
    assert.equal(store.get(key)?.rescanRequestedAt, 500, 'an earlier request never replaces a later one');
    assert.equal(store.needsAnalysis(store.get(key)!), true);
    store.close();
  });

  it('dates a deleted report no later than now: a report made in the same second is answered by the next analysis', () => {
    const created = Date.parse('2026-12-03T10:20:08Z');
    assert.equal(
      madeBy('2026-12-03T10:20:08Z', created + 5000),
      created + 1000,
      'up to a second younger than it says',
    );
    assert.equal(madeBy('2026-12-03T10:20:08Z', created + 400), created + 400, 'never younger than now');
    assert.equal(madeBy(undefined, 77), 77);
    assert.equal(madeBy('not a time', 77), 77);
  });

  it('keeps findings per DB version and settings, and forgets images with everything about them', () => {
    const store = ImageStore.open(':memory:');
    const { key } = store.track('sha256:dd', 'linux/amd64', 'repo');
    store.markDone(key, record(2));
    store.putFindings(key, { dbVersion: '2:x', settingsHash: 'h', report: { Results: [{ Target: 't' }] } });
    assert.deepEqual(store.findings(key), {
      dbVersion: '2:x',
      settingsHash: 'h',
      report: { Results: [{ Target: 't' }] },
    });
    store.markDone(key, record(2));
    assert.equal(store.findings(key), undefined, 'a new inventory drops findings of the old one');
    store.forget(key);
    assert.equal(store.get(key), undefined);
    assert.equal(store.record(key), undefined);
    store.close();
  });
});
