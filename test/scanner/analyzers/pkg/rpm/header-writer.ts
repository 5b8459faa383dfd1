import { RpmType } from '../../../../../src/scanner/analyzers/pkg/rpm/header.ts';

/** Test-only: encodes an RPM header blob (index + data store, big-endian) from tag values. */
export type TagValue =
  | { type: 'string'; value: string }
  | { type: 'strings'; value: string[] }
  | { type: 'int32'; value: number[] }
  | { type: 'bin'; value: Buffer };

export function encodeHeaderBlob(tags: ReadonlyMap<number, TagValue>): Buffer {
  const entries: Buffer[] = [];
  const data: Buffer[] = [];
  let offset = 0;
  for (const [tag, tagValue] of tags) {
    let bytes: Buffer;
    let type: number;
    let count: number;
    switch (tagValue.type) {
      case 'string':
        bytes = Buffer.from(`${tagValue.value}\u0000`);
        type = RpmType.string;
        count = 1;
        break;
      case 'strings':
        bytes = Buffer.concat(tagValue.value.map((s) => Buffer.from(`${s}\u0000`)));
        type = RpmType.stringArray;
        count = tagValue.value.length;
        break;
      case 'int32': {
        const padding = (4 - (offset % 4)) % 4;
        if (padding > 0) {
          data.push(Buffer.alloc(padding));
          offset += padding;
        }
        bytes = Buffer.alloc(tagValue.value.length * 4);
        tagValue.value.forEach((n, i) => bytes.writeUInt32BE(n, i * 4));
        type = RpmType.int32;
        count = tagValue.value.length;
        break;
      }
      case 'bin':
        bytes = tagValue.value;
        type = RpmType.bin;
        count = tagValue.value.length;
        break;
    }
    const entry = Buffer.alloc(16);
    entry.writeInt32BE(tag, 0);
    entry.writeUInt32BE(type, 4);
    entry.writeInt32BE(offset, 8);
    entry.writeUInt32BE(count, 12);
    entries.push(entry);
    data.push(bytes);
    offset += bytes.length;
  }
  const head = Buffer.alloc(8);
  head.writeUInt32BE(entries.length, 0);
  head.writeUInt32BE(offset, 4);
  return Buffer.concat([head, ...entries, ...data]);
}

/** A plausible installed-package header with files, provides and requires. */
export function sampleHeaderBlob(name = 'openssl-libs', requires: string[] = ['libc.so.6()(64bit)']): Buffer {
  return encodeHeaderBlob(
    new Map<number, TagValue>([
      [1000, { type: 'string', value: name }],
      [1001, { type: 'string', value: '3.0.7' }],
      [1002, { type: 'string', value: '27.el9' }],
      [1003, { type: 'int32', value: [1] }],
      [1011, { type: 'string', value: 'Red Hat, Inc.' }],
      [1014, { type: 'string', value: 'ASL 2.0' }],
      [1022, { type: 'string', value: 'x86_64' }],
      [1044, { type: 'string', value: 'openssl-3.0.7-27.el9.src.rpm' }],
      [1047, { type: 'strings', value: [name, `libssl.so.3()(64bit)`] }],
      [1049, { type: 'strings', value: requires }],
      [1116, { type: 'int32', value: [0, 0, 1] }],
      [1117, { type: 'strings', value: ['libcrypto.so.3', 'libssl.so.3', 'openssl.cnf'] }],
      [1118, { type: 'strings', value: ['/usr/lib64/', '/etc/pki/tls/'] }],
      [261, { type: 'bin', value: Buffer.alloc(16, 0xab) }],
    ]),
  );
}
