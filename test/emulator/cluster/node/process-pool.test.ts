import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProcessPool } from './process-pool.ts';

/** Running, not a zombie waiting for a reaper (a container's PID 1 may never reap orphans). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

test('at most `limit` processes run at once; the rest wait in order and cancelled waiters leave the queue', async () => {
  const pool = new ProcessPool(2);
  try {
    const never = new AbortController();
    let maxSeen = 0;
    const order: number[] = [];
    const runOne = async (i: number): Promise<void> => {
      const release = await pool.acquire(never.signal);
      assert.ok(release);
      maxSeen = Math.max(maxSeen, pool.activeCount);
      order.push(i);
      const proc = pool.start({
        argv: ['/bin/sh', '-c', 'sleep 0.2'],
        env: { PATH: '/usr/bin:/bin' },
        cwd: '/',
        onOutput: () => {},
      });
      assert.equal((await proc.result).exitCode, 0);
      release();
    };
    const cancelled = new AbortController();
    const cancelledWait = (async () => {
      await new Promise((r) => setTimeout(r, 20));
      const waiting = pool.acquire(cancelled.signal);
      cancelled.abort();
      return waiting;
    })();
    await Promise.all([runOne(1), runOne(2), runOne(3), runOne(4)]);
    assert.equal(await cancelledWait, undefined);
    assert.equal(maxSeen, 2);
    assert.deepEqual(order.slice(0, 2).sort(), [1, 2]);
    assert.equal(pool.activeCount, 0);
  } finally {
    await pool.close();
  }
});

test('output is captured, exit codes kept, and kill takes down the whole process group', async () => {
  const pool = new ProcessPool(2);
  try {
    const release = await pool.acquire(new AbortController().signal);
    let out = '';
    const failing = pool.start({
      argv: ['/bin/sh', '-c', 'echo out; echo err >&2; exit 3'],
      env: {},
      cwd: '/',
      onOutput: (c) => (out += c),
    });
    assert.deepEqual(await failing.result, { exitCode: 3 });
    assert.equal(out, 'out\nerr\n');
    release?.();

    let pids = '';
    const tree = pool.start({
      argv: ['/bin/sh', '-c', 'sleep 30 & echo $!; sleep 30'],
      env: { PATH: '/usr/bin:/bin' },
      cwd: '/',
      onOutput: (c) => (pids += c),
    });
    while (!pids.includes('\n')) await new Promise((r) => setTimeout(r, 20));
    const grandchild = Number(pids.trim());
    assert.ok(alive(grandchild));
    tree.kill(200);
    const result = await tree.result;
    assert.equal(result.signal, 'SIGTERM');
    assert.equal(result.exitCode, 143);
    for (let i = 0; i < 50 && alive(grandchild); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(alive(grandchild), false);

    const missing = pool.start({ argv: ['/nonexistent/program'], env: {}, cwd: '/', onOutput: () => {} });
    const startFailure = await missing.result;
    assert.equal(startFailure.exitCode, 128);
    assert.match(startFailure.startError ?? '', /ENOENT/);
  } finally {
    await pool.close();
  }
});
