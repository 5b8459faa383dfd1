/** Every Kubernetes misconfiguration check trivy-ts knows, and lookups by ID or alias. */
import type { Check } from './types.ts';
import { rbacChecks } from './rbac/index.ts';
import { workloadChecks } from './workload/index.ts';

export const allChecks: readonly Check[] = [...workloadChecks, ...rbacChecks];

const byIdOrAlias = new Map<string, Check>();
for (const check of allChecks) {
  for (const key of [check.id, ...check.aliases]) if (!byIdOrAlias.has(key)) byIdOrAlias.set(key, check);
}

/** The check with this ID, AVD ID or legacy ID (`KSV-0001`, `AVD-KSV-0001`, `KSV001`). */
export function findCheck(idOrAlias: string): Check | undefined {
  return byIdOrAlias.get(idOrAlias);
}
