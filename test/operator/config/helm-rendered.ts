/**
 * What the upstream Helm chart (0.34) renders with its default values: the operator's env (ConfigMap
 * trivy-operator-config plus the Deployment's own env), ConfigMap trivy-operator and ConfigMap
 * trivy-operator-trivy-config. Helm quotes every value, so booleans and numbers arrive as strings, and values left
 * unset arrive as empty strings. Tests overlay what `--set`/values files change.
 */

/** The operator container's environment. */
export const helmDefaultEnv: Record<string, string> = {
  OPERATOR_NAMESPACE: 'trivy-system',
  OPERATOR_TARGET_NAMESPACES: '',
  OPERATOR_EXCLUDE_NAMESPACES: '',
  OPERATOR_TARGET_WORKLOADS: 'pod,replicaset,replicationcontroller,statefulset,daemonset,cronjob,job',
  OPERATOR_SERVICE_ACCOUNT: 'trivy-operator',
  OPERATOR_LOG_DEV_MODE: 'false',
  OPERATOR_SCAN_JOB_TTL: '',
  OPERATOR_SCAN_JOB_TIMEOUT: '5m',
  OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT: '10',
  OPERATOR_CONCURRENT_NODE_COLLECTOR_LIMIT: '1',
  OPERATOR_SCAN_JOB_RETRY_AFTER: '30s',
  OPERATOR_BATCH_DELETE_LIMIT: '10',
  OPERATOR_BATCH_DELETE_DELAY: '10s',
  OPERATOR_METRICS_BIND_ADDRESS: ':8080',
  OPERATOR_METRICS_FINDINGS_ENABLED: 'true',
  OPERATOR_METRICS_VULN_ID_ENABLED: 'false',
  OPERATOR_HEALTH_PROBE_BIND_ADDRESS: ':9090',
  OPERATOR_VULNERABILITY_SCANNER_ENABLED: 'true',
  OPERATOR_SBOM_GENERATION_ENABLED: 'true',
  OPERATOR_CLUSTER_SBOM_CACHE_ENABLED: 'false',
  OPERATOR_VULNERABILITY_SCANNER_SCAN_ONLY_CURRENT_REVISIONS: 'true',
  OPERATOR_SCANNER_REPORT_TTL: '24h',
  OPERATOR_CACHE_REPORT_TTL: '120h',
  CONTROLLER_CACHE_SYNC_TIMEOUT: '5m',
  OPERATOR_CONFIG_AUDIT_SCANNER_ENABLED: 'true',
  OPERATOR_RBAC_ASSESSMENT_SCANNER_ENABLED: 'true',
  OPERATOR_INFRA_ASSESSMENT_SCANNER_ENABLED: 'true',
  OPERATOR_CONFIG_AUDIT_SCANNER_SCAN_ONLY_CURRENT_REVISIONS: 'true',
  OPERATOR_EXPOSED_SECRET_SCANNER_ENABLED: 'true',
  OPERATOR_METRICS_EXPOSED_SECRET_INFO_ENABLED: 'false',
  OPERATOR_METRICS_CONFIG_AUDIT_INFO_ENABLED: 'false',
  OPERATOR_METRICS_RBAC_ASSESSMENT_INFO_ENABLED: 'false',
  OPERATOR_METRICS_INFRA_ASSESSMENT_INFO_ENABLED: 'false',
  OPERATOR_METRICS_IMAGE_INFO_ENABLED: 'false',
  OPERATOR_METRICS_CLUSTER_COMPLIANCE_INFO_ENABLED: 'false',
  OPERATOR_WEBHOOK_BROADCAST_URL: '',
  OPERATOR_WEBHOOK_BROADCAST_TIMEOUT: '30s',
  OPERATOR_WEBHOOK_BROADCAST_CUSTOM_HEADERS: '',
  OPERATOR_SEND_DELETED_REPORTS: 'false',
  OPERATOR_PRIVATE_REGISTRY_SCAN_SECRETS_NAMES: '{}',
  OPERATOR_ACCESS_GLOBAL_SECRETS_SERVICE_ACCOUNTS: 'true',
  OPERATOR_BUILT_IN_TRIVY_SERVER: 'false',
  TRIVY_SERVER_HEALTH_CHECK_CACHE_EXPIRATION: '10h',
  OPERATOR_MERGE_RBAC_FINDING_WITH_CONFIG_AUDIT: 'false',
  OPERATOR_CLUSTER_COMPLIANCE_ENABLED: 'true',
  // trivy-ts's chart adds its own image; the API server adds the service host to every pod.
  OPERATOR_IMAGE: 'ghcr.io/acme/trivy-ts:1.0.0',
  KUBERNETES_SERVICE_HOST: '10.96.0.1',
};

