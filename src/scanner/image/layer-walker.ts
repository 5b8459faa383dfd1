import { posix } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import tar, { type Header } from 'tar-stream';
import type { Application, BuildInfo, OperatingSystem, PackageInfo, Repository } from '../inventory.ts';
import {
  AnalyzerError,
  type AnalysisInput,
  type AnalysisResult,
  type Analyzer,
  type FileInfo,
  type PackageFiles,
} from '../analyzers/types.ts';
import { UserFacingError } from '../../util/errors.ts';
import type { SecretScanner } from '../secrets/scanner.ts';
import type { SecretFinding } from '../secrets/types.ts';
import { decompress } from './compression.ts';
import { mergeOs } from '../analyzers/os/merge.ts';

/** What one layer contributes, keyed for merging; field names follow Trivy's BlobInfo. */
export interface LayerAnalysis {
  SchemaVersion: 2;
  Digest?: string;
  DiffID: string;
  OS?: OperatingSystem;
  Repository?: Repository;
  PackageInfos: PackageInfo[];
  Applications: Application[];
  OpaqueDirs: string[];
  WhiteoutFiles: string[];
  /** Secret findings per file (paths with a leading `/`, as Trivy reports secret targets). */
  Secrets: LayerSecrets[];
  /** Files each OS package installed, when the package manager keeps them apart from its database (dpkg). */
  PackageFiles: PackageFiles[];
  /** Red Hat build facts found in this layer (content manifests, build Dockerfile). */
  BuildInfo?: BuildInfo;
}

export interface LayerSecrets {
  FilePath: string;
  Findings: SecretFinding[];
}

export interface LayerWarning {
  path?: string;
  message: string;
}

export interface LayerLimits {
  /** Files an analyzer wants are buffered in memory up to this size; larger ones are skipped with a warning. */
  maxFileBytes: number;
  /** Decompressed bytes per layer: a decompression bomb stops here with an error instead of running forever. */
  maxLayerBytes: number;
  maxEntries: number;
}

export const defaultLayerLimits: LayerLimits = {
  maxFileBytes: 100 * 1024 * 1024,
  maxLayerBytes: 32 * 1024 * 1024 * 1024,
  maxEntries: 5_000_000,
};

export interface WalkLayerOptions {
  analyzers: readonly Analyzer[];
  diffId: string;
  digest?: string;
  limits?: Partial<LayerLimits>;
  /** Scans every file it wants for secrets; files above the analysis limit are scanned as streams. */
  secrets?: SecretScanner;
  /** Files (relative paths) neither analysed nor scanned for secrets: `--skip-files` / `--skip-dirs`. */
  skip?: (path: string) => boolean;
  /** Malformed files, skipped entries: reported, never fatal. */
  onWarning?: (warning: LayerWarning) => void;
}

export class LayerError extends UserFacingError {}

/** tar-stream's extractor, typed as what it is at run time (its own types describe streamx streams, which Node's pipe() does not accept). */
type TarEntry = Readable & { header: Header };
type TarExtract = Writable & AsyncIterable<TarEntry>;

const opaqueMarker = '.wh..wh..opq';
const tarBlock = 512;
/** Files only the secret scanner wants are streamed through it above this size. */
const secretStreamBytes = 1024 * 1024;
const whiteoutPrefix = '.wh.';

/**
 * Streams one layer (gzip, zstd or plain tar) through the analyzers without writing anything to disk. Only regular
 * files are read; links are never followed, so link loops and links pointing outside the image are harmless. Paths
 * are cleaned to Trivy's form (`etc/os-release`); entries that would escape the root are skipped with a warning.
 */
