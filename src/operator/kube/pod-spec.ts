/**
 * What a workload runs: its PodSpec, the containers a report is expected for, and the `resource-spec-hash` that
 * tells whether existing reports still describe it (contract §2.5, §3.2).
 */
import type {
  V1CronJob,
  V1DaemonSet,
  V1Job,
  V1Pod,
  V1PodSpec,
  V1ReplicaSet,
  V1ReplicationController,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { shortHash } from './hash.ts';

/** The kinds that own vulnerability, exposed-secret and SBOM reports (`OPERATOR_TARGET_WORKLOADS`). */
export const WORKLOAD_KINDS = [
  'Pod',
  'ReplicaSet',
  'ReplicationController',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/**
 * A workload with its kind carried beside the object: objects from list and watch responses usually lack
 * `kind`/`apiVersion`, so the kind comes from the informer that produced them.
 */
export type Workload =
  | { kind: 'Pod'; object: V1Pod }
  | { kind: 'ReplicaSet'; object: V1ReplicaSet }
  | { kind: 'ReplicationController'; object: V1ReplicationController }
  | { kind: 'StatefulSet'; object: V1StatefulSet }
  | { kind: 'DaemonSet'; object: V1DaemonSet }
  | { kind: 'CronJob'; object: V1CronJob }
  | { kind: 'Job'; object: V1Job };

/** The PodSpec a workload's pods run: `.spec` for a Pod, the pod template for controllers, the job template's for a CronJob. */
export function podSpecOf(workload: Workload): V1PodSpec | undefined {
  switch (workload.kind) {
    case 'Pod':
      return workload.object.spec;
    case 'CronJob':
      // Objects come from the API server as JSON: guard even the fields the model marks as required.
      return workload.object.spec?.jobTemplate?.spec?.template?.spec;
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return workload.object.spec?.template?.spec;
  }
}

/** `resource-spec-hash`: changes exactly when the PodSpec changes (key order does not matter). */
export function resourceSpecHash(spec: V1PodSpec | undefined): string {
  return shortHash(spec ?? null);
}

export type ContainerType = 'container' | 'initContainer' | 'ephemeralContainer';

export interface WorkloadContainer {
  name: string;
  /** The image reference as written in the spec. */
  image: string;
  type: ContainerType;
}

export type ContainerOmission = 'excluded-image' | 'init-containers-skipped' | 'no-image';

export interface ContainerSelectionOptions {
  /** `scanJob.skipInitContainers`. */
  skipInitContainers: boolean;
  /** `scanJob.excludeImages` matched against the image reference (the configuration's `excludeImages.matches`). */
  excludeImages: (image: string) => boolean;
}

export interface ContainerSelection {
  /** Containers that must each have a report for the workload to be up to date. */
  expected: WorkloadContainer[];
  /** Containers deliberately not scanned, with the reason (for the status view and events). */
  omitted: Array<WorkloadContainer & { reason: ContainerOmission }>;
}

/**
 * Containers, init containers (unless skipped) and ephemeral containers, in spec order. Excluded images and skipped
 * init containers are not expected at all, so they never make a workload look out of date (upstream gap #20).
 */
export function selectContainers(
  spec: V1PodSpec | undefined,
  options: ContainerSelectionOptions,
): ContainerSelection {
  const selection: ContainerSelection = { expected: [], omitted: [] };
  const groups: Array<[ContainerType, ReadonlyArray<{ name: string; image?: string }> | undefined]> = [
    ['container', spec?.containers],
    ['initContainer', spec?.initContainers],
    ['ephemeralContainer', spec?.ephemeralContainers],
  ];
  for (const [type, containers] of groups) {
    for (const { name, image = '' } of containers ?? []) {
      const container: WorkloadContainer = { name, image, type };
      if (image.length === 0) selection.omitted.push({ ...container, reason: 'no-image' });
      else if (type === 'initContainer' && options.skipInitContainers)
        selection.omitted.push({ ...container, reason: 'init-containers-skipped' });
      else if (options.excludeImages(image))
        selection.omitted.push({ ...container, reason: 'excluded-image' });
      else selection.expected.push(container);
    }
  }
  return selection;
}
