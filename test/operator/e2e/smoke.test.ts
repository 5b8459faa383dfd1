import assert from 'node:assert/strict';
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
  startOperator,
  startWorld,
  trivyConfigData,
  type World,
} from '../harness.ts';

describe('operator smoke', () => {
  let world: World;
  let operator: Operator | undefined;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await operator?.stop();
    await world?.close();
  });

  it('writes a VulnerabilityReport for a Deployment (inline)', async () => {
    const image = await world.pushImage(
      'app:1.0',
      debianImage([{ name: 'libssl3', version: '3.0.11-1~deb12u2', source: 'openssl' }]),
    );
    await world.pushDb(fixtureDb());
    await applyTrivyConfig(world, trivyConfigData(world));
    operator = await startOperator(world, operatorEnv(world, { OPERATOR_SCAN_MODE: 'Job' }));
    await world.apply(deployment('web', { app: image.ref }));
    setTimeout(async () => {
      console.log(await world.kubectl(['get', 'jobs,pods', '-A', '-o', 'wide']));
      console.log(await world.kubectl(['get', 'pods', '-n', 'trivy-system', '-o', 'yaml']));
      console.log(await world.kubectl(['get', 'nodes', '--show-labels']));
    }, 10000).unref();
    const reports = await eventually(
      'a vulnerability report',
      async () => {
        const items = await getItems<{
          metadata: { name: string };
          report: { summary: Record<string, number> };
        }>(world, 'vulnerabilityreports', 'default');
        return items.length > 0 ? items : undefined;
      },
      90_000,
    );
    console.log(JSON.stringify(reports[0], null, 1).slice(0, 3000));
    assert.match(reports[0]!.metadata.name, /^replicaset-web-[a-z0-9]+-app$/);
  });
});
