/**
 * Text helpers shared by the OS-release analyzers. Release files are tiny; anything past `maxReleaseFileBytes`
 * is not a release file worth reading, so callers look only at that prefix and never scan a huge file.
 */
export const maxReleaseFileBytes = 64 * 1024;

export function releaseText(content: Buffer): string {
  return content.subarray(0, maxReleaseFileBytes).toString('utf8');
}

/** First line without surrounding white space (`12.5`, `CentOS Linux release 7.9.2009 (Core)`). */
export function firstLine(content: Buffer): string {
  const text = releaseText(content);
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).trim();
}

/**
 * Shell-style `KEY=value` assignments as os-release(5) and lsb-release use them: one per line, `#` comments,
 * values optionally in single or double quotes (double quotes allow `\\` escapes). Later keys win.
 */
export function parseAssignments(content: Buffer): Map<string, string> {
  const values = new Map<string, string>();
  for (const rawLine of releaseText(content).split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    values.set(key, unquote(line.slice(eq + 1).trim()));
  }
  return values;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
  }
  return value;
}
