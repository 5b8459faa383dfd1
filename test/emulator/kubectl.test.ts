import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { KubeObject, ResourceRef } from './api.ts';
import { startEmulator } from './index.ts';
import type { Emulator } from './index.ts';
import { waitUntil } from './testing.ts';

const DEPLOY: ResourceRef = { group: 'apps', version: 'v1', resource: 'deployments' };
const POD: ResourceRef = { group: '', version: 'v1', resource: 'pods' };
const CM: ResourceRef = { group: '', version: 'v1', resource: 'configmaps' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget, shortNames: [wd] }
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      additionalPrinterColumns:
        - { name: Size, type: integer, jsonPath: .spec.size }
        - { name: Color, type: string, jsonPath: .spec.color, priority: 1 }
        - { name: Phase, type: string, jsonPath: .status.phase }
        - { name: Age, type: date, jsonPath: .metadata.creationTimestamp }
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: { type: integer, minimum: 1, maximum: 10 }
                color: { type: string, enum: [red, green, blue] }
            status:
              type: object
              properties:
                phase: { type: string }
`;

const widget = (size: number, color = 'red') => `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w1
  labels: { tier: gold }
spec:
  size: ${size}
  color: ${color}
`;

const deployment = (image: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app: web }
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: app
          image: ${image}
          ports: [{ containerPort: 80 }]
          env: [{ name: MODE, value: one }]
        - name: sidecar
          image: sidecar:1
`;

const BUILTINS = `apiVersion: v1
kind: Secret
metadata: { name: s1 }
stringData: { a: b }
---
apiVersion: v1
kind: Service
metadata: { name: svc1 }
spec:
  ports: [{ port: 80, targetPort: 8080, protocol: TCP }]
---
apiVersion: batch/v1
kind: Job
metadata: { name: j1 }
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: c, image: busybox }]
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: cj1 }
spec:
  schedule: '*/5 * * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{ name: c, image: busybox }]
`;

/** Header row of kubectl's table output, columns separated by runs of spaces. */
function header(stdout: string): string[] {
  return (stdout.split('\n')[0] ?? '').trim().split(/\s{2,}/);
}

function rows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s{2,}/));
}

