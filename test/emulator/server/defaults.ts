import type { KubeObject } from '../api.ts';
import type { StatusCause } from './status.ts';

type Obj = Record<string, unknown>;

function obj(parent: Obj, key: string): Obj {
  const current = parent[key];
  if (current !== null && typeof current === 'object' && !Array.isArray(current)) return current as Obj;
  const created: Obj = {};
  parent[key] = created;
  return created;
}

function setDefault(target: Obj, key: string, value: unknown): void {
  if (target[key] === undefined) target[key] = value;
}

function imageTag(image: string): string | undefined {
  const lastSlash = image.lastIndexOf('/');
  const name = image.slice(lastSlash + 1).split('@')[0]!;
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : undefined;
}

function defaultContainer(c: Obj): void {
  const image = typeof c.image === 'string' ? c.image : '';
  const tag = imageTag(image);
  setDefault(
    c,
    'imagePullPolicy',
    image.includes('@') || (tag !== undefined && tag !== 'latest') ? 'IfNotPresent' : 'Always',
  );
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'resources', {});
  for (const port of (c.ports ?? []) as Obj[]) setDefault(port, 'protocol', 'TCP');
}

/** The defaults the API server fills into every PodSpec (pods and workload templates). */
function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  for (const c of [...((spec.containers ?? []) as Obj[]), ...((spec.initContainers ?? []) as Obj[])]) {
    defaultContainer(c);
  }
}

function defaultTemplate(spec: Obj, restartPolicy?: string): void {
  const template = obj(spec, 'template');
  const podSpec = obj(template, 'spec');
  if (restartPolicy) setDefault(podSpec, 'restartPolicy', restartPolicy);
  defaultPodSpec(podSpec);
}

function defaultJobSpec(spec: Obj): void {
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  defaultTemplate(spec);
}

function jobPodLabels(uid: string, name: string): Record<string, string> {
  return {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
}

/** Fills in what the real API server defaults on a write, so clients read back what a cluster would return. */
export function applyDefaults(group: string, resource: string, object: KubeObject, creating: boolean): void {
  const spec = obj(object as Obj, 'spec');
  switch (`${group}/${resource}`) {
    case '/pods':
      defaultPodSpec(spec);
      setDefault(spec, 'serviceAccountName', 'default');
      setDefault(spec, 'serviceAccount', spec.serviceAccountName);
      setDefault(spec, 'enableServiceLinks', true);
      setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
      setDefault(spec, 'priority', 0);
      break;
    case 'apps/deployments':
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      setDefault(spec, 'strategy', {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      });
      defaultTemplate(spec);
      break;
    case 'apps/replicasets':
    case '/replicationcontrollers':
      setDefault(spec, 'replicas', 1);
      defaultTemplate(spec);
      break;
    case 'apps/statefulsets':
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'podManagementPolicy', 'OrderedReady');
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
      defaultTemplate(spec);
      break;
    case 'apps/daemonsets':
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'updateStrategy', {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
      });
      defaultTemplate(spec);
      break;
    case 'batch/jobs':
      if (creating && !spec.manualSelector && spec.selector === undefined) {
        const labels = jobPodLabels(object.metadata.uid ?? '', object.metadata.name ?? '');
        spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': object.metadata.uid } };
        const meta = obj(obj(spec, 'template'), 'metadata');
        meta.labels = { ...(meta.labels as Record<string, string> | undefined), ...labels };
        object.metadata.labels = {
          'batch.kubernetes.io/controller-uid': labels['controller-uid']!,
          'batch.kubernetes.io/job-name': labels['job-name']!,
          'controller-uid': labels['controller-uid']!,
          'job-name': labels['job-name']!,
          ...object.metadata.labels,
        };
      }
      defaultJobSpec(spec);
      break;
    case 'batch/cronjobs': {
      setDefault(spec, 'concurrencyPolicy', 'Allow');
      setDefault(spec, 'suspend', false);
      setDefault(spec, 'successfulJobsHistoryLimit', 3);
      setDefault(spec, 'failedJobsHistoryLimit', 1);
      const jobSpec = obj(obj(spec, 'jobTemplate'), 'spec');
      setDefault(jobSpec, 'backoffLimit', 6);
      setDefault(jobSpec, 'completionMode', 'NonIndexed');
      setDefault(jobSpec, 'suspend', false);
      defaultTemplate(jobSpec);
      break;
    }
    case '/services': {
      setDefault(spec, 'type', 'ClusterIP');
      setDefault(spec, 'sessionAffinity', 'None');
      setDefault(spec, 'internalTrafficPolicy', 'Cluster');
      setDefault(spec, 'ipFamilies', ['IPv4']);
      setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
      for (const port of (spec.ports ?? []) as Obj[]) {
        setDefault(port, 'protocol', 'TCP');
        setDefault(port, 'targetPort', port.port);
      }
      break;
    }
    case '/secrets': {
      delete (object as Obj).spec;
      setDefault(object as Obj, 'type', 'Opaque');
      const stringData = (object as Obj).stringData as Record<string, string> | undefined;
      if (stringData) {
        const data = obj(object as Obj, 'data');
        for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v)).toString('base64');
        delete (object as Obj).stringData;
      }
      break;
    }
    default:
      if (Object.keys(spec).length === 0) delete (object as Obj).spec;
  }
}

/** Built-in validation the emulator enforces beyond object names (the rules clients commonly trip over). */
export function validateBuiltin(group: string, resource: string, object: KubeObject): StatusCause[] {
  const spec = (object.spec ?? {}) as Obj;
  const causes: StatusCause[] = [];
  const templateRestart = (path: string, template: unknown) => {
    const policy = ((template as Obj | undefined)?.spec as Obj | undefined)?.restartPolicy;
    if (policy !== 'OnFailure' && policy !== 'Never') {
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value: valid values: "OnFailure", "Never"',
        field: `${path}.restartPolicy`,
      });
    }
  };
  if (group === 'batch' && resource === 'jobs') templateRestart('spec.template.spec', spec.template);
  if (group === 'batch' && resource === 'cronjobs') {
    templateRestart(
      'spec.jobTemplate.spec.template.spec',
      ((spec.jobTemplate ?? {}) as Obj).spec && ((spec.jobTemplate as Obj).spec as Obj).template,
    );
  }
  if (['/pods'].includes(`${group}/${resource}`)) {
    const containers = (spec.containers ?? []) as Obj[];
    if (containers.length === 0) {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' });
    }
    containers.forEach((c, i) => {
      if (!c.image)
        causes.push({
          reason: 'FieldValueRequired',
          message: 'Required value',
          field: `spec.containers[${i}].image`,
        });
    });
  }
  return causes;
}
