import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, ContainerState, ContainerStatus, Pod, PodPhase } from '../kube-types.ts';
import { timestamp } from '../resources.ts';
import { isOwnImage, resolveCommand, type CommandRules } from './command.ts';
import { ContainerConfigError, expandReferences, resolveContainerEnv, type ConfigSource } from './env.ts';
import { imageIdentity } from './image-ids.ts';
import type { PodLogStore } from './pod-logs.ts';
import { containerID } from './pod-status.ts';
import type { ProcessPool, RunningProcess } from './process-pool.ts';
import { containerPathMappings, materialiseVolumes, rewritePaths } from './volumes.ts';

export interface ExecutionDeps {
  pool: ProcessPool;
  logs: PodLogStore;
  rules: CommandRules;
  digests: Readonly<Record<string, string>>;
  config: ConfigSource;
  /** Directory holding one working directory per executed Pod. */
  workRoot: string;
  /** The shim directory put first on PATH, where `trivy-ts` and `trivy` are our CLI. */
  shimDir: string;
  /** First restart delay for restartPolicy Always/OnFailure (doubles, capped at 10x); the kubelet uses 10 s. */
  restartBackoffMs: number;
  /** SIGTERM → SIGKILL grace when a container is stopped. */
  killGraceMs: number;
  /** How often a container blocked on a missing ConfigMap/Secret is retried. */
  configRetryMs: number;
  onChange: () => void;
}

export interface ExecutionSnapshot {
  phase: PodPhase;
  initContainerStatuses: ContainerStatus[];
  containerStatuses: ContainerStatus[];
  reason?: string;
  message?: string;
}

/** Whether the node agent runs this Pod for real: some container uses the project's own image. */
export function isExecutedPod(pod: Pod, ownImage: string): boolean {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers].some((c) =>
    isOwnImage(c.image, ownImage),
  );
}

class ContainerRun {
  readonly container: Container;
  state: ContainerState = { waiting: { reason: 'PodInitializing' } };
  lastState: ContainerState = {};
  restartCount = 0;
  ready = false;
  started = false;
  imageID = '';
  process: RunningProcess | undefined;

  constructor(container: Container, waitingReason: string) {
    this.container = container;
    this.state = { waiting: { reason: waitingReason } };
  }
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Runs one Pod on the host: volumes materialised, init containers in order, then the main containers side by
 * side, each restarted per restartPolicy. Containers of the project's own image spawn our CLI; other containers
 * are simulated (init and run-to-completion containers succeed at once, restartPolicy Always ones keep running).
 */
export class PodExecution {
  readonly uid: string;
  private readonly pod: Pod;
  private readonly deps: ExecutionDeps;
  private readonly abort = new AbortController();
  private readonly dir: string;
  private readonly init: ContainerRun[];
  private readonly main: ContainerRun[];
  private phase: PodPhase = 'Pending';
  private reason: string | undefined;
  private message: string | undefined;
  private readonly done: Promise<void>;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private stopped: Promise<void> | undefined;

  constructor(pod: Pod, startTimeMs: number, deps: ExecutionDeps) {
    this.pod = pod;
    this.deps = deps;
    this.uid = pod.metadata.uid ?? '';
    this.dir = join(
      deps.workRoot,
      `${pod.metadata.namespace ?? 'default'}_${pod.metadata.name ?? ''}_${this.uid.slice(0, 8)}`,
    );
    this.init = (pod.spec.initContainers ?? []).map((c) => new ContainerRun(c, 'PodInitializing'));
    this.main = pod.spec.containers.map(
      (c) => new ContainerRun(c, this.init.length > 0 ? 'PodInitializing' : 'ContainerCreating'),
    );
    const deadline = pod.spec.activeDeadlineSeconds;
    if (deadline !== undefined) {
      const remaining = startTimeMs + deadline * 1000 - Date.now();
      this.deadlineTimer = setTimeout(() => this.failDeadline(), Math.max(0, remaining));
    }
    this.done = this.run().catch((error: unknown) => {
      this.finish('Failed', 'EmulatorError', error instanceof Error ? error.message : String(error));
    });
  }

  snapshot(): ExecutionSnapshot {
    const snap: ExecutionSnapshot = {
      phase: this.phase,
      initContainerStatuses: this.init.map((run) => this.statusOf(run)),
      containerStatuses: this.main.map((run) => this.statusOf(run)),
    };
    if (this.reason) snap.reason = this.reason;
    if (this.message) snap.message = this.message;
    return snap;
  }

