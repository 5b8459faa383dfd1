import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMetrics } from '../../../src/operator/metrics/index.ts';
import { HttpEndpoint } from '../../../src/operator/runtime/http-server.ts';
import type { AnyReport } from '../../../src/operator/reports/types.ts';
import { createLogger } from '../../../src/util/logger.ts';
import { parseExposition } from './exposition-parser.ts';
import { FLAGS, healthState } from './health-fixtures.ts';
import {
  eventually,
  promtoolCheckMetrics,
  startPrometheus,
  type RunningPrometheus,
} from './prometheus-server.ts';
import {
  configAuditReport,
  exposedSecretReport,
  rbacAssessmentReport,
  sourceOf,
  vulnerability,
  vulnerabilityReport,
} from './report-fixtures.ts';

const nginx = {
  registry: 'index.docker.io',
  repository: 'library/nginx',
  tag: '1.25.3',
  digest: 'sha256:aaa',
};
const redis = { registry: 'index.docker.io', repository: 'library/redis', tag: '7.2', digest: 'sha256:bbb' };
const twoCritical = [
  vulnerability({ vulnerabilityID: 'CVE-2024-0001', severity: 'CRITICAL' }),
  vulnerability({ vulnerabilityID: 'CVE-2024-0002', severity: 'CRITICAL', resource: 'zlib1g' }),
  vulnerability({ vulnerabilityID: 'CVE-2024-0003', severity: 'HIGH' }),
];
/** Two ReplicaSets of one image in `shop`, one of another image in `cache`; one report listed twice. */
const clusterReports: AnyReport[] = [
  vulnerabilityReport(
    { namespace: 'shop', kind: 'ReplicaSet', name: 'web-1', container: 'nginx' },
    nginx,
    twoCritical,
  ),
  vulnerabilityReport(
    { namespace: 'shop', kind: 'ReplicaSet', name: 'web-canary-1', container: 'nginx' },
    nginx,
    twoCritical,
  ),
  vulnerabilityReport({ namespace: 'cache', kind: 'StatefulSet', name: 'redis', container: 'redis' }, redis, [
    vulnerability({ vulnerabilityID: 'CVE-2023-9999', severity: 'CRITICAL', resource: 'libc6' }),
    vulnerability({ vulnerabilityID: 'GHSA-xxxx-yyyy-zzzz', severity: 'HIGH', resource: 'redis' }),
  ]),
  vulnerabilityReport(
    { namespace: 'shop', kind: 'ReplicaSet', name: 'web-1', container: 'nginx' },
    nginx,
    twoCritical,
  ),
  exposedSecretReport({ namespace: 'shop', kind: 'ReplicaSet', name: 'web-1', container: 'nginx' }, nginx, [
    {
      target: '/etc/key.pem',
      ruleID: 'private-key',
      title: 'Asymmetric Private Key',
      category: 'AsymmetricPrivateKey',
      severity: 'HIGH',
      match: '-----BEGIN RSA PRIVATE KEY-----****',
    },
  ]),
  configAuditReport({ namespace: 'shop', kind: 'ReplicaSet', name: 'web-1' }, [
    { checkID: 'KSV110', title: 'The default namespace should not be used', severity: 'LOW', success: false },
    { checkID: 'KSV003', title: 'Default capabilities not dropped', severity: 'LOW', success: false },
    { checkID: 'KSV012', title: 'Runs as root user', severity: 'MEDIUM', success: false },
  ]),
  configAuditReport({ namespace: 'cache', kind: 'StatefulSet', name: 'redis' }, [
    { checkID: 'KSV012', title: 'Runs as root user', severity: 'MEDIUM', success: false },
  ]),
  rbacAssessmentReport({ namespace: 'shop', kind: 'Role', name: 'reader' }, [
    { checkID: 'KSV113', title: 'Manage namespace secrets', severity: 'MEDIUM', success: false },
  ]),
];

