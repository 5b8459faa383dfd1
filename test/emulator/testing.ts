/** Small HTTP helpers for tests that talk to the emulator directly (raw status codes, headers, watch streams). */
import { Agent, request } from 'undici';
import type { Emulator } from './index.ts';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Record<string, unknown>;
}

const agents = new WeakMap<Emulator, Agent>();

function agentFor(emulator: Emulator): Agent {
  let agent = agents.get(emulator);
  if (!agent) {
    agent = new Agent({ connect: { ca: emulator.caCertificate } });
    agents.set(emulator, agent);
  }
  return agent;
}

export async function closeAgent(emulator: Emulator): Promise<void> {
  await agents.get(emulator)?.close();
  agents.delete(emulator);
}

export async function apiRequest(
  emulator: Emulator,
  method: string,
  path: string,
  options: { body?: unknown; contentType?: string; accept?: string; token?: string | null } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? emulator.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.accept) headers.accept = options.accept;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  const response = await request(`${emulator.url}${path}`, {
    method: method as 'GET',
    headers,
    body,
    dispatcher: agentFor(emulator),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

export interface WatchEventLine {
  type: string;
  object: {
    metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
  } & Record<string, unknown>;
}

/**
 * Opens a watch and collects its events until `until` says stop (or the server ends the stream, or
 * `timeoutMs` passes). The connection is always closed before returning.
 */
export async function collectWatch(
  emulator: Emulator,
  path: string,
  until: (events: WatchEventLine[]) => boolean,
  timeoutMs = 5000,
  onOpen?: () => void,
): Promise<{ status: number; events: WatchEventLine[]; ended: boolean }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const events: WatchEventLine[] = [];
  let ended = false;
  let status = 0;
  try {
    const response = await request(`${emulator.url}${path}`, {
      headers: { authorization: `Bearer ${emulator.token}` },
      dispatcher: agentFor(emulator),
      signal: abort.signal,
    });
    status = response.statusCode;
    onOpen?.();
    let buffered = '';
    try {
      for await (const chunk of response.body) {
        buffered += chunk.toString();
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffered.slice(0, newline)) as WatchEventLine);
          buffered = buffered.slice(newline + 1);
        }
        if (until(events)) break;
      }
      ended = !until(events);
    } finally {
      response.body.destroy();
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  return { status, events, ended };
}

/**
 * GETs `path` and hands each chunk of the body to `onChunk` as it arrives (a followed pod log, say); resolves when
 * the server ends the body. Gives up after `timeoutMs`.
 */
export async function streamText(
  emulator: Emulator,
  path: string,
  onChunk: (text: string) => void,
  timeoutMs = 30000,
): Promise<void> {
  const response = await request(`${emulator.url}${path}`, {
    headers: { authorization: `Bearer ${emulator.token}` },
    dispatcher: agentFor(emulator),
    signal: AbortSignal.timeout(timeoutMs),
  });
  for await (const chunk of response.body) onChunk((chunk as Buffer).toString('utf8'));
}

/** Polls `check` (sync or async) every 20 ms until it returns true, or fails after `timeoutMs`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10000,
  what = 'condition',
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
