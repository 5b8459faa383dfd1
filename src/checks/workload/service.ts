/** Services that reach outside the cluster's own addressing. */
import type { Check } from '../types.ts';
import { arrayAt, recordAt } from '../kubernetes-object.ts';
import { aliasesFor, avdReference, perObject } from './findings.ts';

export const serviceExternalAddress: Check = {
  id: 'KSV-0108',
  aliases: aliasesFor('KSV-0108'),
  title: 'Service with External IP',
  description:
    'externalIPs let a Service claim arbitrary addresses, which can intercept traffic meant for them ' +
    '(CVE-2020-8554); externalName points cluster clients at a host outside the cluster.',
  severity: 'HIGH',
  remediation: "Remove 'spec.externalIPs' and 'spec.externalName' from the Service.",
  references: avdReference('KSV-0108'),
  kinds: ['Service'],
  evaluate(object) {
    const spec = recordAt(object, 'spec');
    const externalName = spec?.externalName;
    const failing =
      arrayAt(spec, 'externalIPs').length > 0 ||
      (externalName !== undefined && externalName !== null && externalName !== '');
    return perObject(
      object,
      failing,
      (l) => `Service '${l.name}' in '${l.ns}' namespace should not set external IPs or external Name`,
    );
  },
};
