/** Pod sysctls outside the set Kubernetes considers safe for the cluster's version. */
import type { Check, CheckContext } from '../types.ts';
import {
  WORKLOAD_KINDS,
  arrayAt,
  clusterVersionAtLeast,
  compareStrings,
  parseClusterVersion,
  podSpecOf,
  recordAt,
  renderRegoArray,
  stringAt,
} from '../kubernetes-object.ts';
import { aliasesFor, avdReference, labelsOf } from './findings.ts';

/** Safe sysctls by the Kubernetes version that made them safe; each set includes the earlier ones. */
const SAFE_SYSCTLS_SINCE: readonly (readonly [string, readonly string[]])[] = [
  [
    '1.0',
    [
      'kernel.shm_rmid_forced',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.ip_unprivileged_port_start',
      'net.ipv4.tcp_syncookies',
      'net.ipv4.ping_group_range',
    ],
  ],
  ['1.27', ['net.ipv4.ip_local_reserved_ports']],
  [
    '1.29',
    [
      'net.ipv4.tcp_keepalive_time',
      'net.ipv4.tcp_fin_timeout',
      'net.ipv4.tcp_keepalive_intvl',
      'net.ipv4.tcp_keepalive_probes',
    ],
  ],
  ['1.32', ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
];

/** The safe set for a cluster version; the newest set when the version is unknown or unparseable. */
export function safeSysctls(clusterVersion: string | undefined): Set<string> {
  const version = parseClusterVersion(clusterVersion);
  const safe = new Set<string>();
  for (const [since, names] of SAFE_SYSCTLS_SINCE) {
    if (version !== undefined && !clusterVersionAtLeast(version, since)) break;
    for (const name of names) safe.add(name);
  }
  return safe;
}

export const unsafeSysctls: Check = {
  id: 'KSV-0026',
  aliases: aliasesFor('KSV-0026', 'KSV026'),
  title: 'Unsafe sysctl options set',
  description:
    'Sysctls outside the namespaced safe set change kernel behaviour for the whole node, not just the pod.',
  severity: 'MEDIUM',
  remediation: "Remove sysctls that are not in Kubernetes' safe set from 'spec.securityContext.sysctls'.",
  references: avdReference('KSV-0026'),
  kinds: WORKLOAD_KINDS,
  evaluate(object, context: CheckContext) {
    const sysctls = arrayAt(recordAt(podSpecOf(object), 'securityContext'), 'sysctls');
    if (sysctls.length === 0) return [];
    const safe = safeSysctls(context.clusterVersion);
    const disallowed = new Set<string>();
    for (const sysctl of sysctls) {
      const name = stringAt(sysctl, 'name');
      if (name !== undefined && !safe.has(name)) disallowed.add(name);
    }
    if (disallowed.size === 0) return [];
    const list = renderRegoArray([...disallowed].sort(compareStrings));
    // Upstream says "Pod" whatever the kind.
    return [
      {
        message: `Pod '${labelsOf(object).name}' has disallowed sysctls: ${list} and must only use allowed sysctls.`,
      },
    ];
  },
};
