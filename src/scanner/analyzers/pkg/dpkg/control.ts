/**
 * Debian control-file paragraphs (deb-control(5), dpkg's status file): `Field: value` lines, continuation lines
 * starting with a space or tab, paragraphs separated by blank lines. Field names are case-insensitive and are
 * returned lower-cased. A line that is neither a field nor a continuation is ignored, as dpkg's tolerant
 * readers (and Trivy) do for damaged status files.
 */
export type Paragraph = ReadonlyMap<string, string>;

export function* paragraphs(text: string): Generator<Paragraph> {
  let fields = new Map<string, string>();
  let lastKey: string | undefined;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') {
      if (fields.size > 0) yield fields;
      fields = new Map();
      lastKey = undefined;
      continue;
    }
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) {
      if (lastKey !== undefined) fields.set(lastKey, `${fields.get(lastKey) ?? ''}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      lastKey = undefined;
      continue;
    }
    lastKey = line.slice(0, colon).trim().toLowerCase();
    fields.set(lastKey, line.slice(colon + 1).trim());
  }
  if (fields.size > 0) yield fields;
}
