/**
 * Which object a report belongs to (contract §2.4): a pure decision over objects the caller's informer caches
 * already hold. Deployments report through their current ReplicaSet, CronJobs own their Jobs' reports, and a Pod
 * only owns reports when no built-in controller does.
 */
import type {
  KubernetesObject,
  V1Deployment,
  V1OwnerReference,
  V1Pod,
  V1ReplicaSet,
} from '@kubernetes/client-node';
import type { Workload, WorkloadKind } from './pod-spec.ts';

export interface ObjectKey {
  kind: string;
  /** `""` for cluster-scoped objects. */
  namespace: string;
  name: string;
}

/** Read access to the informer caches; no call may do I/O. */
export interface OwnerLookup {
  /** The cached object of that kind, or `undefined` when the cache does not hold it. */
  getOwner(kind: string, namespace: string, name: string): KubernetesObject | undefined;
  /** Whether any pod, in any phase, matches the workload's selector (upstream's "has active pods"). */
  hasPods(workload: Workload): boolean;
}

export interface OwnerResolutionOptions {
  /** `OPERATOR_TARGET_WORKLOADS`. */
  targetWorkloads: readonly WorkloadKind[];
  /** `OPERATOR_VULNERABILITY_SCANNER_SCAN_ONLY_CURRENT_REVISIONS`. */
  scanOnlyCurrentRevisions: boolean;
  /** `skipResourceByLabels`: an object carrying any of these label keys is skipped. */
  skipResourceByLabels: readonly string[];
}

export type SkipCode =
  | 'kind-not-targeted'
  | 'being-deleted'
  | 'managed-by-operator'
  | 'skip-label'
  | 'controlled-pod'
  | 'openshift-deployer-pod'
  | 'cronjob-job'
  /** An old ReplicaSet / ReplicationController: its existing reports are historical (`report-ttl: 0s`). */
  | 'old-revision'
  /** The controller deciding the current revision is not in the cache yet: try again later. */
  | 'controller-not-cached'
  | 'no-pods';

export interface SkipReason {
  code: SkipCode;
  message: string;
}

export type OwnerResolution = { owner: Workload } | { skip: SkipReason };

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_OPERATOR = 'trivy-operator';
export const DEPLOYMENT_REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const DEPLOYMENT_CONFIG_NAME_ANNOTATION = 'openshift.io/deployment-config.name';
export const DEPLOYMENT_CONFIG_VERSION_ANNOTATION = 'openshift.io/deployment-config.latest-version';

const API_VERSIONS: Readonly<Record<WorkloadKind, string>> = {
  Pod: 'v1',
  ReplicaSet: 'apps/v1',
  ReplicationController: 'v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  CronJob: 'batch/v1',
  Job: 'batch/v1',
};

/** Controllers whose pods never own reports themselves. CronJob is absent: it controls Jobs, not pods. */
const POD_CONTROLLERS: ReadonlySet<string> = new Set([
  'ReplicaSet',
  'ReplicationController',
  'StatefulSet',
  'DaemonSet',
  'Job',
]);

/** The ownerReference every controller of an object carries (at most one may). */
export function controllerOf(object: KubernetesObject): V1OwnerReference | undefined {
  return object.metadata?.ownerReferences?.find((reference) => reference.controller === true);
}

export function keyOf(workload: Workload): ObjectKey {
  return {
    kind: workload.kind,
    namespace: workload.object.metadata?.namespace ?? '',
    name: workload.object.metadata?.name ?? '',
  };
}

