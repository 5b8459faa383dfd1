import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { silentLogger, type Logger } from '../../util/logger.ts';
import type { LayerAnalysis } from '../image/layer-walker.ts';

export interface LayerCacheOptions {
  /** `<cache-dir>/layers`. */
  directory: string;
  /** Least recently used entries are removed past this total (Trivy's fanal cache grows without bound). */
  maxBytes?: number;
  logger?: Logger;
}

/** What decides whether a cached analysis is still valid: a new analyzer version or secret config invalidates it. */
export interface LayerCacheKeyParts {
  diffId: string;
  analyzerVersions: Record<string, number>;
  /** Hash of the secret scanner configuration, or `off`. */
  secrets: string;
  /** `skipPathsKey` of the skip settings (`none`). */
  skip?: string;
}

const schemaVersion = 1;

/**
 * Per-layer analysis results keyed by diff ID and analyzer versions, so images sharing base layers analyze them
 * once. One gzip'd JSON file per layer, written atomically (temp file + rename); a corrupt entry is a miss and
 * is deleted. Reads touch the file's mtime, which is what pruning orders by.
 */
export class LayerCache {
  readonly #directory: string;
  readonly #maxBytes: number;
  readonly #logger: Logger;

  constructor(options: LayerCacheOptions) {
    this.#directory = options.directory;
    this.#maxBytes = options.maxBytes ?? 1024 * 1024 * 1024;
    this.#logger = options.logger ?? silentLogger;
  }

  static key(parts: LayerCacheKeyParts): string {
    const sortedVersions = Object.fromEntries(
      Object.entries(parts.analyzerVersions).sort(([a], [b]) => a.localeCompare(b)),
    );
    const canonical = JSON.stringify({
      v: schemaVersion,
      id: parts.diffId,
      analyzers: sortedVersions,
      secrets: parts.secrets,
      // Absent when nothing is skipped, so entries written before skip settings existed stay valid.
      ...(parts.skip && parts.skip !== 'none' ? { skip: parts.skip } : {}),
    });
    return createHash('sha256').update(canonical).digest('hex');
  }

  async get(key: string): Promise<LayerAnalysis | undefined> {
    const path = this.#path(key);
    let compressed: Buffer;
    try {
      compressed = await readFile(path);
    } catch {
      return undefined;
    }
    try {
      const analysis = JSON.parse(gunzipSync(compressed).toString('utf8')) as LayerAnalysis;
      if (analysis.SchemaVersion !== 2 || !Array.isArray(analysis.PackageInfos))
        throw new Error('unexpected shape');
      const now = new Date();
      await utimes(path, now, now).catch(() => undefined);
      return analysis;
    } catch (error) {
      this.#logger.warn({ key, error: (error as Error).message }, 'discarding a corrupt layer cache entry');
      await rm(path, { force: true });
      return undefined;
    }
  }

  async put(key: string, analysis: LayerAnalysis): Promise<void> {
    await mkdir(this.#directory, { recursive: true });
    const path = this.#path(key);
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, gzipSync(JSON.stringify(analysis)));
    await rename(temporary, path);
    await this.#prune();
  }

  #path(key: string): string {
    return join(this.#directory, `${key}.json.gz`);
  }

  async #prune(): Promise<void> {
    const names = await readdir(this.#directory).catch(() => [] as string[]);
    const entries = [];
    for (const name of names) {
      const info = await stat(join(this.#directory, name)).catch(() => undefined);
      if (!info) continue;
      // Temp files of a crashed writer are removed once they are clearly abandoned.
      if (name.endsWith('.tmp') && Date.now() - info.mtimeMs > 60 * 60 * 1000) {
        await rm(join(this.#directory, name), { force: true });
        continue;
      }
      if (name.endsWith('.json.gz')) entries.push({ name, size: info.size, used: info.mtimeMs });
    }
    let total = entries.reduce((sum, entry) => sum + entry.size, 0);
    entries.sort((a, b) => a.used - b.used);
    for (const entry of entries) {
      if (total <= this.#maxBytes) break;
      await rm(join(this.#directory, entry.name), { force: true });
      total -= entry.size;
    }
  }
}
