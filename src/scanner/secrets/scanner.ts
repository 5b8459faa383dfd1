import { posix } from 'node:path';
import { silentLogger, type Logger } from '../../util/logger.ts';
import { builtinAllowRules } from './builtin-allow-rules.ts';
import { builtinRules } from './builtin-rules.ts';
import {
  binaryHeadSize,
  defaultSkipPatterns,
  extractPrintableStrings,
  isBinaryContent,
  isScannableBinary,
  largeFileWarningSize,
  minScannedSize,
} from './files.ts';
import { matchesSkipPattern, relativePath } from '../../util/path-globs.ts';
import { buildFinding, goQuote, LineIndex } from './finding.ts';
import { KeywordSet } from './keywords.ts';
import type { AllowRule, ExcludeBlock, SecretFinding, SecretPattern, SecretRule } from './types.ts';

/** The effective rule set: built-ins filtered and extended by `trivy-secret.yaml` (see config.ts). */
export interface SecretScannerConfig {
  rules: readonly SecretRule[];
  allowRules: readonly AllowRule[];
  excludeBlock?: ExcludeBlock;
  skipPatterns: readonly string[];
  /** The config file itself is never reported. */
  configPath?: string;
}

export function defaultSecretScannerConfig(): SecretScannerConfig {
  return { rules: builtinRules, allowRules: builtinAllowRules, skipPatterns: defaultSkipPatterns };
}

export interface SecretScannerOptions {
  /** Bytes scanned per step (Trivy: 64 KiB). Bounds regex work per step and the keyword pre-filter's grain. */
  chunkSize?: number;
  /** Bytes shared by consecutive chunks so that a secret across a boundary is still seen whole (Trivy: 4 KiB). */
  overlap?: number;
  logger?: Logger;
}

interface CompiledRule {
  rule: SecretRule;
  /** Indexes into the keyword set; empty: the rule runs on every chunk. */
  keywordIds: number[];
}

interface Located {
  rule: SecretRule;
  start: number;
  end: number;
}

/**
 * Finds secrets in file contents with Trivy's rules and output shape. Stateless between calls and synchronous:
 * one scanner serves a whole image walk. Content is processed in overlapping chunks, and per chunk the keyword
 * pre-filter decides which rules' regexes run at all.
 */
export class SecretScanner {
  readonly config: SecretScannerConfig;
  readonly #rules: CompiledRule[];
  readonly #keywordList: readonly string[];
  #keywords: KeywordSet | undefined;
  readonly #chunkSize: number;
  readonly #overlap: number;
  readonly #logger: Logger;