describe('real kubectl against the emulator', () => {
  let emulator: Emulator;
  let dir: string;

  const kubectl = (args: string[], kubeconfig?: string): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        'kubectl',
        args,
        {
          env: {
            ...process.env,
            KUBECONFIG: kubeconfig ?? emulator.kubeconfigPath,
            KUBECACHEDIR: join(dir, 'cache'),
          },
          timeout: 30000,
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });

  const ok = async (args: string[]): Promise<string> => {
    const run = await kubectl(args);
    assert.equal(run.code, 0, `kubectl ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout;
  };

  const manifest = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'emulator-kubectl-'));
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies a CRD twice and waits for it to be Established', async () => {
    const crd = await manifest('crd.yaml', CRD);
    assert.match(
      await ok(['apply', '-f', crd]),
      /customresourcedefinition.apiextensions.k8s.io\/widgets.example.com created/,
    );
    assert.match(await ok(['apply', '-f', crd]), /unchanged/);
    await manifest('crd.yaml', CRD.replace('shortNames: [wd]', 'shortNames: [wd, wdg]'));
    assert.match(await ok(['apply', '-f', crd]), /configured/);
    assert.match(
      await ok(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=10s']),
      /condition met/,
    );
  });

  it('applies a custom object (create, then update) and prints its columns, wide columns included', async () => {
    const path = await manifest('widget.yaml', widget(3));
    assert.match(await ok(['apply', '-f', path]), /widget.example.com\/w1 created/);
    await manifest('widget.yaml', widget(4, 'blue'));
    assert.match(await ok(['apply', '-f', path]), /widget.example.com\/w1 configured/);
    const plain = await ok(['get', 'widgets']);
    assert.deepEqual(header(plain), ['NAME', 'SIZE', 'PHASE', 'AGE']);
    assert.deepEqual(rows(plain)[0]!.slice(0, 2), ['w1', '4']);
    const wide = await ok(['get', 'wd', '-o', 'wide']);
    assert.deepEqual(header(wide), ['NAME', 'SIZE', 'COLOR', 'PHASE', 'AGE']);
    assert.deepEqual(rows(wide)[0]!.slice(0, 3), ['w1', '4', 'blue']);
    const bad = await kubectl(['apply', '-f', await manifest('bad.yaml', widget(30, 'pink'))]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /The Widget "w1" is invalid/);
    assert.match(
      bad.stderr,
      /spec.size: Invalid value: 30: spec.size in body should be less than or equal to 10/,
    );
    assert.match(
      bad.stderr,
      /spec.color: Unsupported value: "pink": supported values: "red", "green", "blue"/,
    );
    const unknown = await kubectl([
      'apply',
      '-f',
      await manifest('unknown.yaml', `${widget(2)}  extra: 1\n`),
    ]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /strict decoding error: unknown field "spec.extra"/);
  });

  it('applies a Deployment twice with a strategic merge patch and shows the real columns', async () => {
    const path = await manifest('deploy.yaml', deployment('app:1'));
    assert.match(await ok(['apply', '-f', path]), /deployment.apps\/web created/);
    await manifest('deploy.yaml', deployment('app:2', 3));
    assert.match(await ok(['apply', '-f', path]), /deployment.apps\/web configured/);
    assert.match(await ok(['apply', '-f', path]), /deployment.apps\/web unchanged/);
    const live = emulator.store.get(DEPLOY, 'default', 'web')!;
    const containers = (
      live.spec as { template: { spec: { containers: Array<{ name: string; image: string }> } } }
    ).template.spec.containers;
    assert.deepEqual(
      containers.map((c) => `${c.name}=${c.image}`),
      ['app=app:2', 'sidecar=sidecar:1'],
    );
    assert.equal(live.metadata.generation, 2);
    assert.deepEqual(header(await ok(['get', 'deploy'])), [
      'NAME',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'AGE',
    ]);
    const wide = await ok(['get', 'deployments', '-o', 'wide']);
    assert.deepEqual(header(wide), [
      'NAME',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'AGE',
      'CONTAINERS',
      'IMAGES',
      'SELECTOR',
    ]);
    assert.deepEqual(rows(wide)[0]!.slice(-3), ['app,sidecar', 'app:2,sidecar:1', 'app=web']);
    assert.match(await ok(['apply', '--server-side', '-f', path]), /serverside-applied/);
    assert.match(await ok(['scale', 'deployment/web', '--replicas=5']), /scaled/);
    assert.equal((emulator.store.get(DEPLOY, 'default', 'web')!.spec as { replicas: number }).replicas, 5);
    const refused = await kubectl(['delete', 'namespace', 'default']);
    assert.match(refused.stderr, /namespaces "default" is forbidden: this namespace may not be deleted/);
  });

  it('gets as json and yaml, with label and field selectors, across all namespaces', async () => {
    await ok([
      'create',
      '-f',
      await manifest('ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n'),
    ]);
    for (const [ns, name, tier] of [
      ['default', 'one', 'front'],
      ['team-a', 'two', 'front'],
      ['team-a', 'three', 'back'],
    ] as const) {
      emulator.store.create(CM, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: ns, labels: { tier } },
      });
    }
    const all = await ok(['get', 'configmaps', '-A', '-l', 'tier=front']);
    assert.deepEqual(header(all), ['NAMESPACE', 'NAME', 'DATA', 'AGE']);
    assert.deepEqual(
      rows(all).map((r) => `${r[0]}/${r[1]}`),
      ['default/one', 'team-a/two'],
    );
    const columns = await ok([
      'get',
      'cm',
      '-A',
      '-l',
      'tier',
      '-o',
      'custom-columns=NS:.metadata.namespace,NAME:.metadata.name,TIER:.metadata.labels.tier',
    ]);
    assert.deepEqual(header(columns), ['NS', 'NAME', 'TIER']);
    assert.deepEqual(rows(columns), [
      ['default', 'one', 'front'],
      ['team-a', 'three', 'back'],
      ['team-a', 'two', 'front'],
    ]);
    const set = await ok(['get', 'cm', '-A', '-l', 'tier in (back),tier notin (front)', '-o', 'name']);
    assert.equal(set.trim(), 'configmap/three');
    const json = JSON.parse(
      await ok(['get', 'cm', '-n', 'team-a', '--field-selector', 'metadata.name!=two', '-o', 'json']),
    );
    assert.equal(json.kind, 'List');
    assert.deepEqual(
      json.items.map((i: KubeObject) => i.metadata.name),
      ['three'],
    );
    const yaml = parseYaml(await ok(['get', 'widget', 'w1', '-o', 'yaml'])) as KubeObject;
    assert.equal(yaml.kind, 'Widget');
    assert.equal((yaml.spec as { size: number }).size, 4);
  });

  it('refuses kubectl apply of a large object for its last-applied annotation, as a real cluster does', async () => {
    const big = await manifest(
      'big.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: ${'x'.repeat(300 * 1024)}\n`,
    );
    const applied = await kubectl(['apply', '-f', big]);
    assert.equal(applied.code, 1);
    assert.match(
      applied.stderr,
      /The ConfigMap "big" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes/,
    );
    assert.match(await ok(['create', '-f', big]), /configmap\/big created/);
    const labelled = await kubectl([
      'patch',
      'configmap',
      'big',
      '--type=merge',
      '-p',
      JSON.stringify({ metadata: { labels: { owner: 'n'.repeat(64) } } }),
    ]);
    assert.equal(labelled.code, 1);
    assert.match(
      labelled.stderr,
      /metadata.labels: Invalid value: "n{64}": must be no more than 63 characters/,
    );
  });

  it('prints pods like a real cluster, wide and filtered by status.phase', async () => {
    for (const [name, phase] of [
      ['runner', 'Running'],
      ['waiter', 'Pending'],
    ] as const) {
      const pod = emulator.store.create(POD, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox' }] },
      });
      emulator.store.updateStatus(POD, {
        ...pod,
        status: {
          phase,
          podIP: '10.0.0.7',
          containerStatuses: [
            {
              name: 'c',
              ready: phase === 'Running',
              restartCount: 2,
              state: phase === 'Running' ? { running: {} } : { waiting: { reason: 'ContainerCreating' } },
            },
          ],
        },
      });
    }
    const plain = await ok(['get', 'pods']);
    assert.deepEqual(header(plain), ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    assert.deepEqual(
      rows(plain).map((r) => r.slice(0, 4)),
      [
        ['runner', '1/1', 'Running', '2'],
        ['waiter', '0/1', 'ContainerCreating', '2'],
      ],
    );
    const wide = await ok(['get', 'pods', '-o', 'wide', '--field-selector', 'status.phase=Running']);
    assert.deepEqual(header(wide), [
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    assert.deepEqual(
      rows(wide).map((r) => [r[0], r[5], r[6]]),
      [['runner', '10.0.0.7', 'node-1']],
    );
  });

  it('prints the real columns for other common built-ins', async () => {
    const expectations: Array<[string, string[]]> = [
      ['namespaces', ['NAME', 'STATUS', 'AGE']],
      ['secrets', ['NAME', 'TYPE', 'DATA', 'AGE']],
      ['services', ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']],
      ['jobs', ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']],
      ['cronjobs', ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE']],
      ['nodes', ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']],
      ['replicasets', ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']],
      ['events', ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']],
    ];
    await ok(['apply', '-f', await manifest('builtins.yaml', BUILTINS)]);
    emulator.store.create(
      { group: '', version: 'v1', resource: 'nodes' },
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'node-1', labels: { 'node-role.kubernetes.io/worker': '' } },
        status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.0' } },
      },
    );
    emulator.store.create(
      { group: 'apps', version: 'v1', resource: 'replicasets' },
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'rs1', namespace: 'default' },
        spec: { replicas: 1 },
      },
    );
    emulator.store.create(
      { group: '', version: 'v1', resource: 'events' },
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'e1', namespace: 'default' },
        involvedObject: { kind: 'Pod', name: 'runner' },
        reason: 'Pulled',
        type: 'Normal',
        message: 'pulled image',
      },
    );
    for (const [resource, columns] of expectations) {
      const out = await ok([
        'get',
        resource,
        ...(resource === 'namespaces' || resource === 'nodes' ? [] : ['-n', 'default']),
      ]);
      assert.deepEqual(header(out), columns, resource);
    }
    const node = rows(await ok(['get', 'nodes']))[0]!;
    assert.deepEqual([node[0], node[1], node[2], node[4]], ['node-1', 'Ready', 'worker', 'v1.32.0']);
    assert.deepEqual(
      rows(await ok(['get', 'svc', 'svc1']))[0]!
        .slice(0, 5)
        .filter((c, i) => i !== 2),
      ['svc1', 'ClusterIP', '<none>', '80/TCP'],
    );
  });

  it('deletes with each cascade mode', async () => {
    const ownerWithDependents = async (name: string) => {
      const owner = emulator.store.create(CM, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: 'default' },
      });
      for (const suffix of ['a', 'b']) {
        emulator.store.create(CM, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: `${name}-${suffix}`,
            namespace: 'default',
            ownerReferences: [
              {
                apiVersion: 'v1',
                kind: 'ConfigMap',
                name,
                uid: owner.metadata.uid!,
                blockOwnerDeletion: true,
              },
            ],
          },
        });
      }
    };
    const exists = (name: string) => emulator.store.get(CM, 'default', name) !== undefined;

    await ownerWithDependents('bg');
    assert.match(await ok(['delete', 'configmap', 'bg', '--cascade=background']), /configmap "bg" deleted/);
    await ok(['wait', '--for=delete', 'configmap/bg-a', 'configmap/bg-b', '--timeout=10s']);

    await ownerWithDependents('fg');
    await ok(['delete', 'configmap', 'fg', '--cascade=foreground']);
    assert.deepEqual(
      ['fg', 'fg-a', 'fg-b'].map(exists),
      [false, false, false],
      'kubectl waited for the foreground deletion',
    );

    await ownerWithDependents('or');
    await ok(['delete', 'configmap', 'or', '--cascade=orphan']);
    assert.equal(exists('or'), false);
    const orphan = emulator.store.get(CM, 'default', 'or-a')!;
    assert.equal(orphan.metadata.ownerReferences, undefined);
  });

  it('waits for a condition and for deletion', async () => {
    // Each change is made once kubectl is watching, so the wait really follows the watch stream.
    const watching = () => waitUntil(() => emulator.activeWatches() > 0, 20000, 'kubectl to start watching');
    const waiting = kubectl(['wait', '--for=condition=Available', 'deployment/web', '--timeout=30s']);
    await watching();
    const live = emulator.store.get(DEPLOY, 'default', 'web')!;
    emulator.store.updateStatus(DEPLOY, {
      ...live,
      status: { conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] },
    });
    const run = await waiting;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /deployment.apps\/web condition met/);

    await waitUntil(() => emulator.activeWatches() === 0, 10000, 'the first wait to close its watch');
    const gone = kubectl(['wait', '--for=delete', 'widget/w1', '--timeout=30s']);
    await watching();
    emulator.store.delete({ group: 'example.com', version: 'v1', resource: 'widgets' }, 'default', 'w1');
    const deleted = await gone;
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /condition met/);
  });

  it('rides out injected faults as client-go does: conflicts and throttling are retried, a 500 is shown', async () => {
    const path = await manifest('deploy.yaml', deployment('app:3', 3));
    emulator.faults.failRequest({ method: 'PATCH', path: '/deployments/web', status: 409 });
    const applied = await kubectl(['apply', '-f', path, '-v=6']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stderr, /PATCH https:\/\/\S+\/deployments\/web\S* 409 Conflict/);
    assert.match(applied.stdout, /deployment.apps\/web configured/);
    const containers = (
      emulator.store.get(DEPLOY, 'default', 'web')!.spec as {
        template: { spec: { containers: Array<{ image: string }> } };
      }
    ).template.spec.containers;
    assert.equal(containers[0]!.image, 'app:3', 'the retried patch landed');

    emulator.faults.failRequest({
      method: 'GET',
      path: '/namespaces/default/configmaps',
      status: 429,
      times: 2,
    });
    const throttled = await kubectl(['get', 'configmaps', '-o', 'name', '-v=6']);
    assert.equal(throttled.code, 0, throttled.stderr);
    assert.equal((throttled.stderr.match(/configmaps\S* 429 Too Many Requests/g) ?? []).length, 2);
    assert.match(throttled.stdout, /configmap\/one/);

    emulator.faults.failRequest({ method: 'GET', path: '/namespaces/default/secrets', status: 500 });
    const failed = await kubectl(['get', 'secrets']);
    assert.equal(failed.code, 1);
    assert.match(
      failed.stderr,
      /Error from server \(InternalError\): Internal error occurred: injected fault/,
    );
  });

  it('accepts protobuf from typed kubectl commands for the kinds it can decode, 415 for others', async () => {
    await ok(['create', 'namespace', 'typed']);
    await ok([
      'create',
      'secret',
      'generic',
      'creds',
      '-n',
      'typed',
      '--from-literal=user=ann',
      '--type=example.com/t',
    ]);
    await ok(['create', 'configmap', 'settings', '-n', 'typed', '--from-literal=a=1', '--from-literal=b=2']);
    await ok(['create', 'serviceaccount', 'robot', '-n', 'typed']);
    const secret = JSON.parse(
      await ok(['get', 'secret', 'creds', '-n', 'typed', '-o', 'json']),
    ) as KubeObject;
    assert.deepEqual(
      [secret.type, secret.data],
      ['example.com/t', { user: Buffer.from('ann').toString('base64') }],
    );
    assert.equal(secret.metadata.generateName, undefined);
    const cm = JSON.parse(await ok(['get', 'cm', 'settings', '-n', 'typed', '-o', 'json'])) as KubeObject;
    assert.deepEqual(cm.data, { a: '1', b: '2' });
    assert.equal(
      emulator.store.get({ group: '', version: 'v1', resource: 'serviceaccounts' }, 'typed', 'robot')?.kind,
      'ServiceAccount',
    );
    const job = await kubectl(['create', 'job', 'typed-job', '--image=busybox']);
    assert.equal(job.code, 1);
    assert.match(
      job.stderr,
      /cannot decode protobuf for batch\/v1\/Job - accepted media types include: application\/json/,
    );
  });

  it('shows a limited user the real Forbidden error, answers auth can-i and honours --as', async () => {
    const kubeconfig = await emulator.addUser({ token: 'viewer-token', name: 'viewer' });
    emulator.store.create(
      { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'cm-viewer' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
      },
    );
    emulator.store.create(
      { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings' },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'viewer' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cm-viewer' },
        subjects: [{ kind: 'User', name: 'viewer' }],
      },
    );
    const allowed = await kubectl(['get', 'configmaps', '-A', '-o', 'name'], kubeconfig);
    assert.equal(allowed.code, 0, allowed.stderr);
    const denied = await kubectl(['get', 'secrets', '-n', 'default'], kubeconfig);
    assert.equal(denied.code, 1);
    assert.match(
      denied.stderr,
      /Error from server \(Forbidden\): secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" in the namespace "default"/,
    );
    const canI = async (args: string[], kubeconfig?: string) =>
      (await kubectl(['auth', 'can-i', ...args], kubeconfig)).stdout.trim();
    assert.equal(await canI(['list', 'configmaps', '-n', 'kube-system'], kubeconfig), 'yes');
    assert.equal(await canI(['get', 'secrets', '-n', 'default'], kubeconfig), 'no');
    assert.equal(await canI(['get', 'secrets', '-n', 'default']), 'yes');
    // The administrator may impersonate: --as shows what the viewer sees.
    assert.equal(await canI(['watch', 'configmaps', '--as=viewer']), 'yes');
    const impersonated = await kubectl(['get', 'secrets', '--as=viewer']);
    assert.match(impersonated.stderr, /secrets is forbidden: User "viewer" cannot list resource "secrets"/);
    const escalation = await kubectl(['get', 'configmaps', '--as=emulator-admin'], kubeconfig);
    assert.match(
      escalation.stderr,
      /users "emulator-admin" is forbidden: User "viewer" cannot impersonate resource "users" in API group "" at the cluster scope/,
    );
  });
});
