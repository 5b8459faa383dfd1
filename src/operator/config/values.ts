import picomatch from 'picomatch';
import { z } from 'zod';
import { parseReference } from '../../scanner/registry/reference.ts';
import { formatGoDuration, parseGoDuration } from './duration.ts';

/**
 * Parsers for the string values of env vars and ConfigMap keys, as zod schemas from string to a typed value.
 * Each issue they raise is a full sentence naming the bad part and what is allowed; the reader adds key and value.
 */
export type ValueSchema<T> = z.ZodType<T, string>;

/** A check of one item: undefined when fine, else what is wrong with it. */
export type ItemCheck = (item: string) => string | undefined;

function fail(context: z.RefinementCtx, message: string): never {
  context.addIssue({ code: 'custom', message });
  return z.NEVER;
}

const GO_TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const GO_FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

/** What Go's strconv.ParseBool accepts. */
export const goBool: ValueSchema<boolean> = z.string().transform((text, context) => {
  if (GO_TRUE.includes(text)) return true;
  if (GO_FALSE.includes(text)) return false;
  return fail(context, 'must be true or false (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False)');
});

/** A base-10 integer as Go's strconv.Atoi reads it, within bounds. */
export function integer(bounds: { min: number; max?: number; why?: string }): ValueSchema<number> {
  const range =
    bounds.max === undefined ? `at least ${bounds.min}` : `between ${bounds.min} and ${bounds.max}`;
  const why = bounds.why ? ` (${bounds.why})` : '';
  return z.string().transform((text, context) => {
    if (!/^[+-]?\d{1,15}$/.test(text)) return fail(context, `must be a whole number, ${range}`);
    const value = Number(text);
    if (value < bounds.min || (bounds.max !== undefined && value > bounds.max))
      return fail(context, `must be ${range}${why}`);
    return value;
  });
}

/** A Go duration (`30s`, `5m`, `1h30m`) in milliseconds, within bounds given in milliseconds. */
export function duration(bounds: { min: number; max?: number; why?: string }): ValueSchema<number> {
  return z.string().transform((text, context) => {
    let ms: number;
    try {
      ms = parseGoDuration(text);
    } catch (error) {
      const reason = (error as Error).message.replace(/^invalid duration "(?:[^"\\]|\\.)*": /, '');
      return fail(context, `is not a Go duration (${reason}); use e.g. 30s, 5m or 1h30m`);
    }
    const why = bounds.why ? ` (${bounds.why})` : '';
    if (ms < bounds.min) return fail(context, `must be at least ${formatGoDuration(bounds.min)}${why}`);
    if (bounds.max !== undefined && ms > bounds.max)
      return fail(context, `must be at most ${formatGoDuration(bounds.max)}${why}`);
    return ms;
  });
}

/** One of a fixed set of words, compared case-insensitively; yields the canonical spelling. */
export function oneOf<const T extends string>(choices: readonly T[], what = 'value'): ValueSchema<T> {
  return z.string().transform((text, context) => {
    const found = choices.find((choice) => choice.toLowerCase() === text.toLowerCase());
    return found ?? fail(context, `is not a known ${what}; use one of ${choices.join(', ')}`);
  });
}

/** Splits a comma list: items trimmed, empty items (a trailing comma) dropped, duplicates removed. */
export function splitList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    ),
  ];
}

/** A comma list whose every item passes `check`; every bad item is reported. */
export function commaList(check?: ItemCheck): ValueSchema<string[]> {
  return z.string().transform((text, context) => {
    const items = splitList(text);
    for (const item of items) {
      const problem = check?.(item);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    }
    return items;
  });
}

/** A comma list of words from a fixed set (case-insensitive), in the canonical spelling and order of `choices`. */
export function choiceList<const T extends string>(
  choices: readonly T[],
  what: string,
  special: Readonly<Record<string, string>> = {},
): ValueSchema<T[]> {
  return z.string().transform((text, context) => {
    const wanted = new Set<T>();
    for (const item of splitList(text)) {
      const found = choices.find((choice) => choice.toLowerCase() === item.toLowerCase());
      if (found) wanted.add(found);
      else {
        const message = special[item.toLowerCase()] ?? `is not a known ${what}; use ${choices.join(', ')}`;
        context.addIssue({ code: 'custom', message: `${JSON.stringify(item)} ${message}` });
      }
    }
    return choices.filter((choice) => wanted.has(choice));
  });
}

