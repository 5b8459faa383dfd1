import type { Check } from '../types.ts';
import { appArmorProfile } from './apparmor.ts';
import { capabilityChecks } from './capabilities.ts';
import { configMapSecrets } from './configmap-secrets.ts';
import { configMapSensitive } from './configmap-sensitive.ts';
import { deprecatedApi } from './deprecated-api.ts';
import { openEndedAllowedRepos } from './gatekeeper.ts';
import { hostNamespaceChecks } from './host-namespaces.ts';
import { imageChecks } from './images.ts';
import { namespacePolicyChecks } from './namespace-policies.ts';
import { namespaceChecks } from './namespaces.ts';
import { networkPolicySelectors } from './network-policy.ts';
import { portChecks } from './ports.ts';
import { resourceChecks } from './resources.ts';
import { seccompChecks } from './seccomp.ts';
import { securityContextChecks } from './security-context.ts';
import { seLinuxOptions } from './selinux.ts';
import { serviceAccountToken } from './service-account-token.ts';
import { serviceExternalAddress } from './service.ts';
import { unsafeSysctls } from './sysctls.ts';
import { tillerDeployed } from './tiller.ts';
import { volumeChecks } from './volumes.ts';

/** Numeric order of IDs: KSV-0001 < KSV-0125 < KSV-01010 (the five-digit IDs sort last, as upstream lists them). */
function byId(a: Check, b: Check): number {
  const number = (check: Check): number =>
    Number(check.id.replace(/^\D+-/, '')) + (check.id.length > 8 ? 1e6 : 0);
  return number(a) - number(b);
}

/** The 55 KSV checks on workloads and other kinds (catalogue §1), in ID order. */
export const workloadChecks: readonly Check[] = [
  appArmorProfile,
  ...capabilityChecks,
  configMapSecrets,
  configMapSensitive,
  deprecatedApi,
  openEndedAllowedRepos,
  ...hostNamespaceChecks,
  ...imageChecks,
  ...namespacePolicyChecks,
  ...namespaceChecks,
  networkPolicySelectors,
  ...portChecks,
  ...resourceChecks,
  ...seccompChecks,
  ...securityContextChecks,
  seLinuxOptions,
  serviceAccountToken,
  serviceExternalAddress,
  unsafeSysctls,
  tillerDeployed,
  ...volumeChecks,
].sort(byId);
