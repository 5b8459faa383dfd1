/**
 * `promtool test rules` cases for the chart's alerts: synthetic series in, expected alerts out, at the default
 * thresholds and `for:` durations. Each alert's annotations are replaced by `value: {{ $value }}` before the run, so
 * that a case checks the number an alert reports (the runbook texts would otherwise have to be repeated here); the
 * live test checks the real annotations as Alertmanager delivers them.
 */

type Labels = Record<string, string>;

interface Series {
  series: string;
  values: string;
}

interface ExpectedAlert {
  exp_labels: Labels;
  exp_annotations: { value: string };
}

interface AlertCheck {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpectedAlert[];
}

export interface PromtoolTestGroup {
  interval: string;
  input_series: Series[];
  alert_rule_test: AlertCheck[];
}

const selector = (name: string, labels: Labels) =>
  `${name}{${Object.entries(labels)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(',')}}`;

const series = (name: string, labels: Labels, values: string): Series => ({
  series: selector(name, labels),
  values,
});

const target = { job: 'trivy-operator', instance: '10.0.0.7:8080' };

interface Image {
  registry: string;
  repository: string;
  tag: string;
  digest: string;
}

const image = (repository: string, tag: string, digest: string): Image => ({
  registry: 'registry.example.com',
  repository,
  tag,
  digest: `sha256:${digest.repeat(64 / digest.length)}`,
});

const imageLabels = (img: Image) => ({
  image_registry: img.registry,
  image_repository: img.repository,
  image_tag: img.tag,
  image_digest: img.digest,
});

type Severity = 'Critical' | 'High' | 'Medium' | 'Low' | 'Unknown';
type Counts = Partial<Record<Severity, number>>;

/** The series of one workload container's report: one per severity, each with a constant count. */
function imageReport(
  metric: string,
  severities: readonly Severity[],
  [namespace, workload, container]: [string, string, string],
  img: Image,
  counts: Counts,
): Series[] {
  return severities.map((severity) => ({
    series: selector(metric, {
      namespace,
      name: `replicaset-${workload}-${container}`,
      resource_kind: 'ReplicaSet',
      resource_name: workload,
      container_name: container,
      ...imageLabels(img),
      severity,
      ...target,
    }),
    values: `${counts[severity] ?? 0}x120`,
  }));
}

/** `trivy_image_vulnerabilities` of the container `namespace/workload/container` running `img`. */
const vulnerabilities = (where: string, img: Image, counts: Counts) =>
  imageReport(
    'trivy_image_vulnerabilities',
    ['Critical', 'High', 'Medium', 'Low', 'Unknown'],
    where.split('/') as [string, string, string],
    img,
    counts,
  );
/** `trivy_image_exposedsecrets` of the container `namespace/workload/container` running `img`. */
const secrets = (where: string, img: Image, counts: Counts) =>
  imageReport(
    'trivy_image_exposedsecrets',
    ['Critical', 'High', 'Medium', 'Low'],
    where.split('/') as [string, string, string],
    img,
    counts,
  );

const imageAlert = (namespace: string, img: Image, severity: string, value: number): ExpectedAlert => ({
  exp_labels: { namespace, ...imageLabels(img), severity },
  exp_annotations: { value: String(value) },
});

const check = (eval_time: string, alertname: string, exp_alerts: ExpectedAlert[] = []): AlertCheck => ({
  eval_time,
  alertname,
  exp_alerts,
});

function rbac(
  kind: 'Role' | 'ClusterRole',
  name: string,
  counts: Partial<Record<string, number>>,
  namespace = '',
) {
  const metric = kind === 'Role' ? 'trivy_role_rbacassessments' : 'trivy_clusterrole_clusterrbacassessments';
  return ['Critical', 'High', 'Medium', 'Low'].map((severity) => ({
    series: selector(metric, {
      ...(kind === 'Role' ? { namespace } : {}),
      name: `${kind.toLowerCase()}-${name.replaceAll(':', '-')}`,
      resource_kind: kind,
      resource_name: name,
      severity,
      ...target,
    }),
    values: `${counts[severity] ?? 0}x120`,
  }));
}

