import type { RequestFault } from '../api.ts';
import { ApiError } from './status.ts';

interface ArmedFault {
  fault: RequestFault;
  seen: number;
}

function pathMatches(pattern: RegExp | string | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path);
}

function faultError(status: 409 | 429 | 500, path: string): ApiError {
  switch (status) {
    case 409:
      return new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${path}: the object has been modified; please apply your changes to the latest version and try again`,
        {},
      );
    case 429:
      return new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', {
        retryAfterSeconds: 1,
      });
    case 500:
      return new ApiError(500, 'InternalError', 'Internal error occurred: injected fault', {
        causes: [{ reason: '', message: 'injected fault', field: '' }],
      });
  }
}

/** Per-request faults: errors for the Nth matching request, and added latency. */
export class RequestFaults {
  readonly #armed = new Set<ArmedFault>();
  #latency: { ms: number; path: RegExp | string | undefined } = { ms: 0, path: undefined };

  arm(fault: RequestFault): () => void {
    const armed: ArmedFault = { fault, seen: 0 };
    this.#armed.add(armed);
    return () => this.#armed.delete(armed);
  }

  setLatency(ms: number, path?: RegExp | string): void {
    this.#latency = { ms, path };
  }

  delayFor(path: string): number {
    return this.#latency.ms > 0 && pathMatches(this.#latency.path, path) ? this.#latency.ms : 0;
  }

  /** The error this request must fail with, if any armed fault picks it. */
  errorFor(method: string, path: string): ApiError | undefined {
    for (const armed of this.#armed) {
      const { fault } = armed;
      if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!pathMatches(fault.path, path)) continue;
      armed.seen++;
      const first = fault.nth ?? 1;
      const last = first + (fault.times ?? 1) - 1;
      if (armed.seen >= last) this.#armed.delete(armed);
      if (armed.seen >= first && armed.seen <= last) return faultError(fault.status, path);
    }
    return undefined;
  }
}