export async function walkLayer(input: Readable, options: WalkLayerOptions): Promise<LayerAnalysis> {
  const limits = { ...defaultLayerLimits, ...options.limits };
  const warn = options.onWarning ?? (() => {});
  const result: LayerAnalysis = {
    SchemaVersion: 2,
    ...(options.digest ? { Digest: options.digest } : {}),
    DiffID: options.diffId,
    PackageInfos: [],
    Applications: [],
    OpaqueDirs: [],
    WhiteoutFiles: [],
    Secrets: [],
    PackageFiles: [],
  };

  let layerBytes = 0;
  let entries = 0;
  const { stream, compression } = await decompress(input);
  stream.on('data', (chunk: Buffer) => {
    layerBytes += chunk.length;
    if (layerBytes > limits.maxLayerBytes) {
      stream.destroy(
        new LayerError(`layer ${options.diffId} decompresses to more than ${limits.maxLayerBytes} bytes`, {
          hint: 'the layer looks like a decompression bomb; raise the limit only if the image is trusted',
        }),
      );
    }
  });
  // Counting happens on the same stream tar reads from, so pause/resume (backpressure) applies to both.
  const extract = tar.extract() as unknown as TarExtract;
  stream.pipe(extract, { end: false });
  stream.on('error', (error) => extract.destroy(error));
  // Old umoci releases (Debian 12's among them) never close their tar writer: the layer stops right after the last
  // entry's data, without its block padding or the end-of-archive blocks. Runtimes unpack such layers, so the
  // missing zeros are supplied here; whether an entry's data ran into them is checked after the walk.
  let tarBytes: number | undefined;
  let dataEnd = 0;
  stream.on('end', () => {
    const partial = layerBytes % tarBlock;
    if (partial !== 0) {
      tarBytes = layerBytes;
      extract.write(Buffer.alloc(tarBlock - partial + 2 * tarBlock));
    }
    extract.end();
  });

  try {
    for await (const entry of extract) {
      if (++entries > limits.maxEntries) {
        throw new LayerError(`layer ${options.diffId} has more than ${limits.maxEntries} entries`);
      }
      const header = entry.header;
      const dataOffset = (header as Header & { byteOffset?: number }).byteOffset;
      if (dataOffset !== undefined) dataEnd = Math.max(dataEnd, dataOffset + (header.size ?? 0));
      const path = cleanPath(header.name);
      if (path === undefined) {
        warn({ path: header.name, message: 'entry path escapes the image root or holds a NUL; skipped' });
        entry.resume();
        continue;
      }
      if (path === '') {
        entry.resume();
        continue;
      }
      const name = posix.basename(path);
      if (name === opaqueMarker) {
        result.OpaqueDirs.push(posix.dirname(path) === '.' ? '' : posix.dirname(path));
        entry.resume();
        continue;
      }
      if (name.startsWith(whiteoutPrefix)) {
        const dir = posix.dirname(path);
        const target = name.slice(whiteoutPrefix.length);
        // `.wh.`, `.wh..` and `.wh...` name no file: taken literally they would delete their directory or its parent.
        if (target === '' || target === '.' || target === '..') {
          warn({ path: header.name, message: 'whiteout names no file; skipped' });
        } else {
          result.WhiteoutFiles.push(dir === '.' ? target : `${dir}/${target}`);
        }
        entry.resume();
        continue;
      }
      if ((header.type !== 'file' && header.type !== 'contiguous-file') || options.skip?.(path)) {
        entry.resume();
        continue;
      }
      const file: FileInfo = { path, size: header.size ?? 0, mode: header.mode ?? 0 };
      const wanting = options.analyzers.filter((analyzer) => analyzer.required(file));
      const secretPath = `/${path}`;
      const scanSecrets = options.secrets?.required(secretPath, file.size) ?? false;
      if (wanting.length === 0 && !scanSecrets) {
        entry.resume();
        continue;
      }
      // Only analyzers need whole files; the secret scanner alone reads big ones piece by piece, so a large text
      // file (an apt package list, a log) costs one 64 KiB window rather than its size in memory.
      const oversize = file.size > limits.maxFileBytes;
      if (oversize || (wanting.length === 0 && file.size > secretStreamBytes)) {
        if (oversize && wanting.length > 0) {
          warn({
            path,
            message: `${file.size} bytes is over the ${limits.maxFileBytes}-byte analysis limit; skipped`,
          });
        }
        if (scanSecrets && options.secrets) {
          addSecrets(result, secretPath, await scanEntryForSecrets(options.secrets, secretPath, entry));
        } else {
          entry.resume();
        }
        continue;
      }
      if (wanting.length === 0 && options.secrets) {
        // Most files only the secret scanner wants are executables: their first bytes say so, and the rest is
        // skipped without being copied.
        const scanner = options.secrets;
        const content = await readEntry(entry, file.size, (head) => scanner.skipsContent(secretPath, head));
        if (content) addSecrets(result, secretPath, scanner.scan(secretPath, content));
        continue;
      }
      const content = await readEntry(entry, file.size);
      if (!content) continue;
      for (const analyzer of wanting) {
        await runAnalyzer(analyzer, { ...file, content }, result, warn);
      }
      if (scanSecrets && options.secrets)
        addSecrets(result, secretPath, options.secrets.scan(secretPath, content));
    }
    if (tarBytes !== undefined) {
      if (dataEnd > tarBytes) {
        throw new LayerError(
          `layer ${options.diffId} is truncated: its last entry needs ${dataEnd - tarBytes} more bytes`,
          { hint: 'the layer is truncated; pull or build the image again' },
        );
      }
      warn({
        message: `the layer's tar stream stops without padding or an end-of-archive marker (${tarBlock - (tarBytes % tarBlock)} bytes short of a block); every entry was read`,
      });
    }
  } catch (error) {
    if (error instanceof UserFacingError) throw error;
    throw new LayerError(
      `layer ${options.diffId} (${compression}) could not be read: ${(error as Error).message}`,
      {
        hint: 'the layer is truncated or not a tar archive; pull the image again',
        cause: error,
      },
    );
  }
  return result;
}