  constructor(
    config: SecretScannerConfig = defaultSecretScannerConfig(),
    options: SecretScannerOptions = {},
  ) {
    this.config = config;
    this.#chunkSize = options.chunkSize ?? 64 * 1024;
    this.#overlap = options.overlap ?? 4096;
    if (!(this.#chunkSize >= binaryHeadSize && this.#overlap >= 0 && this.#overlap < this.#chunkSize)) {
      throw new RangeError(
        `secret scanner chunk size (${this.#chunkSize}) must be at least ${binaryHeadSize} and above the overlap (${this.#overlap})`,
      );
    }
    this.#logger = options.logger ?? silentLogger;

    const keywordIndex = new Map<string, number>();
    const idOf = (keyword: string): number => {
      const key = keyword.toLowerCase();
      let id = keywordIndex.get(key);
      if (id === undefined) {
        id = keywordIndex.size;
        keywordIndex.set(key, id);
      }
      return id;
    };
    this.#rules = config.rules.map((rule) => {
      const literals = rule.keywords.length > 0 ? rule.keywords : (rule.prefilter ?? []);
      return { rule, keywordIds: literals.filter((k) => k.length > 0).map(idOf) };
    });
    this.#keywordList = [...keywordIndex.keys()];
  }

  /** Whether the path is excluded before reading it: skip patterns or a global allow-path rule. */
  isSkipped(path: string): boolean {
    const rel = relativePath(path);
    return matchesSkipPattern(rel, this.config.skipPatterns) || allowsPath(this.config.allowRules, rel);
  }

  /** The walker's question: is this file worth buffering for the secret scan? */
  required(path: string, size: number): boolean {
    if (size < minScannedSize) return false;
    const configPath = this.config.configPath;
    // As Trivy: the config's file name at the artifact root is the config itself.
    if (configPath !== undefined && relativePath(path) === posix.basename(configPath)) return false;
    return !this.isSkipped(path);
  }

  /**
   * Whether a file starting with `head` would yield nothing, so a caller holding only its first bytes can skip
   * reading the rest: no rule applies to the path, or the content is binary (and not a `.pyc`). A head shorter than
   * the binary test's window may call a binary file text; the full scan then decides.
   */
  skipsContent(path: string, head: Uint8Array): boolean {
    if (this.#rulesFor(path).length === 0) return true;
    return isBinaryContent(head) && !isScannableBinary(path);
  }

  /**
   * Scans one file. `path` is the finding's target path as reported (images: with a leading `/`); rule and
   * allow paths are matched against it. Binary files yield nothing, except `.pyc` whose printable strings
   * are scanned and reported without code.
   */
  scan(path: string, content: Uint8Array): SecretFinding[] {
    const rules = this.#rulesFor(path);
    if (rules.length === 0) return [];
    const binary = isBinaryContent(content);
    if (binary && !isScannableBinary(path)) return [];
    this.#warnIfLarge(path, content.length);
    const bytes = binary
      ? extractPrintableStrings(content)
      : Buffer.from(content.buffer, content.byteOffset, content.length);

    const findings: SecretFinding[] = [];
    let chunkStart = 0;
    let lineBase = 0;
    while (chunkStart < bytes.length) {
      const chunkEnd = Math.min(chunkStart + this.#chunkSize, bytes.length);
      this.#scanChunkAt(
        path,
        bytes.subarray(chunkStart, chunkEnd),
        chunkStart,
        lineBase,
        rules,
        binary,
        findings,
      );
      if (chunkEnd >= bytes.length) break;
      const nextStart = chunkEnd - this.#overlap;
      lineBase += countNewlines(bytes, chunkStart, nextStart);
      chunkStart = nextStart;
    }
    return finalize(findings);
  }

  /**
   * Same result as `scan`, reading the file piece by piece: memory stays at one chunk whatever the file size
   * (a `.pyc`, being small and needing whole-file string extraction, is collected first).
   */
  async scanStream(path: string, source: AsyncIterable<Uint8Array>): Promise<SecretFinding[]> {
    const rules = this.#rulesFor(path);
    if (rules.length === 0) return [];
    const iterator = source[Symbol.asyncIterator]();
    const window = Buffer.allocUnsafe(this.#chunkSize);
    let filled = 0;
    /** Bytes at the start of `window` already scanned as the tail of the previous chunk. */
    let carried = 0;
    let chunkStart = 0;
    let lineBase = 0;
    let total = 0;
    let checked = false;
    const findings: SecretFinding[] = [];
    try {
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
        const piece = next.value;
        let offset = 0;
        while (offset < piece.length) {
          if (filled === window.length) {
            this.#scanChunkAt(path, window, chunkStart, lineBase, rules, false, findings);
            const keep = this.#overlap;
            lineBase += countNewlines(window, 0, filled - keep);
            chunkStart += filled - keep;
            window.copyWithin(0, filled - keep, filled);
            filled = keep;
            carried = keep;
          }
          const n = Math.min(piece.length - offset, window.length - filled);
          window.set(piece.subarray(offset, offset + n), filled);
          filled += n;
          offset += n;
          total += n;
          // The window holds the file's first bytes until it is full, and it is at least binaryHeadSize long.
          if (!checked && filled >= binaryHeadSize) {
            checked = true;
            if (isBinaryContent(window.subarray(0, filled))) {
              if (!isScannableBinary(path)) return [];
              const parts: Uint8Array[] = [
                Buffer.from(window.subarray(0, filled)),
                Buffer.from(piece.subarray(offset)),
              ];
              for (let rest = await iterator.next(); rest.done !== true; rest = await iterator.next()) {
                parts.push(rest.value);
              }
              return this.scan(path, Buffer.concat(parts));
            }
          }
        }
      }
    } finally {
      // Releases the source (e.g. destroys a file stream) when leaving early; harmless after the end.
      await iterator.return?.();
    }
    const head = window.subarray(0, filled);
    if (!checked && isBinaryContent(head)) return isScannableBinary(path) ? this.scan(path, head) : [];
    this.#warnIfLarge(path, total);
    if (filled > carried) this.#scanChunkAt(path, head, chunkStart, lineBase, rules, false, findings);
    return finalize(findings);
  }

  /** Rules that apply to the path; none when a global allow rule covers it. */
  #rulesFor(path: string): CompiledRule[] {
    // Trivy checks the reported path here and the relative one in `required()`; honour both in one call.
    const allowed = (p: string): boolean => allowsPath(this.config.allowRules, p);
    if (allowed(path) || allowed(relativePath(path))) return [];
    return this.#rules.filter(
      ({ rule }) => (rule.path === undefined || rule.path.test(path)) && !allowsPath(rule.allowRules, path),
    );
  }

  #warnIfLarge(path: string, size: number): void {
    if (size > largeFileWarningSize) {
      this.#logger.warn(
        { path, sizeMB: Math.floor(size / 1048576) },
        'large file scanned for secrets; consider --skip-files for it',
      );
    }
  }

  /** Keyword pass over one chunk, then the regexes of the rules whose keywords occur; findings made file-wide. */
  #scanChunkAt(
    path: string,
    chunk: Buffer,
    chunkStart: number,
    lineBase: number,
    rules: CompiledRule[],
    binary: boolean,
    into: SecretFinding[],
  ): void {
    // The automaton is built for the first file scanned: a scan served from the layer cache never needs it.
    this.#keywords ??= new KeywordSet(this.#keywordList);
    const found = new Uint8Array(this.#keywords.keywords.length);
    this.#keywords.scan(chunk, 0, chunk.length, found);
    const active = rules.filter(
      ({ keywordIds }) => keywordIds.length === 0 || keywordIds.some((id) => found[id]),
    );
    if (active.length === 0) return;
    for (const finding of this.#scanChunk(path, chunk, active, binary)) {
      finding.StartLine += lineBase;
      finding.EndLine += lineBase;
      for (const line of finding.Code.Lines) line.Number += lineBase;
      const offset = (finding.Offset ?? 0) + chunkStart;
      if (offset > 0) finding.Offset = offset;
      into.push(finding);
    }
  }

  #scanChunk(path: string, chunk: Buffer, active: CompiledRule[], binary: boolean): SecretFinding[] {
    const text = chunk.toString('latin1');
    const globalBlocks = new BlockIndex(text, this.config.excludeBlock);
    const located: Located[] = [];
    for (const { rule } of active) {
      const ruleBlocks = new BlockIndex(text, rule.excludeBlock);
      for (const m of rule.regex.matchAll(text, rule.secretGroupName)) {
        const whole = Buffer.from(text.slice(m.start, m.end), 'latin1').toString('utf8');
        if (allowsMatch(this.config.allowRules, whole) || allowsMatch(rule.allowRules, whole)) continue;
        const span = rule.secretGroupName === undefined ? m : m.secret;
        // An empty secret (a custom regex like `x*`) would report every position of the file: not a finding.
        if (span === undefined || span.start === span.end) continue;
        const excluded =
          globalBlocks.contains(span.start, span.end) || ruleBlocks.contains(span.start, span.end);
        if (!excluded) located.push({ rule, start: span.start, end: span.end });
      }
    }
    if (located.length === 0) return [];

    // Every secret is masked before any finding is rendered, so a line holding two secrets shows neither.
    const masked = Buffer.from(chunk);
    for (const { start, end } of located) {
      for (let i = start; i < end; i++) if (masked[i] !== 0x0a) masked[i] = 0x2a;
    }
    const censored = masked.toString('latin1');
    const lines = new LineIndex(censored);
    return located.map(({ rule, start, end }) => {
      const finding = buildFinding(rule, start, end, censored, lines);
      if (start > 0) finding.Offset = start;
      if (binary) {
        finding.Match = `Binary file ${goQuote(path)} matches a rule ${goQuote(rule.title)}`;
        finding.Code = { Lines: [] };
      }
      return finding;
    });
  }
}

