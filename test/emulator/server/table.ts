import type { KubeObject } from '../api.ts';
import type { PrinterColumn, ResourceType } from './resources.ts';
import { formatLabelSelector } from './selectors.ts';

interface Column {
  name: string;
  type: string;
  format?: string;
  priority?: number;
  description?: string;
}

type Cell = string | number | boolean | null;
type Obj = Record<string, unknown>;

/** Go's `duration.HumanDuration`, which the API server uses for AGE and DURATION cells. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function since(ts: unknown): string {
  if (typeof ts !== 'string') return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(Date.now() - t);
}

function get(object: unknown, path: string): unknown {
  let current = object;
  for (const part of path.split('.').filter((p) => p !== '')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Obj)[part];
  }
  return current;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function orNone(v: unknown): string {
  return v === undefined || v === null || v === '' ? '<none>' : String(v);
}

const nameCol: Column = { name: 'Name', type: 'string', format: 'name' };
const ageCol: Column = { name: 'Age', type: 'string' };

function podTemplate(o: KubeObject): Obj {
  return (get(o, 'spec.template.spec') ?? {}) as Obj;
}

function containersAndImages(spec: Obj): [string, string] {
  const containers = (spec.containers ?? []) as Obj[];
  return [containers.map((c) => String(c.name)).join(','), containers.map((c) => String(c.image)).join(',')];
}

function podStatus(pod: KubeObject): { ready: string; status: string; restarts: number } {
  const status = (pod.status ?? {}) as Obj;
  const specContainers = ((get(pod, 'spec.containers') ?? []) as Obj[]).length;
  const statuses = (status.containerStatuses ?? []) as Obj[];
  let reason = String(status.reason ?? status.phase ?? 'Pending');
  let ready = 0;
  let restarts = 0;
  for (const cs of statuses) {
    restarts += num(cs.restartCount);
    const state = (cs.state ?? {}) as Obj;
    const waiting = state.waiting as Obj | undefined;
    const terminated = state.terminated as Obj | undefined;
    if (waiting?.reason) reason = String(waiting.reason);
    else if (terminated) {
      reason = terminated.reason
        ? String(terminated.reason)
        : terminated.signal
          ? `Signal:${String(terminated.signal)}`
          : `ExitCode:${num(terminated.exitCode)}`;
    } else if (cs.ready && state.running) ready++;
  }
  if (reason === 'Running' && statuses.length > 0 && ready < statuses.length) {
    const anyNotReady = statuses.some((cs) => !cs.ready);
    if (!anyNotReady) reason = 'Running';
  }
  if (pod.metadata.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return { ready: `${ready}/${specContainers}`, status: reason, restarts };
}

function jobStatus(job: KubeObject): string {
  const conditions = (get(job, 'status.conditions') ?? []) as Obj[];
  const isTrue = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  if (isTrue('Complete')) return 'Complete';
  if (isTrue('Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (isTrue('FailureTarget')) return 'FailureTarget';
  if (isTrue('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (isTrue('Suspended')) return 'Suspended';
  return 'Running';
}

function jobDuration(job: KubeObject): string {
  const start = get(job, 'status.startTime');
  if (typeof start !== 'string') return '';
  const end = get(job, 'status.completionTime');
  const endMs = typeof end === 'string' ? Date.parse(end) : Date.now();
  return humanDuration(endMs - Date.parse(start));
}

function servicePorts(svc: KubeObject): string {
  const ports = (get(svc, 'spec.ports') ?? []) as Obj[];
  if (ports.length === 0) return '<none>';
  return ports
    .map(
      (p) => `${String(p.port)}${p.nodePort ? `:${String(p.nodePort)}` : ''}/${String(p.protocol ?? 'TCP')}`,
    )
    .join(',');
}

function nodeRoles(node: KubeObject): string {
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((l) => l.startsWith('node-role.kubernetes.io/'))
    .map((l) => l.slice('node-role.kubernetes.io/'.length))
    .filter((r) => r !== '');
  return roles.length > 0 ? roles.sort().join(',') : '<none>';
}

function nodeReady(node: KubeObject): string {
  const conditions = (get(node, 'status.conditions') ?? []) as Obj[];
  const ready = conditions.find((c) => c.type === 'Ready');
  let s = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  if (get(node, 'spec.unschedulable')) s += ',SchedulingDisabled';
  return s;
}

function nodeAddress(node: KubeObject, type: string): string {
  const addresses = (get(node, 'status.addresses') ?? []) as Obj[];
  return orNone(addresses.find((a) => a.type === type)?.address);
}

function dataCount(o: KubeObject): number {
  return (
    Object.keys((o.data ?? {}) as Obj).length +
    Object.keys((o.binaryData ?? o.stringData ?? {}) as Obj).length
  );
}

interface Printer {
  columns: Column[];
  cells(o: KubeObject): Cell[];
}

const PRINTERS: Record<string, Printer> = {
  '/pods': {
    columns: [
      nameCol,
      { name: 'Ready', type: 'string' },
      { name: 'Status', type: 'string' },
      { name: 'Restarts', type: 'string' },
      ageCol,
      { name: 'IP', type: 'string', priority: 1 },
      { name: 'Node', type: 'string', priority: 1 },
      { name: 'Nominated Node', type: 'string', priority: 1 },
      { name: 'Readiness Gates', type: 'string', priority: 1 },
    ],
    cells: (o) => {
      const s = podStatus(o);
      return [
        o.metadata.name!,
        s.ready,
        s.status,
        String(s.restarts),
        since(o.metadata.creationTimestamp),
        orNone(get(o, 'status.podIP')),
        orNone(get(o, 'spec.nodeName')),
        orNone(get(o, 'status.nominatedNodeName')),
        '<none>',
      ];
    },
  },
  'apps/deployments': {
    columns: [
      nameCol,
      { name: 'Ready', type: 'string' },
      { name: 'Up-to-date', type: 'integer' },
      { name: 'Available', type: 'integer' },
      ageCol,
      { name: 'Containers', type: 'string', priority: 1 },
      { name: 'Images', type: 'string', priority: 1 },
      { name: 'Selector', type: 'string', priority: 1 },
    ],
    cells: (o) => {
      const [containers, images] = containersAndImages(podTemplate(o));
      return [
        o.metadata.name!,
        `${num(get(o, 'status.readyReplicas'))}/${num(get(o, 'spec.replicas') ?? 1)}`,
        num(get(o, 'status.updatedReplicas')),
        num(get(o, 'status.availableReplicas')),
        since(o.metadata.creationTimestamp),
        containers,
        images,
        formatLabelSelector(get(o, 'spec.selector')),
      ];
    },
  },
  'apps/replicasets': {
    columns: [
      nameCol,
      { name: 'Desired', type: 'integer' },
      { name: 'Current', type: 'integer' },
      { name: 'Ready', type: 'integer' },
      ageCol,
      { name: 'Containers', type: 'string', priority: 1 },
      { name: 'Images', type: 'string', priority: 1 },
      { name: 'Selector', type: 'string', priority: 1 },
    ],
    cells: (o) => {
      const [containers, images] = containersAndImages(podTemplate(o));
      return [
        o.metadata.name!,
        num(get(o, 'spec.replicas') ?? 1),
        num(get(o, 'status.replicas')),
        num(get(o, 'status.readyReplicas')),
        since(o.metadata.creationTimestamp),
        containers,
        images,
        formatLabelSelector(get(o, 'spec.selector')),
      ];
    },
  },
  'apps/statefulsets': {
    columns: [
      nameCol,
      { name: 'Ready', type: 'string' },
      ageCol,
      { name: 'Containers', type: 'string', priority: 1 },
      { name: 'Images', type: 'string', priority: 1 },
    ],
    cells: (o) => {
      const [containers, images] = containersAndImages(podTemplate(o));
      return [
        o.metadata.name!,
        `${num(get(o, 'status.readyReplicas'))}/${num(get(o, 'spec.replicas') ?? 1)}`,
        since(o.metadata.creationTimestamp),
        containers,
        images,
      ];
    },
  },
  'apps/daemonsets': {
    columns: [
      nameCol,
      { name: 'Desired', type: 'integer' },
      { name: 'Current', type: 'integer' },
      { name: 'Ready', type: 'integer' },
      { name: 'Up-to-date', type: 'integer' },
      { name: 'Available', type: 'integer' },
      { name: 'Node Selector', type: 'string' },
      ageCol,
      { name: 'Containers', type: 'string', priority: 1 },
      { name: 'Images', type: 'string', priority: 1 },
      { name: 'Selector', type: 'string', priority: 1 },
    ],
    cells: (o) => {
      const [containers, images] = containersAndImages(podTemplate(o));
      const nodeSelector = Object.entries((podTemplate(o).nodeSelector ?? {}) as Record<string, string>)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      return [
        o.metadata.name!,
        num(get(o, 'status.desiredNumberScheduled')),
        num(get(o, 'status.currentNumberScheduled')),
        num(get(o, 'status.numberReady')),
        num(get(o, 'status.updatedNumberScheduled')),
        num(get(o, 'status.numberAvailable')),
        orNone(nodeSelector),
        since(o.metadata.creationTimestamp),
        containers,
        images,
        formatLabelSelector(get(o, 'spec.selector')),
      ];
    },
  },
  'batch/jobs': {
    columns: [
      nameCol,
      { name: 'Status', type: 'string' },
      { name: 'Completions', type: 'string' },
      { name: 'Duration', type: 'string' },
      ageCol,
      { name: 'Containers', type: 'string', priority: 1 },
      { name: 'Images', type: 'string', priority: 1 },
      { name: 'Selector', type: 'string', priority: 1 },
    ],
    cells: (o) => {
      const [containers, images] = containersAndImages(podTemplate(o));
      const completions = get(o, 'spec.completions');
      const parallelism = num(get(o, 'spec.parallelism') ?? 1);
      const succeeded = num(get(o, 'status.succeeded'));
      const completionsText =
        typeof completions === 'number'
          ? `${succeeded}/${completions}`
          : parallelism > 1
            ? `${succeeded}/1 of ${parallelism}`
            : `${succeeded}/1`;
      return [
        o.metadata.name!,
        jobStatus(o),
        completionsText,
        jobDuration(o),
        since(o.metadata.creationTimestamp),
        containers,
        images,
        formatLabelSelector(get(o, 'spec.selector')),
      ];
    },
  },
  'batch/cronjobs': {
    columns: [
      nameCol,
      { name: 'Schedule', type: 'string' },
      { name: 'Timezone', type: 'string' },
      { name: 'Suspend', type: 'boolean' },
      { name: 'Active', type: 'integer' },
      { name: 'Last Schedule', type: 'string' },
      ageCol,
      { name: 'Containers', type: 'string', priority: 1 },
      { name: 'Images', type: 'string', priority: 1 },
      { name: 'Selector', type: 'string', priority: 1 },
    ],
    cells: (o) => {
      const spec = (get(o, 'spec.jobTemplate.spec.template.spec') ?? {}) as Obj;
      const [containers, images] = containersAndImages(spec);
      const last = get(o, 'status.lastScheduleTime');
      return [
        o.metadata.name!,
        String(get(o, 'spec.schedule') ?? ''),
        orNone(get(o, 'spec.timeZone')),
        Boolean(get(o, 'spec.suspend')),
        ((get(o, 'status.active') ?? []) as unknown[]).length,
        last ? since(last) : '<none>',
        since(o.metadata.creationTimestamp),
        containers,
        images,
        formatLabelSelector(get(o, 'spec.jobTemplate.spec.selector')),
      ];
    },
  },
  '/nodes': {
    columns: [
      nameCol,
      { name: 'Status', type: 'string' },
      { name: 'Roles', type: 'string' },
      ageCol,
      { name: 'Version', type: 'string' },
      { name: 'Internal-IP', type: 'string', priority: 1 },
      { name: 'External-IP', type: 'string', priority: 1 },
      { name: 'OS-Image', type: 'string', priority: 1 },
      { name: 'Kernel-Version', type: 'string', priority: 1 },
      { name: 'Container-Runtime', type: 'string', priority: 1 },
    ],
    cells: (o) => [
      o.metadata.name!,
      nodeReady(o),
      nodeRoles(o),
      since(o.metadata.creationTimestamp),
      String(get(o, 'status.nodeInfo.kubeletVersion') ?? ''),
      nodeAddress(o, 'InternalIP'),
      nodeAddress(o, 'ExternalIP'),
      orNone(get(o, 'status.nodeInfo.osImage')),
      orNone(get(o, 'status.nodeInfo.kernelVersion')),
      orNone(get(o, 'status.nodeInfo.containerRuntimeVersion')),
    ],
  },
  '/namespaces': {
    columns: [nameCol, { name: 'Status', type: 'string' }, ageCol],
    cells: (o) => [
      o.metadata.name!,
      String(get(o, 'status.phase') ?? ''),
      since(o.metadata.creationTimestamp),
    ],
  },
  '/configmaps': {
    columns: [nameCol, { name: 'Data', type: 'string' }, ageCol],
    cells: (o) => [o.metadata.name!, dataCount(o), since(o.metadata.creationTimestamp)],
  },
  '/secrets': {
    columns: [nameCol, { name: 'Type', type: 'string' }, { name: 'Data', type: 'string' }, ageCol],
    cells: (o) => [
      o.metadata.name!,
      String(o.type ?? 'Opaque'),
      dataCount(o),
      since(o.metadata.creationTimestamp),
    ],
  },
  '/services': {
    columns: [
      nameCol,
      { name: 'Type', type: 'string' },
      { name: 'Cluster-IP', type: 'string' },
      { name: 'External-IP', type: 'string' },
      { name: 'Port(s)', type: 'string' },
      ageCol,
      { name: 'Selector', type: 'string', priority: 1 },
    ],
    cells: (o) => {
      const type = String(get(o, 'spec.type') ?? 'ClusterIP');
      const external = ((get(o, 'spec.externalIPs') ?? []) as string[]).join(',');
      return [
        o.metadata.name!,
        type,
        orNone(get(o, 'spec.clusterIP')),
        external || (type === 'LoadBalancer' ? '<pending>' : '<none>'),
        servicePorts(o),
        since(o.metadata.creationTimestamp),
        orNone(
          Object.entries((get(o, 'spec.selector') ?? {}) as Record<string, string>)
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
        ),
      ];
    },
  },
  '/serviceaccounts': {
    columns: [nameCol, { name: 'Secrets', type: 'string' }, ageCol],
    cells: (o) => [
      o.metadata.name!,
      ((o.secrets ?? []) as unknown[]).length,
      since(o.metadata.creationTimestamp),
    ],
  },
  '/events': {
    columns: [
      { name: 'Last Seen', type: 'string' },
      { name: 'Type', type: 'string' },
      { name: 'Reason', type: 'string' },
      { name: 'Object', type: 'string' },
      { name: 'Subobject', type: 'string', priority: 1 },
      { name: 'Source', type: 'string', priority: 1 },
      { name: 'Message', type: 'string' },
      { name: 'First Seen', type: 'string', priority: 1 },
      { name: 'Count', type: 'string', priority: 1 },
      { name: 'Name', type: 'string', priority: 1 },
    ],
    cells: (o) => {
      const involved = (o.involvedObject ?? {}) as Obj;
      const last = o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp;
      const source = (o.source ?? {}) as Obj;
      return [
        since(last),
        String(o.type ?? ''),
        String(o.reason ?? ''),
        `${String(involved.kind ?? '').toLowerCase()}/${String(involved.name ?? '')}`,
        String(involved.fieldPath ?? ''),
        [source.component, source.host].filter(Boolean).join(', '),
        String(o.message ?? '').trim(),
        since(o.firstTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp),
        String(o.count ?? 1),
        o.metadata.name!,
      ];
    },
  },
  'coordination.k8s.io/leases': {
    columns: [nameCol, { name: 'Holder', type: 'string' }, ageCol],
    cells: (o) => [
      o.metadata.name!,
      String(get(o, 'spec.holderIdentity') ?? ''),
      since(o.metadata.creationTimestamp),
    ],
  },
  'rbac.authorization.k8s.io/rolebindings': {
    columns: [
      nameCol,
      { name: 'Role', type: 'string' },
      ageCol,
      { name: 'Users', type: 'string', priority: 1 },
      { name: 'Groups', type: 'string', priority: 1 },
      { name: 'ServiceAccounts', type: 'string', priority: 1 },
    ],
    cells: (o) => bindingCells(o),
  },
  'rbac.authorization.k8s.io/clusterrolebindings': {
    columns: [
      nameCol,
      { name: 'Role', type: 'string' },
      ageCol,
      { name: 'Users', type: 'string', priority: 1 },
      { name: 'Groups', type: 'string', priority: 1 },
      { name: 'ServiceAccounts', type: 'string', priority: 1 },
    ],
    cells: (o) => bindingCells(o),
  },
  'apiextensions.k8s.io/customresourcedefinitions': {
    columns: [nameCol, { name: 'Created At', type: 'date' }],
    cells: (o) => [o.metadata.name!, String(o.metadata.creationTimestamp ?? '')],
  },
};

function bindingCells(o: KubeObject): Cell[] {
  const ref = (o.roleRef ?? {}) as Obj;
  const subjects = (o.subjects ?? []) as Obj[];
  const of = (kind: string, withNs: boolean) =>
    subjects
      .filter((s) => s.kind === kind)
      .map((s) => (withNs ? `${String(s.namespace ?? '')}/${String(s.name)}` : String(s.name)))
      .join(', ');
  return [
    o.metadata.name!,
    `${String(ref.kind)}/${String(ref.name)}`,
    since(o.metadata.creationTimestamp),
    of('User', false),
    of('Group', false),
    of('ServiceAccount', true),
  ];
}

/** The server's default printer for types without their own: name and creation time. */
const DEFAULT_PRINTER: Printer = {
  columns: [nameCol, { name: 'Created At', type: 'date' }],
  cells: (o) => [o.metadata.name!, String(o.metadata.creationTimestamp ?? '')],
};

