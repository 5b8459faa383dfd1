import type { KubernetesObject, V1Deployment, V1Node, V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../util/logger.ts';
import type { KubeClient } from '../kube/client.ts';
import { Informer, withoutManagedFields, type InformerEvent } from '../kube/informer.ts';
import { controllerOf, podsOwnerKey, type ObjectKey, type OwnerLookup } from '../kube/ownership.ts';
import type { Workload, WorkloadKind } from '../kube/pod-spec.ts';
import { builtin, type ResourceType } from '../kube/resource-types.ts';

export const ownerKeyString = (key: ObjectKey) => `${key.kind}/${key.namespace}/${key.name}`;

export function parseOwnerKey(text: string): ObjectKey {
  const [kind = '', namespace = '', ...rest] = text.split('/');
  return { kind, namespace, name: rest.join('/') };
}

const workloadTypes: Record<WorkloadKind, ResourceType> = {
  Pod: builtin.pod,
  ReplicaSet: builtin.replicaSet,
  ReplicationController: builtin.replicationController,
  StatefulSet: builtin.statefulSet,
  DaemonSet: builtin.daemonSet,
  Job: builtin.job,
  CronJob: builtin.cronJob,
};

/** The pod fields the operator reads; the rest (volumes, env, probes…) is dropped from the cache. */
function slimPod(pod: V1Pod): V1Pod {
  const { metadata, spec, status } = withoutManagedFields(pod);
  return {
    metadata: {
      name: metadata?.name,
      namespace: metadata?.namespace,
      uid: metadata?.uid,
      resourceVersion: metadata?.resourceVersion,
      labels: metadata?.labels,
      annotations: metadata?.annotations,
      ownerReferences: metadata?.ownerReferences,
      deletionTimestamp: metadata?.deletionTimestamp,
      creationTimestamp: metadata?.creationTimestamp,
    },
    // Pods of a controller only lend their node and running digests; a bare Pod is an owner and keeps its spec.
    spec: controllerOf(pod) ? slimPodSpec(spec) : spec,
    status: {
      phase: status?.phase,
      containerStatuses: status?.containerStatuses,
      initContainerStatuses: status?.initContainerStatuses,
      ephemeralContainerStatuses: status?.ephemeralContainerStatuses,
    },
  } as V1Pod;
}

function slimPodSpec(spec: V1Pod['spec']): V1Pod['spec'] {
  const names = (containers: { name: string; image?: string }[] | undefined) =>
    containers?.map(({ name, image }) => ({ name, image }));
  return {
    nodeName: spec?.nodeName,
    containers: names(spec?.containers) ?? [],
    initContainers: names(spec?.initContainers),
    ephemeralContainers: names(spec?.ephemeralContainers),
  } as V1Pod['spec'];
}

/** Keeps what a workload's reports depend on: metadata, the pod template, and the revision bookkeeping. */
function slimWorkload<T extends KubernetesObject & { status?: unknown }>(object: T): T {
  const { status: _status, ...rest } = withoutManagedFields(object);
  return rest as T;
}

/**
 * The operator's view of the workloads it reports on: one informer per kind (in the namespaces it watches), Nodes
 * (for each pod's platform), and an index from owner to its pods (where the running image digests are). It answers
 * ownership questions from memory and tells listeners which owner keys a change concerns.
 */
export class WorkloadView implements OwnerLookup {
  readonly #informers: Partial<Record<WorkloadKind | 'Deployment', Informer<KubernetesObject>>> = {};
  readonly #nodes: Informer<V1Node>;
  readonly #podsByOwner = new Map<string, Set<string>>();
  readonly #ownerOfPod = new Map<string, string>();
  readonly #listeners: ((ownerKey: string) => void)[] = [];

  constructor(options: {
    client: KubeClient;
    namespaces: readonly string[] | undefined;
    kinds: readonly WorkloadKind[];
    logger: Logger;
  }) {
    const common = { namespaces: options.namespaces, logger: options.logger };
    // Pods are always watched: they carry the digests the workloads run, whatever the target kinds.
    const kinds = new Set<WorkloadKind>([...options.kinds, 'Pod']);
    if (kinds.has('CronJob')) kinds.add('Job');
    for (const kind of kinds) {
      const informer = new Informer<KubernetesObject>(options.client, {
        ...common,
        type: workloadTypes[kind],
        transform:
          kind === 'Pod' ? (slimPod as (object: KubernetesObject) => KubernetesObject) : slimWorkload,
      });
      informer.on((event) => this.#onWorkload(kind, event));
      this.#informers[kind] = informer;
    }
    const deployments = new Informer<KubernetesObject>(options.client, {
      ...common,
      type: builtin.deployment,
      transform: slimWorkload,
    });
    deployments.on((event) => this.#onDeployment(event as InformerEvent<V1Deployment>));
    this.#informers.Deployment = deployments;
    this.#nodes = new Informer<V1Node>(options.client, {
      type: builtin.node,
      logger: options.logger,
      transform: (node) => ({
        metadata: { name: node.metadata?.name, resourceVersion: node.metadata?.resourceVersion },
        status: { nodeInfo: node.status?.nodeInfo } as V1Node['status'],
      }),
    });
  }

  /** Called with an owner key whenever something its reports depend on changed. */
  onChange(listener: (ownerKey: string) => void): void {
    this.#listeners.push(listener);
  }

  async start(): Promise<void> {
    await Promise.all([
      this.#nodes.start(),
      ...Object.values(this.#informers).map((informer) => informer.start()),
    ]);
  }

  async stop(): Promise<void> {
    await Promise.all([
      this.#nodes.stop(),
      ...Object.values(this.#informers).map((informer) => informer.stop()),
    ]);
  }

  /** Every owner key the view knows of (for a full resync after a DB or config change). */
  allOwnerKeys(): string[] {
    const keys = new Set<string>();
    for (const [kind, informer] of Object.entries(this.#informers)) {
      if (kind === 'Deployment') continue;
      for (const object of informer.list()) {
        if (kind === 'Pod') keys.add(this.#ownerOfPod.get(podKey(object)) ?? '');
        else
          keys.add(
            ownerKeyString({
              kind,
              namespace: object.metadata?.namespace ?? '',
              name: object.metadata?.name ?? '',
            }),
          );
      }
    }
    keys.delete('');
    return [...keys];
  }

  workload(key: ObjectKey): Workload | undefined {
    const object = this.#informers[key.kind as WorkloadKind]?.get(key.name, key.namespace);
    return object ? ({ kind: key.kind, object } as Workload) : undefined;
  }

  getOwner(kind: string, namespace: string, name: string): KubernetesObject | undefined {
    return this.#informers[kind as WorkloadKind]?.get(name, namespace);
  }

  hasPods(workload: Workload): boolean {
    const key = ownerKeyString({
      kind: workload.kind,
      namespace: workload.object.metadata?.namespace ?? '',
      name: workload.object.metadata?.name ?? '',
    });
    return (this.#podsByOwner.get(key)?.size ?? 0) > 0;
  }

  /** The pods whose reports this owner keeps (its own pods; a CronJob's through its Jobs; a bare Pod itself). */
  podsOf(ownerKey: string): V1Pod[] {
    const pods = this.#informers.Pod;
    if (!pods) return [];
    return [...(this.#podsByOwner.get(ownerKey) ?? [])]
      .map((key) => {
        const [namespace = '', name = ''] = key.split('/');
        return pods.get(name, namespace) as V1Pod | undefined;
      })
      .filter((pod): pod is V1Pod => pod !== undefined);
  }

  allPods(): V1Pod[] {
    return (this.#informers.Pod?.list() ?? []) as V1Pod[];
  }

  ownerKeyOfPod(pod: V1Pod): string | undefined {
    return this.#ownerOfPod.get(podKey(pod));
  }

  /** `os/arch` of the node a pod runs on, as Kubernetes reports it (`linux/amd64`). */
  platformOfNode(nodeName: string | undefined): string | undefined {
    if (!nodeName) return undefined;
    const info = this.#nodes.get(nodeName)?.status?.nodeInfo;
    return info?.operatingSystem && info.architecture
      ? `${info.operatingSystem}/${info.architecture}`
      : undefined;
  }

  #onWorkload(kind: WorkloadKind, event: InformerEvent<KubernetesObject>): void {
    if (kind === 'Pod') return this.#onPod(event as InformerEvent<V1Pod>);
    const { namespace = '', name = '' } = event.object.metadata ?? {};
    this.#notify(ownerKeyString({ kind, namespace, name }));
    // A CronJob's reports follow its Jobs' pods; a Job of a CronJob changing concerns the CronJob.
    const controller = controllerOf(event.object);
    if (kind === 'Job' && controller?.kind === 'CronJob') {
      this.#notify(ownerKeyString({ kind: 'CronJob', namespace, name: controller.name }));
    }
  }

  #onPod(event: InformerEvent<V1Pod>): void {
    const key = podKey(event.object);
    const previousOwner = this.#ownerOfPod.get(key);
    if (previousOwner) this.#podsByOwner.get(previousOwner)?.delete(key);
    if (event.type === 'deleted') {
      this.#ownerOfPod.delete(key);
    } else {
      const owner = ownerKeyString(podsOwnerKey(event.object, this));
      this.#ownerOfPod.set(key, owner);
      let pods = this.#podsByOwner.get(owner);
      if (!pods) this.#podsByOwner.set(owner, (pods = new Set()));
      pods.add(key);
      if (owner !== previousOwner) this.#notify(owner);
      else if (event.type === 'updated' && imageIdsChanged(event.old, event.object)) this.#notify(owner);
      else if (event.type === 'added') this.#notify(owner);
    }
    if (previousOwner) {
      if (this.#podsByOwner.get(previousOwner)?.size === 0) this.#podsByOwner.delete(previousOwner);
      if (event.type === 'deleted') this.#notify(previousOwner);
    }
  }

  #onDeployment(event: InformerEvent<V1Deployment>): void {
    // A rollout changes which ReplicaSet is current: every ReplicaSet of the Deployment is looked at again.
    const uid = event.object.metadata?.uid;
    const namespace = event.object.metadata?.namespace ?? '';
    for (const replicaSet of this.#informers.ReplicaSet?.list(namespace) ?? []) {
      if (controllerOf(replicaSet)?.uid === uid) {
        this.#notify(
          ownerKeyString({ kind: 'ReplicaSet', namespace, name: replicaSet.metadata?.name ?? '' }),
        );
      }
    }
  }

  #notify(ownerKey: string): void {
    for (const listener of this.#listeners) listener(ownerKey);
  }
}

const podKey = (pod: KubernetesObject) => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

function imageIdsChanged(old: V1Pod, current: V1Pod): boolean {
  const ids = (pod: V1Pod) =>
    [
      ...(pod.status?.containerStatuses ?? []),
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.ephemeralContainerStatuses ?? []),
    ]
      .map((status) => `${status.name}=${status.imageID}`)
      .join(',');
  return ids(old) !== ids(current) || old.spec?.nodeName !== current.spec?.nodeName;
}
