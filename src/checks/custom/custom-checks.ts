import { evaluateObject, type CheckResult } from '../evaluate.ts';
import type { Check, CheckContext, CheckFinding, KubernetesObject } from '../types.ts';
import { compileCelPredicate, type CelPredicate } from './cel-expression.ts';
import { parseCustomCheckDefinitions, type CustomCheckDefinition } from './definition.ts';
import { CustomCheckDefinitionError, CustomCheckEvaluationError } from './errors.ts';

/** A custom check: a `Check` built from a CEL expression, which throws `CustomCheckEvaluationError` on failure. */
export interface CustomCheck extends Check {
  readonly custom: true;
  /** `<name>` of the `policy.<name>.*` keys. */
  readonly policyName: string;
  readonly expression: string;
}

export interface CustomCheckSet {
  checks: CustomCheck[];
  /** One per unusable policy (or stray key); the usable checks are in `checks` regardless. */
  problems: CustomCheckDefinitionError[];
}

function objectKey(object: KubernetesObject): string {
  const kind = typeof object.kind === 'string' ? object.kind : '<no kind>';
  const name = typeof object.metadata?.name === 'string' ? object.metadata.name : '<no name>';
  const namespace = object.metadata?.namespace;
  return typeof namespace === 'string' && namespace !== ''
    ? `${kind} ${namespace}/${name}`
    : `${kind} ${name}`;
}

/** Fills `{name}`, `{kind}` and `{namespace}` (a missing namespace reads `default`, like built-in messages). */
export function renderCustomMessage(template: string, object: KubernetesObject): string {
  const metadata = object.metadata;
  const values: Record<string, string> = {
    name: typeof metadata?.name === 'string' ? metadata.name : '',
    kind: typeof object.kind === 'string' ? object.kind : '',
    namespace:
      typeof metadata?.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default',
  };
  return template.replace(/\{(name|kind|namespace)\}/g, (_match, field: string) => values[field] ?? '');
}

function customCheck(definition: CustomCheckDefinition, predicate: CelPredicate): CustomCheck {
  return {
    custom: true,
    policyName: definition.name,
    expression: definition.expression,
    id: definition.id,
    aliases: [],
    title: definition.title,
    description: definition.description,
    severity: definition.severity,
    remediation: definition.remediation,
    kinds: definition.kinds,
    evaluate(object): CheckFinding[] {
      const outcome = predicate.test(object);
      if (!outcome.ok)
        throw new CustomCheckEvaluationError(definition.id, objectKey(object), outcome.problem);
      return outcome.value ? [{ message: renderCustomMessage(definition.message, object) }] : [];
    },
  };
}

/**
 * Builds custom checks from the data of a `trivy-operator-policies-config` ConfigMap (`policy.<name>.kinds`, `.id`,
 * `.title`, `.severity`, `.description`, `.remediation`, `.expression`, `.message`). The expression is CEL with the
 * object bound as `object`; `true` means the object FAILS. A broken policy is reported in `problems` and skipped.
 * `reservedIds` (built-in IDs and aliases) may not be reused, nor may two custom checks share an ID.
 */
export function loadCustomChecks(
  data: Readonly<Record<string, string>>,
  options: { reservedIds?: Iterable<string> } = {},
): CustomCheckSet {
  const { definitions, problems } = parseCustomCheckDefinitions(data);
  const taken = new Set(options.reservedIds ?? []);
  const checks: CustomCheck[] = [];
  for (const definition of definitions) {
    if (taken.has(definition.id)) {
      problems.push(
        new CustomCheckDefinitionError(
          definition.name,
          `.id ${definition.id} is already used by another check`,
        ),
      );
      continue;
    }
    let predicate: CelPredicate;
    try {
      predicate = compileCelPredicate(definition.expression);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      problems.push(
        new CustomCheckDefinitionError(definition.name, `.expression is not valid CEL: ${reason}`, {
          cause: error,
        }),
      );
      continue;
    }
    taken.add(definition.id);
    checks.push(customCheck(definition, predicate));
  }
  return { checks, problems };
}

export interface CustomCheckEvaluation {
  results: CheckResult[];
  errors: CustomCheckEvaluationError[];
}

/**
 * Runs custom checks on one object. A check whose expression fails on this object yields an error instead of a
 * result (neither PASS nor FAIL), and the remaining checks still run.
 */
export function evaluateCustomChecks(
  object: KubernetesObject,
  checks: readonly CustomCheck[],
  context: CheckContext = {},
): CustomCheckEvaluation {
  const results: CheckResult[] = [];
  const errors: CustomCheckEvaluationError[] = [];
  for (const check of checks) {
    try {
      results.push(...evaluateObject(object, { checks: [check], context }));
    } catch (error) {
      errors.push(
        error instanceof CustomCheckEvaluationError
          ? error
          : new CustomCheckEvaluationError(check.id, objectKey(object), String(error), { cause: error }),
      );
    }
  }
  return { results, errors };
}
