/** Objects written against deprecated or removed Kubernetes API versions. */
import type { Check, CheckContext } from '../types.ts';
import { clusterVersionAtLeast, kindOf, parseClusterVersion } from '../kubernetes-object.ts';
import { aliasesFor, avdReference } from './findings.ts';
import { DEPRECATED_APIS, lifecycleReference } from './deprecated-api-table.ts';

export const deprecatedApi: Check = {
  id: 'KSV-0107',
  aliases: aliasesFor('KSV-0107', 'KSV107'),
  title: "The deprecated 'apiVersion' and 'kind' should not be used",
  description:
    'Deprecated API versions stop being served in a later Kubernetes release; manifests that use them break on ' +
    'upgrade.',
  severity: 'LOW',
  remediation: "Move the manifest to the replacement 'apiVersion' named in the finding.",
  references: avdReference('KSV-0107'),
  kinds: '*',
  evaluate(object, context: CheckContext) {
    const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
    const kind = kindOf(object);
    const rows = Object.hasOwn(DEPRECATED_APIS, apiVersion) ? DEPRECATED_APIS[apiVersion] : undefined;
    const row = rows?.find(([rowKind]) => rowKind === kind);
    if (row === undefined) return [];
    const [, deprecatedIn, , replacement] = row;
    // Without a replacement there is nothing to tell the user to move to; upstream stays silent too.
    if (replacement === undefined) return [];
    if (context.clusterVersion !== undefined) {
      const version = parseClusterVersion(context.clusterVersion);
      if (version === undefined || !clusterVersionAtLeast(version, deprecatedIn)) return [];
    }
    return [
      {
        message:
          `apiVersion "${apiVersion}" and kind "${kind}" should be replaced with the new API "${replacement}"\n` +
          `See ${lifecycleReference(apiVersion)}`,
      },
    ];
  },
};
