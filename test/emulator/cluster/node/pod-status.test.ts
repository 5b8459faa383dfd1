import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pod } from '../fixtures.ts';
import {
  buildPodStatus,
  completedContainerStatus,
  pendingStatus,
  runningContainerStatus,
} from './pod-status.ts';
import type { Container, ContainerStatus } from '../kube-types.ts';

function waitingContainerStatus(container: Container, reason: string): ContainerStatus {
  const state = { waiting: { reason } };
  return {
    name: container.name,
    image: container.image ?? '',
    imageID: '',
    ready: false,
    restartCount: 0,
    state,
    lastState: {},
  };
}

const NOW = '2026-01-01T00:00:10Z';

function conditionMap(status: ReturnType<typeof buildPodStatus>): Record<string, string> {
  return Object.fromEntries(
    (status.conditions ?? []).map((c) => [c.type, `${c.status}${c.reason ? `/${c.reason}` : ''}`]),
  );
}

test('a running pod reports the five conditions True and keeps transition times when nothing changes', () => {
  const p = pod('web', undefined);
  delete p.status;
  const container = p.spec.containers[0]!;
  const input = {
    phase: 'Running' as const,
    hostIP: '10.0.0.1',
    podIP: '10.244.0.5',
    startTime: NOW,
    now: NOW,
    initContainerStatuses: [],
    containerStatuses: [runningContainerStatus(p, container, {}, NOW)],
  };
  const status = buildPodStatus(p, input);
  assert.deepEqual(conditionMap(status), {
    PodReadyToStartContainers: 'True',
    Initialized: 'True',
    ContainersReady: 'True',
    Ready: 'True',
    PodScheduled: 'True',
  });
  assert.equal(status.qosClass, 'BestEffort');
  const later = buildPodStatus({ ...p, status }, { ...input, now: '2026-01-01T00:05:00Z' });
  assert.deepEqual(later, status);
});

test('unfinished init containers and unready containers are named; a succeeded pod is not ready with PodCompleted', () => {
  const p = pod('job', undefined);
  p.spec.initContainers = [{ name: 'init', image: 'x' }];
  const waiting = buildPodStatus(p, {
    phase: 'Pending',
    hostIP: '10.0.0.1',
    podIP: '10.244.0.6',
    startTime: NOW,
    now: NOW,
    initContainerStatuses: [waitingContainerStatus(p.spec.initContainers[0]!, 'PodInitializing')],
    containerStatuses: [waitingContainerStatus(p.spec.containers[0]!, 'PodInitializing')],
  });
  assert.equal(
    waiting.conditions!.find((c) => c.type === 'Initialized')!.message,
    'containers with incomplete status: [init]',
  );
  assert.equal(
    waiting.conditions!.find((c) => c.type === 'Ready')!.message,
    'containers with unready status: [c]',
  );
  const done = buildPodStatus(p, {
    phase: 'Succeeded',
    hostIP: '10.0.0.1',
    podIP: '10.244.0.6',
    startTime: NOW,
    now: NOW,
    initContainerStatuses: [completedContainerStatus(p, p.spec.initContainers[0]!, {}, NOW, NOW)],
    containerStatuses: [completedContainerStatus(p, p.spec.containers[0]!, {}, NOW, NOW)],
  });
  assert.equal(conditionMap(done)['Ready'], 'False/PodCompleted');
  assert.equal(conditionMap(done)['Initialized'], 'True');
});

test('an unschedulable pod stays Pending with PodScheduled False', () => {
  const p = pod('p', undefined);
  delete p.status;
  const status = pendingStatus(
    p,
    { status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' },
    NOW,
  );
  assert.equal(status.phase, 'Pending');
  assert.deepEqual(conditionMap(status), { PodScheduled: 'False/Unschedulable' });
});