const HEALTH_TEXT = `# TYPE trivy_ts_scan_queue_depth gauge
trivy_ts_scan_queue_depth 4

# TYPE trivy_ts_scans_running gauge
trivy_ts_scans_running 2

# TYPE trivy_ts_images gauge
trivy_ts_images{state="pending"} 4
trivy_ts_images{state="scanning"} 2
trivy_ts_images{state="done"} 30
trivy_ts_images{state="failed"} 0

# TYPE trivy_ts_scan_failures_total counter
trivy_ts_scan_failures_total{reason="ImagePullFailed"} 3
trivy_ts_scan_failures_total{reason="Timeout"} 1

# TYPE trivy_ts_scans_completed_total counter
trivy_ts_scans_completed_total 30

# TYPE trivy_ts_vulnerability_db_age_seconds gauge
trivy_ts_vulnerability_db_age_seconds 7200

# TYPE trivy_ts_vulnerability_db_last_update_success gauge
trivy_ts_vulnerability_db_last_update_success 1

# TYPE trivy_ts_running_containers gauge
trivy_ts_running_containers 40

# TYPE trivy_ts_running_containers_with_current_report gauge
trivy_ts_running_containers_with_current_report 30

# TYPE trivy_ts_report_coverage_ratio gauge
trivy_ts_report_coverage_ratio 0.75

# TYPE trivy_ts_reports_truncated_total counter
trivy_ts_reports_truncated_total 2

# TYPE trivy_ts_kube_api_requests_total counter
trivy_ts_kube_api_requests_total{verb="list"} 12
trivy_ts_kube_api_requests_total{verb="watch"} 12
trivy_ts_kube_api_requests_total{verb="create"} 40
`;

const healthOnly = (page: string) => {
  const blocks = page.split('\n\n').filter((block) => block.includes('# TYPE trivy_ts_'));
  return `${blocks
    .map((block) =>
      block
        .split('\n')
        .filter((line) => !line.startsWith('# HELP '))
        .join('\n'),
    )
    .join('\n\n')}\n`;
};

