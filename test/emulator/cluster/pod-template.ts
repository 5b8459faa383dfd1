import type { KubeObject } from '../api.ts';
import type { Pod, PodTemplateSpec } from './kube-types.ts';
import { clone, controllerRef, namespaceOf } from './resources.ts';

export interface PodNaming {
  /** A fixed name (StatefulSet ordinals); otherwise the store generates one from `generateName`. */
  name?: string;
  generateName?: string;
  labels?: Record<string, string>;
}

/** A new Pod from a controller's template, owned by the controller as the real controllers do. */
export function podFromTemplate(owner: KubeObject, template: PodTemplateSpec, naming: PodNaming): Pod {
  const copy = clone(template);
  const meta = copy.metadata ?? {};
  const metadata: Pod['metadata'] = {
    ...(naming.name
      ? { name: naming.name }
      : { generateName: naming.generateName ?? `${owner.metadata.name}-` }),
    namespace: namespaceOf(owner),
    labels: { ...(meta.labels ?? {}), ...(naming.labels ?? {}) },
    ownerReferences: [controllerRef(owner)],
  };
  if (meta.annotations) metadata.annotations = meta.annotations;
  if (meta.finalizers) metadata.finalizers = meta.finalizers;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: copy.spec };
}