/** Minimal JSONPath for printer columns: `.a.b`, `.a[0].b`, `.a[*].b`. */
export function evaluateJsonPath(object: unknown, path: string): unknown {
  const expr = path.replace(/^\{|\}$/g, '').replace(/^\$/, '');
  const tokens = [...expr.matchAll(/\.([^.[\]]+)|\[(\d+|\*)\]/g)];
  let values: unknown[] = [object];
  for (const [, key, index] of tokens) {
    const next: unknown[] = [];
    for (const v of values) {
      if (key !== undefined && v !== null && typeof v === 'object' && !Array.isArray(v)) {
        const child = (v as Obj)[key];
        if (child !== undefined) next.push(child);
      } else if (index !== undefined && Array.isArray(v)) {
        if (index === '*') next.push(...v);
        else if (v[Number(index)] !== undefined) next.push(v[Number(index)]);
      }
    }
    values = next;
  }
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : values;
}

function customPrinter(columns: PrinterColumn[]): Printer {
  if (columns.length === 0) {
    return {
      columns: [nameCol, ageCol],
      cells: (o) => [o.metadata.name!, since(o.metadata.creationTimestamp)],
    };
  }
  return {
    columns: [
      nameCol,
      ...columns.map((c) => {
        const col: Column = { name: c.name, type: c.type, priority: c.priority ?? 0 };
        if (c.format) col.format = c.format;
        if (c.description) col.description = c.description;
        return col;
      }),
    ],
    cells: (o) => [
      o.metadata.name!,
      ...columns.map((c): Cell => {
        const v = evaluateJsonPath(o, c.jsonPath);
        if (v === undefined || v === null) return null;
        if (c.type === 'date') return since(v);
        if (typeof v === 'object') return JSON.stringify(v);
        if (c.type === 'integer' || c.type === 'number') return typeof v === 'number' ? v : String(v);
        if (c.type === 'boolean') return typeof v === 'boolean' ? v : String(v);
        return String(v);
      }),
    ],
  };
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function printerFor(type: ResourceType): Printer {
  if (type.custom) return customPrinter(type.custom.printerColumns);
  return PRINTERS[`${type.group}/${type.resource}`] ?? DEFAULT_PRINTER;
}

/** Renders objects as a `meta.k8s.io/v1` Table, the way `kubectl get` asks for them. */
export function toTable(
  type: ResourceType,
  objects: KubeObject[],
  listMeta: Record<string, unknown>,
  include: IncludeObject,
): unknown {
  const printer = printerFor(type);
  const columnDefinitions = printer.columns.map((c) => ({
    name: c.name,
    type: c.type,
    format: c.format ?? '',
    description: c.description ?? (c.name === 'Name' ? 'Name must be unique within a namespace.' : c.name),
    priority: c.priority ?? 0,
  }));
  const rows = objects.map((o) => {
    const row: Record<string, unknown> = { cells: printer.cells(o) };
    if (include === 'Object') row.object = o;
    else if (include === 'Metadata') {
      row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
    }
    return row;
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, columnDefinitions, rows };
}
