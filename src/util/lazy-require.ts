import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A package loaded on first use, synchronously, for code that must stay synchronous (parsers, version schemes) but
 * whose library only some scans need: loading it at import time would put it on the start-up path of every command.
 * Use it for packages that ship a CommonJS entry point.
 */
export function lazyRequire<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
