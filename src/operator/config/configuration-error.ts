import { UserFacingError } from '../../util/errors.ts';

/** One thing wrong with (or worth knowing about) one key of one configuration source. */
export interface ConfigurationIssue {
  /** `env`, `ConfigMap trivy-operator`, `Secret trivy-operator-trivy-config`… */
  readonly source: string;
  /** The key, with a JSON path for values inside JSON (`scanJob.tolerations[0].effect`). */
  readonly key: string;
  /** The offending value, quoted and shortened; absent when unknown or when it comes from a Secret. */
  readonly value?: string;
  /** What is wrong and what to do. */
  readonly message: string;
}

export function formatIssue(issue: ConfigurationIssue): string {
  const value = issue.value === undefined ? '' : `=${issue.value}`;
  return `${issue.source} ${issue.key}${value}: ${issue.message}`;
}

/** Every problem found in the configuration at once, so that one restart is enough to fix them all. */
export class ConfigurationError extends UserFacingError {
  readonly problems: readonly ConfigurationIssue[];

  constructor(problems: readonly ConfigurationIssue[]) {
    const lines = problems.map((problem) => `  - ${formatIssue(problem)}`);
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`invalid operator configuration (${count}):\n${lines.join('\n')}`, {
      hint:
        'fix the values above: env vars are set on the operator Deployment (Helm values operator.*), ' +
        'ConfigMap/Secret trivy-operator hold trivyOperator.* and ConfigMap/Secret trivy-operator-trivy-config hold trivy.*',
    });
    this.problems = Object.freeze([...problems]);
  }
}

/** Collects errors and warnings while several sources are parsed, so that all of them are reported together. */
export class ConfigurationReport {
  readonly errors: ConfigurationIssue[] = [];
  readonly warnings: ConfigurationIssue[] = [];

  error(issue: ConfigurationIssue): void {
    this.errors.push(issue);
  }

  warn(issue: ConfigurationIssue): void {
    this.warnings.push(issue);
  }

  throwIfErrors(): void {
    if (this.errors.length > 0) throw new ConfigurationError(this.errors);
  }
}

/** Runs one parser with its own report and throws every error it found. */
export function parseWithReport<T>(parse: (report: ConfigurationReport) => T): T {
  const report = new ConfigurationReport();
  const value = parse(report);
  report.throwIfErrors();
  return value;
}

const MAX_SHOWN = 100;

/** A value as shown in a message: JSON-quoted, shortened when long. */
export function showValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= MAX_SHOWN ? text : `${text.slice(0, MAX_SHOWN - 1)}…`;
}
