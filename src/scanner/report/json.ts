import type { Report } from './model.ts';

/** Trivy's JSON layout: two-space indent, absent fields omitted, a trailing newline. */
export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
