/**
 * The undici parts that src/scanner/registry/http.ts loads by path: they must be the library's own (the same classes
 * its entry point exports) and work together as the registry client uses them. An undici upgrade that moves or
 * changes them fails here.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as undici from 'undici';
import { Agent, redirect, request } from '../../../src/scanner/registry/http.ts';

describe('registry HTTP (undici parts loaded by path)', () => {
  let server: Server;
  let base: string;
  const seen: { url: string; headers: Record<string, string | string[] | undefined> }[] = [];

  before(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      if (req.url === '/moved') {
        res.writeHead(307, { location: '/v2/?x=1' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.method} ${req.url}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('are the classes and functions undici exports', () => {
    assert.equal(Agent, undici.Agent);
    assert.equal(redirect, undici.interceptors.redirect);
  });

  it('sends a GET with its path, query and headers, and follows a redirect', async () => {
    const agent = new Agent({ headersTimeout: 5000, bodyTimeout: 5000 });
    try {
      const dispatcher = agent.compose(redirect({ maxRedirections: 2 }));
      const direct = await request(`${base}/v2/library/x/manifests/1?n=2`, {
        method: 'GET',
        dispatcher,
        headers: { 'user-agent': 'trivy-ts-test' },
      });
      assert.equal(direct.statusCode, 200);
      assert.equal(await direct.body.text(), 'GET /v2/library/x/manifests/1?n=2');
      assert.equal(seen.at(-1)?.headers['user-agent'], 'trivy-ts-test');

      const moved = await request(`${base}/moved`, { method: 'GET', dispatcher, headers: {} });
      assert.equal(moved.statusCode, 200);
      assert.equal(await moved.body.text(), 'GET /v2/?x=1');
    } finally {
      await agent.close();
    }
  });

  it('rejects when nothing listens', async () => {
    const agent = new Agent({ connect: { timeout: 2000 } });
    try {
      await assert.rejects(
        request('http://127.0.0.1:1/v2/', { method: 'GET', dispatcher: agent, headers: {} }),
        /ECONNREFUSED/,
      );
    } finally {
      await agent.close();
    }
  });
});
