import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessSpec {
  argv: [string, ...string[]];
  env: Record<string, string>;
  cwd: string;
  onOutput: (chunk: Buffer) => void;
}

export interface ProcessResult {
  exitCode: number;
  /** The signal that ended it, if any (exit code is then 128 + its number, as a container runtime reports). */
  signal?: NodeJS.Signals;
  /** Set when the process could not be started at all. */
  startError?: string;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {
  SIGKILL: 9,
  SIGTERM: 15,
  SIGINT: 2,
  SIGHUP: 1,
};

/** A started container process; `kill` stops its whole process group (SIGTERM, then SIGKILL after a grace period). */
export interface RunningProcess {
  readonly startedAt: number;
  readonly result: Promise<ProcessResult>;
  kill(graceMs: number): void;
}

/**
 * Runs container processes with bounded concurrency: at most `limit` at once, the rest queued in order.
 * Every process leads its own process group so a shell's children die with it; `killAll` (and the host process
 * exiting) takes them all down, so tests leave no orphans.
 */
export class ProcessPool {
  private readonly limit: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly onExit = (): void => this.killAllNow();

  constructor(limit: number) {
    this.limit = Math.max(1, limit);
    process.on('exit', this.onExit);
  }

  get activeCount(): number {
    return this.running;
  }

  /** Waits for a slot; resolves undefined if `cancelled` fires first. */
  async acquire(cancelled: AbortSignal): Promise<(() => void) | undefined> {
    if (cancelled.aborted) return undefined;
    if (this.running >= this.limit) {
      const granted = await new Promise<boolean>((resolve) => {
        const grant = (): void => {
          cancelled.removeEventListener('abort', cancel);
          resolve(true);
        };
        const cancel = (): void => {
          const index = this.waiting.indexOf(grant);
          if (index >= 0) this.waiting.splice(index, 1);
          resolve(false);
        };
        this.waiting.push(grant);
        cancelled.addEventListener('abort', cancel, { once: true });
      });
      if (!granted) return undefined;
    } else {
      this.running++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    };
  }

  /** Starts a process in an already acquired slot. */
  start(spec: ProcessSpec): RunningProcess {
    const [file, ...args] = spec.argv;
    const child = spawn(file, args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.add(child);
    child.stdout?.on('data', spec.onOutput);
    child.stderr?.on('data', spec.onOutput);
    let killTimer: NodeJS.Timeout | undefined;
    const result = new Promise<ProcessResult>((resolve) => {
      child.once('error', (error) => {
        this.children.delete(child);
        resolve({ exitCode: 128, startError: error.message });
      });
      child.once('close', (code, signal) => {
        this.children.delete(child);
        if (killTimer) clearTimeout(killTimer);
        if (signal) resolve({ exitCode: 128 + (SIGNAL_NUMBERS[signal] ?? 0), signal });
        else resolve({ exitCode: code ?? 0 });
      });
    });
    const signalGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    return {
      startedAt: Date.now(),
      result,
      kill: (graceMs: number) => {
        signalGroup('SIGTERM');
        killTimer ??= setTimeout(() => signalGroup('SIGKILL'), Math.max(0, graceMs));
      },
    };
  }

  /** Immediately SIGKILLs every process group still running. */
  killAllNow(): void {
    for (const child of this.children) {
      if (child.pid === undefined) continue;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }

  /** Kills everything and waits until every process has been reaped. */
  async close(): Promise<void> {
    const pending = [...this.children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else {
            // A grandchild that left the process group could hold the pipes open; do not wait for it forever.
            const timer = setTimeout(resolve, 5000);
            child.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
          }
        }),
    );
    this.killAllNow();
    await Promise.all(pending);
    process.off('exit', this.onExit);
  }
}
