import type { RequestFault } from '../api.ts';
import { ApiError, conflict, qualifiedResource } from './status.ts';

/** What a faulted request addressed, when its path names a served resource: makes the 409 read like a real one. */
export interface FaultTarget {
  group: string;
  resource: string;
  name: string | undefined;
}

interface ArmedFault {
  fault: RequestFault;
  seen: number;
}

function pathMatches(pattern: RegExp | string | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path);
}

function faultError(status: 409 | 429 | 500, path: string, target: FaultTarget | undefined): ApiError {
  switch (status) {
    case 409:
      if (target?.name !== undefined) return conflict(target.group, target.resource, target.name);
      return new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${target ? qualifiedResource(target.group, target.resource) : path}: the object has been modified; please apply your changes to the latest version and try again`,
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
  errorFor(method: string, path: string, target: () => FaultTarget | undefined): ApiError | undefined {
    for (const armed of this.#armed) {
      const { fault } = armed;
      if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!pathMatches(fault.path, path)) continue;
      armed.seen++;
      const first = fault.nth ?? 1;
      const last = first + (fault.times ?? 1) - 1;
      if (armed.seen >= last) this.#armed.delete(armed);
      if (armed.seen >= first && armed.seen <= last) return faultError(fault.status, path, target());
    }
    return undefined;
  }
}
