import assert from 'node:assert/strict';
import {
  ConfigurationError,
  formatIssue,
  ConfigurationReport,
} from '../../../src/operator/config/configuration-error.ts';

/** The formatted problems of the ConfigurationError `parse` throws; fails when it throws nothing or something else. */
export function problemsOf(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems.map(formatIssue);
    throw error;
  }
  return assert.fail('expected a ConfigurationError');
}

/** Runs a `read…` function with a fresh report and returns its value, errors and warnings, formatted. */
export function readWithReport<T>(read: (report: ConfigurationReport) => T): {
  value: T;
  errors: string[];
  warnings: string[];
} {
  const report = new ConfigurationReport();
  const value = read(report);
  return { value, errors: report.errors.map(formatIssue), warnings: report.warnings.map(formatIssue) };
}
