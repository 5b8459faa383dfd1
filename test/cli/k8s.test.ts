import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { CLUSTER_AUDIT_TYPES } from '../../src/cli/k8s/cluster-audit.ts';
import { AUDITED_KIND_NAMES } from '../../src/cli/k8s/options.ts';
import { SimulatedCluster } from '../emulator/cluster/cluster.ts';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { trivyTs } from '../support/cli.ts';

const execFileAsync = promisify(execFile);

const run = (args: string[]) => trivyTs(args, { env: { NO_COLOR: '1' } });

interface Counts {
  Critical: number;
  High: number;
  Medium: number;
  Low: number;
}
interface JsonOutput {
  ClusterName: string;
  KubernetesVersion?: string;
  Namespaces: { Namespace: string; Resources: number; FailingResources: number; Misconfigurations: Counts }[];
  Resources?: {
    Namespace: string;
    Kind: string;
    Name: string;
    Misconfigurations: Counts;
    Checks: { ID: string; Severity: string; Messages: string[] }[];
  }[];
  Skipped: { Kind: string; Reason: string }[];
}

const wildcard = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];
const objects = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'naive', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.20',
              resources: { limits: { memory: '128Mi', cpu: '500m' } },
              ports: [{ containerPort: 80 }],
            },
          ],
        },
      },
    },
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'all', namespace: 'shop' },
    rules: wildcard,
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'db', namespace: 'shop' },
    data: { password: 'hunter2' },
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'root' },
    rules: wildcard,
  },
];

describe('trivy-ts k8s kinds', () => {
  it('--help lists exactly the kinds audited', () => {
    assert.deepEqual(
      [...AUDITED_KIND_NAMES],
      CLUSTER_AUDIT_TYPES.map(({ type }) => type.kind),
    );
  });
});

