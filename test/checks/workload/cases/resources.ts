import type { CheckCase } from '../fixtures.ts';
import { container, podSpec, replicaSet } from '../fixtures.ts';

export const resourceCases: CheckCase[] = (
  [
    ['KSV-0011', 'limits', 'cpu'],
    ['KSV-0015', 'requests', 'cpu'],
    ['KSV-0016', 'requests', 'memory'],
    ['KSV-0018', 'limits', 'memory'],
  ] as const
).flatMap(([check, section, resource]) => {
  const other = section === 'limits' ? 'requests' : 'limits';
  const message = `Container 'app' of ReplicaSet 'web' should set 'resources.${section}.${resource}'`;
  return [
    { check, name: 'hardened passes', object: replicaSet(), messages: [] },
    {
      check,
      name: 'any value counts as present, even 0',
      object: replicaSet(podSpec({}, [container({ resources: { [section]: { [resource]: 0 } } })])),
      messages: [],
    },
    {
      check,
      name: 'no resources at all fails',
      object: replicaSet(podSpec({}, [container({ resources: undefined })])),
      messages: [message],
    },
    {
      check,
      name: `set under ${other} only fails`,
      object: replicaSet(podSpec({}, [container({ resources: { [other]: { [resource]: '1' } } })])),
      messages: [message],
    },
  ];
});
