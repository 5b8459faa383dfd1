import type { PodTemplateSpec } from './kube-types.ts';
import { clone } from './resources.ts';

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alike digits). */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Serialises with sorted keys so equal templates hash equally whatever their key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Maps each character of a string into the safe alphabet, as Kubernetes' SafeEncodeString does. */
export function safeEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += SAFE_ALPHABET[text.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/**
 * The `pod-template-hash` of a pod template, computed like the Deployment controller: a 32-bit FNV-1a hash of the
 * template (without any existing pod-template-hash label) plus the collision count, its decimal digits encoded into
 * the safe alphabet. Stable across runs; equal templates give equal hashes.
 */
export function podTemplateHash(template: PodTemplateSpec, collisionCount = 0): string {
  const copy = clone(template);
  if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
  const suffix = collisionCount > 0 ? `#${collisionCount}` : '';
  return safeEncode(String(fnv1a32(stableJson(copy) + suffix)));
}
