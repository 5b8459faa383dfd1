/** Seccomp profile checks, honouring the legacy seccomp annotations. */
import type { Check } from '../types.ts';
import {
  WORKLOAD_KINDS,
  containersOf,
  effectiveSecurityContext,
  goQuote,
  podAnnotationsOf,
  podTemplateOf,
  recordAt,
  stringAt,
} from '../kubernetes-object.ts';
import { aliasesFor, avdReference, findings, labelsOf } from './findings.ts';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

export const runtimeDefaultSeccomp: Check = {
  id: 'KSV-0030',
  aliases: aliasesFor('KSV-0030', 'KSV030'),
  title: 'Runtime/Default Seccomp profile not set',
  description:
    "The runtime's default seccomp profile blocks system calls containers rarely need and attackers often use; " +
    'without a profile every system call is allowed.',
  severity: 'LOW',
  remediation:
    "Set 'securityContext.seccompProfile.type' to 'RuntimeDefault' (or 'Localhost') on the pod or containers.",
  references: avdReference('KSV-0030'),
  kinds: WORKLOAD_KINDS,
  evaluate(object) {
    const template = podTemplateOf(object);
    if (template === undefined) return [];
    const annotations = podAnnotationsOf(template.metadata);
    const podAnnotation = annotations[POD_ANNOTATION];
    if (podAnnotation !== undefined) {
      return podAnnotation === 'runtime/default'
        ? []
        : [{ message: `${POD_ANNOTATION} should be set to 'runtime/default'` }];
    }
    const messages: string[] = [];
    for (const ref of containersOf(object)) {
      const type = stringAt(recordAt(effectiveSecurityContext(ref), 'seccompProfile'), 'type');
      if (type !== 'RuntimeDefault' && type !== 'Localhost') {
        messages.push(
          "Either Pod or Container should set 'securityContext.seccompProfile.type' to 'RuntimeDefault'",
        );
      }
    }
    return findings(messages);
  },
};

export const seccompDisabled: Check = {
  id: 'KSV-0104',
  aliases: aliasesFor('KSV-0104', 'KSV104'),
  title: 'Seccomp policies disabled',
  description:
    'A container without a seccomp profile, or with an unconfined one, may call every system call.',
  severity: 'MEDIUM',
  remediation: "Set 'securityContext.seccompProfile.type' to 'RuntimeDefault' or 'Localhost'.",
  references: avdReference('KSV-0104'),
  kinds: WORKLOAD_KINDS,
  evaluate(object) {
    const labels = labelsOf(object);
    const messages: string[] = [];
    for (const ref of containersOf(object)) {
      const type =
        stringAt(recordAt(effectiveSecurityContext(ref), 'seccompProfile'), 'type') ??
        podAnnotationsOf(ref.podMetadata)[CONTAINER_ANNOTATION_PREFIX + ref.name] ??
        '';
      if (type === '' || type.toLowerCase() === 'unconfined') {
        messages.push(
          `container ${goQuote(ref.name)} of ${labels.kind} ${goQuote(labels.name)} in ${goQuote(labels.ns)} ` +
            'namespace should specify a seccomp profile',
        );
      }
    }
    return findings(messages);
  },
};

export const seccompChecks: readonly Check[] = [runtimeDefaultSeccomp, seccompDisabled];
