import type { LayerRef } from '../inventory.ts';

/** One span found by a pattern: the whole match and, when the rule names one, the secret group inside it. */
export interface PatternMatch {
  start: number;
  end: number;
  /** Offsets of the named secret group; absent when the rule has none or the group did not take part. */
  secret?: { start: number; end: number };
}

/**
 * A compiled regular expression. Built-in rules use native JS regexes (reviewed for backtracking);
 * patterns from a user's `trivy-secret.yaml` are Go RE2 syntax and run on a linear-time RE2 port.
 * `text` is the content decoded as latin1, so string offsets are byte offsets.
 */
export interface SecretPattern {
  readonly source: string;
  /** Every non-overlapping match in latin1-held content, left to right, as Go's FindAll does. */
  matchAll(text: string, secretGroup?: string): Iterable<PatternMatch>;
  /** Whether a path or a decoded (UTF-16) piece of text matches. */
  test(text: string): boolean;
}

export interface AllowRule {
  id: string;
  description?: string;
  /** Drops a finding when the rule's whole match (not only the secret group) matches. */
  regex?: SecretPattern;
  /** Skips a file (global rule) or a file for one rule (rule-level) when its path matches. */
  path?: SecretPattern;
}

export interface ExcludeBlock {
  description?: string;
  /** A finding that lies entirely inside a match of one of these is dropped. */
  regexes: SecretPattern[];
}

export interface SecretRule {
  id: string;
  category: string;
  title: string;
  /** Empty for rules that declare none; findings then say `UNKNOWN`. */
  severity: string;
  regex: SecretPattern;
  /** Case-insensitive; the rule only runs on chunks containing at least one. Empty: always runs. */
  keywords: string[];
  /**
   * Literals the regex cannot match without (case-insensitive), used as a pre-filter when `keywords` is empty.
   * Not part of Trivy's rule model, so it never changes what is found, only how fast.
   */
  prefilter?: string[];
  /** Only files whose path matches are scanned by this rule. */
  path?: SecretPattern;
  allowRules: AllowRule[];
  excludeBlock?: ExcludeBlock;
  /** Name of the regex group holding the secret; without it the whole match is the secret. */
  secretGroupName?: string;
}

/** One line of context around a finding, as in Trivy's JSON `Code.Lines[]`. */
export interface CodeLine {
  Number: number;
  Content: string;
  IsCause: boolean;
  Annotation: string;
  Truncated: boolean;
  Highlighted: string;
  FirstCause: boolean;
  LastCause: boolean;
}

/** A finding in Trivy's JSON shape (`Results[].Secrets[]`). */
export interface SecretFinding {
  RuleID: string;
  Category: string;
  Severity: string;
  Title: string;
  StartLine: number;
  EndLine: number;
  Code: { Lines: CodeLine[] };
  /** The line holding the secret with the secret replaced by `*`; long lines cut around the match. */
  Match: string;
  /** Set by the image walker: the layer the file came from. */
  Layer?: LayerRef;
  /** Byte offset of the secret in the scanned content; omitted when 0, as Go's omitempty does. */
  Offset?: number;
}
