/**
 * Runs checks over one Kubernetes object the way Trivy does (catalogue §0.3): a check applies when its kinds match
 * the object's `kind` case-insensitively (or it has no kind selector), and every applicable check yields a result —
 * PASS with no messages, or FAIL with its distinct messages. Deprecated checks run only when asked for.
 */
import type { Check, CheckContext, KubernetesObject } from './types.ts';
import { allChecks } from './registry.ts';

export interface CheckResult {
  check: Check;
  success: boolean;
  /** Distinct failure messages, in the order the check produced them; empty on success. */
  messages: string[];
}

export interface EvaluateOptions {
  /** Defaults to every registered check. */
  checks?: readonly Check[];
  context?: CheckContext;
  /** Run deprecated checks (KSV-0032…0035) too. */
  includeDeprecated?: boolean;
}

const lowerKindsCache = new WeakMap<Check, ReadonlySet<string>>();

function lowerKinds(check: Check): ReadonlySet<string> {
  let kinds = lowerKindsCache.get(check);
  if (kinds === undefined) {
    kinds = new Set(check.kinds === '*' ? [] : check.kinds.map((kind) => kind.toLowerCase()));
    lowerKindsCache.set(check, kinds);
  }
  return kinds;
}

/** Whether `check` runs on `object` (kind selector only; deprecation is decided by the caller's options). */
export function isApplicable(check: Check, object: KubernetesObject): boolean {
  if (check.kinds === '*') return true;
  return typeof object.kind === 'string' && lowerKinds(check).has(object.kind.toLowerCase());
}

/** One result per applicable check, in the order of `options.checks`. */
export function evaluateObject(object: KubernetesObject, options: EvaluateOptions = {}): CheckResult[] {
  const checks = options.checks ?? allChecks;
  const context = options.context ?? {};
  const results: CheckResult[] = [];
  for (const check of checks) {
    if (check.deprecated === true && options.includeDeprecated !== true) continue;
    if (!isApplicable(check, object)) continue;
    const messages = [...new Set(check.evaluate(object, context).map((finding) => finding.message))];
    results.push({ check, success: messages.length === 0, messages });
  }
  return results;
}

/** Only the failing results. */
export function failedChecks(object: KubernetesObject, options: EvaluateOptions = {}): CheckResult[] {
  return evaluateObject(object, options).filter((result) => !result.success);
}
