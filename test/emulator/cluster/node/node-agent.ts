import type { ClusterStore, KubeObject } from '../../api.ts';
import type { Pod, PodStatus } from '../kube-types.ts';
import { isPodTerminal } from '../pod-state.ts';
import { Resources, clone, isTerminating, jsonEqual, nameOf, timestamp } from '../resources.ts';
import type { ConfigSource } from './env.ts';
import { nodeInternalIP } from './nodes.ts';
import { PodExecution, isExecutedPod, type ExecutionDeps } from './pod-execution.ts';
import type { PodLogStore } from './pod-logs.ts';
import {
  buildPodStatus,
  pendingStatus,
  podIP,
  runningContainerStatus,
  completedContainerStatus,
} from './pod-status.ts';
import { schedulePod } from './scheduler.ts';

export interface NodeAgentDeps extends Omit<ExecutionDeps, 'onChange' | 'config'> {
  store: ClusterStore;
  logs: PodLogStore;
  /** Names of the Nodes this agent runs; Pods bound elsewhere stay Pending, as on a node without a kubelet. */
  nodeNames: ReadonlySet<string>;
  nowMs: () => number;
  /** Asks for the Pod to be looked at again (an execution changed state). */
  enqueue: (namespace: string, name: string) => void;
}

/** Reads ConfigMaps and Secrets (data decoded) from the store, for env and volumes. */
export function storeConfigSource(store: ClusterStore): ConfigSource {
  return (kind, namespace, name) => {
    const resource = kind === 'ConfigMap' ? Resources.configMaps : Resources.secrets;
    const object = store.get(resource, namespace, name);
    if (!object) return undefined;
    const out: Record<string, string> = {};
    const data = (object['data'] ?? {}) as Record<string, string>;
    if (kind === 'ConfigMap') {
      Object.assign(out, data);
      for (const [key, value] of Object.entries((object['binaryData'] ?? {}) as Record<string, string>)) {
        out[key] = Buffer.from(value, 'base64').toString('utf8');
      }
    } else {
      for (const [key, value] of Object.entries(data))
        out[key] = Buffer.from(value, 'base64').toString('utf8');
      Object.assign(out, (object['stringData'] ?? {}) as Record<string, string>);
    }
    return out;
  };
}

/**
 * The scheduler and kubelet of the simulated cluster, one Pod at a time (level-triggered): binds unscheduled Pods
 * to a fitting Node, reports ordinary Pods as Running with image IDs from the digest map, and hands Pods of the
 * project's own image to a PodExecution that runs them for real. Deleting a Pod stops its processes.
 */
export class NodeAgent {
  private readonly deps: NodeAgentDeps;
  private readonly executions = new Map<string, PodExecution>();
  private readonly config: ConfigSource;
  private readonly stopping = new Set<Promise<void>>();
  /**
   * Where each Pod the agent has looked at is bound, while it is not terminal: the scheduler's load per node,
   * kept as Pods are reconciled so that binding one Pod does not read every Pod of the cluster.
   */
  private readonly placements = new Map<string, string>();

  constructor(deps: NodeAgentDeps) {
    this.deps = deps;
    this.config = storeConfigSource(deps.store);
  }

  reconcile(namespace: string, name: string): void {
    const { store } = this.deps;
    const key = `${namespace}/${name}`;
    const pod = store.get(Resources.pods, namespace, name) as Pod | undefined;
    const execution = this.executions.get(key);
    if (execution && (!pod || pod.metadata.uid !== execution.uid || isTerminating(pod))) {
      this.executions.delete(key);
      this.track(execution.stop());
    }
    if (pod?.spec.nodeName && !isPodTerminal(pod)) this.placements.set(key, pod.spec.nodeName);
    else this.placements.delete(key);
    if (!pod) {
      this.deps.logs.forget(namespace, name);
      return;
    }
    if (isTerminating(pod)) return;
    if (!pod.spec.nodeName) {
      this.schedule(pod);
      return;
    }
    if (!this.deps.nodeNames.has(pod.spec.nodeName)) return;
    const node = store.get(Resources.nodes, undefined, pod.spec.nodeName);
    const current = this.executions.get(key);
    if (!current && isPodTerminal(pod)) return;
    const status = isExecutedPod(pod, this.deps.rules.ownImage)
      ? this.executedStatus(pod, key, node)
      : this.simulatedStatus(pod, node);
    this.writeStatus(pod, status);
  }