/** Regions matched by exclude-block regexes, computed on first use. */
class BlockIndex {
  readonly #text: string;
  readonly #regexes: readonly SecretPattern[];
  #spans: { start: number; end: number }[] | undefined;

  constructor(text: string, block: ExcludeBlock | undefined) {
    this.#text = text;
    this.#regexes = block?.regexes ?? [];
  }

  contains(start: number, end: number): boolean {
    if (this.#regexes.length === 0) return false;
    this.#spans ??= this.#regexes.flatMap((r) => [...r.matchAll(this.#text)]);
    return this.#spans.some((s) => s.start <= start && end <= s.end);
  }
}

function allowsPath(rules: readonly AllowRule[], path: string): boolean {
  return rules.some((r) => r.path !== undefined && r.path.test(path));
}

function allowsMatch(rules: readonly AllowRule[], match: string): boolean {
  return rules.some((r) => r.regex !== undefined && r.regex.test(match));
}

function countNewlines(bytes: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a, start); i !== -1 && i < end; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** Chunk overlaps report a secret twice: keep the first, then order by rule and masked line as Trivy does. */
function finalize(findings: SecretFinding[]): SecretFinding[] {
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const key = `${f.RuleID}:${f.StartLine}-${f.EndLine}-${f.Offset ?? 0}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) => compare(a.RuleID, b.RuleID) || compare(a.Match, b.Match) || (a.Offset ?? 0) - (b.Offset ?? 0),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
