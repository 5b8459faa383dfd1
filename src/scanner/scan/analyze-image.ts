import type { Analyzer } from '../analyzers/types.ts';
import { LayerCache } from '../cache/layer-cache.ts';
import type { ContainerImage } from '../image/image.ts';
import { mergeLayers, type MergedInventory } from '../image/layer-merge.ts';
import { walkLayer, type LayerAnalysis, type LayerWarning } from '../image/layer-walker.ts';
import type { ImageConfig } from '../report/model.ts';
import type { SecretScanner } from '../secrets/scanner.ts';
import type { SecretFinding } from '../secrets/types.ts';
import { silentLogger, type Logger } from '../../util/logger.ts';
import { pathSkipper, skipPathsKey, type SkipPaths } from './skip-paths.ts';

export interface AnalyzeImageOptions {
  analyzers: readonly Analyzer[];
  /** Omit to skip secret scanning (`--scanners vuln`). */
  secrets?: { scanner: SecretScanner; configHash: string };
  cache?: LayerCache;
  /** `--skip-files` / `--skip-dirs`. */
  skip?: SkipPaths;
  /** Layers analyzed at once (each is one stream). */
  parallelLayers?: number;
  logger?: Logger;
  /** Called as each layer finishes (cached or analyzed), for progress output. */
  onLayerDone?: (done: number, total: number, layer: { diffId: string; cached: boolean }) => void;
}

export interface ImageAnalysis {
  layers: LayerAnalysis[];
  inventory: MergedInventory;
  /** Secret findings per file across layers, upper layer winning per rule (whiteouts do not hide secrets). */
  secrets: { FilePath: string; Findings: SecretFinding[] }[];
  /** Layers whose analysis came from the cache. */
  cachedLayers: number;
}

/**
 * Image → inventory: every layer streamed through the analyzers (or taken from the layer cache), then merged the
 * way the container filesystem is. Layers run with bounded concurrency; results keep layer order.
 */
export async function analyzeImage(
  image: ContainerImage,
  options: AnalyzeImageOptions,
): Promise<ImageAnalysis> {
  const logger = options.logger ?? silentLogger;
  const analyzerVersions = Object.fromEntries(
    options.analyzers.map((analyzer) => [analyzer.type, analyzer.version]),
  );
  const baseLayers = baseImageLayerCount(image.config);
  const skip = pathSkipper(options.skip);
  const skipKey = skipPathsKey(options.skip);
  const results: LayerAnalysis[] = new Array(image.layers.length);
  let done = 0;
  let cachedLayers = 0;

  const analyzeLayer = async (index: number) => {
    const layer = image.layers[index];
    if (!layer) return;
    // Secrets in the base image are the base image's business, as in Trivy.
    const secrets = index >= baseLayers ? options.secrets : undefined;
    const key = LayerCache.key({
      diffId: layer.diffId,
      analyzerVersions,
      secrets: secrets?.configHash ?? 'off',
      skip: skipKey,
    });
    let analysis = await options.cache?.get(key);
    const cached = analysis !== undefined;
    if (!analysis) {
      analysis = await walkLayer(await layer.open(), {
        analyzers: options.analyzers,
        diffId: layer.diffId,
        ...(layer.digest ? { digest: layer.digest } : {}),
        ...(secrets ? { secrets: secrets.scanner } : {}),
        ...(skip ? { skip } : {}),
        onWarning: (warning: LayerWarning) =>
          logger.warn({ layer: layer.diffId, path: warning.path }, warning.message),
      });
      await options.cache?.put(key, analysis);
    } else {
      cachedLayers++;
    }
    results[index] = analysis;
    options.onLayerDone?.(++done, image.layers.length, { diffId: layer.diffId, cached });
  };

  let next = 0;
  const workers = Array.from(
    { length: Math.max(1, Math.min(options.parallelLayers ?? 3, image.layers.length)) },
    async () => {
      while (next < image.layers.length) await analyzeLayer(next++);
    },
  );
  await Promise.all(workers);

  return { layers: results, inventory: mergeLayers(results), secrets: mergeSecrets(results), cachedLayers };
}

function mergeSecrets(layers: readonly LayerAnalysis[]): ImageAnalysis['secrets'] {
  const byFile = new Map<string, Map<string, SecretFinding>>();
  for (const layer of layers) {
    for (const file of layer.Secrets) {
      const byRule = byFile.get(file.FilePath) ?? new Map<string, SecretFinding>();
      // An upper layer's findings for a rule replace the lower layer's findings for it.
      const replaced = new Set(file.Findings.map((finding) => finding.RuleID));
      for (const [key, finding] of byRule) if (replaced.has(finding.RuleID)) byRule.delete(key);
      for (const finding of file.Findings)
        byRule.set(`${finding.RuleID}\0${finding.StartLine}\0${finding.Match}`, finding);
      byFile.set(file.FilePath, byRule);
    }
  }
  return [...byFile]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([FilePath, findings]) => ({ FilePath, Findings: [...findings.values()] }));
}

/**
 * How many layers belong to the base image: history is read from the end, trailing empty layers skipped, and the
 * first empty-layer `CMD` entry (the last instruction of the base image's Dockerfile) marks the boundary.
 */
export function baseImageLayerCount(config: ImageConfig): number {
  const history = config.history ?? [];
  let index = history.length - 1;
  while (index >= 0 && history[index]?.empty_layer) index--;
  for (; index >= 0; index--) {
    const entry = history[index];
    const createdBy = entry?.created_by ?? '';
    if (entry?.empty_layer && (/#\(nop\)\s+CMD\b/.test(createdBy) || /^CMD\b/.test(createdBy))) {
      return history.slice(0, index).filter((earlier) => !earlier.empty_layer).length;
    }
  }
  return 0;
}
