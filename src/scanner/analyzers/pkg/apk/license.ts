/**
 * apk `L:` values are free text (`MIT AND BSD-2-Clause`, `MPL 2.0 GPL2+`). Like Trivy: split on white space,
 * drop the AND/OR operators and parentheses, and glue a bare `1.0`/`2.0`/`3.0` onto the name before it.
 */
export function parseApkLicense(value: string): string[] {
  const licenses: string[] = [];
  for (const word of value.split(/\s+/)) {
    const token = word.replace(/^[()]+|[()]+$/g, '');
    if (token === '' || token === 'AND' || token === 'OR') continue;
    if (licenses.length > 0 && (token === '1.0' || token === '2.0' || token === '3.0')) {
      licenses[licenses.length - 1] += token;
      continue;
    }
    licenses.push(token);
  }
  return licenses;
}