describe('createMetrics: the /metrics page', () => {
  it('serves health, findings and process metrics in one valid page', async () => {
    const metrics = createMetrics({
      reports: sourceOf(clusterReports),
      health: healthState(),
      flags: FLAGS,
      resourceLabels: [],
      resourceLabelsPrefix: '',
    });
    const { contentType, body } = await metrics.renderMetrics();
    assert.equal(contentType, 'text/plain; version=0.0.4; charset=utf-8');
    const families = parseExposition(body);
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
      'trivy_ts_scan_queue_depth',
    ]) {
      assert.ok(families.has(name), name);
    }
    assert.equal(families.get('trivy_image_vulnerabilities')?.samples.length, 15, '3 reports × 5 severities');
    assert.equal(healthOnly(body), HEALTH_TEXT);
    for (const family of families.values()) {
      if (family.name.startsWith('trivy_ts_')) assert.ok((family.help ?? '').length > 30, family.name);
    }
  });

  it('passes promtool: Prometheus parses it, and its linter finds nothing wrong with trivy metrics', async () => {
    const metrics = createMetrics({
      reports: sourceOf(clusterReports),
      health: healthState(),
      flags: {
        ...FLAGS,
        exposedSecretInfoEnabled: true,
        configAuditInfoEnabled: true,
        imageInfoEnabled: true,
      },
      resourceLabels: [],
      resourceLabelsPrefix: '',
    });
    const { body } = await metrics.renderMetrics();
    const { code, output } = await promtoolCheckMetrics(body);
    assert.notEqual(code, 1, `promtool could not parse the page:\n${output}`);
    const trivyProblems = output.split('\n').filter((line) => line.startsWith('trivy'));
    assert.deepEqual(trivyProblems, []);
  });

  it('leaves out what the operator cannot tell, and keeps serving when a state read throws', async () => {
    const health = healthState();
    health.set.dbAge = undefined;
    health.set.dbOk = undefined;
    health.failing = 'scanFailures';
    const metrics = createMetrics({
      reports: sourceOf([]),
      health,
      flags: FLAGS,
      resourceLabels: [],
      resourceLabelsPrefix: '',
      defaultMetrics: false,
    });
    const families = parseExposition((await metrics.renderMetrics()).body);
    assert.deepEqual(families.get('trivy_ts_vulnerability_db_age_seconds')?.samples, []);
    assert.deepEqual(families.get('trivy_ts_vulnerability_db_last_update_success')?.samples, []);
    assert.deepEqual(families.get('trivy_ts_scan_failures_total')?.samples, []);
    assert.equal(families.get('trivy_ts_scan_queue_depth')?.samples[0]?.value, 4);

    health.failing = 'queueDepth';
    health.set.dbOk = false;
    health.set.coverage = { runningContainers: 0, withCurrentReport: 0 };
    const next = parseExposition((await metrics.renderMetrics()).body);
    assert.deepEqual(next.get('trivy_ts_scan_queue_depth')?.samples, []);
    assert.equal(next.get('trivy_ts_vulnerability_db_last_update_success')?.samples[0]?.value, 0);
    assert.equal(next.get('trivy_ts_report_coverage_ratio')?.samples[0]?.value, 1, 'nothing to cover');
    assert.equal(next.get('trivy_ts_scan_failures_total')?.samples.length, 2, 'recovered');
  });

  it('never lets a scrape see counters go down because of a bad value', async () => {
    const health = healthState();
    health.set.completed = Number.NaN;
    health.set.failures = new Map([
      ['ok', 2],
      ['negative', -1],
    ]);
    const metrics = createMetrics({
      reports: sourceOf([]),
      health,
      flags: FLAGS,
      resourceLabels: [],
      resourceLabelsPrefix: '',
      defaultMetrics: false,
    });
    const families = parseExposition((await metrics.renderMetrics()).body);
    assert.deepEqual(families.get('trivy_ts_scans_completed_total')?.samples, []);
    assert.deepEqual(
      families.get('trivy_ts_scan_failures_total')?.samples.map((sample) => sample.labels.reason),
      ['ok'],
    );
  });

  it('shares one render between scrapes that arrive together', async () => {
    const source = sourceOf(clusterReports);
    const metrics = createMetrics({
      reports: source,
      health: healthState(),
      flags: FLAGS,
      resourceLabels: [],
      resourceLabelsPrefix: '',
      defaultMetrics: false,
    });
    const [first, second] = await Promise.all([metrics.renderMetrics(), metrics.renderMetrics()]);
    assert.equal(first, second);
    const listings = source.calls.length;
    await metrics.renderMetrics();
    assert.equal(source.calls.length, listings * 2, 'a later scrape renders again');
  });
});

