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
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    return sortKeys((value as { toJSON: () => unknown }).toJSON());
  }
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeys(item)));
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function') continue;
    sorted[key] = sortKeys(item);
  }
  return sorted;
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
