import type { KubeObject } from '../api.ts';
import type { Pod, PodPhase, Workload } from './kube-types.ts';
import { controllerRef } from './resources.ts';

/** Builders for the pure controller tests: objects as the store would hold them. */

let counter = 0;

export function uid(): string {
  counter++;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

export function workload(
  kind: string,
  name: string,
  spec: Partial<Workload['spec']> = {},
  extra: Partial<KubeObject> = {},
): Workload {
  const apiVersion = kind === 'ReplicationController' ? 'v1' : 'apps/v1';
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: 'default',
      uid: uid(),
      generation: 1,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] },
      },
      ...spec,
    },
    ...extra,
  };
}

export interface PodState {
  phase?: PodPhase;
  ready?: boolean;
  readySince?: string;
  nodeName?: string;
  labels?: Record<string, string>;
  created?: string;
  deleting?: boolean;
  finishedAt?: string;
  restartCount?: number;
}

export function pod(name: string, owner: KubeObject | undefined, state: PodState = {}): Pod {
  const phase = state.phase ?? 'Running';
  const ready = state.ready ?? phase === 'Running';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: uid(),
      creationTimestamp: state.created ?? '2026-01-01T00:00:00Z',
      labels: state.labels ?? {},
      ...(owner ? { ownerReferences: [controllerRef(owner)] } : {}),
      ...(state.deleting ? { deletionTimestamp: '2026-01-01T00:00:10Z' } : {}),
    },
    spec: {
      containers: [{ name: 'c', image: 'nginx:1.25' }],
      ...(state.nodeName === undefined
        ? { nodeName: 'node-1' }
        : state.nodeName
          ? { nodeName: state.nodeName }
          : {}),
    },
    status: {
      phase,
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          lastTransitionTime: state.readySince ?? '2026-01-01T00:00:00Z',
        },
      ],
      containerStatuses: [
        {
          name: 'c',
          image: 'docker.io/library/nginx:1.25',
          imageID: '',
          ready,
          restartCount: state.restartCount ?? 0,
          state: state.finishedAt
            ? { terminated: { exitCode: phase === 'Failed' ? 1 : 0, finishedAt: state.finishedAt } }
            : {},
          lastState: {},
        },
      ],
    },
  };
}

export function node(name: string, labels: Record<string, string> = {}, ready = true): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: uid(),
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels },
    },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

export const T0 = Date.parse('2026-01-01T00:00:00Z');
