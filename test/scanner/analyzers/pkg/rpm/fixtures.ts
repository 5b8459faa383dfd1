import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';

/**
 * Real rpm databases for the tests, made with Debian's `rpm` (4.18: rpmbuild, and the SQLite backend) and
 * Berkeley DB 5.3's `db5.3_load` (hash databases, either byte order). NDB has no writer on Debian, so
 * `writeNdb` below lays out the format by hand (test-only).
 */
const run = promisify(execFile);

export interface RpmSpec {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  vendor: string;
  license: string;
  provides?: string[];
  requires?: string[];
  /** Absolute paths of files the package installs. */
  files: string[];
  modularityLabel?: string;
}

/** Everything `rpm -qa --queryformat` reports for the comparison, one line per package. */
export const rpmQueryFormat =
  '%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SOURCERPM}|%{VENDOR}|%{LICENSE}|%{MODULARITYLABEL}\\n';

function specText(spec: RpmSpec): string {
  const lines = [
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
    `Release: ${spec.release}`,
    ...(spec.epoch === undefined ? [] : [`Epoch: ${spec.epoch}`]),
    'Summary: trivy-ts test package',
    `License: ${spec.license}`,
    `Vendor: ${spec.vendor}`,
    'BuildArch: x86_64',
    'AutoReqProv: no',
    ...(spec.provides ?? []).map((p) => `Provides: ${p}`),
    ...(spec.requires ?? []).map((r) => `Requires: ${r}`),
    '%description',
    'test package',
    '%install',
    // One mkdir for all directories and shell built-ins for the files: rpmbuild time is process spawns.
    `mkdir -p ${[...new Set(spec.files.map((f) => `"%{buildroot}${f.slice(0, f.lastIndexOf('/'))}"`))].join(' ')}`,
    `for f in ${spec.files.join(' ')}; do echo x > "%{buildroot}$f"; done`,
    '%files',
    ...spec.files,
    '',
  ];
  return lines.join('\n');
}

/** Builds binary RPMs from the specs and returns their paths. */
export async function buildRpms(dir: string, specs: readonly RpmSpec[]): Promise<string[]> {
  const top = join(dir, 'rpmbuild');
  await mkdir(join(top, 'SPECS'), { recursive: true });
  for (const spec of specs) {
    const specPath = join(top, 'SPECS', `${spec.name}.spec`);
    await writeFile(specPath, specText(spec));
    const defines = [
      ...['--define', `_topdir ${top}`, '--define', '_build_id_links none'],
      // No strip/compress/byte-compile passes: the payload is a few text files.
      ...[
        '--define',
        '__os_install_post %{nil}',
        '--define',
        '_source_payload w0.gzdio',
        '--define',
        '_binary_payload w0.gzdio',
      ],
    ];
    if (spec.modularityLabel !== undefined)
      defines.push('--define', `modularitylabel ${spec.modularityLabel}`);
    await run('rpmbuild', [...defines, '-bb', specPath], { maxBuffer: 16 * 1024 * 1024 });
  }
  const rpmDir = join(top, 'RPMS', 'x86_64');
  return (await readdir(rpmDir)).filter((f) => f.endsWith('.rpm')).map((f) => join(rpmDir, f));
}

/** Installs the RPMs into a fresh SQLite rpmdb (database only, no files, no scripts); returns `rpmdb.sqlite`. */
export async function installIntoSqliteDb(dbPath: string, rpms: readonly string[]): Promise<string> {
  await mkdir(dbPath, { recursive: true });
  await run('rpm', ['--dbpath', dbPath, '--initdb']);
  await run('rpm', [
    '--dbpath',
    dbPath,
    '-i',
    '--justdb',
    '--nodeps',
    '--noscripts',
    '--force-debian',
    ...rpms,
  ]);
  return join(dbPath, 'rpmdb.sqlite');
}

/** `rpm -qa` through a given backend: an rpm reader we did not write. Sorted lines. */
export async function rpmQueryAll(dbPath: string, backend: 'sqlite' | 'bdb_ro'): Promise<string[]> {
  const { stdout } = await run('rpm', [
    '--define',
    `_db_backend ${backend}`,
    '--dbpath',
    dbPath,
    '-qa',
    '--queryformat',
    rpmQueryFormat,
  ]);
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .sort();
}

/** Header blobs (instance number, blob) from an rpm SQLite database. */
export function sqliteHeaderBlobs(sqliteFile: string): { hnum: number; blob: Buffer }[] {
  const db = new DatabaseSync(sqliteFile, { readOnly: true });
  try {
    return db
      .prepare('SELECT hnum, blob FROM Packages ORDER BY hnum')
      .all()
      .map((row) => ({ hnum: Number(row.hnum), blob: Buffer.from(row.blob as Uint8Array) }));
  } finally {
    db.close();
  }
}

/**
 * Writes rpm's Berkeley DB `Packages` with Berkeley DB itself: key = instance number in the database's byte
 * order, value = header blob, plus rpm's record 0 (next instance number), loaded by `db5.3_load -t hash`.
 */
