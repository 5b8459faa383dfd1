import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  namespaceIncluded,
  resolveInstallMode,
  watchedNamespaces,
} from '../../../src/operator/config/install-mode.ts';
import {
  parseOperatorEnv,
  readOperatorEnv,
  type OperatorEnv,
} from '../../../src/operator/config/operator-env.ts';
import { problemsOf, readWithReport } from './helpers.ts';

const base = { OPERATOR_NAMESPACE: 'trivy-system', OPERATOR_IMAGE: 'ghcr.io/acme/trivy-ts:1.0.0' };
const parse = (extra: Record<string, string | undefined>) => parseOperatorEnv({ ...base, ...extra });

/** A plain-data view (the glob matcher is a function). */
function plain(env: OperatorEnv) {
  return { ...env, excludeNamespaces: env.excludeNamespaces.patterns };
}

describe('operator env: defaults', () => {
  it('match the code defaults of the contract (§4.1) plus trivy-ts settings', () => {
    const env = parseOperatorEnv({ ...base, XDG_CACHE_HOME: '/home/dev/.cache' });
    assert.deepEqual(plain(env), {
      namespace: 'trivy-system',
      targetNamespaces: [],
      excludeNamespaces: [],
      installMode: 'AllNamespaces',
      targetWorkloads: [
        'Pod',
        'ReplicaSet',
        'ReplicationController',
        'StatefulSet',
        'DaemonSet',
        'CronJob',
        'Job',
      ],
      serviceAccount: 'trivy-operator',
      logDevMode: false,
      scanJobTimeoutMs: 300_000,
      scanJobTtlMs: null,
      scanSecretTtlMs: null,
      concurrentScanJobsLimit: 10,
      concurrentNodeCollectorLimit: 1,
      scanJobRetryAfterMs: 30_000,
      batchDeleteLimit: 10,
      batchDeleteDelayMs: 10_000,
      metricsBindAddress: { host: '', port: 8080 },
      healthProbeBindAddress: { host: '', port: 9090 },
      metrics: {
        findingsEnabled: true,
        vulnIdEnabled: false,
        exposedSecretInfoEnabled: false,
        configAuditInfoEnabled: false,
        rbacAssessmentInfoEnabled: false,
        infraAssessmentInfoEnabled: false,
        imageInfoEnabled: false,
        clusterComplianceInfoEnabled: false,
      },
      vulnerabilityScannerEnabled: true,
      exposedSecretScannerEnabled: true,
      sbomGenerationEnabled: true,
      clusterSbomCacheEnabled: true, // Helm renders "false" (operator.clusterSbomCacheEnabled)
      vulnerabilityScannerScanOnlyCurrentRevisions: true,
      configAuditScannerScanOnlyCurrentRevisions: true,
      scannerReportTtlMs: 86_400_000,
      cacheReportTtlMs: 432_000_000,
      controllerCacheSyncTimeoutMs: 300_000,
      configAuditScannerEnabled: true,
      rbacAssessmentScannerEnabled: true,
      infraAssessmentScannerEnabled: true,
      clusterComplianceEnabled: true,
      invokeClusterComplianceOnce: false,
      leaderElection: { enabled: false, id: 'trivyoperator-lock' }, // Helm enables it when replicas > 1
      webhook: { url: null, timeoutMs: 30_000, customHeaders: {}, sendDeletedReports: false },
      privateRegistryScanSecretsNames: {},
      accessGlobalSecretsServiceAccounts: true,
      builtInTrivyServer: false,
      trivyServerHealthCheckCacheExpirationMs: 36_000_000,
      mergeRbacFindingWithConfigAudit: false,
      alternateReportStorage: { enabled: false, dir: null },
      proxy: { httpProxy: null, httpsProxy: null, noProxy: null },
      scanMode: 'Job',
      cacheDir: '/home/dev/.cache/trivy-ts',
      reportMaxBytes: 262_144,
      operatorImage: 'ghcr.io/acme/trivy-ts:1.0.0',
      dbUpdateIntervalMs: 3_600_000,
      scanFailureBackoffMs: 60_000,
      scanFailureBackoffMaxMs: 3_600_000,
    });
  });

  it('keeps the cache in /var/lib/trivy-ts when running in a cluster', () => {
    assert.equal(parse({ KUBERNETES_SERVICE_HOST: '10.96.0.1' }).cacheDir, '/var/lib/trivy-ts');
  });

  it('treats the empty strings Helm renders for unset values as unset', () => {
    const env = parse({
      OPERATOR_SCAN_JOB_TTL: '',
      OPERATOR_SCAN_JOB_RETRY_AFTER: '',
      OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT: '',
      OPERATOR_TARGET_WORKLOADS: '',
      OPERATOR_WEBHOOK_BROADCAST_URL: '',
      OPERATOR_PPROF_BIND_ADDRESS: '',
    });
    assert.equal(env.scanJobTtlMs, null);
    assert.equal(env.scanJobRetryAfterMs, 30_000);
    assert.equal(env.concurrentScanJobsLimit, 10);
    assert.equal(env.targetWorkloads.length, 7);
    assert.equal(env.webhook.url, null);
  });
});

