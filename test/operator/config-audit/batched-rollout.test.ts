import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchedRollout } from '../../../src/operator/config-audit/batched-rollout.ts';
import { silentLogger } from '../../../src/util/logger.ts';

/** A stand-in work queue: reconciles each key after `ms`, reporting whether it wrote. */
function fakeQueue(wrote: (key: string) => boolean, ms = 5) {
  const log: { key: string; at: number }[] = [];
  let rollout: BatchedRollout;
  const enqueue = (key: string) => {
    log.push({ key, at: performance.now() });
    setTimeout(() => rollout.settled(key, wrote(key)), ms);
  };
  return { log, enqueue, bind: (value: BatchedRollout) => (rollout = value) };
}

describe('BatchedRollout', () => {
  it('never has more than batchSize keys in flight, and waits delayMs after a batch that wrote', async () => {
    const queue = fakeQueue(() => true);
    const rollout = queue.bind(
      new BatchedRollout({ batchSize: 3, delayMs: 60, enqueue: queue.enqueue, logger: silentLogger }),
    );
    const started = performance.now();
    rollout.schedule(Array.from({ length: 7 }, (_, index) => `k${index}`));
    await rollout.idle();
    assert.equal(queue.log.length, 7);
    assert.equal(rollout.batches, 3);
    // Batches start at 0, ~65 and ~130 ms: each waits for the previous one plus the delay.
    const starts = [queue.log[0]!.at, queue.log[3]!.at, queue.log[6]!.at].map((at) => at - started);
    assert.ok(starts[1]! - starts[0]! >= 60, `second batch too early: ${starts.join(', ')}`);
    assert.ok(starts[2]! - starts[1]! >= 60, `third batch too early: ${starts.join(', ')}`);
  });

  it('goes on at once when a batch wrote nothing (no API writes, nothing to pace)', async () => {
    const queue = fakeQueue(() => false);
    const rollout = queue.bind(
      new BatchedRollout({ batchSize: 2, delayMs: 10_000, enqueue: queue.enqueue, logger: silentLogger }),
    );
    const started = performance.now();
    rollout.schedule(['a', 'b', 'c', 'd', 'e']);
    await rollout.idle();
    assert.equal(rollout.batches, 3);
    assert.ok(performance.now() - started < 2000);
  });

  it('schedules a key once even when asked twice, and drops keys settled by other reconciles', async () => {
    const queue = fakeQueue(() => false, 20);
    const rollout = queue.bind(
      new BatchedRollout({ batchSize: 1, delayMs: 0, enqueue: queue.enqueue, logger: silentLogger }),
    );
    rollout.schedule(['a', 'b', 'a']);
    rollout.schedule(['b', 'c']);
    rollout.settled('c', false); // reconciled for another reason before its batch came
    await rollout.idle();
    assert.deepEqual(
      queue.log.map((entry) => entry.key),
      ['a', 'b'],
    );
  });

  it('stops between batches', async () => {
    const queue = fakeQueue(() => true);
    const rollout = queue.bind(
      new BatchedRollout({ batchSize: 1, delayMs: 5000, enqueue: queue.enqueue, logger: silentLogger }),
    );
    rollout.schedule(['a', 'b', 'c']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await rollout.stop();
    assert.deepEqual(
      queue.log.map((entry) => entry.key),
      ['a'],
    );
  });
});
