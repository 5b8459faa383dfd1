import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, ResourceRef, StoreEvent } from '../api.ts';
import { MemoryClusterStore } from './store.ts';

const CM: ResourceRef = { group: '', version: 'v1', resource: 'configmaps' };
const NS: ResourceRef = { group: '', version: 'v1', resource: 'namespaces' };
const SERVICE: ResourceRef = { group: '', version: 'v1', resource: 'services' };
const CLUSTER_ROLE: ResourceRef = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  resource: 'clusterroles',
};
const DEPLOY: ResourceRef = { group: 'apps', version: 'v1', resource: 'deployments' };
const RS: ResourceRef = { group: 'apps', version: 'v1', resource: 'replicasets' };
const CRD: ResourceRef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
};
const WIDGETS: ResourceRef = { group: 'example.com', version: 'v1', resource: 'widgets' };

type Status = { status: { code: number; reason: string; message: string; details?: { causes?: unknown[] } } };

function rejects(fn: () => unknown, code: number, message: RegExp | string): void {
  assert.throws(fn, (error: Status) => {
    assert.equal(error.status.code, code);
    if (typeof message === 'string') assert.equal(error.status.message, message);
    else assert.match(error.status.message, message);
    return true;
  });
}

/** Lets the asynchronous garbage collector run until `check` holds. */
async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail('condition never became true');
}

function cm(name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default', ...extra },
    data: { k: 'v' },
  };
}

function owned(name: string, owner: KubeObject, block = false): KubeObject {
  return cm(name, {
    ownerReferences: [
      {
        apiVersion: owner.apiVersion,
        kind: owner.kind,
        name: owner.metadata.name!,
        uid: owner.metadata.uid!,
        blockOwnerDeletion: block,
      },
    ],
  });
}

const widgetCrd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1, maximum: 10 },
                  color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
                  name: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[a-z]+$' },
                  at: { type: 'string', format: 'date-time' },
                  note: { type: 'string', nullable: true },
                  free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

function widget(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: 'default' }, spec };
}