type Case = [Record<string, string | undefined>, (env: OperatorEnv) => unknown, unknown];
const valid: Case[] = [
  [{ OPERATOR_TARGET_NAMESPACES: 'apps' }, (e) => e.targetNamespaces, ['apps']],
  [{ OPERATOR_TARGET_NAMESPACES: ' apps , web ,' }, (e) => e.targetNamespaces, ['apps', 'web']],
  [
    { OPERATOR_EXCLUDE_NAMESPACES: 'kube-*, argocd' },
    (e) => e.excludeNamespaces.patterns,
    ['kube-*', 'argocd'],
  ],
  [
    { OPERATOR_TARGET_WORKLOADS: 'pod,replicaset,replicationcontroller,statefulset,daemonset,cronjob,job' },
    (e) => e.targetWorkloads,
    ['Pod', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job'],
  ],
  [{ OPERATOR_TARGET_WORKLOADS: 'Job, CRONJOB' }, (e) => e.targetWorkloads, ['CronJob', 'Job']],
  [{ OPERATOR_SERVICE_ACCOUNT: 'scanner' }, (e) => e.serviceAccount, 'scanner'],
  ...['1', 't', 'T', 'TRUE', 'true', 'True', ' true '].map((value): Case => [
    { OPERATOR_LOG_DEV_MODE: value },
    (e) => e.logDevMode,
    true,
  ]),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((value): Case => [
    { OPERATOR_VULNERABILITY_SCANNER_ENABLED: value },
    (e) => e.vulnerabilityScannerEnabled,
    false,
  ]),
  [{ OPERATOR_SCAN_JOB_TIMEOUT: '10m' }, (e) => e.scanJobTimeoutMs, 600_000],
  [{ OPERATOR_SCAN_JOB_TIMEOUT: '1h30m' }, (e) => e.scanJobTimeoutMs, 5_400_000],
  [{ OPERATOR_SCAN_JOB_TTL: '0s' }, (e) => e.scanJobTtlMs, 0],
  [{ OPERATOR_SCAN_JOB_TTL: '1.5h' }, (e) => e.scanJobTtlMs, 5_400_000],
  [{ OPERATOR_SCAN_SECRET_TTL: '30m' }, (e) => e.scanSecretTtlMs, 1_800_000],
  [{ OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT: '1' }, (e) => e.concurrentScanJobsLimit, 1],
  [{ OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT: '+5' }, (e) => e.concurrentScanJobsLimit, 5],
  [{ OPERATOR_CONCURRENT_NODE_COLLECTOR_LIMIT: '3' }, (e) => e.concurrentNodeCollectorLimit, 3],
  [{ OPERATOR_SCAN_JOB_RETRY_AFTER: '1m' }, (e) => e.scanJobRetryAfterMs, 60_000],
  [{ OPERATOR_BATCH_DELETE_LIMIT: '50' }, (e) => e.batchDeleteLimit, 50],
  [{ OPERATOR_BATCH_DELETE_DELAY: '0s' }, (e) => e.batchDeleteDelayMs, 0],
  [
    { OPERATOR_METRICS_BIND_ADDRESS: '0.0.0.0:9000' },
    (e) => e.metricsBindAddress,
    { host: '0.0.0.0', port: 9000 },
  ],
  [{ OPERATOR_METRICS_BIND_ADDRESS: '[::1]:8080' }, (e) => e.metricsBindAddress, { host: '::1', port: 8080 }],
  [{ OPERATOR_METRICS_BIND_ADDRESS: '0' }, (e) => e.metricsBindAddress, null],
  [
    { OPERATOR_HEALTH_PROBE_BIND_ADDRESS: 'localhost:9091' },
    (e) => e.healthProbeBindAddress,
    { host: 'localhost', port: 9091 },
  ],
  [{ OPERATOR_METRICS_FINDINGS_ENABLED: 'false' }, (e) => e.metrics.findingsEnabled, false],
  [{ OPERATOR_METRICS_VULN_ID_ENABLED: 'true' }, (e) => e.metrics.vulnIdEnabled, true],
  [{ OPERATOR_METRICS_EXPOSED_SECRET_INFO_ENABLED: 'true' }, (e) => e.metrics.exposedSecretInfoEnabled, true],
  [{ OPERATOR_METRICS_CONFIG_AUDIT_INFO_ENABLED: 'true' }, (e) => e.metrics.configAuditInfoEnabled, true],
  [
    { OPERATOR_METRICS_RBAC_ASSESSMENT_INFO_ENABLED: 'true' },
    (e) => e.metrics.rbacAssessmentInfoEnabled,
    true,
  ],
  [
    { OPERATOR_METRICS_INFRA_ASSESSMENT_INFO_ENABLED: 'true' },
    (e) => e.metrics.infraAssessmentInfoEnabled,
    true,
  ],
  [{ OPERATOR_METRICS_IMAGE_INFO_ENABLED: 'true' }, (e) => e.metrics.imageInfoEnabled, true],
  [
    { OPERATOR_METRICS_CLUSTER_COMPLIANCE_INFO_ENABLED: 'true' },
    (e) => e.metrics.clusterComplianceInfoEnabled,
    true,
  ],
  [{ OPERATOR_EXPOSED_SECRET_SCANNER_ENABLED: 'false' }, (e) => e.exposedSecretScannerEnabled, false],
  [{ OPERATOR_SBOM_GENERATION_ENABLED: 'false' }, (e) => e.sbomGenerationEnabled, false],
  [{ OPERATOR_CLUSTER_SBOM_CACHE_ENABLED: 'false' }, (e) => e.clusterSbomCacheEnabled, false],
  [
    { OPERATOR_VULNERABILITY_SCANNER_SCAN_ONLY_CURRENT_REVISIONS: 'false' },
    (e) => e.vulnerabilityScannerScanOnlyCurrentRevisions,
    false,
  ],
  [
    { OPERATOR_CONFIG_AUDIT_SCANNER_SCAN_ONLY_CURRENT_REVISIONS: 'false' },
    (e) => e.configAuditScannerScanOnlyCurrentRevisions,
    false,
  ],
  [{ OPERATOR_SCANNER_REPORT_TTL: '48h' }, (e) => e.scannerReportTtlMs, 172_800_000],
  [{ OPERATOR_SCANNER_REPORT_TTL: '24h0m0s' }, (e) => e.scannerReportTtlMs, 86_400_000],
  [{ OPERATOR_SCANNER_REPORT_TTL: '' }, (e) => e.scannerReportTtlMs, null],
  [{ OPERATOR_SCANNER_REPORT_TTL: '  ' }, (e) => e.scannerReportTtlMs, null],
  [{ OPERATOR_CACHE_REPORT_TTL: '240h' }, (e) => e.cacheReportTtlMs, 864_000_000],
  [{ CONTROLLER_CACHE_SYNC_TIMEOUT: '10m' }, (e) => e.controllerCacheSyncTimeoutMs, 600_000],
  [{ OPERATOR_CONFIG_AUDIT_SCANNER_ENABLED: 'false' }, (e) => e.configAuditScannerEnabled, false],
  [{ OPERATOR_RBAC_ASSESSMENT_SCANNER_ENABLED: 'false' }, (e) => e.rbacAssessmentScannerEnabled, false],
  [{ OPERATOR_INFRA_ASSESSMENT_SCANNER_ENABLED: 'false' }, (e) => e.infraAssessmentScannerEnabled, false],
  [{ OPERATOR_CLUSTER_COMPLIANCE_ENABLED: 'false' }, (e) => e.clusterComplianceEnabled, false],
  [{ OPERATOR_INVOKE_CLUSTER_COMPLIANCE_ONCE: 'true' }, (e) => e.invokeClusterComplianceOnce, true],
  [
    { OPERATOR_LEADER_ELECTION_ENABLED: 'true', OPERATOR_LEADER_ELECTION_ID: 'trivy-ts.lock' },
    (e) => e.leaderElection,
    { enabled: true, id: 'trivy-ts.lock' },
  ],
  [
    { OPERATOR_WEBHOOK_BROADCAST_URL: 'https://hooks.example.com/trivy?team=sec' },
    (e) => e.webhook.url,
    'https://hooks.example.com/trivy?team=sec',
  ],
  [{ OPERATOR_WEBHOOK_BROADCAST_TIMEOUT: '5s' }, (e) => e.webhook.timeoutMs, 5_000],
  [
    { OPERATOR_WEBHOOK_BROADCAST_CUSTOM_HEADERS: 'X-Api-Key:abc,X-Team: sec ops,Authorization:Bearer a:b,' },
    (e) => e.webhook.customHeaders,
    { 'X-Api-Key': 'abc', 'X-Team': 'sec ops', Authorization: 'Bearer a:b' },
  ],
  [{ OPERATOR_SEND_DELETED_REPORTS: 'true' }, (e) => e.webhook.sendDeletedReports, true],
  [{ OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES: '{}' }, (e) => e.privateRegistryScanSecretsNames, {}],
  [
    {
      OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES:
        '{"apps":"regcred, other-cred","trivy-system":"mirror.creds"}',
    },
    (e) => e.privateRegistryScanSecretsNames,
    { apps: ['regcred', 'other-cred'], 'trivy-system': ['mirror.creds'] },
  ],
  [
    { OPERATOR_ACCESS_GLOBAL_SECRETS_SERVICE_ACCOUNTS: 'false' },
    (e) => e.accessGlobalSecretsServiceAccounts,
    false,
  ],
  [{ OPERATOR_BUILT_IN_TRIVY_SERVER: 'true' }, (e) => e.builtInTrivyServer, true],
  [
    { TRIVY_SERVER_HEALTH_CHECK_CACHE_EXPIRATION: '1h' },
    (e) => e.trivyServerHealthCheckCacheExpirationMs,
    3_600_000,
  ],
  [{ OPERATOR_MERGE_RBAC_FINDING_WITH_CONFIG_AUDIT: 'true' }, (e) => e.mergeRbacFindingWithConfigAudit, true],
  [
    {
      OPERATOR_ALTERNATE_REPORT_STORAGE_ENABLED: 'true',
      OPERATOR_ALTERNATE_REPORT_STORAGE_DIR: '/mnt/data/trivy-operator',
    },
    (e) => e.alternateReportStorage,
    { enabled: true, dir: '/mnt/data/trivy-operator' },
  ],
  [
    {
      HTTP_PROXY: 'proxy.corp:3128',
      https_proxy: 'https://user:pw@proxy.corp:3129',
      NO_PROXY: '.svc,10.0.0.0/8',
    },
    (e) => e.proxy,
    {
      httpProxy: 'http://proxy.corp:3128/',
      httpsProxy: 'https://user:pw@proxy.corp:3129/',
      noProxy: '.svc,10.0.0.0/8',
    },
  ],
  [
    { HTTPS_PROXY: 'http://upper:3128', https_proxy: 'http://lower:3128' },
    (e) => e.proxy.httpsProxy,
    'http://upper:3128/',
  ],
  [
    { OPERATOR_SCAN_MODE: 'inline', OPERATOR_IMAGE: undefined },
    (e) => [e.scanMode, e.operatorImage],
    ['Inline', null],
  ],
  [{ OPERATOR_SCAN_MODE: 'JOB' }, (e) => e.scanMode, 'Job'],
  [
    { OPERATOR_IMAGE: 'registry.local:5000/trivy-ts@sha256:' + 'a'.repeat(64) },
    (e) => e.operatorImage,
    'registry.local:5000/trivy-ts@sha256:' + 'a'.repeat(64),
  ],
  [{ OPERATOR_CACHE_DIR: '/data/trivy-ts' }, (e) => e.cacheDir, '/data/trivy-ts'],
  [{ OPERATOR_CACHE_DIR: 'relative/cache' }, (e) => e.cacheDir, 'relative/cache'],
  [{ OPERATOR_REPORT_MAX_BYTES: '524288' }, (e) => e.reportMaxBytes, 524_288],
  [{ OPERATOR_REPORT_MAX_BYTES: '512Ki' }, (e) => e.reportMaxBytes, 524_288],
  [{ OPERATOR_REPORT_MAX_BYTES: '16384' }, (e) => e.reportMaxBytes, 16_384],
  [{ OPERATOR_DB_UPDATE_INTERVAL: '6h' }, (e) => e.dbUpdateIntervalMs, 21_600_000],
  [{ OPERATOR_SCAN_FAILURE_BACKOFF: '30s' }, (e) => e.scanFailureBackoffMs, 30_000],
  [{ OPERATOR_SCAN_FAILURE_BACKOFF: '1h' }, (e) => e.scanFailureBackoffMs, 3_600_000],
];

describe('operator env: valid values', () => {
  for (const [env, pick, expected] of valid) {
    it(`reads ${JSON.stringify(env)}`, () => {
      assert.deepEqual(pick(parse(env)), expected);
    });
  }
});

const BOOL = 'must be true or false (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False)';
const invalid: Array<[Record<string, string | undefined>, string]> = [
  [
    { OPERATOR_NAMESPACE: undefined },
    'env OPERATOR_NAMESPACE: is not set; set it to the namespace the operator runs in (the Helm chart and the static manifest take it from metadata.namespace)',
  ],
  [
    { OPERATOR_NAMESPACE: 'Trivy_System' },
    'env OPERATOR_NAMESPACE="Trivy_System": "Trivy_System" is not a valid namespace name (lowercase letters, digits and "-", at most 63 characters)',
  ],
  [
    { OPERATOR_TARGET_NAMESPACES: 'apps,Web' },
    'env OPERATOR_TARGET_NAMESPACES="apps,Web": "Web" is not a valid namespace name (lowercase letters, digits and "-", at most 63 characters)',
  ],
  [
    { OPERATOR_TARGET_WORKLOADS: 'pod,deployment' },
    'env OPERATOR_TARGET_WORKLOADS="pod,deployment": "deployment" cannot be a target workload: Deployments are scanned through their ReplicaSets, so list "replicaset" instead',
  ],
  [
    { OPERATOR_TARGET_WORKLOADS: 'Deployment' },
    'env OPERATOR_TARGET_WORKLOADS="Deployment": "Deployment" cannot be a target workload: Deployments are scanned through their ReplicaSets, so list "replicaset" instead',
  ],
  [
    { OPERATOR_TARGET_WORKLOADS: 'pods' },
    'env OPERATOR_TARGET_WORKLOADS="pods": "pods" is not a known target workload; use Pod, ReplicaSet, ReplicationController, StatefulSet, DaemonSet, CronJob, Job',
  ],
  [
    { OPERATOR_SERVICE_ACCOUNT: 'Trivy' },
    'env OPERATOR_SERVICE_ACCOUNT="Trivy": "Trivy" is not a valid service account name (lowercase letters, digits, "-" and ".", at most 253 characters)',
  ],
  [{ OPERATOR_LOG_DEV_MODE: 'yes' }, `env OPERATOR_LOG_DEV_MODE="yes": ${BOOL}`],
  [{ OPERATOR_METRICS_VULN_ID_ENABLED: 'on' }, `env OPERATOR_METRICS_VULN_ID_ENABLED="on": ${BOOL}`],
  [
    { OPERATOR_SCAN_JOB_TIMEOUT: '5' },
    'env OPERATOR_SCAN_JOB_TIMEOUT="5": is not a Go duration (missing unit after "5"); use e.g. 30s, 5m or 1h30m',
  ],
  [
    { OPERATOR_SCAN_JOB_TIMEOUT: '1d' },
    'env OPERATOR_SCAN_JOB_TIMEOUT="1d": is not a Go duration (unknown unit "d"); use e.g. 30s, 5m or 1h30m',
  ],
  [{ OPERATOR_SCAN_JOB_TIMEOUT: '500ms' }, 'env OPERATOR_SCAN_JOB_TIMEOUT="500ms": must be at least 1s'],
  [{ OPERATOR_SCAN_JOB_TTL: '-1h' }, 'env OPERATOR_SCAN_JOB_TTL="-1h": must be at least 0s'],
  [
    { OPERATOR_SCAN_SECRET_TTL: 'never' },
    'env OPERATOR_SCAN_SECRET_TTL="never": is not a Go duration (expected a number at "never"); use e.g. 30s, 5m or 1h30m',
  ],
  [
    { OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT: 'ten' },
    'env OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT="ten": must be a whole number, at least 1',
  ],
  [
    { OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT: '0' },
    'env OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT="0": must be at least 1 (with 0 nothing would ever be scanned)',
  ],
  [
    { OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT: '2.5' },
    'env OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT="2.5": must be a whole number, at least 1',
  ],
  [
    { OPERATOR_CONCURRENT_NODE_COLLECTOR_LIMIT: '-1' },
    'env OPERATOR_CONCURRENT_NODE_COLLECTOR_LIMIT="-1": must be at least 1',
  ],
  [{ OPERATOR_SCAN_JOB_RETRY_AFTER: '0s' }, 'env OPERATOR_SCAN_JOB_RETRY_AFTER="0s": must be at least 1s'],
  [{ OPERATOR_BATCH_DELETE_LIMIT: '0' }, 'env OPERATOR_BATCH_DELETE_LIMIT="0": must be at least 1'],
  [
    { OPERATOR_BATCH_DELETE_DELAY: '10' },
    'env OPERATOR_BATCH_DELETE_DELAY="10": is not a Go duration (missing unit after "10"); use e.g. 30s, 5m or 1h30m',
  ],
  [
    { OPERATOR_METRICS_BIND_ADDRESS: '8080' },
    'env OPERATOR_METRICS_BIND_ADDRESS="8080": is not a listen address; use :PORT or HOST:PORT, e.g. :8080, or 0 to turn it off',
  ],
  [
    { OPERATOR_HEALTH_PROBE_BIND_ADDRESS: ':99999' },
    'env OPERATOR_HEALTH_PROBE_BIND_ADDRESS=":99999": is not a listen address; use :PORT or HOST:PORT, e.g. :8080, or 0 to turn it off',
  ],
  [
    { OPERATOR_SCANNER_REPORT_TTL: '0s' },
    'env OPERATOR_SCANNER_REPORT_TTL="0s": must be at least 1s (set it to the empty string to keep reports forever)',
  ],
  [
    { OPERATOR_SCANNER_REPORT_TTL: '24 hours' },
    'env OPERATOR_SCANNER_REPORT_TTL="24 hours": is not a Go duration (unknown unit " hours"); use e.g. 30s, 5m or 1h30m',
  ],
  [
    { OPERATOR_CACHE_REPORT_TTL: '5d' },
    'env OPERATOR_CACHE_REPORT_TTL="5d": is not a Go duration (unknown unit "d"); use e.g. 30s, 5m or 1h30m',
  ],
  [{ CONTROLLER_CACHE_SYNC_TIMEOUT: '0s' }, 'env CONTROLLER_CACHE_SYNC_TIMEOUT="0s": must be at least 1s'],
  [
    { OPERATOR_LEADER_ELECTION_ID: 'My Lock' },
    'env OPERATOR_LEADER_ELECTION_ID="My Lock": "My Lock" is not a valid Lease name (lowercase letters, digits, "-" and ".", at most 253 characters)',
  ],
  // URLs and headers may carry credentials: the value is never echoed.
  [
    { OPERATOR_WEBHOOK_BROADCAST_URL: 'ftp://user:secret@host/x' },
    'env OPERATOR_WEBHOOK_BROADCAST_URL: is not an http(s) URL; give the webhook URL as e.g. http://proxy.example.com:3128',
  ],
  [
    { OPERATOR_WEBHOOK_BROADCAST_TIMEOUT: '0s' },
    'env OPERATOR_WEBHOOK_BROADCAST_TIMEOUT="0s": must be at least 1ms',
  ],
  [
    { OPERATOR_WEBHOOK_BROADCAST_CUSTOM_HEADERS: 'X-Team:sec,Authorization Bearer s3cret' },
    'env OPERATOR_WEBHOOK_BROADCAST_CUSTOM_HEADERS: entry 2 is not Header-Name:value; write e.g. X-Api-Key:secret,X-Team:security',
  ],
  [{ OPERATOR_SEND_DELETED_REPORTS: 'maybe' }, `env OPERATOR_SEND_DELETED_REPORTS="maybe": ${BOOL}`],
  [
    { OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES: 'apps=regcred' },
    'env OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES="apps=regcred": is not valid JSON (Unexpected token \'a\', "apps=regcred" is not valid JSON); expected e.g. {"my-namespace":"pull-secret-a,pull-secret-b"}',
  ],
  [
    { OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES: '["regcred"]' },
    'env OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES="[\\"regcred\\"]": must be a JSON object',
  ],
  [
    { OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES: '{"apps":["regcred"]}' },
    'env OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES.apps=["regcred"]: must be a string',
  ],
  [
    { OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES: '{"apps":"reg_cred"}' },
    'env OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES.apps="reg_cred": "reg_cred" is not a valid Secret name (lowercase letters, digits, "-" and ".", at most 253 characters)',
  ],
  [
    { OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES: '{"Apps":"regcred"}' },
    'env OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES.Apps="Apps": "Apps" is not a valid namespace name (lowercase letters, digits and "-", at most 63 characters)',
  ],
  [
    { OPERATOR_ALTERNATE_REPORT_STORAGE_ENABLED: 'true' },
    'env OPERATOR_ALTERNATE_REPORT_STORAGE_DIR: is not set, but OPERATOR_ALTERNATE_REPORT_STORAGE_ENABLED is true: set it to the directory reports are written to',
  ],
  [
    { HTTPS_PROXY: 'socks5://user:pw@proxy:1080' },
    'env HTTPS_PROXY: is not an http(s) URL; give the proxy as e.g. http://proxy.example.com:3128',
  ],
  [
    { OPERATOR_SCAN_MODE: 'Pod' },
    'env OPERATOR_SCAN_MODE="Pod": is not a known scan mode; use one of Job, Inline',
  ],
  [
    { OPERATOR_IMAGE: undefined },
    "env OPERATOR_IMAGE: is not set, and scan Jobs (OPERATOR_SCAN_MODE=Job, the default) run the operator's own image: set it to that image, e.g. ghcr.io/org/trivy-ts:1.0.0 (the Helm chart does), or set OPERATOR_SCAN_MODE=Inline to analyse images inside the operator",
  ],
  [
    { OPERATOR_IMAGE: 'GHCR.io/Acme/Trivy-TS:1' },
    'env OPERATOR_IMAGE="GHCR.io/Acme/Trivy-TS:1": is not an image reference: repository component "Acme" must be lowercase letters, digits and separators (. _ __ -); use e.g. ghcr.io/org/trivy-ts:1.0.0',
  ],
  [
    { OPERATOR_REPORT_MAX_BYTES: '1000' },
    'env OPERATOR_REPORT_MAX_BYTES="1000": must be between 16384 and 1048576 bytes (etcd refuses objects near 1.5 MiB; below 16 KiB not even a summary fits)',
  ],
  [
    { OPERATOR_REPORT_MAX_BYTES: '2Mi' },
    'env OPERATOR_REPORT_MAX_BYTES="2Mi": must be between 16384 and 1048576 bytes (etcd refuses objects near 1.5 MiB; below 16 KiB not even a summary fits)',
  ],
  [
    { OPERATOR_REPORT_MAX_BYTES: '256KB' },
    'env OPERATOR_REPORT_MAX_BYTES="256KB": must be a number of bytes, e.g. 262144 or 256Ki',
  ],
  [{ OPERATOR_DB_UPDATE_INTERVAL: '0s' }, 'env OPERATOR_DB_UPDATE_INTERVAL="0s": must be at least 1s'],
  [
    { OPERATOR_SCAN_FAILURE_BACKOFF: '2h' },
    'env OPERATOR_SCAN_FAILURE_BACKOFF="2h": must be at most 1h0m0s (the backoff doubles per failure up to 1h)',
  ],
  [
    { OPERATOR_SCAN_FAILURE_BACKOFF: '10ms' },
    'env OPERATOR_SCAN_FAILURE_BACKOFF="10ms": must be at least 100ms (the backoff doubles per failure up to 1h)',
  ],
];

describe('operator env: invalid values', () => {
  for (const [env, message] of invalid) {
    it(`rejects ${JSON.stringify(env)}`, () => {
      assert.deepEqual(
        problemsOf(() => parse(env)),
        [message],
      );
    });
  }

  it('reports every problem at once', () => {
    const problems = problemsOf(() =>
      parseOperatorEnv({
        OPERATOR_TARGET_WORKLOADS: 'deployment',
        OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT: '0',
        OPERATOR_SCAN_JOB_TIMEOUT: 'soon',
      }),
    );
    assert.deepEqual(
      problems.map((problem) => problem.split(/[=:]/)[0]),
      [
        'env OPERATOR_NAMESPACE',
        'env OPERATOR_IMAGE',
        'env OPERATOR_TARGET_WORKLOADS',
        'env OPERATOR_SCAN_JOB_TIMEOUT',
        'env OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT',
      ],
    );
  });
});

describe('operator env: warnings', () => {
  const warnings = (env: Record<string, string>) =>
    readWithReport((report) => readOperatorEnv({ ...base, ...env }, report)).warnings;

  it('flags misspelt OPERATOR_ variables and leaves other variables alone', () => {
    assert.deepEqual(warnings({ OPERATOR_CONCURENT_SCAN_JOBS_LIMIT: '3', PATH: '/usr/bin', HOME: '/root' }), [
      'env OPERATOR_CONCURENT_SCAN_JOBS_LIMIT: is not a setting trivy-ts knows and is ignored; check the spelling',
    ]);
  });

  it('says that exclusions are ignored when target namespaces are listed (as upstream)', () => {
    assert.deepEqual(
      warnings({ OPERATOR_TARGET_NAMESPACES: 'apps', OPERATOR_EXCLUDE_NAMESPACES: 'kube-*' }),
      [
        'env OPERATOR_EXCLUDE_NAMESPACES: is ignored because OPERATOR_TARGET_NAMESPACES lists the namespaces to scan; exclusions apply only when it is empty (all namespaces)',
      ],
    );
  });

  it('accepts and ignores the pprof address', () => {
    assert.deepEqual(warnings({ OPERATOR_PPROF_BIND_ADDRESS: ':6060' }), [
      'env OPERATOR_PPROF_BIND_ADDRESS: is ignored: pprof is a Go profiler and trivy-ts has no such endpoint',
    ]);
  });

  it('has nothing to say about a default configuration', () => {
    assert.deepEqual(warnings({}), []);
  });
});

describe('install modes and namespace filtering (§3.11)', () => {
  const modes: Array<[string, string, string]> = [
    ['', 'trivy-system', 'AllNamespaces'],
    ['trivy-system', 'trivy-system', 'OwnNamespace'],
    ['apps', 'trivy-system', 'SingleNamespace'],
    ['apps,web', 'trivy-system', 'MultiNamespace'],
    ['apps,apps', 'trivy-system', 'SingleNamespace'],
    ['trivy-system,apps', 'trivy-system', 'MultiNamespace'],
  ];
  for (const [targets, operatorNamespace, mode] of modes) {
    it(`targets ${JSON.stringify(targets)} with the operator in ${operatorNamespace} is ${mode}`, () => {
      const env = parse({ OPERATOR_NAMESPACE: operatorNamespace, OPERATOR_TARGET_NAMESPACES: targets });
      assert.equal(env.installMode, mode);
      assert.equal(resolveInstallMode(operatorNamespace, env.targetNamespaces), mode);
    });
  }

  const inclusion: Array<[Record<string, string>, Record<string, boolean>, readonly string[] | 'all']> = [
    [
      { OPERATOR_EXCLUDE_NAMESPACES: 'kube-*,argocd' },
      {
        'kube-system': false,
        'kube-public': false,
        argocd: false,
        apps: true,
        'trivy-system': true,
        '': true,
      },
      'all',
    ],
    [
      { OPERATOR_TARGET_NAMESPACES: 'trivy-system' },
      { 'trivy-system': true, apps: false, '': true },
      ['trivy-system'],
    ],
    [
      { OPERATOR_TARGET_NAMESPACES: 'apps' },
      { apps: true, 'trivy-system': false, web: false, '': true },
      ['apps', 'trivy-system'],
    ],
    [
      { OPERATOR_TARGET_NAMESPACES: 'apps,web' },
      { apps: true, web: true, 'trivy-system': false, other: false },
      ['apps', 'web', 'trivy-system'],
    ],
    [
      // Exclusions only count in AllNamespaces mode: a listed namespace is scanned even if a glob matches it.
      { OPERATOR_TARGET_NAMESPACES: 'kube-system,apps', OPERATOR_EXCLUDE_NAMESPACES: 'kube-*' },
      { 'kube-system': true, apps: true, 'kube-public': false },
      ['kube-system', 'apps', 'trivy-system'],
    ],
  ];
  for (const [settings, expected, watched] of inclusion) {
    it(`filters namespaces for ${JSON.stringify(settings)}`, () => {
      const env = parse(settings);
      for (const [namespace, included] of Object.entries(expected)) {
        assert.equal(namespaceIncluded(env, namespace), included, `namespace ${JSON.stringify(namespace)}`);
      }
      assert.deepEqual(watchedNamespaces(env), watched);
    });
  }
});
