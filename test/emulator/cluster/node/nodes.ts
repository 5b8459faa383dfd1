import type { KubeObject } from '../../api.ts';

export interface NodeConfig {
  name: string;
  /** Go-style architecture (`amd64`, `arm64`, ...); default amd64. */
  architecture?: string;
  /** Default linux. */
  operatingSystem?: string;
  labels?: Record<string, string>;
  /** Default true; a NotReady node is never chosen by the scheduler. */
  ready?: boolean;
  kubeletVersion?: string;
  /** InternalIP; default 10.0.0.<index + 1>. */
  internalIP?: string;
}

/** A Node object as a kubelet registers it: standard labels, nodeInfo, addresses, capacity and a Ready condition. */
export function nodeObject(config: NodeConfig, index: number, nowIso: string): KubeObject {
  const arch = config.architecture ?? 'amd64';
  const os = config.operatingSystem ?? 'linux';
  const ready = config.ready ?? true;
  const kubeletVersion = config.kubeletVersion ?? 'v1.32.0';
  const ip = config.internalIP ?? `10.0.0.${index + 1}`;
  const heartbeat = { lastHeartbeatTime: nowIso, lastTransitionTime: nowIso };
  const pressure = (type: string, reason: string, message: string): Record<string, string> => ({
    type,
    status: 'False',
    reason,
    message,
    ...heartbeat,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: config.name,
      labels: {
        'beta.kubernetes.io/arch': arch,
        'beta.kubernetes.io/os': os,
        'kubernetes.io/arch': arch,
        'kubernetes.io/os': os,
        'kubernetes.io/hostname': config.name,
        ...(config.labels ?? {}),
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`] },
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: config.name },
      ],
      capacity: { cpu: '4', 'ephemeral-storage': '102400000Ki', memory: '16384000Ki', pods: '110' },
      allocatable: { cpu: '4', 'ephemeral-storage': '94371840Ki', memory: '16281600Ki', pods: '110' },
      conditions: [
        pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        ready
          ? {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'kubelet is posting ready status',
              ...heartbeat,
            }
          : {
              type: 'Ready',
              status: 'False',
              reason: 'KubeletNotReady',
              message: 'container runtime network not ready',
              ...heartbeat,
            },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: arch,
        operatingSystem: os,
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.1.0-emulated',
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        containerRuntimeVersion: 'containerd://1.7.22',
        machineID: config.name,
        systemUUID: config.name,
        bootID: config.name,
      },
    },
  };
}

export function isNodeReady(node: KubeObject): boolean {
  const conditions =
    (node['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

export function nodeInternalIP(node: KubeObject | undefined): string {
  const addresses =
    (node?.['status'] as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? [];
  return addresses.find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
}
