import { gzipSync, zstdCompressSync } from 'node:zlib';
import tar from 'tar-stream';

/**
 * Seed layers for the layer-walker and tar-index targets: a small but varied tar (analyzer files, whiteouts, an
 * opaque dir, links, a PAX long name, a GNU long name written by tar-stream) in every compression the walker reads.
 */
export interface LayerSeeds {
  tar: Buffer;
  gzip: Buffer;
  zstd: Buffer;
}

type Entry = {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  body?: string;
  linkname?: string;
};

const entries: Entry[] = [
  { name: 'etc/', type: 'directory' },
  { name: 'etc/debian_version', body: '12.5\n' },
  { name: 'etc/os-release', body: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n' },
  {
    name: 'var/lib/dpkg/status',
    body: 'Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\nSource: glibc\n\n',
  },
  { name: 'usr/lib/node_modules/lodash/package.json', body: '{"name":"lodash","version":"4.17.20"}' },
  {
    name: 'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA',
    body: 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n',
  },
  { name: 'usr/share/.wh.doc', body: '' },
  { name: 'opt/app/.wh..wh..opq', body: '' },
  { name: 'bin/sh', type: 'symlink', linkname: '/bin/dash' },
  { name: 'bin/hard', type: 'link', linkname: 'etc/os-release' },
  { name: `srv/${'deep/'.repeat(30)}package.json`, body: '{"name":"deep","version":"1.0.0"}' },
  { name: 'root/.aws/credentials', body: '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n' },
];

export async function layerSeeds(): Promise<LayerSeeds> {
  const pack = tar.pack();
  for (const entry of entries) {
    const body = entry.body === undefined ? undefined : Buffer.from(entry.body);
    const header = {
      name: entry.name,
      type: entry.type ?? 'file',
      mode: 0o644,
      mtime: new Date(0),
      ...(entry.linkname ? { linkname: entry.linkname } : {}),
      ...(body ? { size: body.length } : {}),
    } as const;
    if (body) pack.entry(header, body);
    else pack.entry(header);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  const plain = Buffer.concat(chunks);
  return { tar: plain, gzip: gzipSync(plain), zstd: zstdCompressSync(plain) };
}
