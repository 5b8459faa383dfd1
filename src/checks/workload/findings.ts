/** Small builders shared by the workload checks: message placeholders and per-container iteration. */
import type { CheckFinding, KubernetesObject } from '../types.ts';
import { containersOf, effectiveSecurityContext, kindOf, nameOf, namespaceOf } from '../kubernetes-object.ts';
import type { ContainerRef, JsonRecord } from '../kubernetes-object.ts';

/** The catalogue's message placeholders for one object: `{Kind}`, `{kind}`, `{name}`, `{ns}`. */
export interface ObjectLabels {
  Kind: string;
  kind: string;
  name: string;
  ns: string;
}

export function labelsOf(object: KubernetesObject): ObjectLabels {
  const Kind = kindOf(object);
  return { Kind, kind: Kind.toLowerCase(), name: nameOf(object), ns: namespaceOf(object) };
}

/** Findings from messages, identical messages kept once (Trivy's results are a set). */
export function findings(messages: Iterable<string>): CheckFinding[] {
  return [...new Set(messages)].map((message) => ({ message }));
}

/** One finding per container for which `fails` holds; `fails` sees the effective securityContext. */
export function perContainer(
  object: KubernetesObject,
  fails: (context: JsonRecord, ref: ContainerRef) => boolean,
  message: (ref: ContainerRef, labels: ObjectLabels) => string,
): CheckFinding[] {
  const refs = containersOf(object);
  if (refs.length === 0) return [];
  const labels = labelsOf(object);
  const messages: string[] = [];
  for (const ref of refs) {
    if (fails(effectiveSecurityContext(ref), ref)) messages.push(message(ref, labels));
  }
  return findings(messages);
}

/** One finding for the object when `fails` holds. */
export function perObject(
  object: KubernetesObject,
  fails: boolean,
  message: (labels: ObjectLabels) => string,
): CheckFinding[] {
  return fails ? [{ message: message(labelsOf(object)) }] : [];
}

/** The AVD ID (reported as `checkID`) and, when it existed, the legacy short ID. */
export function aliasesFor(id: string, legacy?: string): string[] {
  return legacy === undefined ? [`AVD-${id}`] : [`AVD-${id}`, legacy];
}

/** Aqua's public page for a check. */
export function avdReference(id: string): string[] {
  return [`https://avd.aquasec.com/misconfig/${id.toLowerCase()}`];
}
