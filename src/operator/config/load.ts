import { ConfigurationReport, type ConfigurationIssue } from './configuration-error.ts';
import { readOperatorConfig, type OperatorConfig } from './operator-config.ts';
import { readOperatorEnv, type OperatorEnv } from './operator-env.ts';
import { readTrivyConfig, type TrivyConfig, type TrivyConfigInput } from './trivy-config.ts';

type Data = Readonly<Record<string, string | undefined>> | undefined;

export interface OperatorConfigurationInput {
  /** The process environment (passed in; nothing here reads process.env). */
  env: Readonly<Record<string, string | undefined>>;
  /** `data` of each object; undefined when the object does not exist. Secret data must be base64-decoded. */
  operatorConfigMap?: Data;
  operatorSecret?: Data;
  trivyConfigMap?: Data;
  trivySecret?: Data;
}

export interface OperatorConfiguration {
  readonly env: OperatorEnv;
  readonly operator: OperatorConfig;
  readonly trivy: TrivyConfig;
  /** Settings that are ignored or look wrong but do not stop the operator; log them at start. */
  readonly warnings: readonly ConfigurationIssue[];
}

/**
 * Parses and validates the whole configuration once, at the edge. Throws one ConfigurationError listing every
 * problem in every source; otherwise returns deeply frozen objects.
 */
export function loadOperatorConfiguration(input: OperatorConfigurationInput): OperatorConfiguration {
  const report = new ConfigurationReport();
  const env = readOperatorEnv(input.env, report);
  const operator = readOperatorConfig(
    { configMap: input.operatorConfigMap, secret: input.operatorSecret },
    report,
  );
  const trivy = readTrivyConfig({ configMap: input.trivyConfigMap, secret: input.trivySecret }, report);
  report.throwIfErrors();
  return deepFreeze({ env, operator, trivy, warnings: report.warnings });
}

/**
 * The trivy config alone, for when `trivy-operator-trivy-config` changes at runtime (unlike the rest, it is not
 * read only at start). Throws a ConfigurationError for an invalid edit, so the caller can keep the previous one.
 */
export function reloadTrivyConfiguration(input: TrivyConfigInput): {
  readonly trivy: TrivyConfig;
  readonly warnings: readonly ConfigurationIssue[];
} {
  const report = new ConfigurationReport();
  const trivy = readTrivyConfig(input, report);
  report.throwIfErrors();
  return deepFreeze({ trivy, warnings: report.warnings });
}

/** Freezes plain objects and arrays all the way down (functions, such as glob matchers, are left as they are). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
