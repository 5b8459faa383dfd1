import { join } from 'node:path';
import { analyzers } from '../../scanner/analyzers/registry.ts';
import { LayerCache } from '../../scanner/cache/layer-cache.ts';
import { openRemoteImage } from '../../scanner/image/remote.ts';
import { parsePlatform } from '../../scanner/image/platform.ts';
import { RegistryClient } from '../../scanner/registry/client.ts';
import { RegistryError } from '../../scanner/registry/errors.ts';
import { staticCredentials } from '../../scanner/registry/credentials.ts';
import { analyzeImage } from '../../scanner/scan/analyze-image.ts';
import { recordImageAnalysis, type ImageRecord } from '../../scanner/scan/image-record.ts';
import { defaultSecretScannerConfig, SecretScanner } from '../../scanner/secrets/scanner.ts';
import { describeError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import { AnalysisError, pullReference, type AnalysisRequest, type AnalysisRunner } from './types.ts';

/**
 * `OPERATOR_SCAN_MODE=Inline`: images are pulled and analysed inside the operator process, layer by layer as
 * streams, with a layer cache on the operator's volume so images sharing base layers share work.
 */
export class InlineRunner implements AnalysisRunner {
  readonly mode = 'Inline' as const;
  readonly #cache: LayerCache;
  readonly #logger: Logger;
  readonly #timeoutMs: number;
  readonly #secretScanner = new SecretScanner(defaultSecretScannerConfig());

  constructor(options: { cacheDir: string; logger: Logger; timeoutMs: number }) {
    this.#logger = options.logger;
    this.#timeoutMs = options.timeoutMs;
    this.#cache = new LayerCache({ directory: join(options.cacheDir, 'layers'), logger: options.logger });
  }

  async adopt() {
    return [];
  }

  async analyze(request: AnalysisRequest): Promise<ImageRecord> {
    const client = new RegistryClient({
      insecure: request.insecure,
      logger: this.#logger,
      ...(request.credentials ? { credentials: staticCredentials(request.credentials) } : {}),
    });
    const work = (async () => {
      const image = await openRemoteImage(pullReference(request), {
        client,
        platform: parsePlatform(request.platform),
        mirrors: request.mirrors,
        logger: this.#logger,
      });
      const analysis = await analyzeImage(image, {
        analyzers,
        ...(request.scanSecrets ? { secrets: { scanner: this.#secretScanner, configHash: 'builtin' } } : {}),
        cache: this.#cache,
        ...(request.skip ? { skip: request.skip } : {}),
        logger: this.#logger,
      });
      return recordImageAnalysis(image, analysis);
    })();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AnalysisError('Timeout', `analysis took longer than ${this.#timeoutMs / 1000}s`)),
        this.#timeoutMs,
      );
    });
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      if (error instanceof AnalysisError) throw error;
      throw new AnalysisError(reasonOf(error), describeError(error).split('\n')[0] ?? 'analysis failed');
    } finally {
      clearTimeout(timer);
      work.catch(() => undefined);
      await client.close();
    }
  }

  async stop(): Promise<void> {}
}

/** A short, stable reason for metrics labels: the error class (`RegistryError`, `LayerError`…). */
export function reasonOf(error: unknown): string {
  if (error instanceof AnalysisError) return error.reason;
  if (error instanceof RegistryError) {
    if (error.isAuthError) return 'RegistryUnauthorized';
    if (error.status === 404) return 'ImageNotFound';
    return error.temporary ? 'RegistryUnavailable' : 'RegistryError';
  }
  if (error instanceof Error && error.name && error.name !== 'Error') return error.name;
  return 'Error';
}
