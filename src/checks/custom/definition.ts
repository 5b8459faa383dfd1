import { z } from 'zod';
import type { CheckSeverity } from '../types.ts';
import { CustomCheckDefinitionError } from './errors.ts';

/** `Workload` in a kinds list means these kinds, as in trivy-operator's `supportedConfigAuditKinds`. */
const workloadKinds: readonly string[] = [
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
  'Deployment',
];

function parseKinds(list: string, context: z.RefinementCtx): readonly string[] | '*' {
  const kinds = list
    .split(',')
    .map((kind) => kind.trim())
    .filter((kind) => kind !== '');
  if (kinds.length === 0) {
    context.addIssue({
      code: 'custom',
      message: 'lists no kinds (use a comma list of kinds, "Workload" or "*")',
    });
    return z.NEVER;
  }
  if (kinds.includes('*')) return '*';
  return [...new Set(kinds.flatMap((kind) => (kind === 'Workload' ? workloadKinds : [kind])))];
}

const text = z.string().trim().min(1, 'must not be empty');

/** The `policy.<name>.*` keys of one custom check; unknown keys are errors so that typos are not silently ignored. */
const customCheckFields = z.strictObject({
  kinds: text.transform(parseKinds),
  id: text.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may contain only letters, digits, ".", "_" and "-"'),
  title: text,
  severity: text
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'], 'must be LOW, MEDIUM, HIGH or CRITICAL')),
  description: z.string().trim().default(''),
  remediation: z.string().trim().default(''),
  expression: text,
  message: text,
  /** Upstream's Rego module; accepted next to an expression so one ConfigMap can serve both engines. */
  rego: z.string().optional(),
});

export interface CustomCheckDefinition {
  /** `<name>` in `policy.<name>.*`. */
  name: string;
  id: string;
  title: string;
  severity: CheckSeverity;
  description: string;
  remediation: string;
  kinds: readonly string[] | '*';
  /** CEL; true means the object FAILS the check. */
  expression: string;
  /** May contain `{name}`, `{kind}` and `{namespace}`. */
  message: string;
}

export interface DefinitionParseResult {
  definitions: CustomCheckDefinition[];
  problems: CustomCheckDefinitionError[];
}

const policyKey = /^policy\.(.+)\.([A-Za-z]+)$/;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.join('.');
      if (issue.code === 'unrecognized_keys')
        return `unknown key(s) ${issue.keys.map((key) => `.${key}`).join(', ')}`;
      if (issue.code === 'invalid_type' && issue.input === undefined) return `.${field} is missing`;
      return field === '' ? issue.message : `.${field} ${issue.message}`;
    })
    .join('; ');
}

/**
 * Groups the data of a `trivy-operator-policies-config` ConfigMap into custom check definitions. Every policy is
 * validated on its own: a broken one becomes a problem and the others are still returned.
 */
export function parseCustomCheckDefinitions(data: Readonly<Record<string, string>>): DefinitionParseResult {
  const fieldsByName = new Map<string, Record<string, string>>();
  const problems: CustomCheckDefinitionError[] = [];
  for (const [key, value] of Object.entries(data)) {
    const match = policyKey.exec(key);
    if (match === null) {
      if (!key.startsWith('library.'))
        problems.push(new CustomCheckDefinitionError(key, 'is not a policy.<name>.<field> key'));
      else
        problems.push(
          new CustomCheckDefinitionError(key, 'Rego libraries are not supported and are ignored'),
        );
      continue;
    }
    const [, name = '', field = ''] = match;
    let fields = fieldsByName.get(name);
    if (fields === undefined) fieldsByName.set(name, (fields = {}));
    fields[field] = value;
  }

  const definitions: CustomCheckDefinition[] = [];
  for (const [name, fields] of fieldsByName) {
    if (fields.rego !== undefined && fields.expression === undefined) {
      problems.push(
        new CustomCheckDefinitionError(
          name,
          `is a Rego policy; trivy-ts runs custom checks written in CEL: add policy.${name}.expression`,
        ),
      );
      continue;
    }
    const parsed = customCheckFields.safeParse(fields);
    if (!parsed.success) {
      problems.push(new CustomCheckDefinitionError(name, describeIssues(parsed.error)));
      continue;
    }
    const { rego: _rego, ...definition } = parsed.data;
    definitions.push({ name, ...definition });
  }
  return { definitions, problems };
}
