export { ConfigurationError, formatIssue, type ConfigurationIssue } from './configuration-error.ts';
export {
  formatGoDuration,
  formatGoDurationNanos,
  InvalidDurationError,
  parseGoDuration,
  parseGoDurationNanos,
} from './duration.ts';
export type {
  Affinity,
  PodSecurityContext,
  SecurityContext,
  Toleration,
  Volume,
  VolumeMount,
} from './kube-shapes.ts';
export { deepFreeze, loadOperatorConfiguration, reloadTrivyConfiguration } from './load.ts';
export type { OperatorConfiguration, OperatorConfigurationInput } from './load.ts';
export {
  DEFAULT_OPERATOR_CONFIG_DATA,
  OPERATOR_CONFIG_MAP_NAME,
  OPERATOR_SECRET_NAME,
  parseOperatorConfig,
} from './operator-config.ts';
export type { OperatorConfig, OperatorConfigInput } from './operator-config.ts';
export {
  DEFAULT_REPORT_MAX_BYTES,
  IN_CLUSTER_CACHE_DIR,
  SCAN_FAILURE_BACKOFF_MAX_MS,
  parseOperatorEnv,
  SCAN_MODES,
  TARGET_WORKLOADS,
} from './operator-env.ts';
export type { MetricsFlags, OperatorEnv, ScanMode, TargetWorkload } from './operator-env.ts';
export { namespaceIncluded, resolveInstallMode, watchedNamespaces } from './install-mode.ts';
export type { InstallMode, NamespaceScope } from './install-mode.ts';
export { analysisSettingsHash, detectionSettingsHash } from './settings-hash.ts';
export type { ResourceName, ScanJobResources } from './scan-job-resources.ts';
export {
  ADDITIONAL_REPORT_FIELDS,
  CONFIG_AUDIT_KINDS,
  DEFAULT_TRIVY_CONFIG_DATA,
  PACKAGE_TYPES,
  parseTrivyConfig,
  TRIVY_CONFIG_NAME,
  WORKLOAD_KINDS,
} from './trivy-config.ts';
export type {
  AdditionalReportField,
  ConfigAuditKind,
  PackageType,
  TrivyConfig,
  TrivyConfigInput,
} from './trivy-config.ts';
export type { BindAddress, GlobList } from './values.ts';
