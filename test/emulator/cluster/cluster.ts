import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  ApiStatusError,
  ClusterStore,
  EmulatorExtension,
  ExtensionContext,
  KubeObject,
  StoreEvent,
} from '../api.ts';
import { reconcileCronJob, jobFromCronJob, type CronJob } from './controllers/cron-job.ts';
import { reconcileDaemonSet } from './controllers/daemon-set.ts';
import { reconcileDeployment } from './controllers/deployment.ts';
import { reconcileJob, type Job } from './controllers/job.ts';
import { reconcileReplicaSet } from './controllers/replica-set.ts';
import { reconcileStatefulSet } from './controllers/stateful-set.ts';
import type { Pod, Workload } from './kube-types.ts';
import { NodeAgent } from './node/node-agent.ts';
import { nodeObject, type NodeConfig } from './node/nodes.ts';
import { PodLogStore } from './node/pod-logs.ts';
import { ProcessPool } from './node/process-pool.ts';
import type { Plan } from './plan.ts';
import { Resources, controllerOf, timestamp } from './resources.ts';

export interface ClusterOptions {
  /** The Nodes to register (default one amd64 linux node, `node-1`). */
  nodes?: NodeConfig[];
  /** Containers of this image run our CLI for real (default `ghcr.io/trivy-ts/trivy-ts:dev`). */
  ownImage?: string;
  /** Our CLI (default `bin/trivy-ts` of this checkout). */
  cliPath?: string;
  /** Image reference → digest (`sha256:...`) reported in `containerStatuses[].imageID`. */
  imageDigests?: Record<string, string>;
  /** Test-only host programs a container command may name, e.g. `{ sleep: '/bin/sleep' }`. */
  hostCommands?: Record<string, string>;
  /** Processes running at once (default 2); further containers wait in ContainerCreating. */
  maxProcesses?: number;
  /** Job Pod re-creation back-off after the first failure, doubling (default 1000; real clusters use 10 s). */
  jobBackoffBaseMs?: number;
  /** Container restart back-off for restartPolicy Always/OnFailure (default 1000; the kubelet uses 10 s). */
  restartBackoffMs?: number;
  /** SIGTERM → SIGKILL grace when a Pod is deleted (default 1000). */
  killGraceMs?: number;
  /** Bytes of log kept per container, most recent (default 16 MiB). */
  maxLogBytes?: number;
}

type ControllerKind =
  | 'Deployment'
  | 'ReplicaSet'
  | 'ReplicationController'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'Job'
  | 'CronJob'
  | 'Pod';

const RESOURCE_KINDS: Record<string, ControllerKind> = {
  'apps/deployments': 'Deployment',
  'apps/replicasets': 'ReplicaSet',
  '/replicationcontrollers': 'ReplicationController',
  'apps/statefulsets': 'StatefulSet',
  'apps/daemonsets': 'DaemonSet',
  'batch/jobs': 'Job',
  'batch/cronjobs': 'CronJob',
  '/pods': 'Pod',
};

const DEFAULT_CLI = fileURLToPath(new URL('../../../bin/trivy-ts', import.meta.url));

function apiReason(error: unknown): string | undefined {
  return (error as Partial<ApiStatusError>)?.status?.reason;
}

/**
 * The simulated cluster: workload controllers (Deployment, ReplicaSet, ReplicationController, StatefulSet,
 * DaemonSet, Job, CronJob) and a node agent, driven by store events through a coalescing work queue. Plug it into
 * `startEmulator({ extensions: [cluster] })`; `stop()` kills every process it started.
 */
export class SimulatedCluster implements EmulatorExtension {
  readonly logs: PodLogStore;
  private readonly options: ClusterOptions;
  /** Image reference → digest, shared with the node agent: `setImageDigest` changes what later pulls report. */
  private readonly digests: Record<string, string>;
  private store: ClusterStore | undefined;
  private agent: NodeAgent | undefined;
  private pool: ProcessPool | undefined;
  private workRoot: string | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly queue = new Map<string, { kind: ControllerKind; namespace: string; name: string }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private drainScheduled = false;
  private stopped = false;

  constructor(options: ClusterOptions = {}) {
    this.options = options;
    this.digests = { ...options.imageDigests };
    this.logs = new PodLogStore(options.maxLogBytes ?? 16 * 1024 * 1024);
  }

  /**
   * Sets the digest the node reports in `imageID` for containers that start from now on (a test that pushes an
   * image to its registry after the cluster started). Running containers keep the digest they started with.
   */
  setImageDigest(image: string, digest: string): void {
    this.digests[image] = digest;
  }