/** The eight hostPath mounts of the chart's nodeCollector defaults (§4.6), as `toJson` renders them. */
const hostPaths = [
  'var-lib-etcd:/var/lib/etcd',
  'var-lib-kubelet:/var/lib/kubelet',
  'var-lib-kube-scheduler:/var/lib/kube-scheduler',
  'var-lib-kube-controller-manager:/var/lib/kube-controller-manager',
  'etc-systemd:/etc/systemd',
  'lib-systemd:/lib/systemd/',
  'etc-kubernetes:/etc/kubernetes',
  'etc-cni-netd:/etc/cni/net.d/',
].map((entry) => entry.split(':') as [string, string]);

/** ConfigMap trivy-operator as `helm install` renders it with the chart's default values. */
export const helmDefaultOperatorConfigMap: Record<string, string> = {
  'nodeCollector.volumes': JSON.stringify(hostPaths.map(([name, path]) => ({ hostPath: { path }, name }))),
  'nodeCollector.volumeMounts': JSON.stringify(
    hostPaths.map(([name, mountPath]) => ({ mountPath, name, readOnly: true })),
  ),
  'scanJob.useGCRServiceAccount': 'true',
  'scanJob.podTemplateContainerSecurityContext':
    '{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"privileged":false,"readOnlyRootFilesystem":true}',
  'scanJob.compressLogs': 'true',
  'vulnerabilityReports.scanner': 'Trivy',
  'vulnerabilityReports.scanJobsInSameNamespace': 'false',
  'configAuditReports.scanner': 'Trivy',
  'compliance.failEntriesLimit': '10',
  'report.recordFailedChecksOnly': 'true',
  'node.collector.imageRef': 'ghcr.io/aquasecurity/node-collector:0.3.1',
  'policies.bundle.oci.ref': 'mirror.gcr.io/aquasec/trivy-checks:1',
  'policies.bundle.insecure': 'false',
  'node.collector.nodeSelector': 'true',
};

/** ConfigMap trivy-operator-trivy-config as `helm install` renders it with the chart's default values. */
export const helmDefaultTrivyConfigMap: Record<string, string> = {
  'trivy.repository': 'mirror.gcr.io/aquasec/trivy',
  'trivy.tag': '0.72.0',
  'trivy.imagePullPolicy': 'IfNotPresent',
  'trivy.additionalVulnerabilityReportFields': '',
  'trivy.severity': 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL',
  'trivy.slow': 'true',
  'trivy.skipJavaDBUpdate': 'false',
  'trivy.includeDevDeps': 'false',
  'trivy.imageScanCacheDir': '/tmp/trivy/.cache',
  'trivy.filesystemScanCacheDir': '/var/trivyoperator/trivy-db',
  'trivy.dbRepository': 'mirror.gcr.io/aquasec/trivy-db',
  'trivy.javaDbRepository': 'mirror.gcr.io/aquasec/trivy-java-db',
  'trivy.command': 'image',
  'trivy.sbomSources': '',
  'trivy.dbRepositoryInsecure': 'false',
  'trivy.useBuiltinRegoPolicies': 'false',
  'trivy.useEmbeddedRegoPolicies': 'true',
  'trivy.supportedConfigAuditKinds':
    'Workload,Service,Role,ClusterRole,NetworkPolicy,Ingress,LimitRange,ResourceQuota,PersistentVolume,PersistentVolumeClaim',
  'trivy.timeout': '5m0s',
  'trivy.mode': 'Standalone',
  'trivy.resources.requests.cpu': '100m',
  'trivy.resources.requests.memory': '100M',
  'trivy.resources.limits.cpu': '500m',
  'trivy.resources.limits.memory': '500M',
};
