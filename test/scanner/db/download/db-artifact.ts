/** Builds Trivy DB layers (`db.tar.gz`) for download tests: a real bbolt file plus metadata.json, gzip'd tar. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { writeBoltTree, type BoltTree } from '../../../support/bbolt-writer.ts';

export const SAMPLE_ADVISORY = { FixedVersion: '3.0.11-1~deb12u2' };
export const SAMPLE_VULN_ID = 'CVE-2023-5678';

/** A tiny Trivy-shaped DB: one Debian advisory, its vulnerability record and data source. */
export function sampleDbTree(marker = 'v1'): BoltTree {
  return {
    'debian 12': { openssl: { [SAMPLE_VULN_ID]: JSON.stringify(SAMPLE_ADVISORY) } },
    vulnerability: {
      [SAMPLE_VULN_ID]: JSON.stringify({ Title: `openssl: sample (${marker})`, Severity: 'MEDIUM' }),
    },
    'data-source': { 'debian 12': JSON.stringify({ ID: 'debian', Name: 'Debian Security Tracker' }) },
  };
}

export function sampleMetadata(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const updatedAt = new Date(Date.now() - 60_000);
  return {
    Version: 2,
    NextUpdate: new Date(updatedAt.getTime() + 24 * 3600_000).toISOString(),
    UpdatedAt: updatedAt.toISOString(),
    DownloadedAt: '0001-01-01T00:00:00Z',
    ...overrides,
  };
}

export interface TarMember {
  name: string;
  content?: Buffer;
  type?: 'file' | 'symlink' | 'link' | 'directory';
  linkname?: string;
}

export async function gzipTar(members: TarMember[]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const member of members) {
    const type = member.type ?? 'file';
    if (type === 'file') {
      pack.entry(
        { name: member.name, size: member.content?.length ?? 0, mode: 0o644 },
        member.content ?? Buffer.alloc(0),
      );
    } else {
      pack.entry({ name: member.name, type, ...(member.linkname ? { linkname: member.linkname } : {}) });
    }
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
  return gzipSync(Buffer.concat(chunks));
}

/** `trivy.db` bytes written by the test bbolt writer. */
export async function boltBytes(tree: BoltTree): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'trivy-ts-bolt-'));
  try {
    const path = join(dir, 'trivy.db');
    writeBoltTree(path, tree);
    return await readFile(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A well-formed DB layer; `extra` members are appended (for the rejection tests). */
export async function buildDbLayer(
  options: { tree?: BoltTree; metadata?: Record<string, unknown>; extra?: TarMember[] } = {},
): Promise<Buffer> {
  const db = await boltBytes(options.tree ?? sampleDbTree());
  return gzipTar([
    { name: 'trivy.db', content: db },
    { name: 'metadata.json', content: Buffer.from(JSON.stringify(options.metadata ?? sampleMetadata())) },
    ...(options.extra ?? []),
  ]);
}
