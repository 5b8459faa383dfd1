import type { PodLogSource } from '../../api.ts';

/** One container's output, keeping the most recent `limit` bytes as a rotating kubelet log would. */
export class ContainerLog {
  private chunks: Buffer[] = [];
  private size = 0;
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  append(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit && this.chunks.length > 0) {
      const first = this.chunks[0] as Buffer;
      const excess = this.size - this.limit;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** The last lines up to a byte budget (FallbackToLogsOnError takes 80 lines / 2048 bytes). */
  tail(lines: number, bytes: number): string {
    const all = this.text();
    const last = all.split('\n');
    if (last.at(-1) === '') last.pop();
    const text = last.slice(-lines).join('\n');
    const buf = Buffer.from(text, 'utf8');
    return buf.length <= bytes ? text : buf.subarray(buf.length - bytes).toString('utf8');
  }
}

interface PodLogs {
  uid: string;
  /** Container names in spec order; the first main container is the default one. */
  containers: string[];
  logs: Map<string, ContainerLog>;
}

/** The captured output of every executed Pod, served through the API server's `pods/log` hook. */
export class PodLogStore implements PodLogSource {
  private readonly pods = new Map<string, PodLogs>();
  private readonly limit: number;

  constructor(limitBytesPerContainer: number) {
    this.limit = limitBytesPerContainer;
  }

  /** Starts (or restarts, for a new Pod with the same name) the log of one container. */
  open(
    namespace: string,
    pod: string,
    uid: string,
    mainContainers: string[],
    container: string,
  ): ContainerLog {
    const key = `${namespace}/${pod}`;
    let entry = this.pods.get(key);
    if (!entry || entry.uid !== uid) {
      entry = { uid, containers: mainContainers, logs: new Map() };
      this.pods.set(key, entry);
    }
    const log = new ContainerLog(this.limit);
    entry.logs.set(container, log);
    return log;
  }

  forget(namespace: string, pod: string, uid?: string): void {
    const key = `${namespace}/${pod}`;
    if (uid === undefined || this.pods.get(key)?.uid === uid) this.pods.delete(key);
  }

  read(namespace: string, pod: string, container?: string): string | undefined {
    const entry = this.pods.get(`${namespace}/${pod}`);
    if (!entry) return undefined;
    if (container === undefined) {
      if (entry.containers.length !== 1) return undefined;
      container = entry.containers[0] as string;
    }
    return entry.logs.get(container)?.text();
  }
}
