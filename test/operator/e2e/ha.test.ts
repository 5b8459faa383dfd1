import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Operator } from '../../../src/operator/operator.ts';
import {
  applyTrivyConfig,
  debianImage,
  deployment,
  eventually,
  fixtureDb,
  getItems,
  operatorEnv,
  operatorNamespace,
  startOperator,
  startWorld,
  trivyConfigData,
  type World,
} from '../harness.ts';
import { freePort } from '../../support/ports.ts';
import { buildBundleIn, launcher } from '../../support/cli.ts';

const reportNames = async (world: World) =>
  (await getItems<{ metadata: { name: string } }>(world, 'vulnerabilityreports', 'default')).map(
    (report) => report.metadata.name,
  );

/** Two replicas with leader election, and the operator as a process run from the command line. */
describe('operator: leader election and the command line', () => {
  let world: World;
  let image: { ref: string; digest: string };
  const operators: Operator[] = [];

  before(async () => {
    world = await startWorld();
    image = await world.pushImage('base:1.0', debianImage([{ name: 'bash', version: '5.2.15-2+b2' }]));
    await world.pushDb(fixtureDb());
    await applyTrivyConfig(world, trivyConfigData(world));
  });
  after(async () => {
    for (const operator of operators) await operator.stop();
    await world?.close();
  });

  it('one replica leads; when it stops, the standby takes over and keeps reporting', async () => {
    const env = (name: string) =>
      operatorEnv(world, {
        OPERATOR_SCAN_MODE: 'Inline',
        OPERATOR_LEADER_ELECTION_ENABLED: 'true',
        OPERATOR_CACHE_DIR: join(world.scratch, `cache-${name}`),
      });
    const first = await startOperator(world, env('a'), { identity: 'replica-a' });
    operators.push(first);
    await eventually('replica-a leading and ready', () => first.ready);
    const second = await startOperator(world, env('b'), { identity: 'replica-b' });
    operators.push(second);
    const lease = async () =>
      (
        await world.kubectl([
          'get',
          'lease',
          'trivyoperator-lock',
          '-n',
          operatorNamespace,
          '-o',
          'jsonpath={.spec.holderIdentity}',
        ])
      ).trim();
    assert.equal(await lease(), 'replica-a');
    const standbyReady = await fetch(`http://127.0.0.1:${second.healthPort}/readyz`);
    assert.equal(standbyReady.status, 200, 'a standby replica is ready (rolling updates must not hang)');
    assert.equal(await standbyReady.text(), 'standby\n');
    assert.equal(second.ready, false);

    await world.apply(deployment('before', { main: image.ref }));
    await eventually('a report from the leader', async () =>
      (await reportNames(world)).some((name) => name.startsWith('replicaset-before-')),
    );

    await first.stop();
    await eventually(
      'replica-b leading',
      async () => (await lease()) === 'replica-b' && second.ready,
      30_000,
    );
    await world.apply(deployment('after', { main: image.ref }));
    await eventually('a report from the new leader', async () =>
      (await reportNames(world)).some((name) => name.startsWith('replicaset-after-')),
    );
  });

  /** Runs `operator` as a process (`command` is the CLI), waits for a report of a new Deployment, checks `status`. */
  async function operatorProcess(command: string[], name: string) {
    for (const operator of operators.splice(0)) await operator.stop();
    const healthPort = await freePort();
    const env = {
      ...process.env,
      // `bin/trivy-ts` runs the sources even when this checkout has a fresh bundle: the next test runs the bundle.
      TRIVY_TS_FROM_SOURCES: '1',
      ...operatorEnv(world, {
        OPERATOR_SCAN_MODE: 'Inline',
        OPERATOR_CACHE_DIR: join(world.scratch, `cache-${name}`),
        OPERATOR_HEALTH_PROBE_BIND_ADDRESS: `127.0.0.1:${healthPort}`,
      }),
    };
    const [program = '', ...args] = command;
    const child = spawn(program, [...args, 'operator', '--kubeconfig', world.kubeconfig, '--quiet'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await eventually(
        'the operator process ready',
        async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).status === 200,
        60_000,
      );
      await world.apply(deployment(name, { main: image.ref }));
      await eventually('a report from the process', async () =>
        (await reportNames(world)).some((report) => report.startsWith(`replicaset-${name}-`)),
      );
      const status = spawn(program, [...args, 'status', '--url', `http://127.0.0.1:${healthPort}`], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let table = '';
      status.stdout.on('data', (chunk: Buffer) => (table += chunk.toString()));
      const [code] = await once(status, 'exit');
      assert.equal(code, 0);
      assert.match(table, /^Operator: ready, scans in Inline mode$/m);
      assert.match(table, /Images: 0 pending, 0 scanning, 1 done, 0 failed/);
      child.kill('SIGTERM');
      const [exitCode] = await once(child, 'exit');
      assert.equal(exitCode, 0, stderr);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }

  it('`trivy-ts operator --kubeconfig` runs out of cluster, serves /status, and stops cleanly on SIGTERM', async () => {
    await operatorProcess([launcher], 'cli');
  });

  it('the CLI bundle (as in the container image) runs the operator the same way', async () => {
    await operatorProcess([process.execPath, await buildBundleIn(world.scratch)], 'bundled');
  });

  it('a bad configuration stops the operator at start with every problem listed', async () => {
    const child = spawn(launcher, ['operator', '--kubeconfig', world.kubeconfig], {
      env: {
        ...process.env,
        ...operatorEnv(world, { OPERATOR_SCAN_MODE: 'Sideways', OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT: '0' }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, 'exit');
    assert.equal(code, 1);
    assert.match(stderr, /OPERATOR_SCAN_MODE/);
    assert.match(stderr, /OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT/);
  });
});
