/**
 * The chart installed on the API emulator starts a working operator with exactly the permissions it renders: the
 * rendered Namespace objects, RBAC, ConfigMaps, Secret and Deployment are applied with kubectl, then the operator
 * process (`bin/trivy-ts operator`) runs with the Deployment container's environment, authenticated as the rendered
 * ServiceAccount (a bearer-token user bound only by the rendered RBAC). It must become ready and write reports for a
 * workload, with scan Jobs run by the emulator's simulated nodes, without a single request being forbidden.
 * The DB and the images come from a local registry, configured as an air-gapped install would (values below).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Deployment } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { repoRoot } from '../../scripts/kube-tools.ts';
import {
  debianImage,
  deployment,
  eventually,
  fixtureDb,
  getItems,
  ownImage,
  startWorld,
  type World,
} from '../operator/harness.ts';
import { find, operatorInputs, renderChart, type KubeObject, type Rendered } from './helm-render.ts';
import { freePort } from '../support/ports.ts';

const operatorNamespace = 'trivy-system';
const serviceAccountUser = `system:serviceaccount:${operatorNamespace}:trivy-operator`;

interface RunningOperator {
  process: ChildProcess;
  port: number;
  /** Everything the operator logged (JSON lines). */
  log: () => string;
  stop: () => Promise<void>;
}

/** Applies what `helm install` would create, except that the operator runs here instead of in the Deployment's pod. */
async function install(world: World, rendered: Rendered): Promise<void> {
  const objects = rendered.objects.map((object) =>
    object.kind === 'Deployment' ? { ...object, spec: { ...(object.spec as object), replicas: 0 } } : object,
  );
  await world.kubectl(['apply', '-f', '-'], objects.map((object) => JSON.stringify(object)).join('\n'));
}

async function uninstall(world: World, rendered: Rendered): Promise<void> {
  await world.kubectl(
    ['delete', '--ignore-not-found', '-f', '-'],
    rendered.objects.map((object: KubeObject) => JSON.stringify(object)).join('\n'),
  );
}

/** Starts `bin/trivy-ts operator` with the container's environment, as the ServiceAccount. */
async function startOperator(world: World, rendered: Rendered, kubeconfig: string): Promise<RunningOperator> {
  const { env: containerEnv } = operatorInputs(rendered.objects);
  const { KUBERNETES_SERVICE_HOST: _inCluster, ...env } = containerEnv;
  const deploymentEnv = find<V1Deployment>(rendered.objects, 'Deployment').spec!.template.spec!.containers[0]!
    .env!;
  assert.equal(
    deploymentEnv.find((variable) => variable.name === 'OPERATOR_IMAGE')?.value,
    ownImage,
    'scan Jobs run the image the emulator executes',
  );
  const port = await freePort();
  const child = spawn(join(repoRoot, 'bin', 'trivy-ts'), ['operator', '--kubeconfig', kubeconfig], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      HOME: world.scratch,
      ...env,
      // What differs from the pod: the cache volume is a scratch directory and the ports must be free here.
      OPERATOR_CACHE_DIR: join(world.scratch, `cache-${port}`),
      OPERATOR_HEALTH_PROBE_BIND_ADDRESS: `127.0.0.1:${port}`,
      OPERATOR_METRICS_BIND_ADDRESS: '127.0.0.1:0',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    port,
    log: () => log,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitReady(operator: RunningOperator): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (operator.process.exitCode !== null) throw new Error(`the operator exited:\n${operator.log()}`);
    const response = await fetch(`http://127.0.0.1:${operator.port}/readyz`).catch(() => undefined);
    if (response?.status === 200) return;
    await sleep(200);
  }
  throw new Error(`the operator did not become ready in 120 s:\n${operator.log()}`);
}

/** Requests the API refused, as the operator logged them. */
function forbidden(log: string): string[] {
  return log.split('\n').filter((line) => /forbidden|cannot read a pull secret|\b403\b/i.test(line));
}

/** `kubectl auth can-i` as the ServiceAccount; "pods/log" asks about the subresource. */
async function canI(world: World, verb: string, resource: string, namespace: string): Promise<boolean> {
  const [name, subresource] = resource.split('/');
  const answer = await world
    .kubectl([
      'auth',
      'can-i',
      verb,
      name!,
      ...(subresource ? [`--subresource=${subresource}`] : []),
      ...(namespace ? ['-n', namespace] : []),
      '--as',
      serviceAccountUser,
    ])
    .catch((error: { stdout?: string }) => error.stdout ?? '');
  return answer.trim() === 'yes';
}

