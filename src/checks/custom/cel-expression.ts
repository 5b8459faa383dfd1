import { celEnv, CelScalar, isCelError, mapType, parse, plan, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

/** The variables a custom check expression sees: the Kubernetes object, as `object` (as in admission policies). */
const environment = celEnv({
  variables: { object: mapType(CelScalar.STRING, CelScalar.DYN) },
  funcs: strings,
});

export type CelOutcome = { ok: true; value: boolean } | { ok: false; problem: string };

/** A compiled CEL expression that decides, for one object, whether it fails the check. */
export interface CelPredicate {
  readonly source: string;
  test(object: unknown): CelOutcome;
}

/**
 * Kubernetes' CEL types integer fields as `int`; JSON parsing gives JS numbers, which CEL treats as `double`, so
 * `object.spec.replicas + 1` would have no matching overload. Integral numbers therefore become bigints (CEL ints).
 */
function toCelInput(value: unknown): CelInput {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCelInput);
  if (value !== null && typeof value === 'object') {
    const converted: Record<string, CelInput> = {};
    for (const [key, child] of Object.entries(value)) converted[key] = toCelInput(child);
    return converted as CelInput;
  }
  return value as CelInput;
}

/** A stand-in object used once at load time to catch unknown variables and functions before any real object. */
const probeObject = toCelInput({
  apiVersion: 'v1',
  kind: 'Probe',
  metadata: { name: 'probe', namespace: 'default' },
});

/** Parses and plans `source`; throws an Error whose message says what is wrong with the expression. */
export function compileCelPredicate(source: string): CelPredicate {
  const evaluate = plan(environment, parse(source));
  const probe = evaluate({ object: probeObject as never });
  if (isCelError(probe) && /unresolved attribute|unbound function/i.test(probe.message)) {
    throw new Error(probe.message);
  }
  return {
    source,
    test(object) {
      let result: unknown;
      try {
        result = evaluate({ object: toCelInput(object) as never });
      } catch (error) {
        return { ok: false, problem: error instanceof Error ? error.message : String(error) };
      }
      if (isCelError(result)) return { ok: false, problem: result.message };
      if (typeof result !== 'boolean') {
        return { ok: false, problem: `the expression returned ${describeValue(result)}, not a bool` };
      }
      return { ok: true, value: result };
    },
  };
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return `the int ${value}`;
  if (typeof value === 'number') return `the double ${value}`;
  if (typeof value === 'string') return 'a string';
  return 'a value of another type';
}
