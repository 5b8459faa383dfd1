import type { KubeObject } from '../../api.ts';
import type { Pod } from '../kube-types.ts';
import { nameOf } from '../resources.ts';
import { nodeFitsPod } from '../selectors.ts';
import { isNodeReady } from './nodes.ts';

export type ScheduleDecision = { nodeName: string } | { unschedulable: string };

/**
 * Picks a Node for an unbound Pod: Ready, not being deleted, matching nodeSelector and required node affinity;
 * among those the one with the fewest Pods (then by name, so the choice is deterministic).
 * The message on failure follows the real scheduler's `0/N nodes are available: ...` form.
 */
export function schedulePod(
  pod: Pod,
  nodes: KubeObject[],
  podsPerNode: ReadonlyMap<string, number>,
): ScheduleDecision {
  let notReady = 0;
  let mismatched = 0;
  const fits: KubeObject[] = [];
  for (const node of nodes) {
    if (node.metadata.deletionTimestamp || !isNodeReady(node)) notReady++;
    else if (!nodeFitsPod(node, pod.spec)) mismatched++;
    else fits.push(node);
  }
  fits.sort(
    (a, b) =>
      (podsPerNode.get(nameOf(a)) ?? 0) - (podsPerNode.get(nameOf(b)) ?? 0) ||
      nameOf(a).localeCompare(nameOf(b)),
  );
  const chosen = fits[0];
  if (chosen) return { nodeName: nameOf(chosen) };
  const reasons: string[] = [];
  if (mismatched > 0) reasons.push(`${mismatched} node(s) didn't match Pod's node affinity/selector`);
  if (notReady > 0)
    reasons.push(`${notReady} node(s) had untolerated taint {node.kubernetes.io/not-ready: }`);
  const detail = reasons.length > 0 ? ` ${reasons.join(', ')}.` : '';
  return {
    unschedulable: `0/${nodes.length} nodes are available:${detail} preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`,
  };
}