describe('object semantics', () => {
  it('assigns uid, a global increasing resourceVersion, creationTimestamp, generation and generateName', () => {
    const store = new MemoryClusterStore();
    const a = store.create(CM, cm('a'));
    const d = store.create(DEPLOY, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { generateName: 'web-', namespace: 'default' },
      spec: { replicas: 1 },
    });
    assert.match(a.metadata.uid!, /^[0-9a-f-]{36}$/);
    assert.ok(Number(d.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
    assert.match(d.metadata.name!, /^web-[a-z0-9]{5}$/);
    assert.equal(a.metadata.generation, undefined, 'ConfigMaps have no generation');
    assert.equal(d.metadata.generation, 1);
    assert.match(a.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    rejects(() => store.create(CM, cm('a')), 409, 'configmaps "a" already exists');
  });

  it('refuses creates in a missing namespace and invalid names with 404 and 422', () => {
    const store = new MemoryClusterStore();
    rejects(
      () => store.create(CM, { ...cm('a'), metadata: { name: 'a', namespace: 'nope' } }),
      404,
      'namespaces "nope" not found',
    );
    rejects(
      () => store.create(CM, cm('Bad_Name')),
      422,
      /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
    rejects(
      () => store.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default' } }),
      422,
      'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
    );
  });

  it('names RBAC objects like path segments, as the real server does (system: names allowed)', () => {
    const store = new MemoryClusterStore();
    const role = (name: string): KubeObject => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name },
      rules: [],
    });
    for (const name of ['system:node', 'system:controller:job-controller', 'Upper_Case'])
      assert.equal(store.create(CLUSTER_ROLE, role(name)).metadata.name, name);
    rejects(
      () => store.create(CLUSTER_ROLE, role('a/b')),
      422,
      `ClusterRole.rbac.authorization.k8s.io "a/b" is invalid: metadata.name: Invalid value: "a/b": may not contain '/'`,
    );
    rejects(() => store.create(CLUSTER_ROLE, role('..')), 422, /may not be '\.\.'/);
    rejects(
      () => store.create(CLUSTER_ROLE, role('a/%')),
      422,
      `ClusterRole.rbac.authorization.k8s.io "a/%" is invalid: [metadata.name: Invalid value: "a/%": may not contain '/', ` +
        `metadata.name: Invalid value: "a/%": may not contain '%']`,
    );
  });

  it('names Services as DNS-1035 labels, Namespaces as DNS-1123 labels, and reports each broken rule', () => {
    const store = new MemoryClusterStore();
    const service = (name: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: { ports: [{ port: 80 }] },
    });
    assert.equal(
      store.create(CM, cm('1st-config')).metadata.name,
      '1st-config',
      'a subdomain may start with a digit',
    );
    rejects(
      () => store.create(SERVICE, service('1st-service')),
      422,
      /^Service "1st-service" is invalid: metadata.name: Invalid value: "1st-service": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/,
    );
    rejects(() => store.create(SERVICE, service('web.shop')), 422, /a DNS-1035 label must consist/);
    assert.equal(store.create(SERVICE, service('web')).metadata.name, 'web');
    const long = `n${'x'.repeat(63)}`;
    rejects(
      () => store.create(SERVICE, service(long)),
      422,
      `Service "${long}" is invalid: metadata.name: Invalid value: "${long}": must be no more than 63 characters`,
    );
    rejects(
      () => store.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${long}.x` } }),
      422,
      `Namespace "${long}.x" is invalid: [metadata.name: Invalid value: "${long}.x": must be no more than 63 characters, ` +
        `metadata.name: Invalid value: "${long}.x": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')]`,
    );
  });

  it('answers a stale resourceVersion with the real 409 Conflict and skips no-op updates', () => {
    const store = new MemoryClusterStore();
    const first = store.create(DEPLOY, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 1 },
    });
    const second = store.update(DEPLOY, { ...first, spec: { replicas: 2 } });
    assert.equal(second.metadata.generation, 2);
    rejects(
      () => store.update(DEPLOY, { ...first, spec: { replicas: 3 } }),
      409,
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
    const labelled = store.update(DEPLOY, {
      ...second,
      metadata: { ...second.metadata, labels: { a: 'b' } },
    });
    assert.equal(labelled.metadata.generation, 2, 'metadata changes do not bump generation');
    const same = store.update(DEPLOY, labelled);
    assert.equal(same.metadata.resourceVersion, labelled.metadata.resourceVersion);
  });

  it('keeps status out of main updates and everything but status out of /status updates', () => {
    const store = new MemoryClusterStore();
    const d = store.create(DEPLOY, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 1 },
      status: { replicas: 9 },
    });
    assert.equal(d.status, undefined, 'status is dropped on create');
    const s = store.updateStatus(DEPLOY, { ...d, spec: { replicas: 5 }, status: { replicas: 1 } });
    assert.equal((s.spec as { replicas: number }).replicas, 1);
    assert.deepEqual(s.status, { replicas: 1 });
    const u = store.update(DEPLOY, { ...s, spec: { replicas: 2 }, status: { replicas: 7 } });
    assert.deepEqual(u.status, { replicas: 1 });
    assert.equal((u.spec as { replicas: number }).replicas, 2);
  });

  it('applies the API server defaults: Job selector and labels, pod spec, Secret stringData', () => {
    const store = new MemoryClusterStore();
    const job = store.create(
      { group: 'batch', version: 'v1', resource: 'jobs' },
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'scan', namespace: 'default' },
        spec: {
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
        },
      },
    );
    const spec = job.spec as {
      selector: { matchLabels: Record<string, string> };
      template: {
        metadata: { labels: Record<string, string> };
        spec: { containers: Array<Record<string, unknown>> };
      };
      backoffLimit: number;
      completions: number;
    };
    assert.deepEqual(spec.selector.matchLabels, { 'batch.kubernetes.io/controller-uid': job.metadata.uid });
    assert.equal(spec.template.metadata.labels['job-name'], 'scan');
    assert.equal(spec.template.metadata.labels['controller-uid'], job.metadata.uid);
    assert.deepEqual([spec.backoffLimit, spec.completions], [6, 1]);
    assert.equal(spec.template.spec.containers[0]!.imagePullPolicy, 'Always');
    rejects(
      () =>
        store.create(
          { group: 'batch', version: 'v1', resource: 'jobs' },
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: { name: 'bad', namespace: 'default' },
            spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
          },
        ),
      422,
      'Job.batch "bad" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    );
    const secret = store.create(
      { group: '', version: 'v1', resource: 'secrets' },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's', namespace: 'default' },
        stringData: { a: 'b' },
      },
    );
    assert.deepEqual([secret.type, secret.data, secret.stringData], ['Opaque', { a: 'Yg==' }, undefined]);
  });

  it('runs Pods as an existing ServiceAccount, like the ServiceAccount admission plugin', () => {
    const store = new MemoryClusterStore();
    const SA: ResourceRef = { group: '', version: 'v1', resource: 'serviceaccounts' };
    const POD: ResourceRef = { group: '', version: 'v1', resource: 'pods' };
    store.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } });
    assert.ok(store.get(SA, 'fresh', 'default'), 'every namespace gets its default ServiceAccount');
    const pod = (metadata: KubeObject['metadata'], spec: Record<string, unknown> = {}): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: 'fresh', ...metadata },
      spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
    });
    const plain = store.create(POD, pod({ name: 'plain' }));
    assert.deepEqual(
      [
        (plain.spec as Record<string, unknown>).serviceAccountName,
        (plain.spec as Record<string, unknown>).serviceAccount,
      ],
      ['default', 'default'],
    );
    rejects(
      () => store.create(POD, pod({ generateName: 'scan-' }, { serviceAccountName: 'scanner' })),
      403,
      'pods "scan-" is forbidden: service account fresh/scanner was not found, retry after the service account is created',
    );
    rejects(
      () => store.create(POD, pod({ name: 'named' }, { serviceAccountName: 'scanner' })),
      403,
      /^pods "named" is forbidden: service account fresh\/scanner was not found/,
    );
    store.create(SA, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'scanner', namespace: 'fresh' },
      imagePullSecrets: [{ name: 'regcred' }],
    });
    const inherits = store.create(POD, pod({ name: 'inherits' }, { serviceAccountName: 'scanner' }));
    assert.deepEqual((inherits.spec as Record<string, unknown>).imagePullSecrets, [{ name: 'regcred' }]);
    const own = store.create(
      POD,
      pod({ name: 'own' }, { serviceAccountName: 'scanner', imagePullSecrets: [{ name: 'mine' }] }),
    );
    assert.deepEqual((own.spec as Record<string, unknown>).imagePullSecrets, [{ name: 'mine' }]);
  });

  it('validates label keys and values and the annotation budget with the apimachinery messages', () => {
    const store = new MemoryClusterStore();
    rejects(
      () => store.create(CM, cm('long-label', { labels: { app: 'x'.repeat(64) } })),
      422,
      `ConfigMap "long-label" is invalid: metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`,
    );
    rejects(
      () => store.create(CM, cm('bad-label', { labels: { 'Example.com/a': 'b c' } })),
      422,
      'ConfigMap "bad-label" is invalid: [' +
        `metadata.labels: Invalid value: "Example.com/a": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), ` +
        `metadata.labels: Invalid value: "b c": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]`,
    );
    rejects(
      () => store.create(CM, cm('slashes', { annotations: { 'a/b/c': '' } })),
      422,
      /metadata.annotations: Invalid value: "a\/b\/c": a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e.g. 'example.com\/MyName'\)$/,
    );
    rejects(
      () => store.create(CM, cm('annotated', { annotations: { big: 'x'.repeat(256 * 1024) } })),
      422,
      'ConfigMap "annotated" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes',
    );
    const fine = store.create(
      CM,
      cm('fine', {
        labels: { 'app.kubernetes.io/name': 'web', empty: '', 'x.y_z-1': 'A.b_c-9' },
        annotations: { 'example.com/Note': 'y'.repeat(256 * 1024 - 'example.com/Note'.length) },
      }),
    );
    assert.equal(fine.metadata.labels?.empty, '');
    // Updates are held to the same rules.
    rejects(
      () => store.update(CM, { ...fine, metadata: { ...fine.metadata, labels: { 'bad key!': 'v' } } }),
      422,
      /^ConfigMap "fine" is invalid: metadata.labels: Invalid value: "bad key!": name part must consist of/,
    );
  });

  it('rejects objects over the etcd limit with the etcd error text', () => {
    const store = new MemoryClusterStore();
    const big = cm('big');
    big.data = { blob: 'x'.repeat(1.6 * 1024 * 1024) };
    assert.throws(
      () => store.create(CM, big),
      (e: Status) => e.status.code === 500 && e.status.message === 'etcdserver: request is too large',
    );
    assert.equal(store.get(CM, 'default', 'big'), undefined);
  });

  it('delivers changes made from inside a subscriber after the change that caused them', async () => {
    const store = new MemoryClusterStore();
    const seen: string[][] = [[], []];
    store.subscribe((e) => {
      seen[0]!.push(`${e.type}:${e.object.metadata.name}`);
      if (e.type === 'ADDED' && e.object.metadata.name === 'cause') store.create(CM, cm('effect'));
    });
    store.subscribe((e) => seen[1]!.push(`${e.type}:${e.object.metadata.name}`));
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const stop = store.subscribe(() => {
      throw new Error('subscriber bug');
    });
    store.create(CM, cm('cause'));
    stop();
    assert.deepEqual(seen, [
      ['ADDED:cause', 'ADDED:effect'],
      ['ADDED:cause', 'ADDED:effect'],
    ]);
    assert.ok(store.get(CM, 'default', 'effect'));
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    assert.ok(warnings.includes('emulator store subscriber failed: subscriber bug'), warnings.join());
  });

  it('publishes every change in resourceVersion order and answers 410 once history is compacted', () => {
    const store = new MemoryClusterStore({ historySize: 3 });
    const events: StoreEvent[] = [];
    const stop = store.subscribe((e) => events.push(e));
    const start = store.resourceVersion;
    const a = store.create(CM, cm('a'));
    store.update(CM, { ...a, data: { k: 'w' } });
    store.delete(CM, 'default', 'a');
    stop();
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'MODIFIED', 'DELETED'],
    );
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.deepEqual(
      rvs,
      [...rvs].sort((x, y) => x - y),
    );
    assert.equal(store.eventsSince(start).length, 3);
    store.create(CM, cm('b'));
    rejects(() => store.eventsSince(start), 410, `too old resource version: ${start} (${start + 2})`);
    store.compact();
    rejects(() => store.eventsSince(store.resourceVersion - 1), 410, /too old resource version/);
    assert.deepEqual(store.eventsSince(store.resourceVersion), []);
  });
});

