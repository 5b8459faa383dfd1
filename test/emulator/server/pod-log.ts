import type { ServerResponse } from 'node:http';
import type { KubeObject, PodLogSource } from '../api.ts';
import { badRequest } from './status.ts';

export interface PodLogRequest {
  pod: KubeObject;
  query: URLSearchParams;
  source: () => PodLogSource | undefined;
  /** The pod as it is now (for `follow`, which ends when the container terminates or the pod goes). */
  currentPod: () => KubeObject | undefined;
}

function names(list: unknown): string[] {
  return ((list ?? []) as Array<{ name: string }>).map((c) => c.name);
}

/** The container a log request is for, with the kubelet's errors for a missing or ambiguous name. */
function resolveContainer(pod: KubeObject, requested: string | undefined): string {
  const spec = (pod.spec ?? {}) as { containers?: unknown; initContainers?: unknown };
  const containers = names(spec.containers);
  const initContainers = names(spec.initContainers);
  const name = pod.metadata.name;
  if (requested === undefined) {
    if (containers.length === 1) return containers[0]!;
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]` +
        (initContainers.length > 0 ? ` or one of the init containers: [${initContainers.join(' ')}]` : ''),
    );
  }
  if (!containers.includes(requested) && !initContainers.includes(requested)) {
    throw badRequest(`container ${requested} is not valid for pod ${name}`);
  }
  return requested;
}

function tailLines(text: string, tail: string | null): string {
  if (tail === null || !Number.isInteger(Number(tail)) || Number(tail) < 0) return text;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const kept = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
  return kept.length > 0 ? `${kept.join('\n')}\n` : '';
}

interface LoggedContainerStatus {
  name: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string } };
  lastState?: { terminated?: unknown };
}

/**
 * The kubelet's reason a container has no log yet (its status says it is waiting and never ran); undefined once it
 * has run, or when no status is reported (then the log source alone decides).
 */
function waitingReason(pod: KubeObject, container: string): string | undefined {
  const status = (pod.status ?? {}) as {
    containerStatuses?: LoggedContainerStatus[];
    initContainerStatuses?: LoggedContainerStatus[];
  };
  const found = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])].find(
    (c) => c.name === container,
  );
  if (!found) return undefined;
  const neverRan = (found.restartCount ?? 0) === 0 && found.lastState?.terminated === undefined;
  return found.state?.waiting && neverRan ? (found.state.waiting.reason ?? 'ContainerCreating') : undefined;
}

/** `GET .../pods/NAME/log` (`kubectl logs [-f] [--tail N] [--limit-bytes N] [-c NAME]`). */
export function servePodLog(res: ServerResponse, request: PodLogRequest): void {
  const { pod, query } = request;
  const container = resolveContainer(pod, query.get('container') ?? undefined);
  const read = () => request.source()?.read(pod.metadata.namespace!, pod.metadata.name!, container);
  const text = read();
  const waiting = waitingReason(pod, container);
  if (text === undefined || waiting !== undefined) {
    throw badRequest(
      `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${waiting ?? 'ContainerCreating'}`,
    );
  }
  let body = Buffer.from(tailLines(text, query.get('tailLines')), 'utf8');
  const limit = Number(query.get('limitBytes') ?? 0);
  const limited = Number.isInteger(limit) && limit > 0;
  if (limited) body = body.subarray(0, limit);
  if (query.get('follow') !== 'true' || limited) {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(body.length) });
    res.end(body);
    return;
  }
  follow(res, request, container, body, Buffer.byteLength(text), read);
}

/**
 * After what exists, streams what the source's text grows by (polled every 100 ms) until the container has
 * terminated, the pod is gone or replaced, or the client leaves.
 */
function follow(
  res: ServerResponse,
  request: PodLogRequest,
  container: string,
  first: Buffer,
  alreadySent: number,
  read: () => string | undefined,
): void {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.write(first);
  let sent = alreadySent;
  const uid = request.pod.metadata.uid;
  const poll = () => {
    const pod = request.currentPod();
    const full = Buffer.from(read() ?? '', 'utf8');
    if (full.length < sent) sent = 0; // a new run of the container started a new log
    if (full.length > sent) {
      res.write(full.subarray(sent));
      sent = full.length;
    }
    const status = (pod?.status ?? {}) as {
      phase?: string;
      containerStatuses?: Array<{ name: string; state?: { terminated?: unknown } }>;
    };
    const terminated = (status.containerStatuses ?? []).some(
      (c) => c.name === container && c.state?.terminated !== undefined,
    );
    if (
      !pod ||
      pod.metadata.uid !== uid ||
      terminated ||
      status.phase === 'Succeeded' ||
      status.phase === 'Failed'
    ) {
      clearInterval(timer);
      res.end();
    }
  };
  const timer = setInterval(poll, 100);
  res.on('close', () => clearInterval(timer));
}