function addSecrets(result: LayerAnalysis, filePath: string, findings: SecretFinding[]): void {
  if (findings.length === 0) return;
  const layer = { ...(result.Digest ? { Digest: result.Digest } : {}), DiffID: result.DiffID };
  result.Secrets.push({
    FilePath: filePath,
    Findings: findings.map((finding) => ({ ...finding, Layer: layer })),
  });
}

/**
 * The scanner stops reading binary files after their first bytes, and closing a tar-stream entry aborts the whole
 * archive (every later entry would be lost, or the walk would never finish). So the scanner gets a view of the
 * entry that it cannot close, and whatever it leaves unread is drained here.
 */
async function scanEntryForSecrets(
  secrets: SecretScanner,
  path: string,
  entry: Readable,
): Promise<SecretFinding[]> {
  const chunks = (entry as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const unclosable: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => ({ next: () => chunks.next() }) };
  const findings = await secrets.scanStream(path, unclosable);
  while ((await chunks.next()).done !== true) {
    // drain the rest of the entry
  }
  return findings;
}

/**
 * The entry's bytes. With `skip`, the first chunk is shown to it first: when it says so, the rest is drained
 * without copying and the result is undefined. A file that arrives in one chunk is returned as that chunk.
 */
async function readEntry(
  entry: Readable,
  size: number,
  skip?: (head: Buffer) => boolean,
): Promise<Buffer | undefined> {
  let content: Buffer | undefined;
  let offset = 0;
  let skipping = false;
  for await (const chunk of entry as AsyncIterable<Buffer>) {
    if (offset + chunk.length > size) throw new LayerError('tar entry is longer than its header says');
    if (offset === 0) {
      skipping = skip?.(chunk) ?? false;
      if (!skipping && chunk.length === size) content = chunk;
    }
    if (!skipping && content !== chunk) {
      content ??= Buffer.allocUnsafe(size);
      chunk.copy(content, offset);
    }
    offset += chunk.length;
  }
  if (offset !== size) throw new LayerError('tar entry is shorter than its header says (truncated layer)');
  if (skipping) return undefined;
  return content ?? Buffer.alloc(0);
}

export async function runAnalyzer(
  analyzer: Analyzer,
  input: AnalysisInput,
  result: LayerAnalysis,
  warn: (warning: LayerWarning) => void,
): Promise<void> {
  let found: AnalysisResult | undefined;
  try {
    found = await analyzer.analyze(input);
  } catch (error) {
    // One malformed file never stops the scan of the rest of the image.
    const message =
      error instanceof AnalyzerError ? error.message : `${analyzer.type}: ${(error as Error).message}`;
    warn({ path: input.path, message });
    return;
  }
  if (!found) return;
  for (const message of found.warnings ?? [])
    warn({ path: input.path, message: `${analyzer.type}: ${message}` });
  if (found.os) result.OS = mergeOs(result.OS, found.os);
  if (found.repository) result.Repository = found.repository;
  if (found.packageInfos) result.PackageInfos.push(...found.packageInfos);
  if (found.applications) result.Applications.push(...found.applications);
  if (found.packageFiles) result.PackageFiles.push(...found.packageFiles);
  if (found.buildInfo) result.BuildInfo = { ...result.BuildInfo, ...found.buildInfo };
}

/**
 * `./usr//lib/../bin/x` → `usr/bin/x`; `''` for the root itself; undefined when the path climbs above the root, or
 * holds a NUL (possible in a PAX record, impossible in a file system: runtimes fail to unpack such an entry).
 */
export function cleanPath(raw: string): string | undefined {
  if (raw.includes('\0')) return undefined;
  const normalized = posix.normalize(`/${raw}`);
  const relative = normalized.replace(/^\/+/, '').replace(/\/+$/, '');
  const rawSegments = raw.split('/');
  let depth = 0;
  for (const segment of rawSegments) {
    if (segment === '..') depth--;
    else if (segment !== '' && segment !== '.') depth++;
    if (depth < 0) return undefined;
  }
  return relative === '.' ? '' : relative;
}