/** `k1=v1,k2=v2` (trailing comma allowed, `=` allowed inside values) as a record. */
export function keyValueList(options: { labels: boolean }): ValueSchema<Record<string, string>> {
  return z.string().transform((text, context) => {
    const entries: Array<[string, string]> = [];
    for (const item of text.split(',').map((part) => part.trim())) {
      if (item === '') continue;
      const equals = item.indexOf('=');
      if (equals < 0) {
        context.addIssue({ code: 'custom', message: `${JSON.stringify(item)} is not key=value` });
        continue;
      }
      const [key, value] = [item.slice(0, equals).trim(), item.slice(equals + 1).trim()];
      const problem = checkQualifiedName(key) ?? (options.labels ? checkLabelValue(value) : undefined);
      if (problem) context.addIssue({ code: 'custom', message: problem });
      else entries.push([key, value]);
    }
    return Object.fromEntries(entries);
  });
}

/** Parses JSON, then validates the document with `schema` (issues carry the JSON path). */
export function json<T>(schema: z.ZodType<T>, example: string): ValueSchema<T> {
  return z
    .string()
    .transform((text, context): unknown => {
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        return fail(context, `is not valid JSON (${(error as Error).message}); expected e.g. ${example}`);
      }
    })
    .pipe(schema);
}

/** Shell-style globs (`kube-*`), compiled once. */
export interface GlobList {
  readonly patterns: readonly string[];
  readonly matches: (value: string) => boolean;
}

export function globList(patterns: readonly string[]): GlobList {
  const frozen = Object.freeze([...patterns]);
  if (frozen.length === 0) return Object.freeze({ patterns: frozen, matches: () => false });
  const matcher = picomatch([...frozen], { dot: true });
  return Object.freeze({ patterns: frozen, matches: (value: string) => matcher(value) });
}

export const globs: ValueSchema<GlobList> = commaList().transform(globList);

// ---- Kubernetes names (apimachinery's validation rules)

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function checkDnsLabel(what: string): ItemCheck {
  return (item) =>
    DNS_LABEL.test(item) && item.length <= 63
      ? undefined
      : `${JSON.stringify(item)} is not a valid ${what} (lowercase letters, digits and "-", at most 63 characters)`;
}

export function checkDnsSubdomain(what: string): ItemCheck {
  return (item) =>
    DNS_SUBDOMAIN.test(item) && item.length <= 253
      ? undefined
      : `${JSON.stringify(item)} is not a valid ${what} (lowercase letters, digits, "-" and ".", at most 253 characters)`;
}

/** A label or annotation key: `[prefix/]name`. */
export const checkQualifiedName: ItemCheck = (item) => {
  const slash = item.lastIndexOf('/');
  const [prefix, name] = slash < 0 ? ['', item] : [item.slice(0, slash), item.slice(slash + 1)];
  const prefixOk = slash < 0 || (DNS_SUBDOMAIN.test(prefix) && prefix.length <= 253);
  if (prefixOk && NAME_PART.test(name) && name.length <= 63) return undefined;
  return `${JSON.stringify(item)} is not a valid label key ([prefix/]name: letters, digits, "-", "_", "." and at most 63 characters, starting and ending with a letter or digit)`;
};

export const checkLabelValue: ItemCheck = (item) =>
  item === '' || (NAME_PART.test(item) && item.length <= 63)
    ? undefined
    : `${JSON.stringify(item)} is not a valid label value (letters, digits, "-", "_" and ".", at most 63 characters)`;

/** A string (e.g. inside JSON) that must pass `check`. */
export function checkedString(check: ItemCheck): z.ZodType<string> {
  return z.string().superRefine((value, context) => {
    const problem = check(value);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  });
}

export function dnsLabel(what: string): ValueSchema<string> {
  return single(checkDnsLabel(what));
}

