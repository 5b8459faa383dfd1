import { namespaceIncluded, type OperatorConfiguration } from '../config/index.ts';
import type { WorkloadKind } from '../kube/pod-spec.ts';
import { normaliseServer } from '../registry-auth/pull-secrets.ts';
import { analysisSettingsHash, detectionSettingsHash } from '../config/index.ts';
import type { ImageReportSettings } from './controller.ts';

/** The controller's settings from the parsed configuration (env, `trivy-operator` and trivy config). */
export function imageReportSettings(
  config: OperatorConfiguration,
  scannerVersion: string,
): ImageReportSettings {
  const { env, operator, trivy } = config;
  return {
    scanners: {
      vulnerabilities: env.vulnerabilityScannerEnabled,
      secrets: env.exposedSecretScannerEnabled,
      sbom: env.sbomGenerationEnabled,
    },
    detection: {
      severities: trivy.severities,
      ignoreUnfixed: trivy.ignoreUnfixed,
      packageTypes: trivy.packageTypes,
      ...(trivy.ignoreFile ? { ignore: trivy.ignoreFile.rules } : {}),
      hash: detectionSettingsHash(trivy),
    },
    additionalFields: trivy.additionalReportFields,
    reportTtlMs: env.scannerReportTtlMs,
    maxReportBytes: env.reportMaxBytes,
    resourceLabels: operator.report.resourceLabels,
    additionalLabels: operator.report.additionalLabels,
    containers: {
      skipInitContainers: operator.scanJob.skipInitContainers,
      excludeImages: (image) => operator.scanJob.excludeImages.matches(image),
    },
    ownership: {
      targetWorkloads: env.targetWorkloads as readonly WorkloadKind[],
      scanOnlyCurrentRevisions: env.vulnerabilityScannerScanOnlyCurrentRevisions,
      skipResourceByLabels: operator.skipResourceByLabels,
    },
    insecureRegistries: new Set(
      [...trivy.insecureRegistries, ...trivy.nonSslRegistries].map(normaliseServer),
    ),
    mirrors: trivy.registryMirrors,
    analysis: { skip: { files: trivy.skipFiles, dirs: trivy.skipDirs }, hash: analysisSettingsHash(trivy) },
    scannerVersion,
    defaultPlatform: 'linux/amd64',
    namespaceIncluded: (namespace) => namespaceIncluded(env, namespace),
  };
}
