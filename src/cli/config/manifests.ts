import { opendir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { KubernetesObject } from '../../checks/types.ts';
import { UserFacingError } from '../../util/errors.ts';

/** One Kubernetes object found in a manifest file, with the lines it spans (1-based, inclusive) when known. */
export interface ManifestObject {
  object: KubernetesObject;
  startLine?: number;
  endLine?: number;
}

/** Something in a file that could not be read as a Kubernetes object; the rest of the file is still audited. */
export interface ManifestProblem {
  target: string;
  line?: number;
  message: string;
}

export interface ManifestFile {
  /** The path as found (relative paths stay relative), or `-` for standard input. */
  target: string;
  objects: ManifestObject[];
  problems: ManifestProblem[];
}

export class ManifestPathError extends UserFacingError {}

const manifestExtensions = new Set(['.yaml', '.yml', '.json']);
/** Larger files are refused rather than parsed: YAML documents are held in memory while parsed. */
export const maxManifestBytes = 64 * 1024 * 1024;
const maxAliasCount = 100;

/**
 * Yields the manifest files under `paths` in a stable order: a file as given, every `.yaml/.yml/.json` file under a
 * directory (recursively; symbolic links to directories are not followed, so cycles cannot occur), `-` as is.
 */
export async function* manifestPaths(paths: readonly string[]): AsyncGenerator<string> {
  for (const path of paths) {
    if (path === '-') {
      yield path;
      continue;
    }
    const info = await stat(path).catch((error: unknown) => {
      throw new ManifestPathError(
        `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        {
          hint: 'pass files or directories with Kubernetes manifests, or - for standard input',
          cause: error,
        },
      );
    });
    if (info.isDirectory()) yield* walk(path);
    else yield path;
  }
}

async function* walk(directory: string): AsyncGenerator<string> {
  const entries: { name: string; isDirectory: boolean; isFile: boolean }[] = [];
  for await (const entry of await opendir(directory)) {
    entries.push({ name: entry.name, isDirectory: entry.isDirectory(), isFile: entry.isFile() });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile && manifestExtensions.has(extname(entry.name).toLowerCase())) yield path;
  }
}

async function readStandardInput(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > maxManifestBytes) {
      throw new ManifestPathError(`standard input is larger than ${maxManifestBytes} bytes`, {
        hint: 'split the manifests into files and pass a directory',
      });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads and parses one manifest file (or standard input for `-`). */
export async function readManifestFile(
  target: string,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<ManifestFile> {
  if (target === '-') return parseManifests(await readStandardInput(stdin), target);
  const info = await stat(target);
  if (info.size > maxManifestBytes) {
    return {
      target,
      objects: [],
      problems: [{ target, message: `larger than ${maxManifestBytes} bytes, skipped` }],
    };
  }
  return parseManifests(await readFile(target, 'utf8'), target);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isKubernetesObject(value: unknown): value is KubernetesObject {
  return isRecord(value) && typeof value.kind === 'string' && typeof value.apiVersion === 'string';
}

function isList(value: KubernetesObject): value is KubernetesObject & { items: unknown[] } {
  return (value.kind === 'List' || value.kind?.endsWith('List') === true) && Array.isArray(value.items);
}

function lineSpan(
  node: { range?: [number, number, number] | null } | null | undefined,
  lines: LineCounter,
): { startLine?: number; endLine?: number } {
  const range = node?.range;
  if (!range) return {};
  const startLine = lines.linePos(range[0]).line;
  const endLine = lines.linePos(Math.max(range[0], range[1] - 1)).line;
  return { startLine, endLine };
}

/**
 * Parses multi-document YAML or JSON. A document with a syntax error becomes a problem (with its line) and the other
 * documents are still read; `List` objects are expanded into their items; documents that are not Kubernetes objects
 * (no `apiVersion` and `kind`, e.g. Helm values files) are skipped.
 */
export function parseManifests(text: string, target: string): ManifestFile {
  const lines = new LineCounter();
  const documents: Document.Parsed[] = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false });
  const objects: ManifestObject[] = [];
  const problems: ManifestProblem[] = [];
  for (const document of documents) {
    const error = document.errors[0];
    if (error !== undefined) {
      const line = error.linePos?.[0].line;
      problems.push({
        target,
        ...(line === undefined ? {} : { line }),
        message: `not valid YAML: ${(error.message.split('\n')[0] ?? error.code).replace(/:$/, '')}`,
      });
      continue;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount });
    } catch (conversionError) {
      const line = lineSpan(document.contents, lines).startLine;
      problems.push({
        target,
        ...(line === undefined ? {} : { line }),
        message: `cannot read the document: ${conversionError instanceof Error ? conversionError.message : String(conversionError)}`,
      });
      continue;
    }
    if (!isKubernetesObject(value)) continue;
    if (isList(value)) {
      value.items.forEach((item, index) => {
        if (isKubernetesObject(item)) {
          objects.push({ object: item, ...lineSpan(document.getIn(['items', index], true) as never, lines) });
        }
      });
      continue;
    }
    objects.push({ object: value, ...lineSpan(document.contents, lines) });
  }
  return { target, objects, problems };
}
