/**
 * Test helper: runs Debian's etcd (v3.4, `etcd-server` package) on 127.0.0.1 with a temp data dir and talks to it
 * through its v3 JSON gateway. Its backend file `<data-dir>/member/snap/db` is a real bbolt file written by Go's bbolt,
 * which proves our reader against an implementation we did not write.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './ports.ts';

export interface EtcdServer {
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  /** bbolt backend file; complete once the server has stopped. */
  readonly boltPath: string;
  /** POSTs `body` as JSON to a gateway path such as `/v3/kv/put` and returns the parsed JSON answer. */
  call(path: string, body: unknown): Promise<Record<string, unknown>>;
  /** SIGTERM, then waits for exit (SIGKILL after 15 s). etcd shuts down and then re-raises the signal. */
  stop(): Promise<EtcdExit>;
}

export interface EtcdExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startEtcd(dataDir: string, timeoutMs = 30_000): Promise<EtcdServer> {
  const clientPort = await freePort();
  const peerPort = await freePort();
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const child: ChildProcess = spawn(
    'etcd',
    [
      '--name=test',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=test=${peerUrl}`,
      '--initial-cluster-state=new',
      '--logger=zap',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  let exit: EtcdExit | undefined;
  const exited = new Promise<EtcdExit>((resolve) => {
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
    child.on('error', (error) => {
      stderr += `\n${error.message}`;
      exit = { code: -1, signal: null };
      resolve(exit);
    });
  });

  const stop = async (): Promise<EtcdExit> => {
    if (exit !== undefined) return exit;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  const call = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${clientUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`etcd ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exit !== undefined) throw new Error(`etcd exited early (${JSON.stringify(exit)}):\n${stderr}`);
    try {
      const response = await fetch(`${clientUrl}/health`);
      const health = (await response.json()) as { health?: string };
      if (response.ok && health.health === 'true') break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`etcd did not become healthy within ${timeoutMs} ms:\n${stderr}`);
    }
    await sleep(100);
  }
  return { clientUrl, peerUrl, dataDir, boltPath: join(dataDir, 'member', 'snap', 'db'), call, stop };
}

/** The fields of etcd's `mvccpb.KeyValue` (the values of its `key` bucket). */
export interface EtcdKeyValue {
  key: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  value: Buffer;
  lease: number;
}

/** Decodes a protobuf `mvccpb.KeyValue` (fields 1..6: bytes key, int64 ×3, bytes value, int64 lease). */
export function decodeEtcdKeyValue(bytes: Buffer): EtcdKeyValue {
  const kv: EtcdKeyValue = {
    key: Buffer.alloc(0),
    createRevision: 0,
    modRevision: 0,
    version: 0,
    value: Buffer.alloc(0),
    lease: 0,
  };
  let at = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (at >= bytes.length) throw new Error('truncated varint');
      const byte = bytes[at++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new Error('varint too long');
    }
  };
  while (at < bytes.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (wireType === 2) {
      const length = varint();
      if (at + length > bytes.length) throw new Error('truncated length-delimited field');
      const data = bytes.subarray(at, at + length);
      at += length;
      if (field === 1) kv.key = data;
      else if (field === 5) kv.value = data;
    } else if (wireType === 0) {
      const n = varint();
      if (field === 2) kv.createRevision = n;
      else if (field === 3) kv.modRevision = n;
      else if (field === 4) kv.version = n;
      else if (field === 6) kv.lease = n;
    } else {
      throw new Error(`unexpected protobuf wire type ${wireType}`);
    }
  }
  return kv;
}

/** etcd's `key` bucket key for a revision: 8-byte big-endian main revision, '_', 8-byte big-endian sub revision. */
export function etcdRevisionKey(main: number, sub: number): Buffer {
  const key = Buffer.alloc(17);
  key.writeBigUInt64BE(BigInt(main), 0);
  key[8] = 0x5f;
  key.writeBigUInt64BE(BigInt(sub), 9);
  return key;
}

export interface EtcdWrite {
  key: Buffer;
  value: Buffer;
  /** Main revision reported by etcd for the put (or the txn holding it). */
  revision: number;
  /** Position of the put within its txn (0 for a single put). */
  sub: number;
}

