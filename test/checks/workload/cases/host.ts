import type { CheckCase } from '../fixtures.ts';
import { container, controller, podSpec, replicaSet } from '../fixtures.ts';

export const hostCases: CheckCase[] = [
  // KSV-0007
  { check: 'KSV-0007', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0007',
    name: 'any hostAliases key fails, even an empty list',
    object: replicaSet(podSpec({ hostAliases: [] })),
    messages: ["'replicaset' 'web' in 'apps' namespace should not set spec.template.spec.hostAliases"],
  },
  // KSV-0008..0010
  ...(
    [
      ['KSV-0008', 'hostIPC'],
      ['KSV-0009', 'hostNetwork'],
      ['KSV-0010', 'hostPID'],
    ] as const
  ).flatMap(([check, field]) => [
    { check, name: 'hardened passes', object: replicaSet(), messages: [] },
    { check, name: `${field}: false passes`, object: replicaSet(podSpec({ [field]: false })), messages: [] },
    {
      check,
      name: `${field}: true fails`,
      object: controller('DaemonSet', podSpec({ [field]: true }), { name: 'agent' }),
      messages: [`DaemonSet 'agent' should not set 'spec.template.spec.${field}' to true`],
    },
  ]),
  // KSV-0024
  { check: 'KSV-0024', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0024',
    name: 'one finding per offending container, not per port',
    object: replicaSet(
      podSpec({}, [
        container(
          {
            ports: [
              { containerPort: 8080, hostPort: 8080 },
              { containerPort: 9090, hostPort: 9090 },
            ],
          },
          'a',
        ),
        container({}, 'b'),
      ]),
    ),
    messages: ["Container 'a' of ReplicaSet 'web' should not set host ports, 'ports[*].hostPort'"],
  },
  // KSV-0117
  { check: 'KSV-0117', name: 'hardened passes', object: replicaSet(), messages: [] },
  {
    check: 'KSV-0117',
    name: 'a privileged init container port fails once per resource',
    object: replicaSet(
      podSpec({
        initContainers: [container({ ports: [{ containerPort: 80 }, { containerPort: 443 }] }, 'init')],
      }),
    ),
    messages: [
      'replicaset web in apps namespace should not set spec.template.spec.containers.ports.containerPort to less than 1024',
    ],
  },
  {
    check: 'KSV-0117',
    name: 'port 1024 passes',
    object: replicaSet(podSpec({}, [container({ ports: [{ containerPort: 1024 }] })])),
    messages: [],
  },
];
