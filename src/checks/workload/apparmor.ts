/** AppArmor profile annotations on the pod template. */
import type { Check } from '../types.ts';
import { WORKLOAD_KINDS, podAnnotationsOf } from '../kubernetes-object.ts';
import { aliasesFor, avdReference, perContainer } from './findings.ts';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

export const appArmorProfile: Check = {
  id: 'KSV-0002',
  aliases: aliasesFor('KSV-0002', 'KSV002'),
  title: 'Runtime/Default AppArmor profile not set',
  description:
    "AppArmor confines what a container may touch; an unconfined or custom profile loosens the runtime's default.",
  severity: 'LOW',
  remediation: "Set the container's AppArmor annotation to 'runtime/default', or remove it.",
  references: avdReference('KSV-0002'),
  kinds: WORKLOAD_KINDS,
  // Only the annotation counts, as upstream: `securityContext.appArmorProfile` is not read.
  evaluate: (object) =>
    perContainer(
      object,
      (_context, ref) => {
        const profile = podAnnotationsOf(ref.podMetadata)[ANNOTATION_PREFIX + ref.name];
        return profile !== undefined && profile !== 'runtime/default';
      },
      (ref, l) => `Container '${ref.name}' of ${l.Kind} '${l.name}' should specify an AppArmor profile`,
    ),
};