export interface EtcdFixture {
  boltPath: string;
  /** Every write in revision-key order, as etcd acknowledged it. */
  writes: EtcdWrite[];
  /** What a range read of all keys returned before the server stopped, by key (hex). */
  ranged: Map<string, { modRevision: number; createRevision: number; version: number; value: Buffer }>;
  /** Main revisions of the multi-put transactions (each covers `putsPerTxn` keys). */
  txnRevisions: number[];
  putsPerTxn: number;
  /** The member's peer URL, stored by etcd in its small `members` bucket. */
  peerUrl: string;
  exit: EtcdExit;
}

const b64 = (bytes: Buffer): string => bytes.toString('base64');

function revisionOf(answer: Record<string, unknown>): number {
  const header = answer.header as { revision?: string } | undefined;
  const revision = Number(header?.revision);
  if (!Number.isSafeInteger(revision) || revision <= 0)
    throw new Error(`no revision in ${JSON.stringify(answer)}`);
  return revision;
}

/** Deterministic pseudo-random bytes, so values are not trivially compressible patterns. */
function filler(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = 0x20 + ((x >>> 0) % 95);
  }
  return out;
}

/**
 * Starts etcd in `dataDir`, writes `txns` transactions of `putsPerTxn` small puts plus large values (5 KiB, 40 KiB,
 * 200 KiB: overflow pages), a binary key and an empty value, range-reads everything back, and stops etcd cleanly.
 */
export async function buildEtcdFixture(dataDir: string, txns = 30, putsPerTxn = 100): Promise<EtcdFixture> {
  const etcd = await startEtcd(dataDir);
  try {
    const writes: EtcdWrite[] = [];
    const txnRevisions: number[] = [];
    const put = async (key: Buffer, value: Buffer): Promise<void> => {
      const revision = revisionOf(await etcd.call('/v3/kv/put', { key: b64(key), value: b64(value) }));
      writes.push({ key, value, revision, sub: 0 });
    };
    await put(Buffer.from('/config/small'), Buffer.from('hello'));
    await put(Buffer.from('/config/empty'), Buffer.alloc(0));
    await put(Buffer.from([0x00, 0xff, 0x10, 0x80]), Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    for (let t = 0; t < txns; t++) {
      const batch: { key: Buffer; value: Buffer }[] = [];
      for (let j = 0; j < putsPerTxn; j++) {
        const key = Buffer.from(
          `/registry/pods/ns-${String(t).padStart(3, '0')}/pod-${String(j).padStart(4, '0')}`,
        );
        batch.push({ key, value: filler(20 + ((t * putsPerTxn + j) % 180), t * 1000 + j + 1) });
      }
      const answer = await etcd.call('/v3/kv/txn', {
        success: batch.map(({ key, value }) => ({ request_put: { key: b64(key), value: b64(value) } })),
      });
      if (answer.succeeded !== true) throw new Error(`txn ${t} did not succeed: ${JSON.stringify(answer)}`);
      const revision = revisionOf(answer);
      txnRevisions.push(revision);
      batch.forEach(({ key, value }, sub) => writes.push({ key, value, revision, sub }));
    }
    for (const [name, size] of [
      ['5k', 5 * 1024],
      ['40k', 40 * 1024],
      ['200k', 200 * 1024],
    ] as const) {
      await put(Buffer.from(`/blobs/${name}`), filler(size, size));
    }

    const all = await etcd.call('/v3/kv/range', {
      key: b64(Buffer.from([0])),
      range_end: b64(Buffer.from([0])),
    });
    const ranged: EtcdFixture['ranged'] = new Map();
    for (const kv of (all.kvs ?? []) as Record<string, string | undefined>[]) {
      ranged.set(Buffer.from(kv.key ?? '', 'base64').toString('hex'), {
        modRevision: Number(kv.mod_revision),
        createRevision: Number(kv.create_revision),
        version: Number(kv.version),
        value: Buffer.from(kv.value ?? '', 'base64'),
      });
    }
    const exit = await etcd.stop();
    writes.sort((a, b) => a.revision - b.revision || a.sub - b.sub);
    return { boltPath: etcd.boltPath, writes, ranged, txnRevisions, putsPerTxn, peerUrl: etcd.peerUrl, exit };
  } finally {
    await etcd.stop();
  }
}
