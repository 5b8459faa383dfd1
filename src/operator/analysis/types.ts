import type { BasicCredentials } from '../../scanner/registry/credentials.ts';
import type { ImageRecord } from '../../scanner/scan/image-record.ts';
import type { SkipPaths } from '../../scanner/scan/skip-paths.ts';

/** One image to analyse: pulled by digest, for one platform. */
export interface AnalysisRequest {
  /** Store key: `<digest>|<platform>`. */
  key: string;
  digest: string;
  platform: string;
  /** `registry/repository`: the image is pulled as `<repository>@<digest>`. */
  repository: string;
  credentials?: BasicCredentials;
  /** Plain HTTP or unverified HTTPS for this registry (`trivy.insecureRegistry.*` / `nonSslRegistry.*`). */
  insecure: boolean;
  /** Registry host → mirror hosts tried first (`trivy.registry.mirror.*`). */
  mirrors: Readonly<Record<string, readonly string[]>>;
  scanSecrets: boolean;
  /** `trivy.skipFiles` / `trivy.skipDirs`. */
  skip?: SkipPaths;
}

export const pullReference = (request: Pick<AnalysisRequest, 'repository' | 'digest'>) =>
  `${request.repository}@${request.digest}`;

/** An analysis that failed; `reason` is short and safe to show in status, Events and metrics. */
export class AnalysisError extends Error {
  readonly reason: string;

  constructor(reason: string, message: string) {
    super(message);
    this.name = 'AnalysisError';
    this.reason = reason;
  }
}

/** Runs analyses: in scan Jobs or in the operator process. */
export interface AnalysisRunner {
  readonly mode: 'Job' | 'Inline';
  /** Analyses already under way when the operator started (scan Jobs left by a previous run), to be awaited. */
  adopt(): Promise<
    {
      request: Pick<AnalysisRequest, 'key' | 'digest' | 'platform' | 'repository'>;
      result: Promise<ImageRecord>;
    }[]
  >;
  analyze(request: AnalysisRequest): Promise<ImageRecord>;
  stop(): Promise<void>;
}
