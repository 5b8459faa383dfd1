import { createHash } from 'node:crypto';
import type { TrivyConfig } from './trivy-config.ts';

/**
 * Short, stable hashes of the trivy config settings that shape report content, so that the operator can tell which
 * stored results are stale after the ConfigMap changed. The values are ours (opaque); changing what is hashed
 * re-evaluates every report once, which is what `version` is for.
 */

/** The settings a vulnerability or exposed-secret report's content depends on, besides the image and the DB. */
export function detectionSettingsHash(config: TrivyConfig): string {
  return shortHash({
    severities: config.severities,
    ignoreUnfixed: config.ignoreUnfixed,
    packageTypes: config.packageTypes,
    ignoreFile: config.ignoreFile && { name: config.ignoreFile.name, content: config.ignoreFile.content },
    additionalReportFields: config.additionalReportFields,
    analysis: analysisSettingsHash(config),
  });
}

/**
 * The settings an image's inventory depends on (what the analysis reads): when it changes, stored inventories are
 * stale and images must be analysed again, not merely matched against the DB again. Analyses should collect every
 * package type, so that `vulnType` stays a detection setting.
 */
export function analysisSettingsHash(config: TrivyConfig): string {
  return shortHash({ skipFiles: [...config.skipFiles].sort(), skipDirs: [...config.skipDirs].sort() });
}

function shortHash(settings: Record<string, unknown>): string {
  const text = JSON.stringify({ version: 1, ...settings });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
