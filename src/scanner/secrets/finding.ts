import { isUtf8 } from 'node:buffer';
import type { CodeLine, SecretFinding, SecretRule } from './types.ts';

/** Lines shown above a finding; the window ends one line after the last cause line, as in Trivy. */
const contextRadius = 2;
/** Longer lines are cut: cause lines to the text around the secret, others to their first 100 bytes. */
const maxLineLength = 100;
const matchContextBefore = 30;
const matchContextAfter = 20;

/** Newline positions of a chunk, for line numbers and line bounds without re-splitting per finding. */
export class LineIndex {
  readonly #text: string;
  readonly #newlines: number[] = [];

  constructor(text: string) {
    this.#text = text;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.#newlines.push(i);
  }

  get lineCount(): number {
    return this.#newlines.length + 1;
  }

  /** 0-based line holding `offset` (= number of newlines before it). */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.#newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#newlines[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  lineStart(line: number): number {
    return line === 0 ? 0 : this.#newlines[line - 1]! + 1;
  }

  /** Offset of the line's `\n`, or the text length for the last line. */
  lineEnd(line: number): number {
    return line < this.#newlines.length ? this.#newlines[line]! : this.#text.length;
  }
}

/**
 * Renders bytes (held one per char, latin1) for display as Trivy does: carriage returns dropped, invalid UTF-8
 * replaced, one U+FFFD per invalid run.
 */
function displayText(latin1: string): string {
  const bytes = Buffer.from(latin1.includes('\r') ? latin1.replaceAll('\r', '') : latin1, 'latin1');
  if (isUtf8(bytes)) return bytes.toString('utf8');
  return bytes.toString('utf8').replace(/\uFFFD+/g, '\uFFFD');
}

/**
 * Builds a finding for the secret at [start, end) of a chunk whose secrets are already censored. Line numbers
 * are 1-based within the chunk; the caller shifts them by the chunk's first line.
 */
export function buildFinding(
  rule: SecretRule,
  start: number,
  end: number,
  censored: string,
  lines: LineIndex,
): SecretFinding {
  const startLine = lines.lineOf(start);
  let matchStart = lines.lineStart(startLine);
  let matchEnd = lines.lineEnd(startLine);
  if (matchEnd - matchStart > maxLineLength) {
    if (start - matchStart - matchContextBefore >= 0) matchStart = start - matchContextBefore;
    if (end + matchContextAfter <= matchEnd) matchEnd = end + matchContextAfter;
  }
  const matchLine = displayText(censored.slice(matchStart, matchEnd));
  const endLine = lines.lineOf(end > start ? end - 1 : start) + countNewlineAtEnd(censored, start, end);

  const codeStart = Math.max(0, startLine - contextRadius);
  const codeEnd = Math.min(lines.lineCount, endLine + contextRadius);
  const codeLines: CodeLine[] = [];
  let foundFirst = false;
  for (let line = codeStart; line < codeEnd; line++) {
    const isCause = line >= startLine && line <= endLine;
    const rawStart = lines.lineStart(line);
    const rawEnd = lines.lineEnd(line);
    let content: string;
    if (rawEnd - rawStart > maxLineLength) {
      content = isCause ? matchLine : displayText(censored.slice(rawStart, rawStart + maxLineLength));
    } else {
      content = displayText(censored.slice(rawStart, rawEnd));
    }
    codeLines.push({
      Number: line + 1,
      Content: content,
      IsCause: isCause,
      Annotation: '',
      Truncated: false,
      Highlighted: content,
      FirstCause: !foundFirst && isCause,
      LastCause: false,
    });
    foundFirst ||= isCause;
  }
  for (let i = codeLines.length - 1; i >= 0; i--) {
    if (codeLines[i]!.IsCause) {
      codeLines[i]!.LastCause = true;
      break;
    }
  }

  return {
    RuleID: rule.id,
    Category: rule.category,
    Severity: rule.severity === '' ? 'UNKNOWN' : rule.severity,
    Title: rule.title,
    StartLine: startLine + 1,
    EndLine: endLine + 1,
    Code: { Lines: codeLines },
    Match: matchLine,
  };
}

/**
 * Trivy counts the newlines inside the secret: a secret ending with `\n` ends on the next line. `lineOf(end - 1)`
 * counts newlines strictly before the last byte, so add one when that byte is itself a newline.
 */
function countNewlineAtEnd(text: string, start: number, end: number): number {
  return end > start && text.charCodeAt(end - 1) === 0x0a ? 1 : 0;
}

/** Go's `%q` for the binary-file message. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0b) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
