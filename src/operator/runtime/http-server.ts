import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../util/logger.ts';

export type Route = (request: IncomingMessage, url: URL) => Promise<RouteResponse> | RouteResponse;

export interface RouteResponse {
  status: number;
  contentType: string;
  body: string;
}

export const text = (status: number, body: string): RouteResponse => ({
  status,
  contentType: 'text/plain; charset=utf-8',
  body,
});

export const json = (status: number, value: unknown): RouteResponse => ({
  status,
  contentType: 'application/json',
  body: `${JSON.stringify(value, null, 2)}\n`,
});

/** A tiny GET-only HTTP server for probes, metrics and the status view. */
export class HttpEndpoint {
  readonly #server: Server;
  readonly #routes = new Map<string, Route>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
    this.#server = createServer((request, response) => void this.#handle(request, response));
  }

  route(path: string, handler: Route): this {
    this.#routes.set(path, handler);
    return this;
  }

  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    return (this.#server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = this.#routes.get(url.pathname);
    let result: RouteResponse;
    if (request.method !== 'GET' && request.method !== 'HEAD') result = text(405, 'method not allowed\n');
    else if (!route) result = text(404, 'not found\n');
    else {
      try {
        result = await route(request, url);
      } catch (error) {
        this.#logger.error({ path: url.pathname, err: String(error) }, 'HTTP handler failed');
        result = text(500, 'internal error\n');
      }
    }
    response.writeHead(result.status, { 'content-type': result.contentType });
    response.end(request.method === 'HEAD' ? undefined : result.body);
  }
}
