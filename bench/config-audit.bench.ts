/**
 * Config audit (issue 6, Performance):
 *   npm run bench -- config-audit   (or: node_modules/.bin/node bench/config-audit.bench.ts [--no-docs]
 *                                    [--skip-operator] [--objects N] [--operator-objects N])
 * 1. `trivy-ts config` over 10,000 objects of mixed kinds (100 multi-document YAML files): objects per second,
 *    against a floor measured in the same run — a process that reads and parses the same files with the CLI's own
 *    parser and evaluates nothing.
 * 2. The operator, as its own process, on the Kubernetes API emulator holding 5,000 audited objects of mixed kinds
 *    (ReplicaSets of Deployments, Services, ConfigMaps, Roles, ClusterRoles, NetworkPolicies): time to every report,
 *    peak RSS (VmHWM) against the same operator with the config audit off (the floor), API writes, then the writes
 *    caused by a status update of every Service (none expected) and by a custom check for Services (one per
 *    Service, in batches).
 * Results go to stdout and to docs/benchmarks.md (own section).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { evaluateObject } from '../src/checks/evaluate.ts';
import { manifestPaths, readManifestFile } from '../src/cli/config/manifests.ts';
import type { KubernetesObject } from '../src/checks/types.ts';
import type { KubeObject, ResourceRef, StoreEvent } from '../test/emulator/api.ts';
import {
  applyTrivyConfig,
  fixtureDb,
  operatorEnv,
  operatorNamespace,
  startWorld,
  trivyConfigData,
  type World,
} from '../test/operator/harness.ts';
import { BENCH_NAMESPACES, benchObjects, countByKind } from './config-audit-fixtures.ts';
import { markdownTable, runDescription, writeBenchmarkSection } from './docs-section.ts';
import { bestOf, measure, type Measured } from './measure.ts';
import { processMemory } from './process-memory.ts';
import { freePort } from '../test/support/ports.ts';

const REPO = join(import.meta.dirname, '..');
const TRIVY_TS = join(REPO, 'bin', 'trivy-ts');
const NODE = process.execPath;
const MIB = 1024 * 1024;
const FILES = 100;
const PHASE_TIMEOUT_MS = 10 * 60_000;

const { values: flags } = parseArgs({
  options: {
    'no-docs': { type: 'boolean', default: false },
    'skip-operator': { type: 'boolean', default: false },
    objects: { type: 'string', default: '10000' },
    'operator-objects': { type: 'string', default: '5000' },
    floor: { type: 'string' },
    'heap-child': { type: 'string' },
  },
});

// ---- floor mode (a child process): read and parse, evaluate nothing --------------------------------------------

if (flags.floor !== undefined) {
  let objects = 0;
  for await (const path of manifestPaths([flags.floor]))
    objects += (await readManifestFile(path)).objects.length;
  process.stdout.write(`${objects}\n`);
  process.exit(0);
}

// ---- heap mode (a child process run with --expose-gc): live heap of the operator, config audit off and on ------

if (flags['heap-child'] !== undefined) {
  const { loadClusterConnection } = await import('../src/operator/kube/kube-config.ts');
  const { Operator } = await import('../src/operator/operator.ts');
  const { silentLogger } = await import('../src/util/logger.ts');
  const gc = (globalThis as { gc?: () => void }).gc!;
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const live = async (env: NodeJS.ProcessEnv) => {
    const before = heap();
    const operator = await Operator.start({
      connection: loadClusterConnection({ kubeconfig: flags['heap-child'] }),
      env,
      logger: silentLogger,
    });
    await operator.configAudit?.idle();
    await sleep(3000);
    await operator.configAudit?.idle();
    const after = heap();
    await operator.stop();
    return after - before;
  };
  const off = await live({ ...process.env, OPERATOR_CONFIG_AUDIT_SCANNER_ENABLED: 'false' });
  const on = await live(process.env);
  process.stdout.write(`${JSON.stringify({ off, on })}\n`);
  process.exit(0);
}

const cliObjects = Number.parseInt(flags.objects, 10);
const operatorObjects = Number.parseInt(flags['operator-objects'], 10);
const writeResults =
  !flags['no-docs'] && cliObjects === 10_000 && operatorObjects === 5000 && !flags['skip-operator'];

// ---- output ----------------------------------------------------------------------------------------------------

const rows: [string, string][] = [];
const notes: string[] = [];
const row = (metric: string, result: string) => {
  rows.push([metric, result]);
  console.log(`${metric}: ${result}`);
};
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const plural = (kind: string) => (kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;

// ---- 1. trivy-ts config over 10,000 objects --------------------------------------------------------------------

async function cliBenchmark(scratch: string): Promise<void> {
  const dir = join(scratch, 'manifests');
  await mkdir(dir, { recursive: true });
  const objects = benchObjects(cliObjects);
  const perFile = Math.ceil(objects.length / FILES);
  for (let file = 0; file < FILES; file++) {
    const slice = objects.slice(file * perFile, (file + 1) * perFile);
    if (slice.length === 0) break;
    await writeFile(
      join(dir, `part-${String(file).padStart(3, '0')}.yaml`),
      slice.map((o) => stringify(o)).join('---\n'),
    );
  }
  const kinds = countByKind(objects);
  notes.push(
    `\`trivy-ts config\`: ${int(objects.length)} objects in ${FILES} multi-document YAML files (${Object.entries(
      kinds,
    )
      .map(([kind, n]) => `${int(n)} ${plural(kind)}`)
      .join(
        ', ',
      )}); a third of the Deployments hardened, some Roles and ClusterRoles with \`*\`, some ConfigMaps ` +
      'with a password, some Services with external IPs.',
  );

  const floor = await bestOf(3, () =>
    measure(NODE, ['--disable-warning=ExperimentalWarning', import.meta.filename, '--floor', dir]),
  );
  const output = join(scratch, 'config.json');
  const cli = await bestOf(3, () =>
    measure(TRIVY_TS, ['config', '--quiet', '--format', 'json', '--output', output, dir]),
  );
  const report = JSON.parse(await readFile(output, 'utf8')) as {
    Results?: { MisconfSummary: { Successes: number; Failures: number } }[];
  };
  const failures = (report.Results ?? []).reduce((sum, result) => sum + result.MisconfSummary.Failures, 0);
  const rate = (measured: Measured) => objects.length / (measured.ms / 1000);
  row(
    'Floor: read + parse the 100 files (CLI parser, no checks), fresh process',
    `${secs(floor.best.ms)} (CPU ${secs(floor.best.cpuMs)}), ${int(rate(floor.best))} objects/s ` +
      `(${int(objects.length / (floor.best.cpuMs / 1000))} per CPU-second), peak RSS ${floor.best.peakRssMib.toFixed(0)} MiB`,
  );
  row(
    `\`trivy-ts config --format json\` over ${int(objects.length)} objects (best of 3)`,
    `${secs(cli.best.ms)} (CPU ${secs(cli.best.cpuMs)}) = **${int(rate(cli.best))} objects/s** ` +
      `(${int(objects.length / (cli.best.cpuMs / 1000))} per CPU-second), ${(cli.best.ms / floor.best.ms).toFixed(1)}× floor ` +
      `(CPU ${(cli.best.cpuMs / floor.best.cpuMs).toFixed(1)}×); peak RSS ${cli.best.peakRssMib.toFixed(0)} MiB; ` +
      `${int(failures)} failed checks reported`,
  );

  // Where the time goes: the checks alone, in this process, on already-parsed objects.
  const parsed: KubernetesObject[] = [];
  for await (const path of manifestPaths([dir]))
    parsed.push(...(await readManifestFile(path)).objects.map((o) => o.object));
  for (const object of parsed.slice(0, 500)) evaluateObject(object);
  const started = performance.now();
  let results = 0;
  for (const object of parsed) results += evaluateObject(object).length;
  const ms = performance.now() - started;
  notes.push(
    'Where `trivy-ts config` spends its CPU: YAML parsing (the floor) is most of it — the `yaml` package builds a ' +
      'document tree per manifest, needed for line numbers and its alias limit; the checks add about 20%. ' +
      'Commands load their code only when they run (`src/cli/main.ts`), so `config` loads neither the Kubernetes ' +
      'client nor the image scanner (an earlier version loaded every command module, ~1.5 s of CPU on a loaded ' +
      'machine).',
  );
  row(
    'Checks alone (every built-in check on every parsed object, in process)',
    `${secs(ms)} = ${int(parsed.length / (ms / 1000))} objects/s (${int(results)} check results)`,
  );
}

// ---- 2. the operator on the emulator ---------------------------------------------------------------------------

const REFS: Record<string, ResourceRef> = {
  Namespace: { group: '', version: 'v1', resource: 'namespaces' },
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments' },
  ReplicaSet: { group: 'apps', version: 'v1', resource: 'replicasets' },
  Pod: { group: '', version: 'v1', resource: 'pods' },
  Service: { group: '', version: 'v1', resource: 'services' },
  ConfigMap: { group: '', version: 'v1', resource: 'configmaps' },
  Role: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles' },
  ClusterRole: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' },
  NetworkPolicy: { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies' },
};
const REPORT_RESOURCES = [
  'configauditreports',
  'clusterconfigauditreports',
  'rbacassessmentreports',
  'clusterrbacassessmentreports',
] as const;
const reportRef = (resource: string): ResourceRef => ({
  group: 'aquasecurity.github.io',
  version: 'v1alpha1',
  resource,
});
const AUDITED_KINDS = ['ReplicaSet', 'Service', 'ConfigMap', 'Role', 'ClusterRole', 'NetworkPolicy'];

/** Report writes seen by the API server (created, updated, deleted), from the emulator's store. */
class ReportWrites {
  created = 0;
  updated = 0;
  deleted = 0;
  /** Kubernetes Events written, by reason. */
  readonly events = new Map<string, number>();
  onEvent(event: StoreEvent): void {
    if (event.resource.resource === 'events' && event.type !== 'DELETED') {
      const reason = (event.object as unknown as { reason?: string }).reason ?? '';
      this.events.set(reason, (this.events.get(reason) ?? 0) + 1);
      return;
    }
    if (!REPORT_RESOURCES.includes(event.resource.resource as (typeof REPORT_RESOURCES)[number])) return;
    if (event.type === 'ADDED') this.created++;
    else if (event.type === 'MODIFIED') this.updated++;
    else if (event.type === 'DELETED') this.deleted++;
  }
  get total(): number {
    return this.created + this.updated + this.deleted;
  }
}

