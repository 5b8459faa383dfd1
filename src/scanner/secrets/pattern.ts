import { RE2JS } from 're2js';
import type { PatternMatch, SecretPattern } from './types.ts';

/**
 * A native JS regex. Only for patterns we wrote and reviewed for catastrophic backtracking (the built-in
 * rules): V8's engine backtracks, unlike Go's RE2.
 */
export class NativePattern implements SecretPattern {
  readonly source: string;
  readonly #regex: RegExp;
  readonly #probe: RegExp;

  constructor(source: string, flags = '') {
    this.source = source;
    this.#regex = new RegExp(source, `${flags}gd`);
    this.#probe = new RegExp(source, flags);
  }

  *matchAll(text: string, secretGroup?: string): Iterable<PatternMatch> {
    const regex = this.#regex;
    regex.lastIndex = 0;
    for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (end === start) regex.lastIndex = end + 1;
      const match: PatternMatch = { start, end };
      if (secretGroup !== undefined) {
        const span = m.indices?.groups?.[secretGroup];
        if (span !== undefined) match.secret = { start: span[0], end: span[1] };
      }
      // The generator may be resumed after another pattern used the same regex: restore our position.
      const next = regex.lastIndex;
      yield match;
      regex.lastIndex = next;
    }
  }

  test(text: string): boolean {
    return this.#probe.test(text);
  }
}

/**
 * A regex from user configuration, in Go RE2 syntax, run by a linear-time RE2 port (no ReDoS). Content is
 * matched as UTF-8 bytes, like Go, so non-ASCII patterns behave as in Trivy.
 */
export class GoPattern implements SecretPattern {
  readonly source: string;
  readonly #re: RE2JS;

  constructor(source: string) {
    this.source = source;
    this.#re = RE2JS.compile(source);
  }

  *matchAll(text: string, secretGroup?: string): Iterable<PatternMatch> {
    // Match the UTF-8 bytes, as Go does: `.` and classes see whole runes, and offsets stay byte offsets.
    const bytes = Buffer.from(text, 'latin1');
    const matcher = this.#re.matcher(bytes);
    const groups = this.#re.namedGroups();
    const hasGroup = secretGroup !== undefined && groups[secretGroup] !== undefined;
    let from = 0;
    while (from <= bytes.length && matcher.find(from)) {
      const start = matcher.start();
      const end = matcher.end();
      const match: PatternMatch = { start, end };
      if (hasGroup) {
        const groupStart = matcher.start(secretGroup);
        if (groupStart >= 0) match.secret = { start: groupStart, end: matcher.end(secretGroup) };
      }
      yield match;
      from = end === start ? end + 1 : end;
    }
  }

  /** For paths and matched text as JS strings (not latin1-held bytes). */
  test(text: string): boolean {
    return this.#re.matcher(text).find();
  }

  groupNames(): string[] {
    return Object.keys(this.#re.namedGroups());
  }
}
