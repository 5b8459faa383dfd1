import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../api.ts';
import { startEmulator } from '../index.ts';
import type { Emulator } from '../index.ts';
import { apiRequest, closeAgent, collectWatch, streamText, waitUntil } from '../testing.ts';

const CMS = '/api/v1/namespaces/default/configmaps';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', shortNames: ['gd'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Owner', type: 'string', jsonPath: '.spec.owner', priority: 1 },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer' }, owner: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

describe('API server over HTTP', () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({ historySize: 50, bookmarkIntervalMs: 100 });
  });
  after(async () => {
    await closeAgent(emulator);
    await emulator.close();
  });

  const create = async (name: string, labels: Record<string, string> = {}) => {
    const res = await apiRequest(emulator, 'POST', CMS, {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { k: name } },
    });
    assert.equal(res.status, 201, res.text);
    return res.json() as unknown as KubeObject;
  };

  it('serves discovery, and adds and removes CRD resources as CRDs come and go', async () => {
    const version = (await apiRequest(emulator, 'GET', '/version', { token: null })).json();
    assert.equal(version.major, '1');
    const apps = (await apiRequest(emulator, 'GET', '/apis/apps/v1')).json() as {
      resources: Array<{ name: string; shortNames?: string[]; namespaced: boolean; verbs: string[] }>;
    };
    const deployments = apps.resources.find((r) => r.name === 'deployments')!;
    assert.deepEqual(deployments.shortNames, ['deploy']);
    assert.ok(deployments.verbs.includes('watch'));
    assert.ok(apps.resources.some((r) => r.name === 'deployments/status'));
    const groups = async () =>
      ((await apiRequest(emulator, 'GET', '/apis')).json() as { groups: Array<{ name: string }> }).groups.map(
        (g) => g.name,
      );
    assert.ok(!(await groups()).includes('example.com'));
    assert.equal(
      (
        await apiRequest(emulator, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
          body: crd,
        })
      ).status,
      201,
    );
    assert.ok((await groups()).includes('example.com'));
    const list = (await apiRequest(emulator, 'GET', '/apis/example.com/v1')).json() as {
      resources: Array<{ name: string }>;
    };
    assert.deepEqual(
      list.resources.map((r) => r.name),
      ['gadgets'],
    );
    const res = await apiRequest(emulator, 'POST', '/apis/example.com/v1/namespaces/default/gadgets', {
      body: {
        apiVersion: 'example.com/v1',
        kind: 'Gadget',
        metadata: { name: 'g1' },
        spec: { size: 2, owner: 'ann' },
      },
    });
    assert.equal(res.status, 201, res.text);
    const table = (
      await apiRequest(emulator, 'GET', '/apis/example.com/v1/namespaces/default/gadgets', { accept: TABLE })
    ).json() as {
      columnDefinitions: Array<{ name: string; priority: number }>;
      rows: Array<{ cells: unknown[] }>;
    };
    assert.deepEqual(
      table.columnDefinitions.map((c) => [c.name, c.priority]),
      [
        ['Name', 0],
        ['Size', 0],
        ['Owner', 1],
      ],
    );
    assert.deepEqual(table.rows[0]!.cells, ['g1', 2, 'ann']);
    assert.equal(
      (
        await apiRequest(
          emulator,
          'DELETE',
          '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com',
        )
      ).status,
      200,
    );
    await waitUntil(async () => !(await groups()).includes('example.com'), 5000, 'CRD group removal');
    assert.equal(
      (await apiRequest(emulator, 'GET', '/apis/example.com/v1/namespaces/default/gadgets')).status,
      404,
    );
  });

  it('lists built-in items without apiVersion/kind like a real server; custom resources and watches keep them', async () => {
    await create('typed-a');
    const list = (await apiRequest(emulator, 'GET', CMS)).json() as {
      kind: string;
      apiVersion: string;
      items: Array<Record<string, unknown> & { metadata: { name: string } }>;
    };
    assert.deepEqual([list.kind, list.apiVersion], ['ConfigMapList', 'v1']);
    const item = list.items.find((i) => i.metadata.name === 'typed-a')!;
    assert.deepEqual([item.apiVersion, item.kind], [undefined, undefined]);
    const single = (await apiRequest(emulator, 'GET', `${CMS}/typed-a`)).json();
    assert.deepEqual([single.apiVersion, single.kind], ['v1', 'ConfigMap']);
    const watched = await collectWatch(
      emulator,
      `${CMS}?watch=true&fieldSelector=metadata.name%3Dtyped-a`,
      (e) => e.length >= 1,
    );
    assert.deepEqual(
      [watched.events[0]!.object.apiVersion, watched.events[0]!.object.kind],
      ['v1', 'ConfigMap'],
    );

    const widgets = { ...crd, metadata: { name: 'typedgadgets.example.com' } };
    widgets.spec = {
      ...crd.spec,
      names: { plural: 'typedgadgets', singular: 'typedgadget', kind: 'TypedGadget', shortNames: [] },
    };
    const path = '/apis/example.com/v1/namespaces/default/typedgadgets';
    assert.equal(
      (
        await apiRequest(emulator, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
          body: widgets,
        })
      ).status,
      201,
    );
    const made = await apiRequest(emulator, 'POST', path, {
      body: {
        apiVersion: 'example.com/v1',
        kind: 'TypedGadget',
        metadata: { name: 't1' },
        spec: { size: 1 },
      },
    });
    assert.equal(made.status, 201, made.text);
    const customs = (await apiRequest(emulator, 'GET', path)).json() as {
      items: Array<Record<string, unknown>>;
    };
    assert.deepEqual(
      customs.items.map((i) => [i.apiVersion, i.kind]),
      [['example.com/v1', 'TypedGadget']],
    );
  });

  it('authenticates bearer tokens and enforces RBAC with the real Forbidden message', async () => {
    assert.equal((await apiRequest(emulator, 'GET', CMS, { token: null })).status, 401);
    assert.equal((await apiRequest(emulator, 'GET', CMS, { token: 'wrong' })).status, 401);
    await emulator.addUser({ token: 'alice-token', name: 'alice' });
    const rbac = '/apis/rbac.authorization.k8s.io/v1';
    await apiRequest(emulator, 'POST', `${rbac}/namespaces/default/roles`, {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'cm-reader' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
      },
    });
    await apiRequest(emulator, 'POST', `${rbac}/namespaces/default/rolebindings`, {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'alice-reads' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-reader' },
        subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }],
      },
    });
    const as = (method: string, path: string, body?: unknown) =>
      apiRequest(emulator, method, path, { token: 'alice-token', ...(body ? { body } : {}) });
    assert.equal((await as('GET', CMS)).status, 200);
    assert.equal((await as('GET', '/apis')).status, 200, 'discovery is open to authenticated users');
    const pods = await as('GET', '/api/v1/namespaces/default/pods');
    assert.equal(pods.status, 403);
    assert.deepEqual(pods.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"',
      reason: 'Forbidden',
      details: { group: '', kind: 'pods' },
      code: 403,
    });
    const other = await as('GET', '/api/v1/namespaces/kube-system/configmaps/x');
    assert.equal(
      other.json().message,
      'configmaps "x" is forbidden: User "alice" cannot get resource "configmaps" in API group "" in the namespace "kube-system"',
    );
    const nodes = await as('GET', '/api/v1/nodes');
    assert.match(
      String(nodes.json().message),
      /cannot list resource "nodes" in API group "" at the cluster scope$/,
    );
    assert.equal((await as('POST', CMS, { metadata: { name: 'nope' } })).status, 403);
  });

  it('answers 409 Conflict, 422 Invalid, 415 and 405 in the Status format', async () => {
    const a = await create('conflict-a');
    const ok = await apiRequest(emulator, 'PUT', `${CMS}/conflict-a`, { body: { ...a, data: { k: '2' } } });
    assert.equal(ok.status, 200);
    const stale = await apiRequest(emulator, 'PUT', `${CMS}/conflict-a`, {
      body: { ...a, data: { k: '3' } },
    });
    assert.equal(stale.status, 409);
    assert.equal(stale.json().reason, 'Conflict');
    assert.deepEqual(stale.json().details, { name: 'conflict-a', group: '', kind: 'configmaps' });
    const bad = await apiRequest(emulator, 'POST', CMS, { body: { metadata: { name: 'UPPER' } } });
    assert.equal(bad.status, 422);
    const causes = (bad.json().details as { causes: Array<{ field: string; reason: string }> }).causes;
    assert.deepEqual(
      causes.map((c) => [c.field, c.reason]),
      [['metadata.name', 'FieldValueInvalid']],
    );
    const smp = await apiRequest(emulator, 'PATCH', `${CMS}/conflict-a`, {
      body: { data: { k: '4' } },
      contentType: 'application/yaml',
    });
    assert.equal(smp.status, 415);
    assert.equal(smp.json().reason, 'UnsupportedMediaType');
    assert.equal((await apiRequest(emulator, 'POST', `${CMS}/conflict-a`, { body: {} })).status, 405);
  });

  it('rejects bodies over 3 MiB with 413 and objects over 1.5 MiB with the etcd error', async () => {
    const huge = await apiRequest(emulator, 'POST', CMS, {
      body: { metadata: { name: 'huge' }, data: { blob: 'x'.repeat(3 * 1024 * 1024) } },
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.json().message, 'Request entity too large: limit is 3145728');
    const big = await apiRequest(emulator, 'POST', CMS, {
      body: { metadata: { name: 'big' }, data: { blob: 'x'.repeat(2 * 1024 * 1024) } },
    });
    assert.equal(big.status, 500);
    assert.deepEqual(big.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'etcdserver: request is too large',
      code: 500,
    });
  });

  it('patches with JSON patch, merge patch and strategic merge patch', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments';
    const created = await apiRequest(emulator, 'POST', path, {
      body: {
        metadata: { name: 'patchme' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'p' } },
          template: {
            metadata: { labels: { app: 'p' } },
            spec: {
              containers: [
                { name: 'a', image: 'a:1' },
                { name: 'b', image: 'b:1' },
              ],
            },
          },
        },
      },
    });
    assert.equal(created.status, 201);
    const smp = await apiRequest(emulator, 'PATCH', `${path}/patchme`, {
      contentType: 'application/strategic-merge-patch+json',
      body: { spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2' }] } } } },
    });
    const containers = (
      smp.json() as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }
    ).spec.template.spec.containers;
    assert.deepEqual(
      containers.map((c) => c.image),
      ['a:1', 'b:2'],
    );
    const merge = await apiRequest(emulator, 'PATCH', `${path}/patchme`, {
      contentType: 'application/merge-patch+json',
      body: { spec: { replicas: 3 } },
    });
    assert.equal((merge.json() as { spec: { replicas: number } }).spec.replicas, 3);
    assert.equal((merge.json() as { metadata: { generation: number } }).metadata.generation, 3);
    const json = await apiRequest(emulator, 'PATCH', `${path}/patchme`, {
      contentType: 'application/json-patch+json',
      body: [{ op: 'test', path: '/spec/replicas', value: 2 }],
    });
    assert.equal(json.status, 422);
  });

  it('paginates lists with limit/continue and expires old continue tokens with 410', async () => {
    for (const n of [1, 2, 3, 4, 5]) await create(`page-${n}`, { page: 'yes' });
    const names: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const res = (
        await apiRequest(
          emulator,
          'GET',
          `${CMS}?labelSelector=page%3Dyes&limit=2${token ? `&continue=${token}` : ''}`,
        )
      ).json() as { items: KubeObject[]; metadata: { continue?: string; resourceVersion: string } };
      names.push(...res.items.map((i) => i.metadata.name!));
      assert.ok(Number(res.metadata.resourceVersion) > 0);
      token = res.metadata.continue ?? '';
      pages++;
    } while (token);
    assert.deepEqual(names, ['page-1', 'page-2', 'page-3', 'page-4', 'page-5']);
    assert.equal(pages, 3);
    const first = (await apiRequest(emulator, 'GET', `${CMS}?limit=1`)).json() as {
      metadata: { continue: string };
    };
    await create('after-compaction');
    emulator.faults.compact();
    const expired = await apiRequest(emulator, 'GET', `${CMS}?limit=1&continue=${first.metadata.continue}`);
    assert.equal(expired.status, 410);
    assert.equal(expired.json().reason, 'Expired');
  });

  it('watches from a resourceVersion, with initial events, bookmarks, selectors and timeouts', async () => {
    const start = await create('watch-a', { w: 'yes' });
    const rv = start.metadata.resourceVersion!;
    const fromRv = collectWatch(
      emulator,
      `${CMS}?watch=true&resourceVersion=${rv}&labelSelector=w%3Dyes`,
      (e) => e.length >= 3,
    );
    // No pause needed: the watch starts from `rv`, so changes made before it is open are replayed.
    await create('watch-b', { w: 'yes' });
    await create('watch-ignored', { w: 'no' });
    const b = (await apiRequest(emulator, 'GET', `${CMS}/watch-b`)).json();
    await apiRequest(emulator, 'PATCH', `${CMS}/watch-b`, {
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: { w: 'no' } } },
    });
    await apiRequest(emulator, 'DELETE', `${CMS}/watch-a`);
    const seen = await fromRv;
    assert.deepEqual(
      seen.events.map((e) => `${e.type}:${e.object.metadata?.name}`),
      ['ADDED:watch-b', 'DELETED:watch-b', 'DELETED:watch-a'],
      'leaving the selector is a DELETED event',
    );
    assert.ok(Number(seen.events[0]!.object.metadata!.resourceVersion) > Number(rv));
    assert.equal((b.metadata as { name: string }).name, 'watch-b');

    const initial = await collectWatch(
      emulator,
      `${CMS}?watch=true&labelSelector=page%3Dyes&allowWatchBookmarks=true`,
      (e) => e.some((x) => x.type === 'BOOKMARK'),
    );
    assert.deepEqual(
      initial.events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata?.name),
      ['page-1', 'page-2', 'page-3', 'page-4', 'page-5'],
    );
    const bookmark = initial.events.find((e) => e.type === 'BOOKMARK')!;
    assert.deepEqual(Object.keys(bookmark.object).sort(), ['apiVersion', 'kind', 'metadata']);

    const startedAt = Date.now();
    const timed = await collectWatch(
      emulator,
      `${CMS}?watch=true&resourceVersion=${emulator.store.resourceVersion}&timeoutSeconds=1`,
      () => false,
    );
    assert.equal(timed.ended, true);
    assert.ok(Date.now() - startedAt >= 900);
  });

  it('serves the legacy /watch/ path for one object and Table-formatted watch events', async () => {
    await create('legacy-w');
    const legacy = await collectWatch(
      emulator,
      '/api/v1/watch/namespaces/default/configmaps/legacy-w',
      (e) => e.length >= 1,
    );
    assert.deepEqual(
      legacy.events.map((e) => `${e.type}:${e.object.metadata?.name}`),
      ['ADDED:legacy-w'],
    );
    const res = await apiRequest(emulator, 'GET', `${CMS}/legacy-w`, { accept: TABLE });
    const table = res.json() as { kind: string; rows: Array<{ cells: unknown[]; object: { kind: string } }> };
    assert.equal(table.kind, 'Table');
    assert.equal(table.rows[0]!.cells[0], 'legacy-w');
    assert.equal(table.rows[0]!.object.kind, 'PartialObjectMetadata');
  });

  it('answers a watch from a compacted resourceVersion with a 410 Expired ERROR event', async () => {
    const old = emulator.store.resourceVersion;
    await create('compact-1');
    emulator.faults.compact();
    const res = await collectWatch(emulator, `${CMS}?watch=true&resourceVersion=${old}`, () => false);
    assert.equal(res.status, 200);
    assert.equal(res.ended, true);
    assert.equal(res.events.length, 1);
    assert.equal(res.events[0]!.type, 'ERROR');
    assert.deepEqual(
      { ...res.events[0]!.object, message: undefined },
      {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: undefined,
        reason: 'Expired',
        code: 410,
      },
    );
    assert.match(String(res.events[0]!.object.message), /^too old resource version: \d+ \(\d+\)$/);
  });

  it('serves pods/log from the registered PodLogSource with the kubelet container checks', async () => {
    const pods = '/api/v1/namespaces/default/pods';
    const make = async (name: string, containers: string[]) =>
      assert.equal(
        (
          await apiRequest(emulator, 'POST', pods, {
            body: {
              metadata: { name },
              spec: { containers: containers.map((c) => ({ name: c, image: 'busybox' })) },
            },
          })
        ).status,
        201,
      );
    await make('solo', ['main']);
    await make('duo', ['a', 'b']);
    const written = new Map([
      ['default/solo/main', 'one\ntwo\nthree\n'],
      ['default/duo/b', 'bee\n'],
    ]);
    emulator.setPodLogSource({ read: (ns, pod, container) => written.get(`${ns}/${pod}/${container}`) });
    const solo = await apiRequest(emulator, 'GET', `${pods}/solo/log`);
    assert.equal(solo.status, 200);
    assert.equal(solo.text, 'one\ntwo\nthree\n');
    assert.equal((await apiRequest(emulator, 'GET', `${pods}/solo/log?tailLines=2`)).text, 'two\nthree\n');
    assert.equal((await apiRequest(emulator, 'GET', `${pods}/solo/log?limitBytes=3`)).text, 'one');
    const ambiguous = await apiRequest(emulator, 'GET', `${pods}/duo/log`);
    assert.equal(ambiguous.status, 400);
    assert.equal(
      ambiguous.json().message,
      'a container name must be specified for pod duo, choose one of: [a b]',
    );
    assert.equal((await apiRequest(emulator, 'GET', `${pods}/duo/log?container=b`)).text, 'bee\n');
    // A container whose status says it never started has no log yet, whatever the source holds.
    const POD = { group: '', version: 'v1', resource: 'pods' };
    const setWaiting = (reason: string, restartCount: number) => {
      const duo = emulator.store.get(POD, 'default', 'duo')!;
      emulator.store.updateStatus(POD, {
        ...duo,
        status: {
          phase: 'Pending',
          containerStatuses: [{ name: 'b', restartCount, state: { waiting: { reason } } }],
        },
      });
    };
    setWaiting('CreateContainerConfigError', 0);
    const notStarted = await apiRequest(emulator, 'GET', `${pods}/duo/log?container=b`);
    assert.equal(notStarted.status, 400);
    assert.equal(
      notStarted.json().message,
      'container "b" in pod "duo" is waiting to start: CreateContainerConfigError',
    );
    setWaiting('CrashLoopBackOff', 1);
    assert.equal((await apiRequest(emulator, 'GET', `${pods}/duo/log?container=b`)).text, 'bee\n');
    const wrong = await apiRequest(emulator, 'GET', `${pods}/duo/log?container=c`);
    assert.equal(wrong.json().message, 'container c is not valid for pod duo');
    assert.equal((await apiRequest(emulator, 'GET', `${pods}/ghost/log`)).status, 404);

    // follow: what exists, then what is appended, until the container terminates. Each step waits for the
    // previous one to reach the client, so the order holds on a loaded machine.
    const chunks: string[] = [];
    let ended = false;
    const following = streamText(emulator, `${pods}/solo/log?follow=true`, (chunk) =>
      chunks.push(chunk),
    ).then(() => (ended = true));
    await waitUntil(() => chunks.join('') === 'one\ntwo\nthree\n', 10000, 'the existing log');
    written.set('default/solo/main', 'one\ntwo\nthree\nfour\n');
    await waitUntil(() => chunks.join('') === 'one\ntwo\nthree\nfour\n', 10000, 'the appended line');
    assert.equal(ended, false, 'the stream stays open while the container runs');
    const pod = emulator.store.get({ group: '', version: 'v1', resource: 'pods' }, 'default', 'solo')!;
    emulator.store.updateStatus(
      { group: '', version: 'v1', resource: 'pods' },
      {
        ...pod,
        status: {
          phase: 'Succeeded',
          containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 0 } } }],
        },
      },
    );
    await following;
    assert.equal(chunks.join(''), 'one\ntwo\nthree\nfour\n');
  });

  it('warns, as a real server does, that deleting a Job without a propagation policy keeps its Pods', async () => {
    const jobs = '/apis/batch/v1/namespaces/default/jobs';
    const job = (name: string) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    for (const name of ['orphaning', 'cascading']) {
      assert.equal((await apiRequest(emulator, 'POST', jobs, { body: job(name) })).status, 201);
    }
    const orphaning = await apiRequest(emulator, 'DELETE', `${jobs}/orphaning`);
    assert.equal(orphaning.status, 200);
    assert.equal(
      orphaning.headers.warning,
      '299 - "child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning"',
    );
    const cascading = await apiRequest(emulator, 'DELETE', `${jobs}/cascading`, {
      body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' },
    });
    assert.equal(cascading.status, 200);
    assert.equal(cascading.headers.warning, undefined);
  });

  it('creates through server-side apply when the object does not exist, and requires fieldManager', async () => {
    const path = `${CMS}/applied`;
    const body = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: "1"\n';
    const missing = await apiRequest(emulator, 'PATCH', path, {
      body,
      contentType: 'application/apply-patch+yaml',
    });
    assert.equal(missing.status, 422);
    const created = await apiRequest(emulator, 'PATCH', `${path}?fieldManager=test`, {
      body,
      contentType: 'application/apply-patch+yaml',
    });
    assert.equal(created.status, 201, created.text);
    const updated = await apiRequest(emulator, 'PATCH', `${path}?fieldManager=test`, {
      body: body.replace('"1"', '"2"'),
      contentType: 'application/apply-patch+yaml',
    });
    assert.deepEqual((updated.json() as { data: unknown }).data, { a: '2' });
  });

  it('answers malformed requests with 4xx statuses and keeps serving', async () => {
    const cases: Array<[string, string, unknown, number]> = [
      ['POST', CMS, '{not json', 400],
      ['POST', CMS, '[1,2]', 400],
      ['POST', CMS, { apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'x' } }, 400],
      ['POST', CMS, { kind: 'Secret', metadata: { name: 'x' } }, 400],
      ['POST', CMS, { metadata: { name: 'x', namespace: 'kube-system' } }, 400],
      ['PUT', `${CMS}/a`, { metadata: { name: 'b' } }, 400],
      ['GET', '/api/v1/namespaces/default/nothings', undefined, 404],
      ['GET', '/api/v1/namespaces/default/configmaps/a/b/c', undefined, 404],
      ['GET', '/api/v1/nodes/x/status/extra', undefined, 404],
      ['GET', '/api/v1/namespaces/default/configmaps/a/status', undefined, 404],
      ['GET', `${CMS}?labelSelector=${encodeURIComponent('a in (b')}`, undefined, 400],
      ['GET', `${CMS}?fieldSelector=spec.nope%3D1`, undefined, 400],
      ['GET', `${CMS}?limit=1&continue=garbage`, undefined, 400],
      ['DELETE', `${CMS}/a?propagationPolicy=Sideways`, undefined, 422],
      ['POST', `${CMS}?dryRun=All`, { metadata: { name: 'dry' } }, 400],
      ['PATCH', `${CMS}/missing`, [], 415],
    ];
    for (const [method, path, body, expected] of cases) {
      const res = await apiRequest(emulator, method, path, body === undefined ? {} : { body });
      assert.equal(res.status, expected, `${method} ${path}: ${res.text}`);
      assert.equal(res.json().kind, 'Status', `${method} ${path}`);
    }
    const watch = await collectWatch(emulator, `${CMS}?watch=true&resourceVersion=abc`, () => false);
    assert.equal(watch.events[0]?.type, 'ERROR');
    assert.equal((await apiRequest(emulator, 'GET', '/version')).status, 200);
  });

  it('injects request faults and latency, drops watches, and restarts keeping data', async () => {
    const disarm = emulator.faults.failRequest({
      method: 'GET',
      path: '/configmaps/fault-target',
      status: 429,
      nth: 2,
    });
    await create('fault-target');
    const first = await apiRequest(emulator, 'GET', `${CMS}/fault-target`);
    const second = await apiRequest(emulator, 'GET', `${CMS}/fault-target`);
    const third = await apiRequest(emulator, 'GET', `${CMS}/fault-target`);
    assert.deepEqual([first.status, second.status, third.status], [200, 429, 200]);
    assert.equal(second.headers['retry-after'], '1');
    assert.equal(second.json().reason, 'TooManyRequests');
    disarm();
    emulator.faults.failRequest({ path: /fault-target$/, status: 500, times: 2 });
    assert.equal((await apiRequest(emulator, 'GET', `${CMS}/fault-target`)).status, 500);
    assert.equal((await apiRequest(emulator, 'GET', `${CMS}/fault-target`)).status, 500);
    assert.equal((await apiRequest(emulator, 'GET', `${CMS}/fault-target`)).status, 200);

    emulator.faults.failRequest({ method: 'PUT', path: '/configmaps/fault-target', status: 409 });
    const current = (await apiRequest(emulator, 'GET', `${CMS}/fault-target`)).json();
    const conflicted = await apiRequest(emulator, 'PUT', `${CMS}/fault-target`, { body: current });
    assert.equal(conflicted.status, 409);
    assert.deepEqual(conflicted.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Operation cannot be fulfilled on configmaps "fault-target": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict',
      details: { name: 'fault-target', group: '', kind: 'configmaps' },
      code: 409,
    });
    assert.equal((await apiRequest(emulator, 'PUT', `${CMS}/fault-target`, { body: current })).status, 200);

    emulator.faults.setLatency(200, '/configmaps/fault-target');
    const t0 = Date.now();
    await apiRequest(emulator, 'GET', `${CMS}/fault-target`);
    assert.ok(Date.now() - t0 >= 190);
    emulator.faults.setLatency(0);

    const dropped = collectWatch(
      emulator,
      `${CMS}?watch=true&resourceVersion=${emulator.store.resourceVersion}`,
      () => false,
      5000,
      () => setTimeout(() => emulator.faults.dropWatches(), 50),
    );
    await assert.rejects(dropped, 'a dropped watch breaks the stream');

    const before = emulator.store.resourceVersion;
    await emulator.faults.restart();
    await closeAgent(emulator);
    const after = await create('after-restart');
    assert.ok(Number(after.metadata.resourceVersion) > before);
    assert.equal((await apiRequest(emulator, 'GET', `${CMS}/fault-target`)).status, 200);
  });
});
