import { createHash } from 'node:crypto';
import { setCondition } from '../conditions.ts';
import type { Condition, Container, ContainerStatus, Pod, PodPhase, PodStatus } from '../kube-types.ts';
import { imageIdentity } from './image-ids.ts';

export function containerID(podUid: string, container: string, restartCount: number): string {
  return `containerd://${createHash('sha256').update(`${podUid}/${container}/${restartCount}`).digest('hex')}`;
}

/** A stable pod IP inside the node's pod CIDR (10.244.<node>.0/24). */
export function podIP(podUid: string, nodeIndex: number): string {
  const host = 2 + (createHash('sha256').update(podUid).digest().readUInt16BE(0) % 250);
  return `10.244.${nodeIndex}.${host}`;
}

function qosClass(pod: Pod): string {
  const containers = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  const resources = containers.map(
    (c) => (c['resources'] ?? {}) as { requests?: Record<string, string>; limits?: Record<string, string> },
  );
  if (resources.every((r) => !r.requests && !r.limits)) return 'BestEffort';
  const guaranteed = resources.every((r) =>
    ['cpu', 'memory'].every(
      (k) => r.limits?.[k] !== undefined && (r.requests?.[k] ?? r.limits[k]) === r.limits[k],
    ),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The status a container has while the simulated runtime runs it (or pretends to). */
export function runningContainerStatus(
  pod: Pod,
  container: Container,
  digests: Readonly<Record<string, string>>,
  startedAt: string,
  restartCount = 0,
): ContainerStatus {
  const ids = imageIdentity(container.image ?? '', digests);
  return {
    name: container.name,
    image: ids.image,
    imageID: ids.imageID,
    containerID: containerID(pod.metadata.uid ?? '', container.name, restartCount),
    ready: true,
    started: true,
    restartCount,
    state: { running: { startedAt } },
    lastState: {},
  };
}

export function completedContainerStatus(
  pod: Pod,
  container: Container,
  digests: Readonly<Record<string, string>>,
  startedAt: string,
  finishedAt: string,
): ContainerStatus {
  const ids = imageIdentity(container.image ?? '', digests);
  const id = containerID(pod.metadata.uid ?? '', container.name, 0);
  return {
    name: container.name,
    image: ids.image,
    imageID: ids.imageID,
    containerID: id,
    ready: false,
    started: false,
    restartCount: 0,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt, containerID: id } },
    lastState: {},
  };
}

export interface PodStatusInput {
  phase: PodPhase;
  hostIP: string;
  podIP: string;
  startTime: string;
  now: string;
  initContainerStatuses: ContainerStatus[];
  containerStatuses: ContainerStatus[];
  reason?: string;
  message?: string;
}

/**
 * A bound Pod's status as the kubelet reports it, with the five standard conditions derived from the container
 * statuses; transition times carry over from the previous status so an unchanged Pod writes nothing new.
 */
export function buildPodStatus(pod: Pod, input: PodStatusInput): PodStatus {
  const clock = { now: input.now, style: 'pod' as const };
  const previous = pod.status?.conditions;
  const initPending = input.initContainerStatuses
    .filter((s) => s.state.terminated?.exitCode !== 0)
    .map((s) => s.name);
  const unready = input.containerStatuses.filter((s) => !s.ready).map((s) => s.name);
  const terminal = input.phase === 'Succeeded' || input.phase === 'Failed';
  let conditions: Condition[] = setCondition(
    previous,
    { type: 'PodReadyToStartContainers', status: terminal ? 'False' : 'True', reason: '', message: '' },
    clock,
  );
  conditions = setCondition(
    conditions,
    initPending.length === 0
      ? { type: 'Initialized', status: 'True', reason: '', message: '' }
      : {
          type: 'Initialized',
          status: 'False',
          reason: 'ContainersNotInitialized',
          message: `containers with incomplete status: [${initPending.join(' ')}]`,
        },
    clock,
  );
  const readyChange =
    terminal && input.phase === 'Succeeded'
      ? { status: 'False' as const, reason: 'PodCompleted', message: '' }
      : unready.length === 0
        ? { status: 'True' as const, reason: '', message: '' }
        : {
            status: 'False' as const,
            reason: 'ContainersNotReady',
            message: `containers with unready status: [${unready.join(' ')}]`,
          };
  conditions = setCondition(conditions, { type: 'ContainersReady', ...readyChange }, clock);
  conditions = setCondition(conditions, { type: 'Ready', ...readyChange }, clock);
  conditions = setCondition(
    conditions,
    { type: 'PodScheduled', status: 'True', reason: '', message: '' },
    clock,
  );
  conditions = conditions.map(stripEmpty);
  const status: PodStatus = {
    phase: input.phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    podIP: input.podIP,
    podIPs: [{ ip: input.podIP }],
    startTime: input.startTime,
    containerStatuses: input.containerStatuses,
    qosClass: qosClass(pod),
  };
  if (input.initContainerStatuses.length > 0) status.initContainerStatuses = input.initContainerStatuses;
  if (input.reason) status.reason = input.reason;
  if (input.message) status.message = input.message;
  return status;
}

/** Pod conditions omit empty reason/message on the wire. */
function stripEmpty(condition: Condition): Condition {
  const copy = { ...condition };
  if (!copy.reason) delete copy.reason;
  if (!copy.message) delete copy.message;
  return copy;
}

export function pendingStatus(
  pod: Pod,
  scheduled: { status: 'True' | 'False'; reason?: string; message?: string },
  now: string,
): PodStatus {
  const conditions = setCondition(
    pod.status?.conditions,
    {
      type: 'PodScheduled',
      status: scheduled.status,
      reason: scheduled.reason ?? '',
      message: scheduled.message ?? '',
    },
    { now, style: 'pod' },
  ).map(stripEmpty);
  return { phase: 'Pending', conditions, qosClass: qosClass(pod) };
}
