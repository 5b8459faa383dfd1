/**
 * The three parts of undici the registry client uses — the connection-pooling Agent, the redirect interceptor and
 * the request API — loaded by path. undici's package entry loads the whole library (fetch, WebSocket, caches, mocks,
 * proxy agents: ~110 modules) and that was the largest single cost of a scan served from the layer cache
 * (docs/benchmarks.md, Image scanner). undici is pinned to an exact version in package.json; the paths are checked by
 * test/scanner/registry/http.test.ts, so an upgrade that moves them fails there first.
 */
import type { Dispatcher } from 'undici';
import Agent from 'undici/lib/dispatcher/agent.js';
import redirect from 'undici/lib/interceptor/redirect.js';
import dispatchRequest from 'undici/lib/api/api-request.js';

export { Agent, redirect };

/** undici's `request(url, options)`, for the absolute http(s) URLs the registry client builds. */
export function request(
  url: string,
  options: { method: 'GET'; dispatcher: Dispatcher; headers: Record<string, string> },
): Promise<Dispatcher.ResponseData> {
  const { origin, pathname, search } = new URL(url);
  return dispatchRequest.call(options.dispatcher, {
    origin,
    path: `${pathname}${search}`,
    method: options.method,
    headers: options.headers,
  });
}
