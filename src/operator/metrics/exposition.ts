/**
 * Pieces of the Prometheus text exposition format (version 0.0.4) that the findings collector writes by hand:
 * label value and HELP escaping, sample values, and label names made from Kubernetes label keys.
 */

// Surrogates take the slow path too, so that a lone one never reaches the output as invalid UTF-8.
const NEEDS_ESCAPING = /[\\"\n\uD800-\uDFFF]/;
const LABEL_VALUE_SPECIALS = /[\\"\n]/g;
const HELP_SPECIALS = /[\\\n]/g;
const escapeSpecial = (char: string) => (char === '\n' ? '\\n' : `\\${char}`);

/** A label value as it goes between the double quotes: `\`, `"` and line feeds escaped. */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPING.test(value)) return value;
  return value.toWellFormed().replace(LABEL_VALUE_SPECIALS, escapeSpecial);
}

/** HELP text: `\` and line feeds escaped (quotes stay as they are). */
export function escapeHelp(text: string): string {
  return text.toWellFormed().replace(HELP_SPECIALS, escapeSpecial);
}

/** A sample value in the format's float syntax (`NaN`, `+Inf`, `-Inf` for the special values). */
export function formatSampleValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/** A number in plain decimal notation, never exponent notation (Go's `FormatFloat(x, 'f', -1, 64)`). */
export function formatPlainNumber(value: number): string {
  const text = String(value);
  if (!text.includes('e')) return text;
  return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 100 });
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}

/**
 * The metric label name for a Kubernetes label key in `report.resourceLabels` (contract §5): characters outside
 * `[A-Za-z0-9_]` become `_`, a lower-case letter or digit followed by a capital gets a `_` between them
 * (camelCase → camel_case), then everything is lower-cased. `app.kubernetes.io/name` → `app_kubernetes_io_name`.
 */
export function sanitizeLabelKey(key: string): string {
  return key
    .replace(/[^a-zA-Z0-9_]/g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
