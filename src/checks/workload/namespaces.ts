/** Where workloads live: not in kube-system, not in default. */
import type { Check } from '../types.ts';
import { WORKLOAD_KINDS, kindOf, namespaceOf, recordAt, stringAt } from '../kubernetes-object.ts';
import type { KubernetesObject } from '../types.ts';
import { aliasesFor, avdReference, perObject } from './findings.ts';

const CONTROL_PLANE_COMPONENTS = new Set([
  'kube-apiserver',
  'etcd',
  'kube-controller-manager',
  'kube-scheduler',
]);

function isControlPlaneComponent(object: KubernetesObject): boolean {
  const labels = recordAt(object.metadata, 'labels');
  const component = stringAt(labels, 'component');
  return (
    stringAt(labels, 'tier') === 'control-plane' &&
    stringAt(recordAt(object, 'spec'), 'priorityClassName') === 'system-node-critical' &&
    component !== undefined &&
    CONTROL_PLANE_COMPONENTS.has(component)
  );
}

export const kubeSystemNamespace: Check = {
  id: 'KSV-0037',
  aliases: aliasesFor('KSV-0037', 'KSV037'),
  title: 'User resources should not be placed in kube-system namespace',
  description:
    'kube-system belongs to the cluster itself; user objects there share its privileges and are easy to miss.',
  severity: 'MEDIUM',
  remediation: 'Move the object to a namespace of its own.',
  references: avdReference('KSV-0037'),
  kinds: '*',
  evaluate: (object) =>
    perObject(
      object,
      namespaceOf(object) === 'kube-system' && !isControlPlaneComponent(object),
      (l) => `${l.Kind} '${l.name}' should not be set with 'kube-system' namespace`,
    ),
};

const DEFAULT_NAMESPACE_KINDS = new Set([
  'pod',
  'replicaset',
  'replicationcontroller',
  'deployment',
  'statefulset',
  'daemonset',
  'cronjob',
  'job',
]);

export const defaultNamespace: Check = {
  id: 'KSV-0110',
  aliases: aliasesFor('KSV-0110', 'KSV110'),
  title: 'Workloads in the default namespace',
  description:
    'The default namespace is where objects land when nobody chose one; RBAC, quotas and network policies are ' +
    'hard to apply there, so workloads deserve a namespace of their own.',
  severity: 'LOW',
  remediation: "Set 'metadata.namespace' to a namespace other than 'default'.",
  references: avdReference('KSV-0110'),
  kinds: WORKLOAD_KINDS,
  evaluate: (object) =>
    perObject(
      object,
      DEFAULT_NAMESPACE_KINDS.has(kindOf(object).toLowerCase()) && namespaceOf(object) === 'default',
      (l) =>
        `${l.kind} ${l.name} in default namespace should set metadata.namespace to a non-default namespace`,
    ),
};

export const namespaceChecks: readonly Check[] = [kubeSystemNamespace, defaultNamespace];