  /** Kills every process of the Pod and removes its files; resolves when all is stopped. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.abort.abort();
    for (const run of [...this.init, ...this.main]) run.process?.kill(this.deps.killGraceMs);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    await this.done;
    await rm(this.dir, { recursive: true, force: true });
  }

  private statusOf(run: ContainerRun): ContainerStatus {
    const ids = imageIdentity(run.container.image ?? '', this.deps.digests);
    const status: ContainerStatus = {
      name: run.container.name,
      image: ids.image,
      imageID: run.imageID,
      ready: run.ready,
      started: run.started,
      restartCount: run.restartCount,
      state: run.state,
      lastState: run.lastState,
    };
    if (run.imageID) status.containerID = containerID(this.uid, run.container.name, run.restartCount);
    return status;
  }

  private changed(): void {
    if (!this.abort.signal.aborted) this.deps.onChange();
  }

  private finish(phase: PodPhase, reason?: string, message?: string): void {
    if (this.phase === 'Succeeded' || this.phase === 'Failed') return;
    this.phase = phase;
    this.reason = reason;
    this.message = message;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.changed();
  }

  private failDeadline(): void {
    this.finish(
      'Failed',
      'DeadlineExceeded',
      'Pod was active on the node longer than the specified deadline',
    );
    for (const run of [...this.init, ...this.main]) run.process?.kill(this.deps.killGraceMs);
  }

  private get terminal(): boolean {
    return this.phase === 'Succeeded' || this.phase === 'Failed' || this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    await mkdir(join(this.dir, 'tmp'), { recursive: true });
    await mkdir(join(this.dir, 'home'), { recursive: true });
    await mkdir(join(this.dir, 'termination'), { recursive: true });
    let volumeDirs: Map<string, string> | undefined;
    while (!volumeDirs && !this.terminal) {
      try {
        volumeDirs = await materialiseVolumes(this.pod, this.dir, this.deps.config);
      } catch (error) {
        if (!(error instanceof ContainerConfigError)) throw error;
        await sleep(this.deps.configRetryMs, this.abort.signal);
      }
    }
    if (!volumeDirs) return;
    const restartPolicy = this.pod.spec.restartPolicy ?? 'Always';
    for (const run of this.init) {
      const ok = await this.runUntilDone(
        run,
        volumeDirs,
        restartPolicy === 'Never' ? 'Never' : 'OnFailure',
        true,
      );
      if (this.terminal) return;
      if (!ok) {
        this.finish('Failed');
        return;
      }
    }
    this.phase = 'Running';
    for (const run of this.main) run.state = { waiting: { reason: 'ContainerCreating' } };
    this.changed();
    const results = await Promise.all(
      this.main.map((run) => this.runUntilDone(run, volumeDirs, restartPolicy, false)),
    );
    if (this.terminal) return;
    this.finish(results.every(Boolean) ? 'Succeeded' : 'Failed');
  }

  /** Runs a container until it ends for good under the policy; true when its last run exited 0. */
  private async runUntilDone(
    run: ContainerRun,
    volumeDirs: Map<string, string>,
    policy: string,
    isInit: boolean,
  ): Promise<boolean> {
    for (;;) {
      const exitCode = await this.runOnce(run, volumeDirs, isInit, policy === 'Always');
      if (exitCode === undefined || this.terminal) return false;
      if (policy === 'Never' || (policy === 'OnFailure' && exitCode === 0)) return exitCode === 0;
      const delay = Math.min(
        this.deps.restartBackoffMs * 2 ** run.restartCount,
        this.deps.restartBackoffMs * 10,
      );
      run.lastState = run.state;
      run.state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off restarting failed container ${run.container.name} in pod ${this.pod.metadata.name ?? ''}`,
        },
      };
      run.ready = false;
      run.started = false;
      this.changed();
      await sleep(delay, this.abort.signal);
      if (this.terminal) return false;
      run.restartCount++;
    }
  }

  /** One run of a container; undefined when the Pod was stopped before it could start. */
  private async runOnce(
    run: ContainerRun,
    volumeDirs: Map<string, string>,
    isInit: boolean,
    keepsRunning: boolean,
  ): Promise<number | undefined> {
    const container = run.container;
    const { pod, deps } = this;
    const namespace = pod.metadata.namespace ?? 'default';
    const podName = pod.metadata.name ?? '';
    const log = deps.logs.open(
      namespace,
      podName,
      this.uid,
      pod.spec.containers.map((c) => c.name),
      container.name,
    );
    const now = (): string => timestamp(Date.now());
    const ids = imageIdentity(container.image ?? '', deps.digests);

    if (!isOwnImage(container.image, deps.rules.ownImage)) {
      run.imageID = ids.imageID;
      const startedAt = now();
      if (!isInit && keepsRunning) {
        run.state = { running: { startedAt } };
        run.ready = true;
        run.started = true;
        this.changed();
        await sleep(2 ** 31 - 1, this.abort.signal);
        return undefined;
      }
      run.state = {
        terminated: {
          exitCode: 0,
          reason: 'Completed',
          startedAt,
          finishedAt: startedAt,
          containerID: containerID(this.uid, container.name, run.restartCount),
        },
      };
      run.ready = isInit;
      this.changed();
      return 0;
    }

    let env: Record<string, string> | undefined;
    while (!env && !this.terminal) {
      try {
        env = resolveContainerEnv(pod, container, deps.config);
      } catch (error) {
        if (!(error instanceof ContainerConfigError)) throw error;
        run.state = { waiting: { reason: 'CreateContainerConfigError', message: error.message } };
        this.changed();
        await sleep(deps.configRetryMs, this.abort.signal);
      }
    }
    if (!env) return undefined;

    const terminationLog = join(this.dir, 'termination', `${container.name}-${run.restartCount}`);
    const mappings = containerPathMappings(container, volumeDirs, join(this.dir, 'tmp'), terminationLog);
    const hostEnv: Record<string, string> = {
      PATH: `${deps.shimDir}:/usr/local/bin:/usr/bin:/bin`,
      HOSTNAME: podName,
      HOME: join(this.dir, 'home'),
    };
    for (const [key, value] of Object.entries(env)) hostEnv[key] = rewritePaths(value, mappings);
    const resolved = resolveCommand(
      {
        ...container,
        command: container.command?.map((w) => expandReferences(w, env)),
        args: container.args?.map((w) => expandReferences(w, env)),
      },
      deps.rules,
    );
    if ('error' in resolved) {
      const at = now();
      run.state = {
        terminated: {
          exitCode: 128,
          reason: 'StartError',
          message: resolved.error,
          startedAt: '1970-01-01T00:00:00Z',
          finishedAt: at,
        },
      };
      this.changed();
      return 128;
    }
    const argv = resolved.argv.map((word, i) => (i === 0 ? word : rewritePaths(word, mappings))) as [
      string,
      ...string[],
    ];
    const cwd = container.workingDir ? rewritePaths(container.workingDir, mappings) : join(this.dir, 'tmp');

    run.state = { waiting: { reason: 'ContainerCreating' } };
    const release = await deps.pool.acquire(this.abort.signal);
    if (!release) return undefined;
    try {
      if (this.terminal) return undefined;
      run.imageID = ids.imageID;
      const proc = deps.pool.start({ argv, env: hostEnv, cwd, onOutput: (chunk) => log.append(chunk) });
      run.process = proc;
      const startedAt = timestamp(proc.startedAt);
      run.state = { running: { startedAt } };
      run.ready = !isInit;
      run.started = true;
      this.changed();
      const result = await proc.result;
      run.process = undefined;
      const message = await this.terminationMessage(container, terminationLog, result.exitCode, log);
      run.state = {
        terminated: {
          exitCode: result.exitCode,
          reason: result.startError ? 'StartError' : result.exitCode === 0 ? 'Completed' : 'Error',
          ...(message || result.startError ? { message: result.startError ?? message } : {}),
          startedAt,
          finishedAt: now(),
          containerID: containerID(this.uid, container.name, run.restartCount),
          ...(result.signal ? { signal: result.exitCode - 128 } : {}),
        },
      };
      run.ready = isInit && result.exitCode === 0;
      run.started = false;
      this.changed();
      return result.exitCode;
    } finally {
      release();
    }
  }

  private async terminationMessage(
    container: Container,
    file: string,
    exitCode: number,
    log: { tail(lines: number, bytes: number): string },
  ): Promise<string> {
    const written = await readFile(file, 'utf8').catch(() => '');
    if (written) return written.slice(0, 4096);
    if (exitCode !== 0 && container.terminationMessagePolicy === 'FallbackToLogsOnError')
      return log.tail(80, 2048);
    return '';
  }
}
