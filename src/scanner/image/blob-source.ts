import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { DigestVerifier, digestOf, type ExpectedDigest } from '../../util/digest-verifier.ts';
import { ImageFormatError } from './image.ts';
import type { TarMember } from './tar-index.ts';

/** Small JSON documents (manifests, configs, indexes) are read whole; anything larger than this is refused. */
const maxDocumentBytes = 8 * 1024 * 1024;

/** Files of a local image, whether in a directory (OCI layout) or inside an uncompressed tar (docker save, OCI archive). */
export interface BlobSource {
  readonly where: string;
  has(path: string): boolean | Promise<boolean>;
  readDocument(path: string, expected?: ExpectedDigest): Promise<Buffer>;
  /** Streams a file; with `expected`, the stream fails unless the bytes match it. */
  open(path: string, expected?: ExpectedDigest): Promise<Readable>;
  size(path: string): Promise<number>;
}

/** `sha256:abc…` → `blobs/sha256/abc…`, the OCI layout's content-addressed path. */
export function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  if (!algorithm || !hex || !/^[a-z0-9]+$/.test(algorithm) || !/^[a-f0-9]+$/.test(hex)) {
    throw new ImageFormatError(`malformed digest ${JSON.stringify(digest)}`);
  }
  return `blobs/${algorithm}/${hex}`;
}

function verify(
  stream: Readable,
  where: string,
  path: string,
  expected: ExpectedDigest | undefined,
): Readable {
  if (!expected) return stream;
  const verifier = new DigestVerifier(
    expected,
    (problem) =>
      new ImageFormatError(`${where}: ${path} ${problem}`, {
        hint: 'the image files are corrupt; export the image again',
      }),
  );
  stream.on('error', (error) => verifier.destroy(error));
  return stream.pipe(verifier);
}

function checkDocument(
  content: Buffer,
  where: string,
  path: string,
  expected: ExpectedDigest | undefined,
): Buffer {
  if (
    expected &&
    digestOf(content, expected.digest.startsWith('sha512:') ? 'sha512' : 'sha256') !== expected.digest
  ) {
    throw new ImageFormatError(`${where}: ${path} does not match its digest ${expected.digest}`, {
      hint: 'the image files are corrupt; export the image again',
    });
  }
  return content;
}

export class DirectoryBlobSource implements BlobSource {
  readonly where: string;
  readonly #root: string;

  constructor(root: string) {
    this.#root = resolve(root);
    this.where = root;
  }

  #resolve(path: string): string {
    const full = resolve(join(this.#root, path));
    if (full !== this.#root && !full.startsWith(this.#root + sep)) {
      throw new ImageFormatError(`${this.where}: ${path} points outside the image directory`);
    }
    return full;
  }

  async has(path: string): Promise<boolean> {
    try {
      return (await stat(this.#resolve(path))).isFile();
    } catch {
      return false;
    }
  }

  async size(path: string): Promise<number> {
    return (await stat(this.#resolve(path))).size;
  }

  async readDocument(path: string, expected?: ExpectedDigest): Promise<Buffer> {
    const full = this.#resolve(path);
    let size: number;
    try {
      size = (await stat(full)).size;
    } catch {
      throw new ImageFormatError(`${this.where}: ${path} is missing`, {
        hint: 'the OCI layout is incomplete',
      });
    }
    if (size > maxDocumentBytes)
      throw new ImageFormatError(`${this.where}: ${path} is ${size} bytes, too large`);
    return checkDocument(await readFile(full), this.where, path, expected);
  }

  async open(path: string, expected?: ExpectedDigest): Promise<Readable> {
    if (!(await this.has(path))) {
      throw new ImageFormatError(`${this.where}: ${path} is missing`, {
        hint: 'the OCI layout is incomplete',
      });
    }
    return verify(createReadStream(this.#resolve(path)), this.where, path, expected);
  }
}

export class TarBlobSource implements BlobSource {
  readonly where: string;
  readonly #file: string;
  readonly #members: Map<string, TarMember>;

  constructor(file: string, members: Map<string, TarMember>) {
    this.#file = file;
    this.#members = members;
    this.where = file;
  }

  /** Follows symlinks and hard links inside the archive (docker save links shared layers), refusing loops. */
  #member(path: string): TarMember {
    let name = path.replace(/^\.?\/+/, '');
    for (let hops = 0; hops < 16; hops++) {
      const member = this.#members.get(name);
      if (!member) break;
      if (member.type === 'file') return member;
      if ((member.type !== 'symlink' && member.type !== 'link') || !member.linkName) break;
      name =
        member.type === 'symlink' && !member.linkName.startsWith('/')
          ? join(name, '..', member.linkName).replace(/^\.?\/+/, '')
          : member.linkName.replace(/^\.?\/+/, '');
    }
    throw new ImageFormatError(`${this.where}: ${path} is missing from the archive`, {
      hint: 'the archive is incomplete or not an image archive',
    });
  }

  has(path: string): boolean {
    try {
      this.#member(path);
      return true;
    } catch {
      return false;
    }
  }

  async size(path: string): Promise<number> {
    return this.#member(path).size;
  }

  async readDocument(path: string, expected?: ExpectedDigest): Promise<Buffer> {
    const member = this.#member(path);
    if (member.size > maxDocumentBytes) throw new ImageFormatError(`${this.where}: ${path} is too large`);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.open(path)) chunks.push(chunk as Buffer);
    return checkDocument(Buffer.concat(chunks), this.where, path, expected);
  }

  async open(path: string, expected?: ExpectedDigest): Promise<Readable> {
    const member = this.#member(path);
    const stream =
      member.size === 0
        ? Readable.from([])
        : createReadStream(this.#file, { start: member.offset, end: member.offset + member.size - 1 });
    return verify(stream, this.where, path, expected);
  }
}