export async function writeBerkeleyDb(
  file: string,
  blobs: readonly { hnum: number; blob: Buffer }[],
  options: { bigEndian?: boolean; pageSize?: number; checksum?: boolean } = {},
): Promise<void> {
  const key = (n: number): string => {
    const b = Buffer.alloc(4);
    if (options.bigEndian === true) b.writeUInt32BE(n);
    else b.writeUInt32LE(n);
    return b.toString('hex');
  };
  const next = Math.max(0, ...blobs.map((b) => b.hnum)) + 1;
  const header = [
    'VERSION=3',
    'format=bytevalue',
    'type=hash',
    `db_pagesize=${options.pageSize ?? 4096}`,
    `db_lorder=${options.bigEndian === true ? 4321 : 1234}`,
    ...(options.checksum === true ? ['chksum=1'] : []),
    'HEADER=END',
  ];
  const records = [` ${key(0)}`, ` ${key(next)}`];
  for (const { hnum, blob } of blobs) records.push(` ${key(hnum)}`, ` ${blob.toString('hex')}`);
  const dump = join(`${file}.dump`);
  await writeFile(dump, [...header, ...records, 'DATA=END', ''].join('\n'));
  await run('db5.3_load', ['-f', dump, file]);
}

/**
 * Test-only NDB writer (`Packages.db`), following rpm's lib/backend/ndb/rpmpkg.c layout: 32-byte file header,
 * slot pages (4 KiB) of 16-byte slots from slot 2 on, blobs in 16-byte blocks with head, data, padding and tail.
 * The tail's adler32 covers the head and data (readers here do not verify it).
 */
export function writeNdb(blobs: readonly Buffer[], options: { slotPages?: number } = {}): Buffer {
  const pageSize = 4096;
  const slotPages = options.slotPages ?? 1;
  const chunks: Buffer[] = [];
  const header = Buffer.alloc(slotPages * pageSize);
  header.write('RpmP', 0, 'latin1');
  header.writeUInt32LE(0, 4);
  header.writeUInt32LE(1, 8);
  header.writeUInt32LE(slotPages, 12);
  header.writeUInt32LE(blobs.length + 1, 16);
  const slotCount = (slotPages * pageSize) / 16;
  if (blobs.length > slotCount - 2) throw new Error('too many blobs for the slot pages');
  for (let slot = 2; slot < slotCount; slot++) header.write('Slot', slot * 16, 'latin1');
  let block = (slotPages * pageSize) / 16;
  blobs.forEach((blob, i) => {
    const packageIndex = i + 1;
    const size = Math.ceil((16 + blob.length + 12) / 16) * 16;
    const area = Buffer.alloc(size);
    area.write('BlbS', 0, 'latin1');
    area.writeUInt32LE(packageIndex, 4);
    area.writeUInt32LE(1, 8);
    area.writeUInt32LE(blob.length, 12);
    blob.copy(area, 16);
    area.writeUInt32LE(adler32(area.subarray(0, 16 + blob.length)), size - 12);
    area.writeUInt32LE(blob.length, size - 8);
    area.write('BlbE', size - 4, 'latin1');
    const slotAt = (i + 2) * 16;
    header.writeUInt32LE(packageIndex, slotAt + 4);
    header.writeUInt32LE(block, slotAt + 8);
    header.writeUInt32LE(size / 16, slotAt + 12);
    block += size / 16;
    chunks.push(area);
  });
  return Buffer.concat([header, ...chunks]);
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A small, varied package set: official and third-party vendors, epochs, a modular package, provides/requires. */
export function samplePackages(): RpmSpec[] {
  const manyFiles = Array.from(
    { length: 400 },
    (_, i) => `/usr/share/hello-data/file-${String(i).padStart(3, '0')}.txt`,
  );
  return [
    {
      name: 'hello-libs',
      version: '1.2.3',
      release: '4.el9',
      epoch: 1,
      vendor: 'Red Hat, Inc.',
      license: 'MIT',
      provides: ['libhello.so.1()(64bit)'],
      files: ['/usr/lib64/libhello.so.1'],
    },
    {
      name: 'hello-tool',
      version: '1.2.3',
      release: '4.el9',
      vendor: 'Red Hat, Inc.',
      license: 'MIT AND Apache-2.0',
      requires: ['libhello.so.1()(64bit)', 'hello-libs', 'not-installed-anywhere'],
      files: ['/usr/bin/hello', ...manyFiles],
    },
    {
      name: 'nodejs',
      version: '18.18.2',
      release: '1.module_el9.2.0+41+3d4d3f7d',
      epoch: 1,
      vendor: 'AlmaLinux',
      license: 'MIT',
      files: ['/usr/bin/node'],
      modularityLabel: 'nodejs:18:9020020230427160308:rhel9',
    },
    {
      name: 'acme-agent',
      version: '7.0',
      release: '1',
      vendor: 'Acme Corp',
      license: 'Proprietary',
      requires: ['hello-tool'],
      files: ['/opt/acme/agent.py'],
    },
  ];
}