describe('Helm chart installed on the API emulator', () => {
  let world: World;
  let kubeconfig: string;
  let imageRef: string;
  let valuesFile: string;
  const running: RunningOperator[] = [];

  before(async () => {
    world = await startWorld();
    const image = await world.pushImage(
      'shop:1.0',
      debianImage([{ name: 'libssl3', version: '3.0.11-1~deb12u2', source: 'openssl' }]),
    );
    imageRef = image.ref;
    await world.pushDb(fixtureDb());
    // An air-gapped install: the operator image and the DB from the local registry, which speaks plain HTTP.
    valuesFile = join(world.scratch, 'air-gapped.yaml');
    await writeFile(
      valuesFile,
      stringify({
        image: { tag: ownImage.split(':').pop() },
        trivy: {
          dbRepository: `${world.registry.host}/trivy-db`,
          dbRepositoryInsecure: true,
          nonSslRegistries: { local: world.registry.host },
        },
        operator: { scanJobTimeout: '2m' },
      }),
    );
    kubeconfig = await world.emulator.addUser({
      token: randomBytes(24).toString('hex'),
      name: serviceAccountUser,
      groups: [
        'system:serviceaccounts',
        `system:serviceaccounts:${operatorNamespace}`,
        'system:authenticated',
      ],
    });
  });

  after(async () => {
    for (const operator of running) await operator.stop();
    await world?.close();
  });

  it('with the default RBAC: becomes ready, scans a workload, never forbidden', async () => {
    const rendered = await renderChart(['-f', valuesFile]);
    await install(world, rendered);
    const operator = await startOperator(world, rendered, kubeconfig);
    running.push(operator);
    await waitReady(operator);

    await world.apply(deployment('shop', { app: imageRef }));
    const reports = await eventually(
      'a VulnerabilityReport for the Deployment',
      async () => {
        const items = await getItems<{ report: { vulnerabilities: { vulnerabilityID: string }[] } }>(
          world,
          'vulnerabilityreports',
          'default',
        );
        return items.length > 0 ? items : undefined;
      },
      120_000,
    );
    assert.deepEqual(
      reports[0]!.report.vulnerabilities.map((vulnerability) => vulnerability.vulnerabilityID),
      ['CVE-2024-5535'],
    );
    assert.deepEqual(forbidden(operator.log()), []);

    // What it may not do: read Secrets elsewhere, run Jobs outside its namespace, read other pods' logs.
    assert.equal(await canI(world, 'get', 'secrets', 'default'), false, 'get, secrets, default');
    assert.equal(
      await canI(world, 'get', 'secrets', operatorNamespace),
      true,
      'get, secrets, operatorNamespace',
    );
    assert.equal(await canI(world, 'create', 'jobs', 'default'), false, 'create, jobs, default');
    assert.equal(
      await canI(world, 'create', 'jobs', operatorNamespace),
      true,
      'create, jobs, operatorNamespace',
    );
    assert.equal(await canI(world, 'get', 'pods/log', 'default'), false, 'get, pods/log, default');
    assert.equal(
      await canI(world, 'get', 'pods/log', operatorNamespace),
      true,
      'get, pods/log, operatorNamespace',
    );
    assert.equal(
      await canI(world, 'create', 'leases', operatorNamespace),
      false,
      'create, leases, operatorNamespace',
    );

    await operator.stop();
    await uninstall(world, rendered);
  });

  it('scoped to target namespaces, inline, with leader election and pull secrets: the same, there only', async () => {
    await world.kubectl(['create', 'namespace', 'apps']);
    const rendered = await renderChart([
      '-f',
      valuesFile,
      '--set',
      'targetNamespaces=apps',
      '--set',
      'operator.replicas=2',
      '--set',
      'operator.accessGlobalSecretsAndServiceAccount=true',
      // Images analysed inside the operator: the Role then grants no Jobs, pod logs or Secret writes.
      '--set',
      'operator.scanMode=Inline',
    ]);
    await install(world, rendered);
    const operator = await startOperator(world, rendered, kubeconfig);
    running.push(operator);
    await waitReady(operator);

    const lease = JSON.parse(
      await world.kubectl(['get', 'lease', 'trivyoperator-lock', '-n', operatorNamespace, '-o', 'json']),
    ) as { spec: { holderIdentity: string } };
    assert.ok(lease.spec.holderIdentity, 'the operator leads through the Lease the chart allows');

    await world.apply(deployment('api', { app: imageRef }, { namespace: 'apps' }));
    await eventually(
      'a VulnerabilityReport in apps',
      async () => (await getItems(world, 'vulnerabilityreports', 'apps')).length > 0,
      120_000,
    );
    assert.deepEqual(forbidden(operator.log()), []);
    assert.match(operator.log(), /became leader/);

    assert.equal(await canI(world, 'list', 'pods', 'apps'), true, 'list, pods, apps');
    assert.equal(
      await canI(world, 'list', 'pods', 'default'),
      false,
      'nothing outside the target namespaces',
    );
    assert.equal(await canI(world, 'get', 'secrets', 'apps'), true, 'pull secrets of the scanned namespace');
    assert.equal(await canI(world, 'get', 'secrets', 'kube-system'), false, 'get, secrets, kube-system');
    assert.equal(await canI(world, 'list', 'nodes', ''), true, 'list, nodes, ');
    assert.equal(await canI(world, 'create', 'jobs', operatorNamespace), false, 'no scan Jobs inline');
    await operator.stop();
  });
});