describe('a real Prometheus scraping /metrics', () => {
  let server: HttpEndpoint;
  let prometheus: RunningPrometheus;
  let rendered = '';

  before(async () => {
    const metrics = createMetrics({
      reports: sourceOf(clusterReports),
      health: healthState(),
      flags: FLAGS,
      resourceLabels: [],
      resourceLabelsPrefix: '',
    });
    server = new HttpEndpoint(createLogger('silent')).route('/metrics', async () => {
      const { contentType, body } = await metrics.renderMetrics();
      rendered = body;
      return { status: 200, contentType, body };
    });
    const port = await server.listen('127.0.0.1', 0);
    prometheus = await startPrometheus(`127.0.0.1:${port}`, 'trivy-ts');
    await eventually(async () =>
      (await prometheus.query('up{job="trivy-ts"} == 1')).length === 1 ? true : undefined,
    );
  });

  after(async () => {
    await prometheus?.stop();
    await server?.close();
  });

  const scalar = async (promql: string) => (await prometheus.query(promql)).map(({ value }) => value);
  const byLabel = async (promql: string, label: string) =>
    Object.fromEntries((await prometheus.query(promql)).map(({ metric, value }) => [metric[label], value]));

  it('ingests every sample: no duplicates, nothing rejected', async () => {
    const samples = [...parseExposition(rendered).values()].reduce(
      (sum, family) => sum + family.samples.length,
      0,
    );
    assert.deepEqual(await scalar('scrape_samples_scraped{job="trivy-ts"}'), [samples]);
    assert.deepEqual(await scalar('scrape_samples_post_metric_relabeling{job="trivy-ts"}'), [samples]);
    const self = await (await fetch(`${prometheus.url}/metrics`)).text();
    const rejected = self
      .split('\n')
      .filter((line) =>
        /^prometheus_target_scrapes_(sample_duplicate_timestamp|sample_out_of_order|sample_out_of_bounds)_total /.test(
          line,
        ),
      );
    assert.equal(rejected.length, 3);
    for (const line of rejected) assert.match(line, / 0$/);
  });

  // The queries of the dotdc dashboard (users-and-peers.md §3), with its template variables set to match all.
  it('answers the dotdc dashboard queries', async () => {
    assert.deepEqual(
      await scalar(
        'sum(max by (namespace,image_registry,image_repository,image_tag,severity)(trivy_image_vulnerabilities{severity="Critical",namespace=~".*",cluster=~".*"}))',
      ),
      [3],
      'web-1 and web-canary-1 share an image: counted once, plus redis',
    );
    assert.deepEqual(
      await byLabel(
        'sum by (namespace) (max by (namespace,image_registry,image_repository,image_tag,severity)(trivy_image_vulnerabilities{severity="High",namespace=~".*",cluster=~".*"}))',
        'namespace',
      ),
      { shop: 1, cache: 1 },
    );
    const byVulnerability = await prometheus.query(
      'sum(trivy_vulnerability_id{vuln_id=~"CVE.*",namespace=~".*",cluster=~".*"}) by (namespace,image_registry,image_repository,image_tag,vuln_id,severity)',
    );
    assert.deepEqual(
      byVulnerability
        .map(
          ({ metric, value }) =>
            `${metric.namespace} ${metric.image_repository}:${metric.image_tag} ${metric.vuln_id} ${metric.severity} ${value}`,
        )
        .sort(),
      [
        'cache library/redis:7.2 CVE-2023-9999 Critical 1',
        'shop library/nginx:1.25.3 CVE-2024-0001 Critical 2',
        'shop library/nginx:1.25.3 CVE-2024-0002 Critical 2',
        'shop library/nginx:1.25.3 CVE-2024-0003 High 2',
      ],
    );
    assert.deepEqual(
      await byLabel(
        'sum(trivy_resource_configaudits{namespace=~".*",cluster=~".*"}) by (namespace)',
        'namespace',
      ),
      {
        shop: 3,
        cache: 1,
      },
    );
    assert.deepEqual(
      await byLabel(
        'sum(trivy_resource_configaudits{namespace=~".*",cluster=~".*"}) by (severity)',
        'severity',
      ),
      {
        Critical: 0,
        High: 0,
        Medium: 2,
        Low: 2,
      },
    );
    assert.deepEqual(await scalar('sum(trivy_role_rbacassessments{namespace=~".*",cluster=~".*"})'), [1]);
    assert.deepEqual(
      await byLabel(
        'sum(trivy_image_exposedsecrets{namespace=~".*",cluster=~".*"}) by (namespace)',
        'namespace',
      ),
      {
        shop: 1,
      },
    );
  });

  it('answers the health questions the alerts ask', async () => {
    assert.deepEqual(await scalar('trivy_ts_report_coverage_ratio < 0.9'), [0.75]);
    assert.deepEqual(await scalar('trivy_ts_vulnerability_db_age_seconds > 48 * 3600'), []);
    assert.deepEqual(await scalar('sum(trivy_ts_scan_failures_total)'), [4]);
  });
});