describe('lists of what a controller owns', () => {
  it('follow controller ownerReferences as they are added, removed and deleted', async () => {
    const store = new MemoryClusterStore();
    store.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    const deploy = (name: string) =>
      store.create(DEPLOY, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: 'default' },
        spec: {},
      });
    const a = deploy('a');
    const b = deploy('b');
    const controlledBy = (owner: KubeObject, controller = true) => ({
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: owner.metadata.name!,
          uid: owner.metadata.uid!,
          controller,
        },
      ],
    });
    store.create(CM, cm('a-2', controlledBy(a)));
    store.create(CM, cm('a-1', controlledBy(a)));
    store.create(CM, cm('b-1', controlledBy(b)));
    store.create(CM, cm('a-not-controller', controlledBy(a, false)));
    store.create(CM, cm('a-elsewhere', { ...controlledBy(a), namespace: 'other' }));
    const names = (uid: string, namespace?: string, labelSelector?: string) =>
      store
        .list(CM, namespace, { controllerUid: uid, ...(labelSelector ? { labelSelector } : {}) })
        .map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    assert.deepEqual(names(a.metadata.uid!), ['default/a-1', 'default/a-2', 'other/a-elsewhere']);
    assert.deepEqual(names(a.metadata.uid!, 'default'), ['default/a-1', 'default/a-2']);
    assert.deepEqual(names(b.metadata.uid!), ['default/b-1']);
    assert.deepEqual(names(a.metadata.uid!, 'default', 'missing=label'), []);
    assert.deepEqual(store.list(DEPLOY, 'default', { controllerUid: a.metadata.uid! }), []);

    // Taking the reference away (adoption by another controller) moves the object between the two lists.
    const moved = store.get(CM, 'default', 'a-2')!;
    store.update(CM, { ...moved, metadata: { ...moved.metadata, ...controlledBy(b) } });
    assert.deepEqual(names(a.metadata.uid!, 'default'), ['default/a-1']);
    assert.deepEqual(names(b.metadata.uid!), ['default/a-2', 'default/b-1']);

    store.delete(CM, 'default', 'a-1');
    assert.deepEqual(names(a.metadata.uid!, 'default'), []);
    // Orphaning removes the references, and with them the entries.
    store.delete(DEPLOY, 'default', 'b', { propagationPolicy: 'Orphan' });
    await eventually(() => store.get(DEPLOY, 'default', 'b') === undefined);
    assert.deepEqual(names(b.metadata.uid!), []);
    assert.ok(store.get(CM, 'default', 'b-1'));
  });
});

