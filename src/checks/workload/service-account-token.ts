/** Service account token mounting. */
import type { Check } from '../types.ts';
import { arrayAt, containersOf, hasKey, recordAt, stringAt } from '../kubernetes-object.ts';
import { aliasesFor, avdReference, perObject } from './findings.ts';

const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

export const serviceAccountToken: Check = {
  id: 'KSV-0036',
  aliases: aliasesFor('KSV-0036', 'KSV036'),
  title: 'Protecting Pod service account tokens',
  description:
    'A mounted service account token lets anyone who compromises the container call the Kubernetes API with ' +
    "the pod's identity; most applications never need it.",
  severity: 'MEDIUM',
  remediation: "Set 'spec.automountServiceAccountToken' to false unless the pod calls the Kubernetes API.",
  references: avdReference('KSV-0036'),
  kinds: '*',
  // Reads the object's own top-level spec (Pod semantics); for controllers only the mount test can fire.
  evaluate(object) {
    const spec = recordAt(object, 'spec');
    let failing: boolean;
    if (hasKey(spec, 'automountServiceAccountToken')) {
      failing = spec?.automountServiceAccountToken === true;
    } else {
      failing = containersOf(object).some((ref) =>
        arrayAt(ref.container, 'volumeMounts').some(
          (mount) => stringAt(mount, 'mountPath') === TOKEN_MOUNT_PATH,
        ),
      );
    }
    return perObject(
      object,
      failing,
      (l) => `Container of ${l.Kind} '${l.name}' should set 'spec.automountServiceAccountToken' to false`,
    );
  },
};
