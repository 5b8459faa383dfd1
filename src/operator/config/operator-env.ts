import { z } from 'zod';
import { defaultCacheDir } from '../../config/paths.ts';
import { parseWithReport, type ConfigurationReport } from './configuration-error.ts';
import { resolveInstallMode, type InstallMode } from './install-mode.ts';
import { SourceReader } from './source-reader.ts';
import {
  bindAddress,
  byteSize,
  checkDnsLabel,
  checkDnsSubdomain,
  checkedString,
  choiceList,
  commaList,
  dnsLabel,
  dnsSubdomain,
  duration,
  globs,
  goBool,
  httpUrl,
  imageReference,
  integer,
  json,
  oneOf,
  globList,
  type BindAddress,
  type GlobList,
} from './values.ts';

/**
 * The operator's environment (contract §4.1) plus trivy-ts's own settings, parsed once at start. Defaults are the
 * operator binary's code defaults; where the Helm chart renders a different default it is noted beside the key.
 */

export const TARGET_WORKLOADS = [
  'Pod',
  'ReplicaSet',
  'ReplicationController',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
] as const;
export type TargetWorkload = (typeof TARGET_WORKLOADS)[number];

/** Where image analysis runs: in scan Jobs from the operator's own image, or inside the operator process. */
export const SCAN_MODES = ['Job', 'Inline'] as const;
export type ScanMode = (typeof SCAN_MODES)[number];

export interface MetricsFlags {
  /** The whole findings collector (`trivy_image_vulnerabilities`, …). */
  readonly findingsEnabled: boolean;
  readonly vulnIdEnabled: boolean;
  readonly exposedSecretInfoEnabled: boolean;
  readonly configAuditInfoEnabled: boolean;
  readonly rbacAssessmentInfoEnabled: boolean;
  readonly infraAssessmentInfoEnabled: boolean;
  readonly imageInfoEnabled: boolean;
  readonly clusterComplianceInfoEnabled: boolean;
}