describe('deletion', () => {
  it('keeps an object with finalizers until they are removed', () => {
    const store = new MemoryClusterStore();
    store.create(CM, cm('held', { finalizers: ['example.com/hold'] }));
    store.delete(CM, 'default', 'held');
    const held = store.get(CM, 'default', 'held')!;
    assert.ok(held.metadata.deletionTimestamp);
    store.update(CM, { ...held, metadata: { ...held.metadata, finalizers: [] } });
    assert.equal(store.get(CM, 'default', 'held'), undefined);
  });

  it('garbage-collects dependents in the background and orphans them on request', async () => {
    const store = new MemoryClusterStore();
    const owner = store.create(DEPLOY, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'o1', namespace: 'default' },
      spec: {},
    });
    store.create(CM, owned('d1', owner));
    store.delete(DEPLOY, 'default', 'o1', { propagationPolicy: 'Background' });
    assert.equal(store.get(DEPLOY, 'default', 'o1'), undefined, 'the owner goes at once');
    await eventually(() => store.get(CM, 'default', 'd1') === undefined);

    const owner2 = store.create(DEPLOY, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'o2', namespace: 'default' },
      spec: {},
    });
    store.create(CM, owned('d2', owner2));
    store.delete(DEPLOY, 'default', 'o2', { propagationPolicy: 'Orphan' });
    assert.ok(store.get(DEPLOY, 'default', 'o2')?.metadata.finalizers?.includes('orphan'));
    await eventually(() => store.get(DEPLOY, 'default', 'o2') === undefined);
    const orphan = store.get(CM, 'default', 'd2');
    assert.ok(orphan, 'the dependent survives');
    assert.equal(orphan.metadata.ownerReferences, undefined);
  });

  it('deletes in the foreground: the owner waits for blocking dependents', async () => {
    const store = new MemoryClusterStore();
    const owner = store.create(RS, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs', namespace: 'default' },
      spec: {},
    });
    const blocker = owned('blocker', owner, true);
    blocker.metadata.finalizers = ['example.com/hold'];
    store.create(CM, blocker);
    store.create(CM, owned('plain', owner, false));
    store.delete(RS, 'default', 'rs', { propagationPolicy: 'Foreground' });
    await eventually(() => store.get(CM, 'default', 'plain') === undefined);
    const waiting = store.get(RS, 'default', 'rs');
    assert.ok(waiting?.metadata.finalizers?.includes('foregroundDeletion'), 'owner still waits');
    const held = store.get(CM, 'default', 'blocker')!;
    assert.ok(held.metadata.deletionTimestamp);
    store.update(CM, { ...held, metadata: { ...held.metadata, finalizers: [] } });
    await eventually(() => store.get(RS, 'default', 'rs') === undefined);
  });

  it('terminates a namespace: content is deleted, new content is refused, then the namespace goes', async () => {
    const store = new MemoryClusterStore();
    store.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    store.create(CM, {
      ...cm('x'),
      metadata: { name: 'x', namespace: 'team', finalizers: ['example.com/hold'] },
    });
    store.delete(NS, undefined, 'team');
    assert.equal((store.get(NS, undefined, 'team')!.status as { phase: string }).phase, 'Terminating');
    rejects(
      () => store.create(CM, { ...cm('y'), metadata: { name: 'y', namespace: 'team' } }),
      403,
      'configmaps "y" is forbidden: unable to create new content in namespace team because it is being terminated',
    );
    await eventually(() => store.get(CM, 'team', 'x')?.metadata.deletionTimestamp !== undefined);
    const x = store.get(CM, 'team', 'x')!;
    store.update(CM, { ...x, metadata: { ...x.metadata, finalizers: [] } });
    await eventually(() => store.get(NS, undefined, 'team') === undefined);
  });
});