  /** Stops every execution and waits for all processes to be gone. */
  async close(): Promise<void> {
    const all = [...this.executions.values()].map((e) => e.stop());
    this.executions.clear();
    await Promise.all([...all, ...this.stopping]);
  }

  private track(done: Promise<void>): void {
    this.stopping.add(done);
    void done.finally(() => this.stopping.delete(done));
  }

  private schedule(pod: Pod): void {
    const { store } = this.deps;
    const nodes = store.list(Resources.nodes);
    const counts = new Map<string, number>();
    for (const node of this.placements.values()) counts.set(node, (counts.get(node) ?? 0) + 1);
    const decision = schedulePod(pod, nodes, counts);
    if ('nodeName' in decision) {
      const bound = clone(pod);
      bound.spec.nodeName = decision.nodeName;
      store.update(Resources.pods, bound);
      this.placements.set(`${pod.metadata.namespace ?? ''}/${nameOf(pod)}`, decision.nodeName);
      return;
    }
    const now = timestamp(this.deps.nowMs());
    this.writeStatus(
      pod,
      pendingStatus(pod, { status: 'False', reason: 'Unschedulable', message: decision.unschedulable }, now),
    );
  }

  private nodeIndex(nodeName: string): number {
    return [...this.deps.nodeNames].indexOf(nodeName);
  }

  private simulatedStatus(pod: Pod, node: KubeObject | undefined): PodStatus {
    const now = timestamp(this.deps.nowMs());
    const startTime = pod.status?.startTime ?? now;
    const { digests, logs } = this.deps;
    const mains = pod.spec.containers.map((c) => c.name);
    for (const container of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      if (logs.read(pod.metadata.namespace ?? 'default', nameOf(pod), container.name) === undefined) {
        logs.open(
          pod.metadata.namespace ?? 'default',
          nameOf(pod),
          pod.metadata.uid ?? '',
          mains,
          container.name,
        );
      }
    }
    const previous = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
    const previousInit = new Map((pod.status?.initContainerStatuses ?? []).map((s) => [s.name, s]));
    return buildPodStatus(pod, {
      phase: 'Running',
      hostIP: nodeInternalIP(node),
      podIP: pod.status?.podIP ?? podIP(pod.metadata.uid ?? '', this.nodeIndex(pod.spec.nodeName ?? '')),
      startTime,
      now,
      initContainerStatuses: (pod.spec.initContainers ?? []).map((c) => {
        const terminated = previousInit.get(c.name)?.state.terminated;
        return completedContainerStatus(
          pod,
          c,
          digests,
          terminated?.startedAt ?? startTime,
          terminated?.finishedAt ?? startTime,
        );
      }),
      containerStatuses: pod.spec.containers.map((c) => {
        const before = previous.get(c.name);
        const status = runningContainerStatus(pod, c, digests, before?.state.running?.startedAt ?? startTime);
        // A running container keeps the image it was started from, whatever the digest map says now.
        if (before?.state.running && before.imageID) status.imageID = before.imageID;
        return status;
      }),
    });
  }

  private executedStatus(pod: Pod, key: string, node: KubeObject | undefined): PodStatus {
    const now = timestamp(this.deps.nowMs());
    const startTime = pod.status?.startTime ?? now;
    let execution = this.executions.get(key);
    if (!execution) {
      execution = new PodExecution(pod, Date.parse(startTime) || this.deps.nowMs(), {
        ...this.deps,
        config: this.config,
        onChange: () => this.deps.enqueue(pod.metadata.namespace ?? 'default', nameOf(pod)),
      });
      this.executions.set(key, execution);
    }
    const snap = execution.snapshot();
    if (snap.phase === 'Succeeded' || snap.phase === 'Failed') this.track(execution.stop());
    return buildPodStatus(pod, {
      ...snap,
      hostIP: nodeInternalIP(node),
      podIP: pod.status?.podIP ?? podIP(pod.metadata.uid ?? '', this.nodeIndex(pod.spec.nodeName ?? '')),
      startTime,
      now,
    });
  }

  private writeStatus(pod: Pod, status: PodStatus): void {
    if (jsonEqual(pod.status ?? {}, status)) return;
    this.deps.store.updateStatus(Resources.pods, {
      ...pod,
      metadata: { ...pod.metadata, resourceVersion: undefined },
      status,
    });
  }
}
