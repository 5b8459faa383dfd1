/**
 * The opaque hashes that appear in report names, labels and Job names. They only have to be stable within trivy-ts
 * (upstream's values come from Go's go-spew dump and cannot be reproduced; reports written by upstream are simply
 * rescanned once after a migration).
 */
import { createHash } from 'node:crypto';

/** Kubernetes' "safe encode" alphabet: no vowels, so hashes never spell words. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * A deterministic JSON text of a value: object keys sorted at every depth, `undefined` and functions dropped as
 * `JSON.stringify` drops them, `toJSON` honoured (client-node models hold `Date`s). Two objects that differ only in
 * key order serialise identically.
 *
 * The text is the one `JSON.stringify` gives for a copy of the value with its keys inserted in sorted order (integer
 * keys then come first, in numeric order, as they do in any object), written in one pass without that copy: every
 * report write hashes its whole content, and the copy and its sorts were most of what the operator allocated.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

/** The canonical text of `value`; undefined where `JSON.stringify` would leave it out. */
function write(value: unknown): string | undefined {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    return write((value as { toJSON: () => unknown }).toJSON());
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'object':
      break;
    default:
      return undefined; // undefined, functions, symbols
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) out += ',';
      out += write(value[index]) ?? 'null';
    }
    return `${out}]`;
  }
  const keys = sortedKeys(value);
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = write((value as Record<string, unknown>)[key]);
    if (item === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${item}`;
    first = false;
  }
  return `${out}}`;
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;
const isArrayIndex = (key: string) => ARRAY_INDEX.test(key) && Number(key) < 4294967295;

/**
 * Own enumerable keys in the order an object built by inserting them sorted would list them: array-index keys
 * ascending (Object.keys lists them first, already in that order), then the rest by UTF-16 code units. Sorted in
 * place: objects have few keys, and usually arrive sorted or nearly so.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  let start = 0;
  while (start < keys.length && isArrayIndex(keys[start]!)) start++;
  for (let i = start + 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= start && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/** FNV-1a, 32 bits, over the UTF-8 bytes of a string. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Maps every character onto the safe alphabet, as Kubernetes' `rand.SafeEncodeString` does. */
function safeEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += SAFE_ALPHABET[text.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/**
 * The short hash of upstream's shape (`5668c4b796`): FNV-1a 32 of the canonical JSON, printed in decimal, each digit
 * mapped onto the safe alphabet. 1–10 characters, valid in names and label values.
 */
export function shortHash(value: unknown): string {
  return safeEncode(String(fnv1a32(canonicalJson(value))));
}

/**
 * A hash for names that must not collide across a whole cluster (one scan Job per image digest): 32 bits give even
 * odds of a collision at ~77,000 values, which a busy cluster's Job history can reach. The first 128 bits of the
 * SHA-256 of the canonical JSON, written in base 27 with the safe alphabet; 16 characters carry 76 bits.
 */
export function wideHash(value: unknown, length = 16): string {
  if (!Number.isInteger(length) || length < 1 || length > 26) {
    throw new RangeError(`wideHash length must be 1..26 characters, got ${length}`);
  }
  let number = BigInt(`0x${createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32)}`);
  const base = BigInt(SAFE_ALPHABET.length);
  let out = '';
  for (let i = 0; i < length; i++) {
    out += SAFE_ALPHABET[Number(number % base)];
    number /= base;
  }
  return out;
}