  async start(context: ExtensionContext): Promise<void> {
    const store = context.store;
    this.store = store;
    this.stopped = false;
    context.setPodLogSource(this.logs);
    const workRoot = await mkdtemp(join(tmpdir(), 'kube-emulator-pods-'));
    this.workRoot = workRoot;
    const shimDir = join(workRoot, 'bin');
    await mkdir(shimDir);
    const cliPath = this.options.cliPath ?? DEFAULT_CLI;
    await symlink(cliPath, join(shimDir, 'trivy-ts'));
    await symlink(cliPath, join(shimDir, 'trivy'));
    this.pool = new ProcessPool(this.options.maxProcesses ?? 2);

    const nodes = this.options.nodes ?? [{ name: 'node-1' }];
    const now = timestamp(Date.now());
    nodes.forEach((config, index) => {
      if (!store.get(Resources.nodes, undefined, config.name))
        store.create(Resources.nodes, nodeObject(config, index, now));
    });
    this.agent = new NodeAgent({
      store,
      logs: this.logs,
      pool: this.pool,
      rules: {
        ownImage: this.options.ownImage ?? 'ghcr.io/trivy-ts/trivy-ts:dev',
        cliPath,
        hostCommands: this.options.hostCommands ?? {},
      },
      digests: this.digests,
      workRoot,
      shimDir,
      restartBackoffMs: this.options.restartBackoffMs ?? 1000,
      killGraceMs: this.options.killGraceMs ?? 1000,
      configRetryMs: 500,
      nodeNames: new Set(nodes.map((n) => n.name)),
      nowMs: () => Date.now(),
      enqueue: (namespace, name) => this.enqueue('Pod', namespace, name),
    });
    this.unsubscribe = store.subscribe((event) => this.onEvent(event));
    for (const [path, kind] of Object.entries(RESOURCE_KINDS)) {
      const [group = '', resource = ''] = path.split('/');
      const ref = Object.values(Resources).find((r) => r.group === group && r.resource === resource);
      if (!ref) continue;
      for (const object of store.list(ref))
        this.enqueue(kind, object.metadata.namespace ?? '', object.metadata.name ?? '');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.clear();
    await this.agent?.close();
    await this.pool?.close();
    if (this.workRoot) await rm(this.workRoot, { recursive: true, force: true });
  }

  /** `kubectl create job --from=cronjob/NAME`: runs a CronJob now, whatever its schedule. */
  runCronJob(namespace: string, name: string): KubeObject {
    const store = this.requireStore();
    const cronJob = store.get(Resources.cronJobs, namespace, name) as CronJob | undefined;
    if (!cronJob) throw new Error(`cronjob ${namespace}/${name} not found`);
    return store.create(
      Resources.jobs,
      jobFromCronJob(cronJob, `${name}-manual-${randomBytes(3).toString('hex').slice(0, 5)}`, undefined),
    );
  }

  private requireStore(): ClusterStore {
    if (!this.store) throw new Error('the simulated cluster is not started');
    return this.store;
  }

  private onEvent(event: StoreEvent): void {
    const { resource, object } = event;
    const namespace = object.metadata.namespace ?? '';
    const name = object.metadata.name ?? '';
    if (resource.group === '' && resource.resource === 'nodes') {
      for (const ds of this.requireStore().list(Resources.daemonSets))
        this.enqueue('DaemonSet', ds.metadata.namespace ?? '', ds.metadata.name ?? '');
      for (const pod of this.requireStore().list(Resources.pods) as Pod[]) {
        if (!pod.spec.nodeName) this.enqueue('Pod', pod.metadata.namespace ?? '', pod.metadata.name ?? '');
      }
      return;
    }
    const kind = RESOURCE_KINDS[`${resource.group}/${resource.resource}`];
    if (!kind) return;
    this.enqueue(kind, namespace, name);
    const owner = controllerOf(object);
    if (owner && Object.values(RESOURCE_KINDS).includes(owner.kind as ControllerKind)) {
      this.enqueue(owner.kind as ControllerKind, namespace, owner.name);
    }
  }

  private enqueue(kind: ControllerKind, namespace: string, name: string): void {
    if (this.stopped) return;
    this.queue.set(`${kind}|${namespace}|${name}`, { kind, namespace, name });
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private enqueueAfter(kind: ControllerKind, namespace: string, name: string, ms: number): void {
    const key = `${kind}|${namespace}|${name}`;
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    // Node timers overflow past 2^31-1 ms (~24.8 days) and would fire at once; waking early is harmless because
    // the controllers are level-triggered and schedule the next wake-up again.
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        this.enqueue(kind, namespace, name);
      },
      Math.min(ms, 2 ** 31 - 1),
    );
    timer.unref();
    this.timers.set(key, timer);
  }