export function dnsSubdomain(what: string): ValueSchema<string> {
  return single(checkDnsSubdomain(what));
}

function single(check: ItemCheck): ValueSchema<string> {
  return z.string().transform((text, context) => {
    const problem = check(text);
    return problem === undefined ? text : fail(context, problem);
  });
}

// ---- Registries and images

const HOST =
  /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:\d{1,5})?$/;
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'registry-1.docker.io', 'index.docker.io']);

/** Docker Hub's aliases name one registry; our registry client calls it `index.docker.io`. */
export function normaliseRegistryHost(host: string): string {
  return DOCKER_HUB_ALIASES.has(host.toLowerCase()) ? 'index.docker.io' : host.toLowerCase();
}

export const checkRegistryHost: ItemCheck = (item) => {
  if (/^[a-z]+:\/\//i.test(item))
    return `${JSON.stringify(item)} must be a registry host without scheme, e.g. registry.example.com:5000`;
  return HOST.test(item) ? undefined : `${JSON.stringify(item)} is not a registry host[:port]`;
};

export const registryHost: ValueSchema<string> = single(checkRegistryHost).transform(normaliseRegistryHost);

/** An image reference as a Pod spec would take it (`nginx:1.25`, `ghcr.io/x/y@sha256:…`), kept as written. */
export const imageReference: ValueSchema<string> = z.string().transform((text, context) => {
  try {
    parseReference(text);
    return text;
  } catch (error) {
    return fail(
      context,
      `${(error as Error).message.replace(/^invalid image reference "(?:[^"\\]|\\.)*": /, 'is not an image reference: ')}; use e.g. ghcr.io/org/trivy-ts:1.0.0`,
    );
  }
});

// ---- URLs and addresses

/** An http(s) URL; a bare `host:port` means http, as Go's proxy handling reads it. */
export function httpUrl(what: string): ValueSchema<string> {
  return z.string().transform((text, context) => {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
    try {
      const url = new URL(withScheme);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
    } catch {
      // reported below
    }
    return fail(context, `is not an http(s) URL; give the ${what} as e.g. http://proxy.example.com:3128`);
  });
}

export interface BindAddress {
  /** Empty: every interface. */
  readonly host: string;
  readonly port: number;
}

/** Go's `host:port` listen address (`:8080`, `0.0.0.0:8080`, `[::1]:9090`); `0` turns the listener off (null). */
export const bindAddress: ValueSchema<BindAddress | null> = z.string().transform((text, context) => {
  if (text === '0') return null;
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  // Port 0 asks the OS for a free port (tests, several operators on one host); `0` alone turns the listener off.
  if (!match || port < 0 || port > 65535)
    return fail(context, 'is not a listen address; use :PORT or HOST:PORT, e.g. :8080, or 0 to turn it off');
  return { host: (match[1] ?? '').replace(/^\[(.*)\]$/, '$1'), port };
});

// ---- Kubernetes resource quantities

const QUANTITY = /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A non-negative Kubernetes quantity (`100m`, `512Mi`, `1.5G`) and its numeric value, for comparisons. */
export function quantityValue(text: string): number | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const suffix = match[2] ?? '';
  const multiplier = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix];
  return multiplier === undefined ? undefined : Number(match[1]) * multiplier;
}

export const quantity: ValueSchema<string> = z
  .string()
  .transform((text, context) =>
    quantityValue(text) === undefined
      ? fail(context, 'is not a Kubernetes quantity; use e.g. 500m or 1 (CPU), 512Mi or 1G (memory, storage)')
      : text,
  );

/** A byte count: a whole number or a quantity such as `256Ki`. */
export function byteSize(bounds: { min: number; max: number; why: string }): ValueSchema<number> {
  return z.string().transform((text, context) => {
    const value = quantityValue(text);
    if (value === undefined || !Number.isInteger(value))
      return fail(context, 'must be a number of bytes, e.g. 262144 or 256Ki');
    if (value < bounds.min || value > bounds.max)
      return fail(context, `must be between ${bounds.min} and ${bounds.max} bytes (${bounds.why})`);
    return value;
  });
}
