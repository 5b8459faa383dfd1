import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { WorkQueue } from '../../../src/operator/runtime/work-queue.ts';

/** Polls until `condition` holds (robust on a loaded machine, unlike a fixed sleep). */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(5);
  }
}

describe('work queue', () => {
  it('runs a key at most once at a time and again after, if it was added while running', async () => {
    const runs: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const queue = new WorkQueue({
      name: 'test',
      concurrency: 4,
      reconcile: async (key) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        runs.push(key);
        await sleep(20);
        running--;
      },
    });
    queue.start();
    queue.add('a');
    queue.add('a');
    await sleep(5);
    queue.add('a');
    queue.add('a');
    await sleep(80);
    await queue.idle();
    assert.deepEqual(runs, ['a', 'a'], 'queued twice while idle = once; added while running = once more');
    assert.equal(maxRunning, 1);
    await queue.stop();
  });

  it('bounds concurrency across keys', async () => {
    let running = 0;
    let maxRunning = 0;
    const queue = new WorkQueue({
      name: 'test',
      concurrency: 3,
      reconcile: async () => {
        maxRunning = Math.max(maxRunning, ++running);
        await sleep(10);
        running--;
      },
    });
    queue.start();
    for (let index = 0; index < 20; index++) queue.add(`k${index}`);
    await sleep(5);
    await queue.idle();
    assert.equal(maxRunning, 3);
    await queue.stop();
  });

  it('requeues after the delay a reconcile asks for, and retries failures with backoff', async () => {
    const times: number[] = [];
    let failures = 0;
    const started = Date.now();
    const queue = new WorkQueue({
      name: 'test',
      concurrency: 1,
      errorBackoffMs: 30,
      reconcile: async (key) => {
        times.push(Date.now() - started);
        if (key === 'flaky' && failures++ < 2) throw new Error('boom');
        if (key === 'later' && times.length === 1) return { requeueAfterMs: 50 };
        return {};
      },
    });
    queue.start();
    queue.add('later');
    await until(() => times.length === 2);
    assert.ok((times[1] ?? 0) - (times[0] ?? 0) >= 45);
    times.length = 0;
    queue.add('flaky');
    await until(() => times.length === 3);
    await sleep(100);
    assert.equal(times.length, 3, 'two failures, then success, then nothing more');
    assert.ok((times[2] ?? 0) - (times[1] ?? 0) >= 55, 'the second retry waits twice as long');
    await queue.stop();
  });

  it('keeps the earliest of several delayed adds', async () => {
    const runs: number[] = [];
    const started = Date.now();
    const queue = new WorkQueue({
      name: 'test',
      concurrency: 1,
      reconcile: async () => void runs.push(Date.now() - started),
    });
    queue.start();
    queue.addAfter('x', 200);
    queue.addAfter('x', 30);
    queue.addAfter('x', 500);
    await until(() => runs.length === 1);
    assert.equal(queue.delayed, 0, 'the later adds were folded into the earliest');
    assert.ok((runs[0] ?? 0) < 500);
    await queue.stop();
  });
});