  private drain(): void {
    this.drainScheduled = false;
    // A bounded batch per turn keeps the event loop (and the HTTP server) responsive.
    for (let i = 0; i < 200 && this.queue.size > 0 && !this.stopped; i++) {
      const [key, item] = this.queue.entries().next().value as [
        string,
        { kind: ControllerKind; namespace: string; name: string },
      ];
      this.queue.delete(key);
      try {
        this.reconcile(item.kind, item.namespace, item.name);
      } catch (error) {
        const reason = apiReason(error);
        if (reason === undefined)
          console.error(`emulator cluster: ${item.kind} ${item.namespace}/${item.name}:`, error);
        this.enqueueAfter(item.kind, item.namespace, item.name, reason === 'Conflict' ? 20 : 200);
      }
    }
    if (this.queue.size > 0 && !this.stopped) {
      this.drainScheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private reconcile(kind: ControllerKind, namespace: string, name: string): void {
    const store = this.requireStore();
    if (kind === 'Pod') {
      this.agent?.reconcile(namespace, name);
      return;
    }
    const nowMs = Date.now();
    const owned = <T extends KubeObject>(
      resource: (typeof Resources)[keyof typeof Resources],
      owner: KubeObject,
    ): T[] => store.list(resource, namespace, { controllerUid: owner.metadata.uid ?? '' }) as T[];
    let plan: Plan;
    switch (kind) {
      case 'Deployment': {
        const d = store.get(Resources.deployments, namespace, name) as Workload | undefined;
        if (!d) return;
        plan = reconcileDeployment(d, owned<Workload>(Resources.replicaSets, d), nowMs);
        break;
      }
      case 'ReplicaSet':
      case 'ReplicationController': {
        const resource = kind === 'ReplicaSet' ? Resources.replicaSets : Resources.replicationControllers;
        const rs = store.get(resource, namespace, name) as Workload | undefined;
        if (!rs) return;
        plan = reconcileReplicaSet(rs, owned<Pod>(Resources.pods, rs), nowMs);
        break;
      }
      case 'StatefulSet': {
        const sts = store.get(Resources.statefulSets, namespace, name) as Workload | undefined;
        if (!sts) return;
        plan = reconcileStatefulSet(sts, owned<Pod>(Resources.pods, sts), nowMs);
        break;
      }
      case 'DaemonSet': {
        const ds = store.get(Resources.daemonSets, namespace, name) as Workload | undefined;
        if (!ds) return;
        plan = reconcileDaemonSet(ds, store.list(Resources.nodes), owned<Pod>(Resources.pods, ds), nowMs);
        break;
      }
      case 'Job': {
        const job = store.get(Resources.jobs, namespace, name) as Job | undefined;
        if (!job) return;
        plan = reconcileJob(job, owned<Pod>(Resources.pods, job), {
          nowMs,
          backoffBaseMs: this.options.jobBackoffBaseMs ?? 1000,
        });
        break;
      }
      case 'CronJob': {
        const cj = store.get(Resources.cronJobs, namespace, name) as CronJob | undefined;
        if (!cj) return;
        plan = reconcileCronJob(cj, owned<Job>(Resources.jobs, cj), nowMs);
        break;
      }
    }
    this.apply(plan);
    if (plan.requeueAfterMs !== undefined) this.enqueueAfter(kind, namespace, name, plan.requeueAfterMs);
  }

  /** Writes a plan; AlreadyExists on create and NotFound on delete mean the world already agrees. */
  private apply(plan: Plan): void {
    const store = this.requireStore();
    for (const { resource, object } of plan.create) {
      try {
        store.create(resource, object);
      } catch (error) {
        if (apiReason(error) !== 'AlreadyExists') throw error;
      }
    }
    for (const { resource, object } of plan.update) store.update(resource, object);
    for (const { resource, namespace, name, options } of plan.delete) {
      try {
        store.delete(resource, namespace, name, options);
      } catch (error) {
        if (apiReason(error) !== 'NotFound') throw error;
      }
    }
    for (const { resource, object } of plan.status) {
      const fresh = store.get(resource, object.metadata.namespace, object.metadata.name ?? '');
      if (!fresh || fresh.metadata.uid !== object.metadata.uid) continue;
      store.updateStatus(resource, { ...fresh, status: object['status'] });
    }
  }
}