function describe(workload: Workload): string {
  const { namespace, name } = keyOf(workload);
  return `${workload.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

const skip = (code: SkipCode, message: string): OwnerResolution => ({ skip: { code, message } });

/** Decides whether an observed workload owns reports, or why it is skipped. */
export function resolveReportOwner(
  workload: Workload,
  lookup: OwnerLookup,
  options: OwnerResolutionOptions,
): OwnerResolution {
  const what = describe(workload);
  const metadata = workload.object.metadata ?? {};
  const labels = metadata.labels ?? {};

  if (!options.targetWorkloads.includes(workload.kind)) {
    return skip('kind-not-targeted', `${what}: ${workload.kind} is not in OPERATOR_TARGET_WORKLOADS`);
  }
  if (metadata.deletionTimestamp) return skip('being-deleted', `${what} is being deleted`);
  if (labels[MANAGED_BY_LABEL] === MANAGED_BY_OPERATOR) {
    return skip(
      'managed-by-operator',
      `${what} belongs to the operator (${MANAGED_BY_LABEL}=${MANAGED_BY_OPERATOR})`,
    );
  }
  const skipLabel = options.skipResourceByLabels.find((key) => Object.hasOwn(labels, key));
  if (skipLabel !== undefined) {
    return skip('skip-label', `${what} carries label ${skipLabel}, listed in skipResourceByLabels`);
  }

  const controller = controllerOf(workload.object);
  switch (workload.kind) {
    case 'Pod': {
      if (metadata.annotations?.[DEPLOYMENT_CONFIG_NAME_ANNOTATION] !== undefined) {
        return skip('openshift-deployer-pod', `${what} is an OpenShift deployer pod`);
      }
      if (controller && POD_CONTROLLERS.has(controller.kind)) {
        return skip(
          'controlled-pod',
          `${what} is reported through its ${controller.kind} ${controller.name}`,
        );
      }
      return { owner: workload };
    }
    case 'Job':
      if (controller?.kind === 'CronJob') {
        return skip('cronjob-job', `${what} is reported through its CronJob ${controller.name}`);
      }
      return { owner: workload };
    case 'ReplicaSet':
    case 'ReplicationController': {
      if (options.scanOnlyCurrentRevisions) {
        const revision = revisionCheck(workload, controller, lookup);
        if (revision) return revision;
      }
      return lookup.hasPods(workload) ? { owner: workload } : skip('no-pods', `${what} has no pods`);
    }
    case 'StatefulSet':
      return lookup.hasPods(workload) ? { owner: workload } : skip('no-pods', `${what} has no pods`);
    case 'DaemonSet':
    case 'CronJob':
      return { owner: workload };
  }
}

/** A skip when the ReplicaSet / ReplicationController is not its controller's current revision. */
function revisionCheck(
  workload: Workload,
  controller: V1OwnerReference | undefined,
  lookup: OwnerLookup,
): OwnerResolution | undefined {
  const namespace = workload.object.metadata?.namespace ?? '';
  const annotations = workload.object.metadata?.annotations ?? {};
  const what = describe(workload);
  if (workload.kind === 'ReplicaSet' && controller?.kind === 'Deployment') {
    const deployment = lookup.getOwner('Deployment', namespace, controller.name) as V1Deployment | undefined;
    if (!deployment) {
      return skip(
        'controller-not-cached',
        `${what}: its Deployment ${controller.name} is not in the cache yet`,
      );
    }
    const current = deployment.metadata?.annotations?.[DEPLOYMENT_REVISION_ANNOTATION];
    const own = annotations[DEPLOYMENT_REVISION_ANNOTATION];
    if (own !== current) {
      return skip(
        'old-revision',
        `${what} is revision ${own ?? '(none)'} of Deployment ${controller.name}, whose current revision is ${current ?? '(none)'}`,
      );
    }
  }
  if (workload.kind === 'ReplicationController' && controller?.kind === 'DeploymentConfig') {
    const config = lookup.getOwner('DeploymentConfig', namespace, controller.name) as
      (KubernetesObject & { status?: { latestVersion?: number } }) | undefined;
    if (!config) {
      return skip(
        'controller-not-cached',
        `${what}: its DeploymentConfig ${controller.name} is not in the cache yet`,
      );
    }
    const current = config.status?.latestVersion;
    const own = annotations[DEPLOYMENT_CONFIG_VERSION_ANNOTATION];
    if (current === undefined || own !== String(current)) {
      return skip(
        'old-revision',
        `${what} is version ${own ?? '(none)'} of DeploymentConfig ${controller.name}, whose latest version is ${current ?? '(none)'}`,
      );
    }
  }
  return undefined;
}

/** Among a Deployment's ReplicaSets, the one of its current revision (the one that owns its reports). */
export function currentReplicaSet(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
): V1ReplicaSet | undefined {
  const revision = deployment.metadata?.annotations?.[DEPLOYMENT_REVISION_ANNOTATION];
  const uid = deployment.metadata?.uid;
  if (revision === undefined) return undefined;
  return replicaSets.find((replicaSet) => {
    const controller = controllerOf(replicaSet);
    return (
      controller?.kind === 'Deployment' &&
      (uid === undefined || controller.uid === uid) &&
      replicaSet.metadata?.annotations?.[DEPLOYMENT_REVISION_ANNOTATION] === revision
    );
  });
}

/**
 * The key of the object that owns a running Pod's reports: its ReplicaSet (not the Deployment, which only decides
 * the current revision), ReplicationController, StatefulSet or DaemonSet; the CronJob of a Job's pod (the Job when
 * it is standalone or no longer cached); the Pod itself when nothing built-in controls it. The operator uses it to
 * map `status.containerStatuses[].imageID` digests to reports.
 */
export function podsOwnerKey(pod: V1Pod, lookup: Pick<OwnerLookup, 'getOwner'>): ObjectKey {
  const namespace = pod.metadata?.namespace ?? '';
  const controller = controllerOf(pod);
  if (!controller || !POD_CONTROLLERS.has(controller.kind)) {
    return { kind: 'Pod', namespace, name: pod.metadata?.name ?? '' };
  }
  if (controller.kind === 'Job') {
    const job = lookup.getOwner('Job', namespace, controller.name);
    const cronJob = job ? controllerOf(job) : undefined;
    if (cronJob?.kind === 'CronJob') return { kind: 'CronJob', namespace, name: cronJob.name };
  }
  return { kind: controller.kind, namespace, name: controller.name };
}

/**
 * The single ownerReference a report carries: controller, and `blockOwnerDeletion: false` so the operator needs no
 * `finalizers` permission on workloads (OwnerReferencesPermissionEnforcement).
 */
export function reportOwnerReference(owner: Workload): V1OwnerReference {
  const { name, uid } = owner.object.metadata ?? {};
  if (!name || !uid) {
    throw new TypeError(
      `${owner.kind} ${name ?? '(unnamed)'} has no name or uid: it did not come from the API server`,
    );
  }
  return {
    apiVersion: API_VERSIONS[owner.kind],
    kind: owner.kind,
    name,
    uid,
    controller: true,
    blockOwnerDeletion: false,
  };
}
