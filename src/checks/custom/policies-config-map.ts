import { parseAllDocuments } from 'yaml';
import { UserFacingError } from '../../util/errors.ts';
import { CustomCheckDefinitionError } from './errors.ts';

/** Name of the ConfigMap trivy-operator reads custom policies from. */
export const policiesConfigMapName = 'trivy-operator-policies-config';

export class PoliciesConfigError extends UserFacingError {}

export interface PoliciesConfigData {
  data: Record<string, string>;
  /** Keys whose value is not text; they are left out of `data`. */
  problems: CustomCheckDefinitionError[];
}

/**
 * Reads the `data` of the first ConfigMap in a YAML (or JSON) text, e.g. `kubectl get cm
 * trivy-operator-policies-config -o yaml`. Numbers and booleans are taken as text; other non-text values are problems.
 */
export function parsePoliciesConfigMap(text: string, source: string): PoliciesConfigData {
  const documents = parseAllDocuments(text, { uniqueKeys: false });
  for (const document of documents) {
    if (document.errors.length > 0) {
      const error = document.errors[0];
      const line = error?.linePos?.[0].line;
      throw new PoliciesConfigError(
        `${source}${line === undefined ? '' : `:${line}`}: not valid YAML: ${error?.message.split('\n')[0] ?? ''}`,
        { hint: 'fix the YAML syntax of the policies ConfigMap' },
      );
    }
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value === null || typeof value !== 'object' || (value as { kind?: unknown }).kind !== 'ConfigMap')
      continue;
    const rawData = (value as { data?: unknown }).data ?? {};
    if (rawData === null || typeof rawData !== 'object' || Array.isArray(rawData)) {
      throw new PoliciesConfigError(`${source}: the ConfigMap's data is not a map of keys to text`);
    }
    const data: Record<string, string> = {};
    const problems: CustomCheckDefinitionError[] = [];
    for (const [key, entry] of Object.entries(rawData)) {
      if (typeof entry === 'string') data[key] = entry;
      else if (typeof entry === 'number' || typeof entry === 'boolean') data[key] = String(entry);
      else problems.push(new CustomCheckDefinitionError(key, 'the value is not text'));
    }
    return { data, problems };
  }
  throw new PoliciesConfigError(`${source} contains no ConfigMap`, {
    hint: `pass a ConfigMap like ${policiesConfigMapName} with policy.<name>.* keys under data`,
  });
}