describe('custom resources', () => {
  it('establishes a CRD, then validates, prunes and defaults its objects', () => {
    const store = new MemoryClusterStore();
    const crd = store.create(CRD, widgetCrd);
    const conditions = (crd.status as { conditions: Array<{ type: string; status: string }> }).conditions;
    assert.ok(conditions.some((c) => c.type === 'Established' && c.status === 'True'));
    const w = store.create(
      WIDGETS,
      widget('w1', { size: 3, extra: 'gone', note: null, color: null, free: { any: { thing: 1 } } }),
    );
    assert.deepEqual(w.spec, { size: 3, color: 'red', note: null, free: { any: { thing: 1 } } });
    assert.throws(
      () => store.create(WIDGETS, widget('w2', { size: 'big', color: 'green', name: 'A', at: 'yesterday' })),
      (e: Status) => {
        assert.equal(e.status.code, 422);
        assert.equal(
          e.status.message,
          'Widget.example.com "w2" is invalid: [spec.size: Invalid value: "string": spec.size in body must be of type integer: "string", ' +
            'spec.color: Unsupported value: "green": supported values: "red", "blue", ' +
            'spec.name: Invalid value: "A": spec.name in body should be at least 2 chars long, ' +
            'spec.name: Invalid value: "A": spec.name in body should match \'^[a-z]+$\', ' +
            'spec.at: Invalid value: "yesterday": spec.at in body must be of type date-time: "yesterday"]',
        );
        assert.equal(e.status.details?.causes?.length, 5);
        return true;
      },
    );
    rejects(
      () => store.create(WIDGETS, widget('w3', {})),
      422,
      'Widget.example.com "w3" is invalid: spec.size: Required value',
    );
    rejects(
      () => store.create(WIDGETS, widget('w4', { size: 11 })),
      422,
      /spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10/,
    );
  });

  it('honours the status subresource and removes instances and the type when the CRD is deleted', async () => {
    const store = new MemoryClusterStore();
    store.create(CRD, widgetCrd);
    const w = store.create(WIDGETS, { ...widget('w1', { size: 1 }), status: { phase: 'Set' } });
    assert.equal(w.status, undefined);
    const s = store.updateStatus(WIDGETS, { ...w, spec: { size: 2 }, status: { phase: 'Ready' } });
    assert.deepEqual([s.spec, s.status], [{ size: 1, color: 'red' }, { phase: 'Ready' }]);
    store.delete(CRD, undefined, 'widgets.example.com');
    await eventually(() => store.get(CRD, undefined, 'widgets.example.com') === undefined);
    assert.equal(store.registry.find('example.com', 'v1', 'widgets'), undefined);
    rejects(() => store.list(WIDGETS), 404, 'the server could not find the requested resource');
  });
});