const children = new Set<ChildProcess>();

interface OperatorProcess {
  requests(): Promise<Record<string, number>>;
  ready(): Promise<boolean>;
  peak(): number;
  stop(): Promise<void>;
}

function benchOperatorEnv(
  world: World,
  scratch: string,
  name: string,
  extra: Record<string, string>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...operatorEnv(world, {
      OPERATOR_SCAN_MODE: 'Inline',
      OPERATOR_CACHE_DIR: join(scratch, `cache-${name}`),
      // The config audit alone: no image is analysed.
      OPERATOR_VULNERABILITY_SCANNER_ENABLED: 'false',
      OPERATOR_EXPOSED_SECRET_SCANNER_ENABLED: 'false',
      OPERATOR_SBOM_GENERATION_ENABLED: 'false',
      OPERATOR_BATCH_DELETE_LIMIT: '100',
      OPERATOR_BATCH_DELETE_DELAY: '1s',
      ...extra,
    }),
  };
  delete env.OPERATOR_SCANNER_REPORT_TTL; // the default (24h), as installed
  return env;
}

async function startOperator(
  world: World,
  scratch: string,
  name: string,
  extra: Record<string, string>,
): Promise<OperatorProcess> {
  const [healthPort, metricsPort] = [await freePort(), await freePort()];
  const env = benchOperatorEnv(world, scratch, name, {
    OPERATOR_HEALTH_PROBE_BIND_ADDRESS: `127.0.0.1:${healthPort}`,
    OPERATOR_METRICS_BIND_ADDRESS: `127.0.0.1:${metricsPort}`,
    ...extra,
  });
  const log = openSync(join(scratch, `operator-${name}.log`), 'w');
  const child = spawn(TRIVY_TS, ['operator', '--kubeconfig', world.kubeconfig], {
    env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  children.add(child);
  child.once('exit', () => children.delete(child));
  const pid = child.pid!;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, processMemory(pid)?.peak || 0)), 200);
  const get = async (port: number, path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.text();
  };
  return {
    async requests() {
      const verbs: Record<string, number> = {};
      for (const line of (await get(metricsPort, '/metrics')).split('\n')) {
        const match = /^trivy_ts_kube_api_requests_total\{verb="([^"]+)"\} (\S+)$/.exec(line);
        if (match) verbs[match[1]!] = Number(match[2]);
      }
      return verbs;
    },
    ready: async () => (await get(healthPort, '/readyz').catch(() => '')).startsWith('ok'),
    peak: () => Math.max(peak, processMemory(pid)?.peak || 0),
    async stop() {
      peak = Math.max(peak, processMemory(pid)?.peak || 0);
      clearInterval(sampler);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = PHASE_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const writeVerbs = (verbs: Record<string, number>) =>
  (verbs.POST ?? 0) + (verbs.PUT ?? 0) + (verbs.PATCH ?? 0) + (verbs.DELETE ?? 0);

async function operatorBenchmark(scratch: string): Promise<void> {
  const world = await startWorld();
  try {
    const store = world.emulator.store;
    const writes = new ReportWrites();
    store.subscribe((event) => writes.onEvent(event));
    await world.pushDb(fixtureDb());
    await applyTrivyConfig(
      world,
      trivyConfigData(world, {
        'trivy.supportedConfigAuditKinds':
          'Workload,Service,Role,ClusterRole,NetworkPolicy,Ingress,LimitRange,ResourceQuota,PersistentVolume,PersistentVolumeClaim,ConfigMap',
      }),
    );
    // The image-report controller keeps running with every image scanner off; the bench images do not exist, so
    // they are excluded (upstream's `scanJob.excludeImages`) to keep its failing lookups out of the measurement.
    store.create(REFS.ConfigMap!, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'trivy-operator', namespace: operatorNamespace },
      data: { 'scanJob.excludeImages': 'registry.example.com/**,busybox' },
    } as KubeObject);
    for (const name of BENCH_NAMESPACES) {
      store.create(REFS.Namespace!, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      } as KubeObject);
    }
    const objects = benchObjects(operatorObjects);
    for (const object of objects) store.create(REFS[object.kind]!, object as unknown as KubeObject);
    const deployments = objects.filter((object) => object.kind === 'Deployment').length;
    await waitFor('the pods of every Deployment', () =>
      store.list(REFS.Pod!, undefined, { fieldSelector: 'status.phase=Running' }).length >= deployments
        ? true
        : undefined,
    );
    const audited = () => AUDITED_KINDS.reduce((sum, kind) => sum + store.list(REFS[kind]!).length, 0);
    const expected = audited();
    const reports = () =>
      REPORT_RESOURCES.reduce((sum, resource) => sum + store.list(reportRef(resource)).length, 0);
    notes.push(
      `Operator: ${int(objects.length)} objects created in the emulator (${Object.entries(
        countByKind(objects),
      )
        .map(([kind, n]) => `${int(n)} ${plural(kind)}`)
        .join(
          ', ',
        )}) over ${BENCH_NAMESPACES.length} namespaces; the ${int(deployments)} Deployments give as many ` +
        `ReplicaSets and running Pods. With the emulator's own objects (its ClusterRoles, the operator's ConfigMaps), ` +
        `${int(expected)} objects are audited (\`trivy.supportedConfigAuditKinds\` = the default set plus ConfigMap). ` +
        'Image scanners off, `OPERATOR_BATCH_DELETE_LIMIT=100`, `OPERATOR_BATCH_DELETE_DELAY=1s`.',
    );

    // Floor: the same operator on the same cluster with the config audit off (informers of workloads, pods…).
    const floor = await startOperator(world, scratch, 'floor', {
      OPERATOR_CONFIG_AUDIT_SCANNER_ENABLED: 'false',
    });
    await waitFor('the floor operator ready', async () => ((await floor.ready()) ? true : undefined));
    await sleep(5000);
    const floorPeak = floor.peak();
    await floor.stop();

    const started = performance.now();
    const operator = await startOperator(world, scratch, 'audit', {});
    const done = await waitFor('every report', () => (reports() >= expected ? performance.now() : undefined));
    const firstPass = { ...writes };
    await sleep(5000);
    const settled = { created: writes.created, updated: writes.updated, deleted: writes.deleted };
    const verbs = await operator.requests();
    row(
      `Operator: every report written (${int(expected)} audited objects)`,
      `${secs(done - started)} from process start = ${int(expected / ((done - started) / 1000))} objects/s`,
    );
    notes.push(
      'Operator API requests: one POST per report; the GETs are ConfigMaps read when evaluated (their data is never ' +
        'cached) plus start-up reads. The status update of every Service is seen (the informer reconciles each) but ' +
        'neither evaluates nor writes. The custom check is rolled out 100 reports at a time, 1 s apart.',
    );
    row(
      'Operator: peak RSS with the config audit on / off (floor), same cluster',
      `${mib(operator.peak())} / ${mib(floorPeak)} = +${mib(operator.peak() - floorPeak)} for ${int(expected)} objects`,
    );
    row(
      'Operator: report writes seen by the API server (first pass, then 5 s of quiet)',
      `${int(firstPass.created)} created, ${int(firstPass.updated)} updated; after: ${int(settled.created - firstPass.created)} created, ${int(settled.updated - firstPass.updated)} updated`,
    );
    const events = [...writes.events].map(([reason, n]) => `${int(n)} ${reason}`).join(', ') || 'none';
    row(
      'Operator: all of its API requests by verb (its own count, `trivy_ts_kube_api_requests_total`)',
      Object.entries(verbs)
        .sort()
        .map(([verb, n]) => `${verb} ${int(n)}`)
        .join(', ') + ` (writes ${int(writeVerbs(verbs))}; Events among them: ${events})`,
    );

    // Status churn: every Service gets a load balancer address; nothing may be evaluated or written.
    const before = writes.total;
    const eventsBefore = [...writes.events.values()].reduce((sum, n) => sum + n, 0);
    const requestsBefore = writeVerbs(await operator.requests());
    for (const service of store.list(REFS.Service!)) {
      store.updateStatus(REFS.Service!, {
        ...service,
        status: { loadBalancer: { ingress: [{ ip: '192.0.2.44' }] } },
      } as KubeObject);
    }
    await sleep(10_000);
    row(
      `Operator: writes after a status update of all ${int(store.list(REFS.Service!).length)} Services (10 s)`,
      `${int(writes.total - before)} report writes (${int(writeVerbs(await operator.requests()) - requestsBefore)} API writes in all, ${int([...writes.events.values()].reduce((sum, n) => sum + n, 0) - eventsBefore)} Events)`,
    );

    // A custom check for Services: only Service reports change, in batches of 100.
    const services = store.list(REFS.Service!).length;
    const beforeCustom = { created: writes.created, updated: writes.updated };
    const customStarted = performance.now();
    store.create({ group: '', version: 'v1', resource: 'configmaps' }, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'trivy-operator-policies-config', namespace: operatorNamespace },
      data: {
        'policy.owner.kinds': 'Service',
        'policy.owner.id': 'BENCH-0001',
        'policy.owner.title': 'Service without owner label',
        'policy.owner.severity': 'LOW',
        'policy.owner.expression': "!has(object.metadata.labels) || !('owner' in object.metadata.labels)",
        'policy.owner.message': "{kind} '{name}' has no owner",
      },
    } as KubeObject);
    const withCustom = () =>
      store
        .list(reportRef('configauditreports'))
        .filter((report) =>
          (report as unknown as { report?: { checks?: { checkID: string }[] } }).report?.checks?.some(
            (check) => check.checkID === 'BENCH-0001',
          ),
        ).length;
    const customDone = await waitFor('the custom check in every Service report', () =>
      withCustom() >= services ? performance.now() : undefined,
    );
    await sleep(3000);
    row(
      `Operator: a custom check for Services (${int(services)} reports to change, batches of 100 + 1 s)`,
      `${secs(customDone - customStarted)}; ${int(writes.updated - beforeCustom.updated)} reports updated, ${int(writes.created - beforeCustom.created)} created (the new ConfigMap's own report)`,
    );
    await operator.stop();
    row('Operator: peak RSS over the whole run', mib(operator.peak()));

    // Live memory (heap after a full GC), which peak RSS blurs with garbage: the operator in a child process.
    const heapEnv = benchOperatorEnv(world, scratch, 'heap', {
      OPERATOR_HEALTH_PROBE_BIND_ADDRESS: '127.0.0.1:0',
      OPERATOR_METRICS_BIND_ADDRESS: '127.0.0.1:0',
    });
    const heapOut = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        NODE,
        [
          '--expose-gc',
          '--disable-warning=ExperimentalWarning',
          import.meta.filename,
          '--heap-child',
          world.kubeconfig,
        ],
        { env: heapEnv, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      children.add(child);
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`heap child exited ${code}`)),
      );
    });
    const live = JSON.parse(heapOut) as { off: number; on: number };
    row(
      'Operator: live heap after GC, config audit on / off (in-process operator, same cluster)',
      `${mib(live.on)} / ${mib(live.off)} = +${mib(live.on - live.off)} = ${int((live.on - live.off) / expected)} bytes per audited object`,
    );
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await world.close();
  }
}

// ---- main ------------------------------------------------------------------------------------------------------

async function writeDocs(loadAtStart: number[]): Promise<void> {
  const section = [
    '## Config audit',
    '',
    'Reproduce: `npm run bench -- config-audit` (or `node_modules/.bin/node bench/config-audit.bench.ts`; `--no-docs`',
    'to only print, `--skip-operator` for the CLI part alone); the operator part needs `docker-registry` (for the',
    'harness) and runs the operator as its own process against the Kubernetes API emulator.',
    '',
    runDescription(loadAtStart),
    '',
    markdownTable(['Metric', 'Result'], rows),
    '',
    ...notes.map((note) => `- ${note}`),
  ].join('\n');
  await writeBenchmarkSection('config-audit-bench', section);
}

const loadAtStart = loadavg();
const scratch = await mkdtemp(join(tmpdir(), 'trivy-ts-bench-config-audit-'));
try {
  await cliBenchmark(scratch);
  if (!flags['skip-operator']) await operatorBenchmark(scratch);
  if (writeResults) await writeDocs(loadAtStart);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
