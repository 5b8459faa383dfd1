import type { KubeObject } from '../api.ts';
import type { LabelSelector, NodeSelectorRequirement, NodeSelectorTerm, PodSpec } from './kube-types.ts';

function matchesRequirement(value: string | undefined, req: NodeSelectorRequirement): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const have = Number(value);
      const want = Number(values[0]);
      if (value === undefined || !Number.isInteger(have) || !Number.isInteger(want)) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

export function matchesLabelSelector(
  labels: Record<string, string> | undefined,
  selector: LabelSelector,
): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((req) => matchesRequirement(have[req.key], req));
}

function matchesTerm(node: KubeObject, term: NodeSelectorTerm): boolean {
  const labels = node.metadata.labels ?? {};
  const fields: Record<string, string | undefined> = { 'metadata.name': node.metadata.name };
  const exprs = term.matchExpressions ?? [];
  const fieldExprs = term.matchFields ?? [];
  // A term with no requirements matches nothing, as in the real scheduler.
  if (exprs.length === 0 && fieldExprs.length === 0) return false;
  return (
    exprs.every((req) => matchesRequirement(labels[req.key], req)) &&
    fieldExprs.every((req) => matchesRequirement(fields[req.key], req))
  );
}

/** Whether a pod may run on a node: nodeSelector and required node affinity (terms are ORed). */
export function nodeFitsPod(node: KubeObject, spec: PodSpec): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
    if (labels[key] !== value) return false;
  }
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !required.nodeSelectorTerms.some((term) => matchesTerm(node, term))) return false;
  return true;
}