export interface OperatorEnv {
  readonly namespace: string;
  /** Empty: every namespace. */
  readonly targetNamespaces: readonly string[];
  /** Applies only in AllNamespaces mode. */
  readonly excludeNamespaces: GlobList;
  readonly installMode: InstallMode;
  readonly targetWorkloads: readonly TargetWorkload[];
  readonly serviceAccount: string;
  readonly logDevMode: boolean;
  readonly scanJobTimeoutMs: number;
  /** Scan Jobs' ttlSecondsAfterFinished; null: the operator deletes them itself. */
  readonly scanJobTtlMs: number | null;
  readonly scanSecretTtlMs: number | null;
  /** Also the limit of concurrent inline analyses. */
  readonly concurrentScanJobsLimit: number;
  readonly concurrentNodeCollectorLimit: number;
  readonly scanJobRetryAfterMs: number;
  readonly batchDeleteLimit: number;
  readonly batchDeleteDelayMs: number;
  /** null: no metrics listener. */
  readonly metricsBindAddress: BindAddress | null;
  /** `/healthz`, `/readyz` and the status view of tracked images; null: none of them. */
  readonly healthProbeBindAddress: BindAddress | null;
  readonly metrics: MetricsFlags;
  readonly vulnerabilityScannerEnabled: boolean;
  readonly exposedSecretScannerEnabled: boolean;
  readonly sbomGenerationEnabled: boolean;
  readonly clusterSbomCacheEnabled: boolean;
  readonly vulnerabilityScannerScanOnlyCurrentRevisions: boolean;
  readonly configAuditScannerScanOnlyCurrentRevisions: boolean;
  /** The `report-ttl` of reports; null: reports never expire (the variable was set to the empty string). */
  readonly scannerReportTtlMs: number | null;
  readonly cacheReportTtlMs: number;
  readonly controllerCacheSyncTimeoutMs: number;
  readonly configAuditScannerEnabled: boolean;
  readonly rbacAssessmentScannerEnabled: boolean;
  readonly infraAssessmentScannerEnabled: boolean;
  readonly clusterComplianceEnabled: boolean;
  readonly invokeClusterComplianceOnce: boolean;
  readonly leaderElection: { readonly enabled: boolean; readonly id: string };
  readonly webhook: {
    /** null: no broadcasting. */
    readonly url: string | null;
    readonly timeoutMs: number;
    readonly customHeaders: Readonly<Record<string, string>>;
    readonly sendDeletedReports: boolean;
  };
  /** Namespace → names of pull secrets used for every workload scanned (§3.12). */
  readonly privateRegistryScanSecretsNames: Readonly<Record<string, readonly string[]>>;
  readonly accessGlobalSecretsServiceAccounts: boolean;
  readonly builtInTrivyServer: boolean;
  readonly trivyServerHealthCheckCacheExpirationMs: number;
  readonly mergeRbacFindingWithConfigAudit: boolean;
  readonly alternateReportStorage: { readonly enabled: boolean; readonly dir: string | null };
  /** For the operator's own downloads (the vulnerability DB). */
  readonly proxy: {
    readonly httpProxy: string | null;
    readonly httpsProxy: string | null;
    readonly noProxy: string | null;
  };
  // ---- trivy-ts's own settings
  readonly scanMode: ScanMode;
  /** The DB, the inventory store and the layer cache. */
  readonly cacheDir: string;
  /** No object the operator writes exceeds this many bytes. */
  readonly reportMaxBytes: number;
  /** The operator's own image, run by scan Jobs; always set in Job mode. */
  readonly operatorImage: string | null;
  readonly dbUpdateIntervalMs: number;
  /** First retry delay after a failed analysis; it doubles per failure up to scanFailureBackoffMaxMs. */
  readonly scanFailureBackoffMs: number;
  readonly scanFailureBackoffMaxMs: number;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Where the cache lives in the operator's container (the Helm chart mounts a volume there). */
export const IN_CLUSTER_CACHE_DIR = '/var/lib/trivy-ts';
export const DEFAULT_REPORT_MAX_BYTES = 262_144;
export const SCAN_FAILURE_BACKOFF_MAX_MS = HOUR;

const namespaceName = checkDnsLabel('namespace name');
const cachePath = z.string().refine((path) => !path.includes('\0'), 'must be a directory path');
const PROXY_KEYS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy'];

/** `{"<namespace>":"secretA,secretB"}` as the chart renders `operator.privateRegistryScanSecretsNames`. */
const privateRegistrySecrets = json(
  z.record(checkedString(namespaceName), commaList(checkDnsSubdomain('Secret name'))),
  '{"my-namespace":"pull-secret-a,pull-secret-b"}',
);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** `Name:value,Name2:value2`; values may hold tokens, so problems name entries, never values. */
const webhookHeaders = z.string().transform((text, context) => {
  const headers: Array<[string, string]> = [];
  text.split(',').forEach((entry, index) => {
    if (entry.trim() === '') return;
    const colon = entry.indexOf(':');
    const name = entry.slice(0, Math.max(colon, 0)).trim();
    if (colon < 0 || !HEADER_NAME.test(name)) {
      context.addIssue({
        code: 'custom',
        message: `entry ${index + 1} is not Header-Name:value; write e.g. X-Api-Key:secret,X-Team:security`,
      });
    } else headers.push([name, entry.slice(colon + 1).trim()]);
  });
  return Object.fromEntries(headers);
});

export function parseOperatorEnv(env: Readonly<Record<string, string | undefined>>): OperatorEnv {
  return parseWithReport((report) => readOperatorEnv(env, report));
}

/** Reads every variable, recording all problems in `report`; the result is only meaningful without errors. */
export function readOperatorEnv(
  env: Readonly<Record<string, string | undefined>>,
  report: ConfigurationReport,
): OperatorEnv {
  const r = new SourceReader(report, [{ name: 'env', secret: false, data: env }]);
  const bool = (key: string, fallback: boolean) => r.read(key, goBool, fallback);
  const ms = (key: string, fallback: number, min = SECOND) => r.read(key, duration({ min }), fallback);
  const optionalMs = (key: string) => r.optional(key, duration({ min: 0 })) ?? null;
  for (const key of [
    'OPERATOR_WEBHOOK_BROADCAST_URL',
    'OPERATOR_WEBHOOK_BROADCAST_CUSTOM_HEADERS',
    ...PROXY_KEYS,
  ])
    r.hideValue(key);

  const namespace = r.optional('OPERATOR_NAMESPACE', dnsLabel('namespace name'));
  if (namespace === undefined && !r.has('OPERATOR_NAMESPACE')) {
    r.error(
      'OPERATOR_NAMESPACE',
      'is not set; set it to the namespace the operator runs in (the Helm chart and the static manifest take it from metadata.namespace)',
    );
  }
  const targetNamespaces = r.read('OPERATOR_TARGET_NAMESPACES', commaList(namespaceName), []);
  const excludeNamespaces = r.read('OPERATOR_EXCLUDE_NAMESPACES', globs, globList([]));
  const installMode = resolveInstallMode(namespace ?? '', targetNamespaces);
  if (installMode !== 'AllNamespaces' && excludeNamespaces.patterns.length > 0) {
    r.warn(
      'OPERATOR_EXCLUDE_NAMESPACES',
      'is ignored because OPERATOR_TARGET_NAMESPACES lists the namespaces to scan; exclusions apply only when it is empty (all namespaces)',
    );
  }

  const scanMode = r.read('OPERATOR_SCAN_MODE', oneOf(SCAN_MODES, 'scan mode'), 'Job');
  const operatorImage = r.optional('OPERATOR_IMAGE', imageReference) ?? null;
  if (scanMode === 'Job' && !r.has('OPERATOR_IMAGE')) {
    r.error(
      'OPERATOR_IMAGE',
      "is not set, and scan Jobs (OPERATOR_SCAN_MODE=Job, the default) run the operator's own image: set it to that image, e.g. ghcr.io/org/trivy-ts:1.0.0 (the Helm chart does), or set OPERATOR_SCAN_MODE=Inline to analyse images inside the operator",
    );
  }

  if (r.has('OPERATOR_PPROF_BIND_ADDRESS')) {
    r.warn(
      'OPERATOR_PPROF_BIND_ADDRESS',
      'is ignored: pprof is a Go profiler and trivy-ts has no such endpoint',
    );
  }
  const altStorageEnabled = bool('OPERATOR_ALTERNATE_REPORT_STORAGE_ENABLED', false);
  const altStorageDir = r.text('OPERATOR_ALTERNATE_REPORT_STORAGE_DIR') ?? null;
  if (altStorageEnabled && altStorageDir === null) {
    r.error(
      'OPERATOR_ALTERNATE_REPORT_STORAGE_DIR',
      'is not set, but OPERATOR_ALTERNATE_REPORT_STORAGE_ENABLED is true: set it to the directory reports are written to',
    );
  }

  const result: OperatorEnv = {
    namespace: namespace ?? '',
    targetNamespaces,
    excludeNamespaces,
    installMode,
    targetWorkloads: r.read(
      'OPERATOR_TARGET_WORKLOADS',
      choiceList(TARGET_WORKLOADS, 'target workload', {
        deployment:
          'cannot be a target workload: Deployments are scanned through their ReplicaSets, so list "replicaset" instead',
      }),
      [...TARGET_WORKLOADS],
    ),
    serviceAccount: r.read(
      'OPERATOR_SERVICE_ACCOUNT',
      dnsSubdomain('service account name'),
      'trivy-operator',
    ),
    logDevMode: bool('OPERATOR_LOG_DEV_MODE', false),
    scanJobTimeoutMs: ms('OPERATOR_SCAN_JOB_TIMEOUT', 5 * MINUTE),
    scanJobTtlMs: optionalMs('OPERATOR_SCAN_JOB_TTL'),
    scanSecretTtlMs: optionalMs('OPERATOR_SCAN_SECRET_TTL'),
    concurrentScanJobsLimit: r.read(
      'OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT',
      integer({ min: 1, why: 'with 0 nothing would ever be scanned' }),
      10,
    ),
    concurrentNodeCollectorLimit: r.read('OPERATOR_CONCURRENT_NODE_COLLECTOR_LIMIT', integer({ min: 1 }), 1),
    scanJobRetryAfterMs: ms('OPERATOR_SCAN_JOB_RETRY_AFTER', 30 * SECOND),
    batchDeleteLimit: r.read('OPERATOR_BATCH_DELETE_LIMIT', integer({ min: 1 }), 10),
    batchDeleteDelayMs: ms('OPERATOR_BATCH_DELETE_DELAY', 10 * SECOND, 0),
    metricsBindAddress: r.read('OPERATOR_METRICS_BIND_ADDRESS', bindAddress, { host: '', port: 8080 }),
    healthProbeBindAddress: r.read('OPERATOR_HEALTH_PROBE_BIND_ADDRESS', bindAddress, {
      host: '',
      port: 9090,
    }),
    metrics: {
      findingsEnabled: bool('OPERATOR_METRICS_FINDINGS_ENABLED', true),
      vulnIdEnabled: bool('OPERATOR_METRICS_VULN_ID_ENABLED', false),
      exposedSecretInfoEnabled: bool('OPERATOR_METRICS_EXPOSED_SECRET_INFO_ENABLED', false),
      configAuditInfoEnabled: bool('OPERATOR_METRICS_CONFIG_AUDIT_INFO_ENABLED', false),
      rbacAssessmentInfoEnabled: bool('OPERATOR_METRICS_RBAC_ASSESSMENT_INFO_ENABLED', false),
      infraAssessmentInfoEnabled: bool('OPERATOR_METRICS_INFRA_ASSESSMENT_INFO_ENABLED', false),
      imageInfoEnabled: bool('OPERATOR_METRICS_IMAGE_INFO_ENABLED', false),
      clusterComplianceInfoEnabled: bool('OPERATOR_METRICS_CLUSTER_COMPLIANCE_INFO_ENABLED', false),
    },
    vulnerabilityScannerEnabled: bool('OPERATOR_VULNERABILITY_SCANNER_ENABLED', true),
    exposedSecretScannerEnabled: bool('OPERATOR_EXPOSED_SECRET_SCANNER_ENABLED', true),
    sbomGenerationEnabled: bool('OPERATOR_SBOM_GENERATION_ENABLED', true),
    // Helm renders false (operator.clusterSbomCacheEnabled); the binary's default is true.
    clusterSbomCacheEnabled: bool('OPERATOR_CLUSTER_SBOM_CACHE_ENABLED', true),
    vulnerabilityScannerScanOnlyCurrentRevisions: bool(
      'OPERATOR_VULNERABILITY_SCANNER_SCAN_ONLY_CURRENT_REVISIONS',
      true,
    ),
    configAuditScannerScanOnlyCurrentRevisions: bool(
      'OPERATOR_CONFIG_AUDIT_SCANNER_SCAN_ONLY_CURRENT_REVISIONS',
      true,
    ),
    scannerReportTtlMs: readReportTtl(r),
    cacheReportTtlMs: ms('OPERATOR_CACHE_REPORT_TTL', 120 * HOUR),
    controllerCacheSyncTimeoutMs: ms('CONTROLLER_CACHE_SYNC_TIMEOUT', 5 * MINUTE),
    configAuditScannerEnabled: bool('OPERATOR_CONFIG_AUDIT_SCANNER_ENABLED', true),
    rbacAssessmentScannerEnabled: bool('OPERATOR_RBAC_ASSESSMENT_SCANNER_ENABLED', true),
    infraAssessmentScannerEnabled: bool('OPERATOR_INFRA_ASSESSMENT_SCANNER_ENABLED', true),
    clusterComplianceEnabled: bool('OPERATOR_CLUSTER_COMPLIANCE_ENABLED', true),
    invokeClusterComplianceOnce: bool('OPERATOR_INVOKE_CLUSTER_COMPLIANCE_ONCE', false),
    leaderElection: {
      // Helm turns it on when operator.replicas > 1.
      enabled: bool('OPERATOR_LEADER_ELECTION_ENABLED', false),
      id: r.read('OPERATOR_LEADER_ELECTION_ID', dnsSubdomain('Lease name'), 'trivyoperator-lock'),
    },
    webhook: {
      url: r.optional('OPERATOR_WEBHOOK_BROADCAST_URL', httpUrl('webhook URL')) ?? null,
      timeoutMs: ms('OPERATOR_WEBHOOK_BROADCAST_TIMEOUT', 30 * SECOND, 1),
      customHeaders: r.read('OPERATOR_WEBHOOK_BROADCAST_CUSTOM_HEADERS', webhookHeaders, {}),
      sendDeletedReports: bool('OPERATOR_SEND_DELETED_REPORTS', false),
    },
    privateRegistryScanSecretsNames: r.read(
      'OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES',
      privateRegistrySecrets,
      {},
    ),
    accessGlobalSecretsServiceAccounts: bool('OPERATOR_ACCESS_GLOBAL_SECRETS_SERVICE_ACCOUNTS', true),
    builtInTrivyServer: bool('OPERATOR_BUILT_IN_TRIVY_SERVER', false),
    trivyServerHealthCheckCacheExpirationMs: ms('TRIVY_SERVER_HEALTH_CHECK_CACHE_EXPIRATION', 10 * HOUR),
    mergeRbacFindingWithConfigAudit: bool('OPERATOR_MERGE_RBAC_FINDING_WITH_CONFIG_AUDIT', false),
    alternateReportStorage: { enabled: altStorageEnabled, dir: altStorageDir },
    proxy: {
      httpProxy: proxyVariable(r, 'HTTP_PROXY'),
      httpsProxy: proxyVariable(r, 'HTTPS_PROXY'),
      noProxy: r.text('NO_PROXY') ?? r.text('no_proxy') ?? null,
    },
    scanMode,
    cacheDir: r.read(
      'OPERATOR_CACHE_DIR',
      cachePath,
      env.KUBERNETES_SERVICE_HOST ? IN_CLUSTER_CACHE_DIR : defaultCacheDir(env),
    ),
    reportMaxBytes: r.read(
      'OPERATOR_REPORT_MAX_BYTES',
      byteSize({
        min: 16_384,
        max: 1_048_576,
        why: 'etcd refuses objects near 1.5 MiB; below 16 KiB not even a summary fits',
      }),
      DEFAULT_REPORT_MAX_BYTES,
    ),
    operatorImage,
    dbUpdateIntervalMs: ms('OPERATOR_DB_UPDATE_INTERVAL', HOUR),
    scanFailureBackoffMs: r.read(
      'OPERATOR_SCAN_FAILURE_BACKOFF',
      duration({
        min: 100,
        max: SCAN_FAILURE_BACKOFF_MAX_MS,
        why: 'the backoff doubles per failure up to 1h',
      }),
      MINUTE,
    ),
    scanFailureBackoffMaxMs: SCAN_FAILURE_BACKOFF_MAX_MS,
  };
  for (const key of r.unreadKeys()) {
    if (key.startsWith('OPERATOR_'))
      r.warn(key, 'is not a setting trivy-ts knows and is ignored; check the spelling');
  }
  return result;
}

/** As Go's net/http: the upper-case variable first, then the lower-case one. */
function proxyVariable(r: SourceReader, upper: 'HTTP_PROXY' | 'HTTPS_PROXY'): string | null {
  const key = r.has(upper) ? upper : upper.toLowerCase();
  return r.optional(key, httpUrl('proxy')) ?? null;
}

/** Unset: 24h; set but empty: no expiry (upstream's documented way to turn the TTL off). */
function readReportTtl(r: SourceReader): number | null {
  const key = 'OPERATOR_SCANNER_REPORT_TTL';
  const raw = r.raw(key);
  if (raw === undefined) return 24 * HOUR;
  if (raw.trim() === '') return null;
  return (
    r.parse(
      key,
      raw.trim(),
      duration({ min: SECOND, why: 'set it to the empty string to keep reports forever' }),
    ) ?? null
  );
}