describe('trivy-ts k8s --report summary (against the emulator)', () => {
  let emulator: Emulator;
  let scratch: string;
  const kubectl = (args: string[], input?: string) => {
    const child = execFileAsync('kubectl', ['--kubeconfig', emulator.kubeconfigPath, ...args], {
      env: { ...process.env, KUBECACHEDIR: join(scratch, 'kubecache') },
    });
    child.child.stdin?.end(input ?? '');
    return child;
  };

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-k8s-cli-'));
    emulator = await startEmulator({ extensions: [new SimulatedCluster()], dir: join(scratch, 'kube') });
    await kubectl(['apply', '-f', '-'], objects.map((object) => stringify(object)).join('---\n'));
    // The Deployment's ReplicaSet and Pod exist too: they must not be counted again.
    for (let attempt = 0; attempt < 100; attempt++) {
      const { stdout } = await kubectl(['get', 'pods', '-n', 'shop', '-o', 'name']);
      if (stdout.trim() !== '') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  after(async () => {
    await emulator?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('prints per-namespace counts of failed checks as JSON, one resource per object users wrote', async () => {
    const { code, stdout, stderr } = await run([
      'k8s',
      '--kubeconfig',
      emulator.kubeconfigPath,
      '--report',
      'all',
      '--format',
      'json',
    ]);
    assert.equal(code, 0, stderr);
    const output = JSON.parse(stdout) as JsonOutput;
    assert.equal(output.ClusterName, 'emulator');
    assert.equal(output.KubernetesVersion, 'v1.32.0');
    const shop = output.Namespaces.find((entry) => entry.Namespace === 'shop');
    // Deployment (14 failed checks: the naive set less KSV110), Role (KSV044, KSV112), ConfigMap (KSV-0109).
    assert.deepEqual(shop, {
      Namespace: 'shop',
      Resources: 3,
      FailingResources: 3,
      Misconfigurations: { Critical: 2, High: 3, Medium: 4, Low: 8 },
    });
    const shopResources = output.Resources!.filter((resource) => resource.Namespace === 'shop');
    assert.deepEqual(
      shopResources.map((resource) => `${resource.Kind}/${resource.Name}`),
      ['ConfigMap/db', 'Deployment/naive', 'Role/all'],
    );
    const role = shopResources.find((resource) => resource.Kind === 'Role')!;
    assert.deepEqual(
      role.Checks.map((check) => [check.ID, check.Messages]),
      [
        ['KSV044', ['Role permits wildcard verb on wildcard resource']],
        ['KSV112', ["Role 'all' shouldn't manage all resources at the namespace 'shop'"]],
      ],
    );
    const deployment = shopResources.find((resource) => resource.Kind === 'Deployment')!;
    assert.ok(
      deployment.Checks.find((check) => check.ID === 'KSV003')?.Messages.includes(
        "Container 'nginx' of Deployment 'naive' should add 'ALL' to 'securityContext.capabilities.drop'",
      ),
    );
    const cluster = output.Namespaces.find((entry) => entry.Namespace === '');
    assert.ok(cluster && cluster.Misconfigurations.Critical >= 2, JSON.stringify(output.Namespaces));
    assert.ok(
      output.Resources!.some((resource) => resource.Kind === 'ClusterRole' && resource.Name === 'root'),
    );
    // Every namespace's counts are the sum of its resources'.
    for (const entry of output.Namespaces) {
      const inNamespace = output.Resources!.filter((resource) => resource.Namespace === entry.Namespace);
      assert.equal(entry.Resources, inNamespace.length);
      assert.equal(
        entry.Misconfigurations.Critical,
        inNamespace.reduce((sum, resource) => sum + resource.Misconfigurations.Critical, 0),
      );
    }
  });

  it('prints a table per namespace, and honours -n, --severity and --exit-code', async () => {
    const { code, stdout } = await run([
      'k8s',
      '--kubeconfig',
      emulator.kubeconfigPath,
      '-n',
      'shop',
      '--severity',
      'CRITICAL,HIGH',
      '--exit-code',
      '4',
    ]);
    assert.equal(code, 4);
    const lines = stdout.split('\n');
    assert.ok(
      lines.some((line) =>
        /Namespace\s*│\s*Resources\s*│\s*Failing\s*│\s*Critical\s*│\s*High\s*│\s*Medium\s*│\s*Low/.test(line),
      ),
      stdout,
    );
    const shop = lines.find((line) => /│\s*shop\s*│/.test(line));
    assert.ok(shop, stdout);
    assert.deepEqual(
      shop
        .split('│')
        .map((cell) => cell.trim())
        .filter(Boolean),
      ['shop', '3', '3', '2', '3', '0', '0'],
    );
    assert.ok(!stdout.includes('(cluster)'), 'cluster-scoped kinds are left out with -n');
  });

  it('works with list-only rights, skipping (and naming) the kinds it may not list', async () => {
    await kubectl(
      ['apply', '-f', '-'],
      [
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'auditor', namespace: 'shop' } },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: 'read-workloads', namespace: 'shop' },
          rules: [{ apiGroups: ['apps', ''], resources: ['deployments', 'pods'], verbs: ['list'] }],
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'auditor', namespace: 'shop' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-workloads' },
          subjects: [{ kind: 'User', name: 'auditor' }],
        },
      ]
        .map((object) => stringify(object))
        .join('---\n'),
    );
    const kubeconfig = await emulator.addUser({ token: 'auditor-token', name: 'auditor' });
    const { code, stdout, stderr } = await run([
      'k8s',
      '--kubeconfig',
      kubeconfig,
      '-n',
      'shop',
      '--kinds',
      'Deployment,Pod,Role',
      '--format',
      'json',
    ]);
    assert.equal(code, 0, stderr);
    const output = JSON.parse(stdout) as JsonOutput;
    assert.deepEqual(
      output.Namespaces.map((entry) => [entry.Namespace, entry.Resources]),
      [['shop', 1]],
    );
    assert.deepEqual(
      output.Skipped.map((entry) => entry.Kind),
      ['Role'],
    );
    assert.match(stderr, /Role skipped: .*forbidden/);
  });

  it('says what to do when the kubeconfig or the context is wrong', async () => {
    const missing = await run(['k8s', '--kubeconfig', join(scratch, 'nope')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot load the kubeconfig/);
    const context = await run(['k8s', '--kubeconfig', emulator.kubeconfigPath, '--context', 'prod']);
    assert.equal(context.code, 1);
    assert.match(context.stderr, /context "prod" is not in the kubeconfig \(known: emulator\)/);
    const kinds = await run(['k8s', '--kubeconfig', emulator.kubeconfigPath, '--kinds', 'Deployment,Gadget']);
    assert.match(kinds.stderr, /unknown kind\(s\) gadget/);
  });
});
