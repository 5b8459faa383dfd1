import type { z } from 'zod';
import { showValue, type ConfigurationIssue, type ConfigurationReport } from './configuration-error.ts';

/** One set of string keys: the environment, a ConfigMap's `data`, or a Secret's `data` (already base64-decoded). */
export interface SourceLayer {
  /** How messages name it: `env`, `ConfigMap trivy-operator`… */
  readonly name: string;
  /** Values from a Secret are never shown in messages. */
  readonly secret: boolean;
  readonly data: Readonly<Record<string, string | undefined>> | undefined;
}

interface Entry {
  readonly value: string;
  readonly layer: SourceLayer;
}

/**
 * Reads keys from layered sources (a later layer wins, as the Secret over the ConfigMap) and turns every zod issue
 * into a message that names the source, the key, the bad value (unless secret) and what to do.
 * A blank value counts as absent, as upstream treats the empty strings Helm renders for unset values.
 */
export class SourceReader {
  readonly #report: ConfigurationReport;
  readonly #entries = new Map<string, Entry>();
  readonly #defaultLayer: SourceLayer;
  readonly #used = new Set<string>();
  readonly #hidden = new Set<string>();

  constructor(report: ConfigurationReport, layers: readonly SourceLayer[]) {
    const first = layers[0];
    if (!first) throw new Error('SourceReader needs at least one layer');
    this.#report = report;
    this.#defaultLayer = first;
    for (const layer of layers) {
      for (const [key, value] of Object.entries(layer.data ?? {})) {
        if (typeof value === 'string') this.#entries.set(key, { value, layer });
      }
    }
  }

  /** The value as given, blank included; marks the key as read. */
  raw(key: string): string | undefined {
    this.#used.add(key);
    return this.#entries.get(key)?.value;
  }

  /** The trimmed value, or undefined when the key is absent or blank. */
  text(key: string): string | undefined {
    const value = this.raw(key)?.trim();
    return value === '' ? undefined : value;
  }

  /** Never show this key's value in messages (it may hold credentials, e.g. a proxy URL with a password). */
  hideValue(key: string): void {
    this.#hidden.add(key);
  }

  has(key: string): boolean {
    return this.text(key) !== undefined;
  }

  /** Parses the key with `schema`; absent or blank gives `fallback`, and so does an invalid value (after the error). */
  read<T>(key: string, schema: z.ZodType<T, string>, fallback: T): T {
    const value = this.text(key);
    if (value === undefined) return fallback;
    const parsed = this.parse(key, value, schema);
    return parsed === undefined ? fallback : parsed;
  }

  optional<T>(key: string, schema: z.ZodType<T, string>): T | undefined {
    const value = this.text(key);
    return value === undefined ? undefined : this.parse(key, value, schema);
  }

  /** Parses a given value (e.g. a blank one the caller gives meaning to) as the value of `key`. */
  parse<T>(key: string, value: string, schema: z.ZodType<T, string>): T | undefined {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`));
      const shown = issue.path.length === 0 ? value : issue.input;
      this.error(key + path.join(''), describeIssue(issue), shown);
    }
    return undefined;
  }

  /** Keys (in every layer) starting with `prefix`, in sorted order so that messages and results are stable. */
  keysWithPrefix(prefix: string): string[] {
    return [...this.#entries.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  /** Keys nobody has read, for "unknown key" warnings. */
  unreadKeys(): string[] {
    return [...this.#entries.keys()].filter((key) => !this.#used.has(key)).sort();
  }

  error(key: string, message: string, value?: unknown): void {
    this.#report.error(this.#issue(key, message, value));
  }

  warn(key: string, message: string, value?: unknown): void {
    this.#report.warn(this.#issue(key, message, value));
  }

  #issue(key: string, message: string, value: unknown): ConfigurationIssue {
    // `scanJob.tolerations[0].effect` belongs to the entry `scanJob.tolerations`: the longest key it extends.
    let layer = this.#defaultLayer;
    let base = key;
    let matchedLength = -1;
    for (const [known, entry] of this.#entries) {
      const extendsKnown = key === known || key.startsWith(`${known}.`) || key.startsWith(`${known}[`);
      if (extendsKnown && known.length > matchedLength)
        [layer, base, matchedLength] = [entry.layer, known, known.length];
    }
    if (layer.secret) {
      const raw = this.#entries.get(base)?.value ?? '';
      return { source: layer.name, key, message: redact(message, raw) };
    }
    // Hidden keys' messages are written never to contain the value; only the value itself is left out.
    const shown = value === undefined || this.#hidden.has(base) ? undefined : showValue(value);
    return { source: layer.name, key, message, ...(shown === undefined ? {} : { value: shown }) };
  }
}

/**
 * Messages name the bad item ("\"x\" is not key=value"), so for a secret value every word of it is masked in
 * the message too. Masking a harmless word of the message itself now and then is the price of never leaking.
 */
function redact(message: string, secret: string): string {
  const words = secret
    .split(/[\s,;:=&{}[\]"'/\\]+/)
    .filter((word) => word.length >= 2)
    .sort((a, b) => b.length - a.length);
  return words.reduce((text, word) => text.split(word).join('***'), message);
}

const ARTICLE: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a JSON array',
  object: 'a JSON object',
  record: 'a JSON object',
};

/** Our wording for zod's issues; custom issues already carry a full message. */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `must be ${ARTICLE[issue.expected] ?? issue.expected}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}; check the spelling against the Kubernetes API`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => (value === '' ? '""' : String(value))).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${issue.maximum} characters long`
        : `must be at most ${issue.maximum}`;
    case 'invalid_key':
    case 'invalid_element':
      return issue.issues.map(describeIssue).join('; ');
    case 'invalid_union':
      return 'does not have any of the allowed forms';
    default:
      return issue.message;
  }
}
