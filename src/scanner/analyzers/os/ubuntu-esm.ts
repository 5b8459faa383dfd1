import type { Analyzer, AnalysisInput, AnalysisResult, FileInfo } from '../types.ts';
import { AnalyzerError } from '../types.ts';
import { maxReleaseFileBytes } from './release-text.ts';

const type = 'ubuntu-esm';
/** The Pro client's status file is larger than a release file but still small; refuse anything absurd. */
const maxStatusBytes = 16 * maxReleaseFileBytes;

/**
 * `var/lib/ubuntu-advantage/status.json` (Ubuntu Pro client): when the `esm-infra` service is `enabled` the image
 * receives Extended Security Maintenance updates, so detection uses the `-ESM` advisories (`Extended`).
 */
export const ubuntuEsmAnalyzer: Analyzer = {
  type,
  version: 1,
  required(file: FileInfo): boolean {
    return file.path === 'var/lib/ubuntu-advantage/status.json';
  },
  analyze(input: AnalysisInput): AnalysisResult | undefined {
    if (input.content.length > maxStatusBytes) {
      throw new AnalyzerError(
        type,
        input.path,
        `status file is ${input.content.length} bytes, larger than expected`,
      );
    }
    let status: unknown;
    try {
      status = JSON.parse(input.content.toString('utf8'));
    } catch (error) {
      throw new AnalyzerError(type, input.path, 'not valid JSON', { cause: error });
    }
    if (!esmInfraEnabled(status)) return undefined;
    return { os: { Family: 'ubuntu', Name: '', Extended: true } };
  },
};

function esmInfraEnabled(status: unknown): boolean {
  if (typeof status !== 'object' || status === null) return false;
  const services = (status as { services?: unknown }).services;
  if (!Array.isArray(services)) return false;
  return services.some(
    (service: unknown) =>
      typeof service === 'object' &&
      service !== null &&
      (service as { name?: unknown }).name === 'esm-infra' &&
      (service as { status?: unknown }).status === 'enabled',
  );
}
