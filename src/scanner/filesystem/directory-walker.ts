import { constants } from 'node:fs';
import { lstat, open, opendir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Analyzer, FileInfo } from '../analyzers/types.ts';
import { runAnalyzer, type LayerAnalysis, type LayerWarning } from '../image/layer-walker.ts';
import { binaryHeadSize, isBinaryContent, isScannableBinary } from '../secrets/files.ts';
import type { SecretScanner } from '../secrets/scanner.ts';
import { UserFacingError } from '../../util/errors.ts';
import { readBounded } from './bounded-read.ts';
import { relatedFileReader } from './related-files.ts';
import { isSkippedDirectory } from './skipped-paths.ts';

export interface DirectoryLimits {
  /** Files an analyzer wants are read into memory up to this size; larger ones are skipped with a warning. */
  maxFileBytes: number;
  /** Directory entries visited: a runaway tree (or `/` with a huge volume mounted) stops with an error. */
  maxEntries: number;
}

export const defaultDirectoryLimits: DirectoryLimits = {
  maxFileBytes: 100 * 1024 * 1024,
  maxEntries: 5_000_000,
};

export interface WalkDirectoryOptions {
  analyzers: readonly Analyzer[];
  /** Scans every file it wants for secrets; the finding's target is the relative path. */
  secrets?: SecretScanner;
  /** Files (relative paths) neither analysed nor scanned for secrets: `--skip-files` / `--skip-dirs`. */
  skip?: (path: string) => boolean;
  limits?: Partial<DirectoryLimits>;
  /** Unreadable directories and files, malformed files: reported, never fatal. */
  onWarning?: (warning: LayerWarning) => void;
}

export class DirectoryScanError extends UserFacingError {}

/**
 * Walks a directory (or one file) through the analyzers and the secret scanner, the way the layer walker streams a
 * layer: only regular files are read and symbolic links are never followed, so nothing outside the directory is
 * ever opened. Paths are relative with `/` separators (`app/package-lock.json`); a single file is known by its name.
 * The result has the shape of one layer, so the image's merge step (PURLs, aggregation) applies unchanged.
 */
export async function walkDirectory(root: string, options: WalkDirectoryOptions): Promise<LayerAnalysis> {
  const limits = { ...defaultDirectoryLimits, ...options.limits };
  const warn = options.onWarning ?? (() => {});
  const result: LayerAnalysis = {
    SchemaVersion: 2,
    DiffID: '',
    PackageInfos: [],
    Applications: [],
    OpaqueDirs: [],
    WhiteoutFiles: [],
    Secrets: [],
    PackageFiles: [],
  };
  let rootStat;
  try {
    rootStat = await lstat(root);
  } catch (error) {
    throw new DirectoryScanError(`cannot scan ${root}: ${(error as Error).message}`, {
      hint: 'give an existing directory or file',
    });
  }
  if (rootStat.isFile()) {
    // A single file's neighbours (a Maven parent POM) are read from its own directory.
    const file = { root: dirname(root), absolute: root, path: basename(root) };
    await visitFile(file, rootStat.size, rootStat.mode, options, limits, result, warn);
    return result;
  }
  if (!rootStat.isDirectory()) {
    throw new DirectoryScanError(`${root} is neither a directory nor a regular file`, {
      hint: 'a symbolic link is not followed; give the directory it points to',
    });
  }

  let entries = 0;
  // Depth-first with an explicit stack: deep trees cannot exhaust the call stack.
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relativeDir = pending.pop()!;
    const absoluteDir = relativeDir === '' ? root : join(root, relativeDir);
    let dir;
    try {
      dir = await opendir(absoluteDir);
    } catch (error) {
      warn({ path: relativeDir || '.', message: `cannot read directory: ${(error as Error).message}` });
      continue;
    }
    const subdirectories: string[] = [];
    for await (const entry of dir) {
      if (++entries > limits.maxEntries) {
        throw new DirectoryScanError(`${root} has more than ${limits.maxEntries} entries`, {
          hint: 'scan a smaller directory',
        });
      }
      const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (isSkippedDirectory(relativeDir, entry.name)) continue;
        subdirectories.push(relative);
      } else if (entry.isFile()) {
        let stat;
        try {
          stat = await lstat(join(root, relative));
        } catch (error) {
          warn({ path: relative, message: `cannot stat: ${(error as Error).message}` });
          continue;
        }
        if (!stat.isFile() || options.skip?.(relative)) continue;
        const file = { root, absolute: join(root, relative), path: relative };
        await visitFile(file, stat.size, stat.mode, options, limits, result, warn);
      }
      // Symbolic links, sockets, FIFOs and devices are never opened.
    }
    // Reversed so that directories are visited in listing order.
    pending.push(...subdirectories.reverse());
  }
  return result;
}

/** A file found by the walk: its absolute path, and its path relative to the scanned directory `root`. */
interface WalkedFile {
  root: string;
  absolute: string;
  path: string;
}

async function visitFile(
  { root, absolute, path }: WalkedFile,
  size: number,
  mode: number,
  options: WalkDirectoryOptions,
  limits: DirectoryLimits,
  result: LayerAnalysis,
  warn: (warning: LayerWarning) => void,
): Promise<void> {
  const file: FileInfo = { path, size, mode: mode & 0o7777 };
  const wanting = options.analyzers.filter((analyzer) => analyzer.required(file));
  const scanSecrets = options.secrets?.required(path, size) ?? false;
  if (wanting.length === 0 && !scanSecrets) return;
  // A root filesystem is mostly binaries: when only the secret scanner wants a file, its head decides (as the
  // scanner itself would) before the whole file is read.
  if (wanting.length === 0 && !isScannableBinary(path) && (await startsAsBinary(absolute))) return;
  if (size > limits.maxFileBytes) {
    if (wanting.length > 0)
      warn({
        path,
        message: `${size} bytes is over the ${limits.maxFileBytes}-byte analysis limit; skipped`,
      });
    if (scanSecrets && options.secrets) {
      try {
        const handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW);
        const stream = handle.createReadStream();
        addSecrets(result, path, await options.secrets.scanStream(path, stream as AsyncIterable<Buffer>));
      } catch (error) {
        warn({ path, message: `cannot read: ${(error as Error).message}` });
      }
    }
    return;
  }
  let content: Buffer;
  try {
    content = await readBounded(absolute, limits.maxFileBytes, size);
  } catch (error) {
    warn({ path, message: `cannot read: ${(error as Error).message}` });
    return;
  }
  const readRelatedFile = relatedFileReader(root, path, limits.maxFileBytes);
  for (const analyzer of wanting)
    await runAnalyzer(analyzer, { ...file, content, readRelatedFile }, result, warn);
  if (scanSecrets && options.secrets) addSecrets(result, path, options.secrets.scan(path, content));
}

async function startsAsBinary(path: string): Promise<boolean> {
  try {
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const head = Buffer.alloc(binaryHeadSize);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return isBinaryContent(head.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch {
    // Unreadable: the full read reports it.
    return false;
  }
}

function addSecrets(
  result: LayerAnalysis,
  path: string,
  findings: LayerAnalysis['Secrets'][number]['Findings'],
) {
  if (findings.length > 0) result.Secrets.push({ FilePath: path, Findings: findings });
}
