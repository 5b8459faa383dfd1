import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export interface ExpectedDigest {
  /** `sha256:<hex>` or `sha512:<hex>`. */
  digest: string;
  /** When known, more bytes fail at once and fewer fail at the end. */
  size?: number;
}

export type DigestFailure = 'SIZE_INVALID' | 'BLOB_TRUNCATED' | 'DIGEST_INVALID';

/**
 * A pass-through that hashes what flows and fails the stream when the content is not exactly what was asked for:
 * larger than declared, shorter than declared, or a different digest. A consumer therefore never sees a successful
 * end of stream for tampered or truncated content. `fail` builds the error for the caller's context.
 */
export class DigestVerifier extends Transform {
  readonly #expected: ExpectedDigest;
  readonly #hash: Hash;
  readonly #algorithm: string;
  readonly #fail: (problem: string, code: DigestFailure) => Error;
  #received = 0;

  constructor(expected: ExpectedDigest, fail: (problem: string, code: DigestFailure) => Error) {
    super();
    this.#algorithm = digestAlgorithm(expected.digest);
    this.#expected = expected;
    this.#hash = createHash(this.#algorithm);
    this.#fail = fail;
  }

  get bytesReceived(): number {
    return this.#received;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#received += chunk.length;
    const { size } = this.#expected;
    if (size !== undefined && this.#received > size) {
      callback(this.#fail(`is larger than the ${size} bytes its descriptor declares`, 'SIZE_INVALID'));
      return;
    }
    this.#hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const { size, digest } = this.#expected;
    if (size !== undefined && this.#received < size) {
      callback(this.#fail(`ended after ${this.#received} of ${size} bytes (truncated)`, 'BLOB_TRUNCATED'));
      return;
    }
    const actual = `${this.#algorithm}:${this.#hash.digest('hex')}`;
    if (actual !== digest) {
      callback(
        this.#fail(`has digest ${actual}, not the expected one (corrupted or tampered)`, 'DIGEST_INVALID'),
      );
      return;
    }
    callback();
  }
}

/** `sha256` or `sha512` from a digest string; throws on anything else (the content could not be verified). */
export function digestAlgorithm(digest: string): 'sha256' | 'sha512' {
  const [algorithm, hex] = digest.split(':');
  if (algorithm === 'sha256' && /^[a-f0-9]{64}$/.test(hex ?? '')) return 'sha256';
  if (algorithm === 'sha512' && /^[a-f0-9]{128}$/.test(hex ?? '')) return 'sha512';
  throw new Error(`unsupported or malformed digest ${JSON.stringify(digest)}`);
}

/** Digest of an in-memory blob in the same `algorithm:hex` form. */
export function digestOf(content: Uint8Array, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(content).digest('hex')}`;
}