const compliance = (title: string, status: 'Fail' | 'Pass', values: string) =>
  series(
    'trivy_cluster_compliance',
    { title, description: `${title} (description)`, status, ...target },
    values,
  );

const shopApp = image('shop/app', '1.0', 'a1');
const shopApi = image('shop/api', '2.0', 'b2');
const base = image('library/base', '12', 'c3');
const tools = image('tools/cli', '0.9', 'd4');

export const promtoolTestGroups: PromtoolTestGroup[] = [
  // One image run by two workloads in one namespace, and by one in another: counted once per namespace.
  {
    interval: '1m',
    input_series: [
      ...vulnerabilities('shop/web/app', shopApp, { Critical: 2, High: 21 }),
      ...vulnerabilities('shop/worker/app', shopApp, { Critical: 2, High: 21 }),
      ...vulnerabilities('tools/batch/app', shopApp, { Critical: 2, High: 21 }),
      // 20 HIGH in each of three workloads: 60 if the series were summed, 20 for the image.
      ...vulnerabilities('shop/api/api', shopApi, { High: 20, Medium: 4 }),
      ...vulnerabilities('shop/api-canary/api', shopApi, { High: 20, Medium: 4 }),
      ...vulnerabilities('shop/api-jobs/api', shopApi, { High: 20, Medium: 4 }),
      ...vulnerabilities('shop/web/sidecar', base, {}),
    ],
    alert_rule_test: [
      check('14m', 'CriticalVulnerabilitiesDetected'),
      check('16m', 'CriticalVulnerabilitiesDetected', [
        imageAlert('shop', shopApp, 'critical', 2),
        imageAlert('tools', shopApp, 'critical', 2),
      ]),
      check('59m', 'HighVulnerabilityCount'),
      check('61m', 'HighVulnerabilityCount', [
        imageAlert('shop', shopApp, 'warning', 21),
        imageAlert('tools', shopApp, 'warning', 21),
      ]),
      check('61m', 'ClusterCriticalVulnerabilityThresholdExceeded'),
    ],
  },
  // 101 CRITICAL over two distinct images fires; the same image in two workloads counts once.
  {
    interval: '1m',
    input_series: [
      ...vulnerabilities('shop/web/app', shopApp, { Critical: 60 }),
      ...vulnerabilities('tools/batch/app', shopApp, { Critical: 60 }),
      ...vulnerabilities('shop/api/api', shopApi, { Critical: 41 }),
    ],
    alert_rule_test: [
      check('59m', 'ClusterCriticalVulnerabilityThresholdExceeded'),
      check('61m', 'ClusterCriticalVulnerabilityThresholdExceeded', [
        { exp_labels: { severity: 'warning' }, exp_annotations: { value: '101' } },
      ]),
    ],
  },
  // 100 is not more than 100, though summing the series would say 160.
  {
    interval: '1m',
    input_series: [
      ...vulnerabilities('shop/web/app', shopApp, { Critical: 60 }),
      ...vulnerabilities('tools/batch/app', shopApp, { Critical: 60 }),
      ...vulnerabilities('shop/api/api', shopApi, { Critical: 40 }),
    ],
    alert_rule_test: [check('61m', 'ClusterCriticalVulnerabilityThresholdExceeded')],
  },
  // Secrets: every severity counts, each image once; a clean image stays quiet.
  {
    interval: '1m',
    input_series: [
      ...secrets('shop/web/app', shopApp, { Critical: 1, High: 2 }),
      ...secrets('shop/worker/app', shopApp, { Critical: 1, High: 2 }),
      ...secrets('tools/batch/cli', tools, { Low: 1 }),
      ...secrets('shop/web/sidecar', base, {}),
    ],
    alert_rule_test: [
      check('4m', 'ExposedSecretsDetected'),
      check('6m', 'ExposedSecretsDetected', [
        imageAlert('shop', shopApp, 'critical', 3),
        imageAlert('tools', tools, 'critical', 1),
      ]),
    ],
  },
  // RBAC: CRITICAL findings only, Kubernetes' own roles left out.
  {
    interval: '1m',
    input_series: [
      ...rbac('Role', 'secrets-admin', { Critical: 1, Medium: 2 }, 'shop'),
      ...rbac('Role', 'config-editor', { High: 3, Medium: 1 }, 'shop'),
      ...rbac('ClusterRole', 'wildcard', { Critical: 2 }),
      ...rbac('ClusterRole', 'cluster-admin', { Critical: 3 }),
      ...rbac('ClusterRole', 'edit', { Critical: 1 }),
      ...rbac('ClusterRole', 'system:controller:job-controller', { Critical: 1 }),
    ],
    alert_rule_test: [
      check('59m', 'HighRiskRBACPermissions'),
      check('61m', 'HighRiskRBACPermissions', [
        {
          exp_labels: {
            namespace: 'shop',
            resource_kind: 'Role',
            resource_name: 'secrets-admin',
            severity: 'warning',
          },
          exp_annotations: { value: '1' },
        },
        {
          exp_labels: { resource_kind: 'ClusterRole', resource_name: 'wildcard', severity: 'warning' },
          exp_annotations: { value: '2' },
        },
      ]),
    ],
  },
  // Compliance: failed controls of the CIS and NSA reports, by title.
  {
    interval: '1m',
    input_series: [
      compliance('CIS Kubernetes Benchmarks v1.23', 'Fail', '12x120'),
      compliance('CIS Kubernetes Benchmarks v1.23', 'Pass', '104x120'),
      compliance('National Security Agency - Kubernetes Hardening Guidance v1.0', 'Fail', '0x120'),
      compliance('National Security Agency - Kubernetes Hardening Guidance v1.0', 'Pass', '27x120'),
      compliance('Kubernetes Pod Security Standards - Restricted', 'Fail', '5x120'),
    ],
    alert_rule_test: [
      check('61m', 'CISKubernetesBenchmarkFailures', [
        {
          exp_labels: { title: 'CIS Kubernetes Benchmarks v1.23', severity: 'info' },
          exp_annotations: { value: '12' },
        },
      ]),
      check('61m', 'NSAKubernetesHardeningFailures'),
    ],
  },
  {
    interval: '1m',
    input_series: [
      compliance('National Security Agency - Kubernetes Hardening Guidance v1.0', 'Fail', '3x120'),
    ],
    alert_rule_test: [
      check('61m', 'NSAKubernetesHardeningFailures', [
        {
          exp_labels: {
            title: 'National Security Agency - Kubernetes Hardening Guidance v1.0',
            severity: 'info',
          },
          exp_annotations: { value: '3' },
        },
      ]),
      check('61m', 'CISKubernetesBenchmarkFailures'),
    ],
  },
  // Failing scans: a reason whose count keeps rising fires; an old count that no longer moves does not.
  {
    interval: '1m',
    input_series: [
      series('trivy_ts_scan_failures_total', { reason: 'RegistryUnauthorized', ...target }, '0+1x120'),
      series('trivy_ts_scan_failures_total', { reason: 'ImageNotFound', ...target }, '3x120'),
    ],
    alert_rule_test: [
      check('10m', 'TrivyTsScansFailing'),
      check('40m', 'TrivyTsScansFailing', [
        {
          exp_labels: { reason: 'RegistryUnauthorized', severity: 'warning' },
          exp_annotations: { value: '30' },
        },
      ]),
    ],
  },
  // The queue: waiting with no analysis finishing fires; finishing ones (successful or failed) or an empty queue do not.
  {
    interval: '1m',
    input_series: [
      series('trivy_ts_scan_queue_depth', { job: 'op', instance: 'stuck' }, '5x120'),
      series('trivy_ts_scans_completed_total', { job: 'op', instance: 'stuck' }, '10x120'),
      series('trivy_ts_scan_queue_depth', { job: 'op', instance: 'busy' }, '5x120'),
      series('trivy_ts_scans_completed_total', { job: 'op', instance: 'busy' }, '0+1x120'),
      series('trivy_ts_scan_queue_depth', { job: 'op', instance: 'failing' }, '5x120'),
      series('trivy_ts_scans_completed_total', { job: 'op', instance: 'failing' }, '10x120'),
      series(
        'trivy_ts_scan_failures_total',
        { job: 'op', instance: 'failing', reason: 'Timeout' },
        '0+1x120',
      ),
      series('trivy_ts_scan_queue_depth', { job: 'op', instance: 'idle' }, '0x120'),
      series('trivy_ts_scans_completed_total', { job: 'op', instance: 'idle' }, '10x120'),
      // Finishes scans for 30 minutes, then stops: quiet while the last completion is in the 30m window.
      series('trivy_ts_scan_queue_depth', { job: 'op', instance: 'stops' }, '5x120'),
      series('trivy_ts_scans_completed_total', { job: 'op', instance: 'stops' }, '0+1x30 30x90'),
    ],
    alert_rule_test: [
      check('10m', 'TrivyTsScanQueueStalled'),
      check('20m', 'TrivyTsScanQueueStalled', [
        {
          exp_labels: { job: 'op', instance: 'stuck', severity: 'warning' },
          exp_annotations: { value: '5' },
        },
      ]),
      check('70m', 'TrivyTsScanQueueStalled', [
        {
          exp_labels: { job: 'op', instance: 'stuck', severity: 'warning' },
          exp_annotations: { value: '5' },
        },
      ]),
      check('80m', 'TrivyTsScanQueueStalled', [
        {
          exp_labels: { job: 'op', instance: 'stops', severity: 'warning' },
          exp_annotations: { value: '5' },
        },
        {
          exp_labels: { job: 'op', instance: 'stuck', severity: 'warning' },
          exp_annotations: { value: '5' },
        },
      ]),
    ],
  },
  // The DB: older than 48 hours fires; 47 hours does not. A failing update check fires after 6 hours.
  {
    interval: '1m',
    input_series: [
      series('trivy_ts_vulnerability_db_age_seconds', { job: 'op', instance: 'old' }, '176400x400'),
      series('trivy_ts_vulnerability_db_age_seconds', { job: 'op', instance: 'fresh' }, '169200x400'),
      series('trivy_ts_vulnerability_db_last_update_success', { job: 'op', instance: 'old' }, '0x400'),
      series('trivy_ts_vulnerability_db_last_update_success', { job: 'op', instance: 'fresh' }, '1x400'),
    ],
    alert_rule_test: [
      check('59m', 'TrivyTsVulnerabilityDBOutdated'),
      check('61m', 'TrivyTsVulnerabilityDBOutdated', [
        {
          exp_labels: { job: 'op', instance: 'old', severity: 'warning' },
          exp_annotations: { value: '176400' },
        },
      ]),
      check('350m', 'TrivyTsVulnerabilityDBUpdateFailing'),
      check('370m', 'TrivyTsVulnerabilityDBUpdateFailing', [
        { exp_labels: { job: 'op', instance: 'old', severity: 'warning' }, exp_annotations: { value: '0' } },
      ]),
    ],
  },
  // Coverage: below 90 % fires; exactly 90 % does not.
  {
    interval: '1m',
    input_series: [
      series('trivy_ts_report_coverage_ratio', { job: 'op', instance: 'low' }, '0.85x120'),
      series('trivy_ts_report_coverage_ratio', { job: 'op', instance: 'edge' }, '0.9x120'),
      series('trivy_ts_report_coverage_ratio', { job: 'op', instance: 'full' }, '1x120'),
    ],
    alert_rule_test: [
      check('59m', 'TrivyTsReportCoverageLow'),
      check('61m', 'TrivyTsReportCoverageLow', [
        {
          exp_labels: { job: 'op', instance: 'low', severity: 'warning' },
          exp_annotations: { value: '0.85' },
        },
      ]),
    ],
  },
];
