import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { MetricsFlags } from '../../../src/operator/config/index.ts';
import { ExpositionRegistry } from '../../../src/operator/metrics/exposition-registry.ts';
import {
  escapeHelp,
  escapeLabelValue,
  formatPlainNumber,
  formatSampleValue,
  sanitizeLabelKey,
} from '../../../src/operator/metrics/exposition.ts';
import {
  dynamicLabelNames,
  REPORT_METRIC_NAMES,
  registerReportMetrics,
  type ReportCollectorOptions,
} from '../../../src/operator/metrics/report-metrics.ts';
import { reportAnnotations, reportLabels } from '../../../src/operator/reports/labels.ts';
import type { AnyReport, ReportKind } from '../../../src/operator/reports/types.ts';
import { parseExposition, type Family } from './exposition-parser.ts';
import {
  clusterRbacAssessmentReport,
  complianceReport,
  configAuditReport,
  exposedSecretReport,
  generateVulnerabilityReports,
  infraAssessmentReport,
  rbacAssessmentReport,
  sourceOf,
  vulnerability,
  vulnerabilityReport,
} from './report-fixtures.ts';

const ALL_ON: MetricsFlags = {
  findingsEnabled: true,
  vulnIdEnabled: true,
  exposedSecretInfoEnabled: true,
  configAuditInfoEnabled: true,
  rbacAssessmentInfoEnabled: true,
  infraAssessmentInfoEnabled: true,
  imageInfoEnabled: true,
  clusterComplianceInfoEnabled: true,
};
const DEFAULTS: MetricsFlags = {
  ...ALL_ON,
  vulnIdEnabled: false,
  exposedSecretInfoEnabled: false,
  configAuditInfoEnabled: false,
  rbacAssessmentInfoEnabled: false,
  infraAssessmentInfoEnabled: false,
  imageInfoEnabled: false,
  clusterComplianceInfoEnabled: false,
};
const COUNT_FAMILIES = [
  'trivy_image_vulnerabilities',
  'trivy_image_exposedsecrets',
  'trivy_resource_configaudits',
  'trivy_role_rbacassessments',
  'trivy_clusterrole_clusterrbacassessments',
  'trivy_resource_infraassessments',
  'trivy_cluster_compliance',
];

async function render(
  reports: readonly AnyReport[] | ReportCollectorOptions['source'],
  options: Partial<Omit<ReportCollectorOptions, 'source'>> = {},
): Promise<string> {
  const registry = new ExpositionRegistry();
  registerReportMetrics(registry, {
    flags: ALL_ON,
    resourceLabels: [],
    resourceLabelsPrefix: '',
    source: Array.isArray(reports) ? sourceOf(reports) : (reports as ReportCollectorOptions['source']),
    ...options,
  });
  return registry.metrics();
}

const withoutHelp = (page: string) =>
  page
    .split('\n')
    .filter((line) => !line.startsWith('# HELP '))
    .join('\n');

const samplesOf = (page: string, name: string): Family['samples'] =>
  parseExposition(page).get(name)?.samples ?? [];

// ---- The fixture cluster: one report of every kind the metrics read

const image = {
  registry: 'index.docker.io',
  repository: 'library/nginx',
  tag: '1.25.3',
  digest: 'sha256:abc',
};
const web = {
  namespace: 'shop',
  kind: 'ReplicaSet',
  name: 'web-6d4cf56db6',
  container: 'nginx',
  labels: { 'app.kubernetes.io/name': 'web', teamOwner: 'payments' },
};
const critical = vulnerability({
  vulnerabilityID: 'CVE-2024-0001',
  severity: 'CRITICAL',
  title: 'nginx: "quoted" path\\name\nsecond line',
  score: 9.8,
});
const fixtureReports: AnyReport[] = [
  vulnerabilityReport(
    web,
    image,
    [
      critical,
      vulnerability({
        vulnerabilityID: 'CVE-2024-0002',
        severity: 'LOW',
        fixedVersion: '',
        score: undefined,
      }),
      // The same finding twice (upstream's PR #1343 case): one series.
      { ...critical, primaryLink: 'https://example.com/other-link' },
    ],
    { family: 'debian', name: '12.4', eosl: true },
  ),
  exposedSecretReport(web, image, [
    {
      target: '/app/config.env',
      ruleID: 'aws-access-key-id',
      title: 'AWS Access Key ID',
      category: 'AWS',
      severity: 'CRITICAL',
      match: 'AWS_ACCESS_KEY_ID=********************',
    },
    {
      target: '/app/config.env',
      ruleID: 'aws-access-key-id',
      title: 'AWS Access Key ID',
      category: 'AWS',
      severity: 'CRITICAL',
      match: 'export AWS_ACCESS_KEY_ID=********************',
    },
  ]),
  configAuditReport(
    {
      namespace: 'shop',
      kind: 'ReplicaSet',
      name: 'web-6d4cf56db6',
      labels: { 'app.kubernetes.io/name': 'web' },
    },
    [
      {
        checkID: 'KSV003',
        title: 'Default capabilities not dropped',
        description:
          'The container should drop all default capabilities and add only those that are needed for its execution.',
        severity: 'LOW',
        category: 'Kubernetes Security Check',
        success: true,
      },
      {
        checkID: 'KSV110',
        title: 'The default namespace should not be used',
        description: 'ensure that default namespace should not be used',
        severity: 'LOW',
        category: 'Kubernetes Security Check',
        success: false,
      },
      {
        checkID: 'KSV003',
        title: 'Default capabilities not dropped',
        description:
          'The container should drop all default capabilities and add only those that are needed for its execution.',
        severity: 'LOW',
        category: 'Kubernetes Security Check',
        success: false,
      },
    ],
  ),
  rbacAssessmentReport({ namespace: 'shop', kind: 'Role', name: 'reader' }, [
    {
      checkID: 'KSV113',
      title: 'Manage namespace secrets',
      description:
        'Viewing secrets at the namespace scope can lead to escalation if another service account in that namespace has a higher privileged rolebinding or clusterrolebinding bound.',
      severity: 'MEDIUM',
      category: 'Kubernetes Security Check',
      success: false,
    },
    {
      checkID: 'KSV041',
      title: 'Manage secrets',
      severity: 'CRITICAL',
      category: 'Kubernetes Security Check',
      success: true,
    },
  ]),
  clusterRbacAssessmentReport({ kind: 'ClusterRole', name: 'admin-all' }, [
    {
      checkID: 'KSV044',
      title: 'No wildcard verb and resource roles',
      severity: 'CRITICAL',
      category: 'Kubernetes Security Check',
      success: false,
    },
  ]),
  infraAssessmentReport({ namespace: 'kube-system', kind: 'Pod', name: 'kube-apiserver-node1' }, [
    {
      checkID: 'KCV0001',
      title: 'Ensure that the --anonymous-auth argument is set to false',
      severity: 'HIGH',
      category: 'Kubernetes Security Check',
      success: false,
    },
  ]),
  complianceReport(
    'k8s-cis-1.23',
    {
      title: 'CIS Kubernetes Benchmarks v1.23',
      description: 'CIS Kubernetes Benchmarks',
      reportType: 'summary',
    },
    {
      updateTimestamp: '2026-11-20T10:00:00Z',
      summary: { failCount: 1, passCount: 1 },
      summaryReport: {
        id: 'k8s-cis-1.23',
        title: 'CIS Kubernetes Benchmarks v1.23',
        controlCheck: [
          {
            id: '1.1.1',
            name: 'Ensure that the API server pod specification file permissions are set to 600',
            severity: 'HIGH',
            totalFail: 3,
          },
          {
            id: '1.1.2',
            name: 'Ensure that the API server pod specification file ownership is set to root:root',
            severity: 'MEDIUM',
            totalFail: 0,
          },
          { id: '1.1.3', name: 'A manual control', severity: 'LOW' },
        ],
      },
    },
  ),
  complianceReport(
    'k8s-nsa-1.0',
    {
      title: 'National Security Agency - Kubernetes Hardening Guidance v1.0',
      description: 'NSA hardening',
      reportType: 'all',
    },
    {
      updateTimestamp: '2026-11-20T10:00:00Z',
      summary: { failCount: 12, passCount: 17 },
      detailReport: { id: 'k8s-nsa-1.0', results: [] },
    },
  ),
];

const IMG = String.raw`namespace="shop",name="replicaset-web-6d4cf56db6-nginx",resource_kind="ReplicaSet",resource_name="web-6d4cf56db6",container_name="nginx",image_registry="index.docker.io",image_repository="library/nginx",image_tag="1.25.3",image_digest="sha256:abc"`;
const DYN = 'k8s_label_app_kubernetes_io_name="web",k8s_label_team_owner="payments"';
const CA =
  'namespace="shop",name="replicaset-web-6d4cf56db6",resource_kind="ReplicaSet",resource_name="web-6d4cf56db6"';
const CA_DYN = 'k8s_label_app_kubernetes_io_name="web",k8s_label_team_owner=""';
const NONE = 'k8s_label_app_kubernetes_io_name="",k8s_label_team_owner=""';
const ROLE = 'namespace="shop",name="role-reader",resource_kind="Role",resource_name="reader"';
const INFRA =
  'namespace="kube-system",name="pod-kube-apiserver-node1",resource_kind="Pod",resource_name="kube-apiserver-node1"';
const CIS = 'title="CIS Kubernetes Benchmarks v1.23",description="CIS Kubernetes Benchmarks"';
const NSA =
  'title="National Security Agency - Kubernetes Hardening Guidance v1.0",description="NSA hardening"';
const KSV003 =
  'config_audit_id="KSV003",config_audit_title="Default capabilities not dropped",config_audit_description="The container should drop all default capabilities and add only those that are needed for its execution.",config_audit_category="Kubernetes Security Check"';

const EXPECTED_ALL_ON = String.raw`# TYPE trivy_image_vulnerabilities gauge
trivy_image_vulnerabilities{${IMG},severity="Critical",${DYN}} 2
trivy_image_vulnerabilities{${IMG},severity="High",${DYN}} 0
trivy_image_vulnerabilities{${IMG},severity="Medium",${DYN}} 0
trivy_image_vulnerabilities{${IMG},severity="Low",${DYN}} 1
trivy_image_vulnerabilities{${IMG},severity="Unknown",${DYN}} 0

# TYPE trivy_vulnerability_id gauge
trivy_vulnerability_id{${IMG},installed_version="3.0.11-1~deb12u2",fixed_version="3.0.13-1~deb12u1",published_date="2024-01-15T14:15:00Z",last_modified_date="2024-06-10T17:16:00Z",resource="openssl",severity="Critical",package_type="debian",pkg_path="",target="",class="os-pkgs",vuln_id="CVE-2024-0001",vuln_title="nginx: \"quoted\" path\\name\nsecond line",vuln_score="9.8",${DYN}} 1
trivy_vulnerability_id{${IMG},installed_version="3.0.11-1~deb12u2",fixed_version="",published_date="2024-01-15T14:15:00Z",last_modified_date="2024-06-10T17:16:00Z",resource="openssl",severity="Low",package_type="debian",pkg_path="",target="",class="os-pkgs",vuln_id="CVE-2024-0002",vuln_title="openssl: denial of service via malformed input",vuln_score="",${DYN}} 1

# TYPE trivy_image_exposedsecrets gauge
trivy_image_exposedsecrets{${IMG},severity="Critical",${DYN}} 2
trivy_image_exposedsecrets{${IMG},severity="High",${DYN}} 0
trivy_image_exposedsecrets{${IMG},severity="Medium",${DYN}} 0
trivy_image_exposedsecrets{${IMG},severity="Low",${DYN}} 0

# TYPE trivy_exposedsecrets_info gauge
trivy_exposedsecrets_info{${IMG},secret_category="AWS",secret_rule_id="aws-access-key-id",secret_target="/app/config.env",secret_title="AWS Access Key ID",severity="Critical",${DYN}} 1

# TYPE trivy_resource_configaudits gauge
trivy_resource_configaudits{${CA},severity="Critical",${CA_DYN}} 0
trivy_resource_configaudits{${CA},severity="High",${CA_DYN}} 0
trivy_resource_configaudits{${CA},severity="Medium",${CA_DYN}} 0
trivy_resource_configaudits{${CA},severity="Low",${CA_DYN}} 2

# TYPE trivy_configaudits_info gauge
trivy_configaudits_info{${CA},${KSV003},config_audit_success="false",severity="Low",${CA_DYN}} 1
trivy_configaudits_info{${CA},config_audit_id="KSV110",config_audit_title="The default namespace should not be used",config_audit_description="ensure that default namespace should not be used",config_audit_category="Kubernetes Security Check",config_audit_success="false",severity="Low",${CA_DYN}} 1

# TYPE trivy_role_rbacassessments gauge
trivy_role_rbacassessments{${ROLE},severity="Critical",${NONE}} 0
trivy_role_rbacassessments{${ROLE},severity="High",${NONE}} 0
trivy_role_rbacassessments{${ROLE},severity="Medium",${NONE}} 1
trivy_role_rbacassessments{${ROLE},severity="Low",${NONE}} 0

# TYPE trivy_rbacassessments_info gauge
trivy_rbacassessments_info{${ROLE},rbac_assessment_id="KSV113",rbac_assessment_title="Manage namespace secrets",rbac_assessment_description="Viewing secrets at the namespace scope can lead to escalation if another service account in that namespace has a higher privileged rolebinding or clusterrolebinding bound.",rbac_assessment_category="Kubernetes Security Check",rbac_assessment_success="false",severity="Medium",${NONE}} 1
trivy_rbacassessments_info{${ROLE},rbac_assessment_id="KSV041",rbac_assessment_title="Manage secrets",rbac_assessment_description="",rbac_assessment_category="Kubernetes Security Check",rbac_assessment_success="true",severity="Critical",${NONE}} 1

# TYPE trivy_clusterrole_clusterrbacassessments gauge
trivy_clusterrole_clusterrbacassessments{name="clusterrole-admin-all",resource_kind="ClusterRole",resource_name="admin-all",severity="Critical",${NONE}} 1
trivy_clusterrole_clusterrbacassessments{name="clusterrole-admin-all",resource_kind="ClusterRole",resource_name="admin-all",severity="High",${NONE}} 0
trivy_clusterrole_clusterrbacassessments{name="clusterrole-admin-all",resource_kind="ClusterRole",resource_name="admin-all",severity="Medium",${NONE}} 0
trivy_clusterrole_clusterrbacassessments{name="clusterrole-admin-all",resource_kind="ClusterRole",resource_name="admin-all",severity="Low",${NONE}} 0

# TYPE trivy_resource_infraassessments gauge
trivy_resource_infraassessments{${INFRA},severity="Critical",${NONE}} 0
trivy_resource_infraassessments{${INFRA},severity="High",${NONE}} 1
trivy_resource_infraassessments{${INFRA},severity="Medium",${NONE}} 0
trivy_resource_infraassessments{${INFRA},severity="Low",${NONE}} 0

# TYPE trivy_infraassessments_info gauge
trivy_infraassessments_info{${INFRA},infra_assessment_id="KCV0001",infra_assessment_title="Ensure that the --anonymous-auth argument is set to false",infra_assessment_description="",infra_assessment_category="Kubernetes Security Check",infra_assessment_success="false",severity="High",${NONE}} 1

# TYPE trivy_cluster_compliance gauge
trivy_cluster_compliance{${CIS},status="Fail",${NONE}} 1
trivy_cluster_compliance{${CIS},status="Pass",${NONE}} 1
trivy_cluster_compliance{${NSA},status="Fail",${NONE}} 12
trivy_cluster_compliance{${NSA},status="Pass",${NONE}} 17

# TYPE trivy_compliance_info gauge
trivy_compliance_info{${CIS},compliance_id="1.1.1",compliance_name="Ensure that the API server pod specification file permissions are set to 600",status="Fail",severity="HIGH",${NONE}} 3
trivy_compliance_info{${CIS},compliance_id="1.1.2",compliance_name="Ensure that the API server pod specification file ownership is set to root:root",status="Pass",severity="MEDIUM",${NONE}} 1

# TYPE trivy_image_info gauge
trivy_image_info{${IMG},image_os_family="debian",image_os_name="12.4",image_os_eosl="true",${DYN}} 1
`;

describe('findings metrics (contract §5)', () => {
  it('writes every metric with the upstream label names and values, in exact text', async () => {
    const page = await render(fixtureReports, {
      resourceLabels: ['app.kubernetes.io/name', 'teamOwner'],
      resourceLabelsPrefix: 'k8s_label_',
    });
    assert.equal(withoutHelp(page), EXPECTED_ALL_ON);
    const families = parseExposition(page);
    assert.deepEqual([...families.keys()], REPORT_METRIC_NAMES);
    for (const family of families.values()) {
      assert.equal(family.type, 'gauge');
      assert.ok((family.help ?? '').length > 20, `${family.name} documents itself`);
    }
  });

  it('parses back to the original label values', async () => {
    const [sample] = samplesOf(await render(fixtureReports), 'trivy_vulnerability_id');
    assert.equal(sample?.labels.vuln_title, 'nginx: "quoted" path\\name\nsecond line');
    assert.equal(sample?.labels.vuln_score, '9.8');
  });

  it('serves only the count families with the default flags', async () => {
    const page = await render(fixtureReports, { flags: DEFAULTS });
    assert.deepEqual([...parseExposition(page).keys()], COUNT_FAMILIES);
  });

  it('serves nothing when findings are disabled, whatever the info flags say', async () => {
    assert.equal(await render(fixtureReports, { flags: { ...ALL_ON, findingsEnabled: false } }), '');
  });

  for (const [flag, family] of [
    ['vulnIdEnabled', 'trivy_vulnerability_id'],
    ['exposedSecretInfoEnabled', 'trivy_exposedsecrets_info'],
    ['configAuditInfoEnabled', 'trivy_configaudits_info'],
    ['rbacAssessmentInfoEnabled', 'trivy_rbacassessments_info'],
    ['infraAssessmentInfoEnabled', 'trivy_infraassessments_info'],
    ['imageInfoEnabled', 'trivy_image_info'],
    ['clusterComplianceInfoEnabled', 'trivy_compliance_info'],
  ] as const) {
    it(`${flag} adds exactly ${family}`, async () => {
      const page = await render(fixtureReports, { flags: { ...DEFAULTS, [flag]: true } });
      assert.deepEqual([...parseExposition(page).keys()].sort(), [...COUNT_FAMILIES, family].sort());
      assert.ok(samplesOf(page, family).length > 0);
    });
  }

  it('reads trivy_infraassessments_info from InfraAssessmentReports, not RbacAssessmentReports (upstream gap #2)', async () => {
    const source = sourceOf(fixtureReports);
    const page = await render(source, { flags: { ...DEFAULTS, infraAssessmentInfoEnabled: true } });
    const ids = samplesOf(page, 'trivy_infraassessments_info').map(
      (sample) => sample.labels.infra_assessment_id,
    );
    assert.deepEqual(ids, ['KCV0001']);
    assert.equal(source.calls.filter((kind) => kind === 'InfraAssessmentReport').length, 2);
  });

  it('falls back to the owner-name annotation when the name does not fit in a label', async () => {
    const owner = { kind: 'ReplicaSet', namespace: 'shop', name: `payments-api-${'x'.repeat(60)}-7f9c8d6b5` };
    const report = configAuditReport({ ...owner, name: 'ignored' }, []);
    report.metadata = {
      name: 'replicaset-5b6c7d8e9f',
      namespace: 'shop',
      labels: reportLabels({ owner }),
      annotations: reportAnnotations({ kind: 'ConfigAuditReport', owner }),
    };
    const [sample] = samplesOf(await render([report], { flags: DEFAULTS }), 'trivy_resource_configaudits');
    assert.equal(sample?.labels.resource_name, owner.name);
  });

  it('serves findings from the leader only when told who leads', async () => {
    let leader = false;
    const registry = new ExpositionRegistry();
    registerReportMetrics(registry, {
      flags: ALL_ON,
      resourceLabels: [],
      resourceLabelsPrefix: '',
      source: sourceOf(fixtureReports),
      isLeader: () => leader,
    });
    assert.equal(await registry.metrics(), '');
    leader = true;
    assert.deepEqual([...parseExposition(await registry.metrics()).keys()], REPORT_METRIC_NAMES);
  });

  it('keeps serving the other families when listing one kind fails', async () => {
    const page = await render({
      list(kind: ReportKind) {
        if (kind === 'ConfigAuditReport') throw new Error('informer not synced');
        return fixtureReports.filter((report) => report.kind === kind);
      },
    });
    const families = parseExposition(page);
    assert.equal(families.get('trivy_resource_configaudits')?.samples.length, 0);
    assert.equal(families.get('trivy_image_vulnerabilities')?.samples.length, 5);
  });
});

describe('between scrapes', () => {
  it('follows report objects as the informer replaces and removes them', async () => {
    const [first] = fixtureReports;
    assert.ok(first?.kind === 'VulnerabilityReport');
    let current: AnyReport[] = [first];
    const registry = new ExpositionRegistry();
    registerReportMetrics(registry, {
      flags: DEFAULTS,
      resourceLabels: [],
      resourceLabelsPrefix: '',
      source: { list: (kind) => current.filter((report) => report.kind === kind) },
    });
    const criticalCounts = async () =>
      samplesOf(await registry.metrics(), 'trivy_image_vulnerabilities')
        .filter((sample) => sample.labels.severity === 'Critical')
        .map((sample) => sample.value);
    assert.deepEqual(await criticalCounts(), [2]);
    const updated = structuredClone(first);
    updated.report.summary.criticalCount = 9;
    current = [updated];
    assert.deepEqual(await criticalCounts(), [9]);
    current = [];
    assert.deepEqual(await criticalCounts(), []);
  });

  it('lets the event loop run during a large render', async () => {
    const many = generateVulnerabilityReports(3_000, 50);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const started = performance.now();
      const page = await render(many, { flags: { ...DEFAULTS, vulnIdEnabled: true } });
      const elapsed = performance.now() - started;
      assert.equal(
        page.split('\n').filter((line) => line.startsWith('trivy_vulnerability_id{')).length,
        150_000,
      );
      assert.ok(elapsed > 100, `the render took ${elapsed} ms: too fast to tell`);
      assert.ok(ticks >= 2, `timers ran ${ticks} times during a ${elapsed.toFixed(0)} ms render`);
    } finally {
      clearInterval(timer);
    }
  });
});

describe('dynamic labels from report.resourceLabels', () => {
  it('sanitises keys: invalid characters to _, camelCase to snake_case, lower case', () => {
    assert.equal(sanitizeLabelKey('app.kubernetes.io/name'), 'app_kubernetes_io_name');
    assert.equal(sanitizeLabelKey('teamOwner'), 'team_owner');
    assert.equal(sanitizeLabelKey('costCenterID'), 'cost_center_id');
    assert.equal(sanitizeLabelKey('example.com/Tier-2'), 'example_com_tier_2');
    assert.equal(sanitizeLabelKey('ABCdef'), 'abcdef');
    assert.equal(sanitizeLabelKey('v2Beta'), 'v2_beta');
  });

  it('prefixes them and appends them after the fixed labels of every family', async () => {
    const page = await render(fixtureReports, {
      resourceLabels: ['app.kubernetes.io/name'],
      resourceLabelsPrefix: 'k8s_label_',
    });
    for (const family of parseExposition(page).values()) {
      for (const sample of family.samples) {
        const names = Object.keys(sample.labels);
        assert.equal(names.at(-1), 'k8s_label_app_kubernetes_io_name', family.name);
      }
    }
    const [vuln] = samplesOf(page, 'trivy_image_vulnerabilities');
    assert.equal(vuln?.labels.k8s_label_app_kubernetes_io_name, 'web');
  });

  it('leaves out names that collide with a family label or with each other, instead of breaking the scrape', async () => {
    assert.deepEqual(
      dynamicLabelNames(
        {
          resourceLabels: ['namespace', 'app.kubernetes.io/name', 'app_kubernetes_io/name', '1st'],
          resourceLabelsPrefix: '',
        },
        ['namespace', 'severity'],
      ),
      {
        labels: [
          { key: 'app.kubernetes.io/name', name: 'app_kubernetes_io_name' },
          { key: '1st', name: '_1st' },
        ],
        dropped: [
          { key: 'namespace', name: 'namespace' },
          { key: 'app_kubernetes_io/name', name: 'app_kubernetes_io_name' },
        ],
      },
    );
    const page = await render(fixtureReports, {
      resourceLabels: ['namespace', 'title'],
      resourceLabelsPrefix: '',
    });
    const families = parseExposition(page);
    const [vuln] = families.get('trivy_image_vulnerabilities')?.samples ?? [];
    assert.equal(vuln?.labels.namespace, 'shop');
    assert.equal(vuln?.labels.title, '');
    const [compliance] = families.get('trivy_cluster_compliance')?.samples ?? [];
    assert.equal(compliance?.labels.namespace, '', 'compliance has no namespace label of its own');
    assert.equal(compliance?.labels.title, 'CIS Kubernetes Benchmarks v1.23');
  });
});

describe('duplicates never fail a scrape', () => {
  it('keeps the last of a report listed twice', async () => {
    const [first] = fixtureReports;
    assert.ok(first?.kind === 'VulnerabilityReport');
    const newer = structuredClone(first);
    newer.report.summary.criticalCount = 7;
    const page = await render([first, fixtureReports[1] as AnyReport, newer], { flags: DEFAULTS });
    const critical = samplesOf(page, 'trivy_image_vulnerabilities').filter(
      (sample) => sample.labels.severity === 'Critical',
    );
    assert.deepEqual(
      critical.map((sample) => sample.value),
      [7],
    );
  });

  it('writes one info series per distinct label tuple, and a repeated check ID keeps its failure', async () => {
    const page = await render(fixtureReports);
    assert.equal(samplesOf(page, 'trivy_vulnerability_id').length, 2);
    assert.equal(samplesOf(page, 'trivy_exposedsecrets_info').length, 1);
    const ksv003 = samplesOf(page, 'trivy_configaudits_info').filter(
      (sample) => sample.labels.config_audit_id === 'KSV003',
    );
    assert.deepEqual(
      ksv003.map((sample) => sample.labels.config_audit_success),
      ['false'],
    );
  });

  it('collapses compliance reports with the same title and description, the last one winning', async () => {
    const copy = (name: string, failCount: number) =>
      complianceReport(
        name,
        { title: 'Same', description: 'Same spec', reportType: 'summary' },
        {
          updateTimestamp: '2026-11-20T10:00:00Z',
          summary: { failCount, passCount: 2 },
          summaryReport: { controlCheck: [{ id: '1', name: 'one', severity: 'HIGH', totalFail: failCount }] },
        },
      );
    const page = await render([copy('a', 4), copy('b', 5)]);
    assert.deepEqual(
      samplesOf(page, 'trivy_cluster_compliance').map((sample) => [sample.labels.status, sample.value]),
      [
        ['Fail', 5],
        ['Pass', 2],
      ],
    );
    assert.deepEqual(
      samplesOf(page, 'trivy_compliance_info').map((sample) => sample.value),
      [5],
    );
  });

  it('survives any object the caches could hold', async () => {
    const reportLike = fc.record(
      {
        kind: fc.constantFrom<ReportKind>(
          'VulnerabilityReport',
          'ExposedSecretReport',
          'ConfigAuditReport',
          'RbacAssessmentReport',
          'ClusterRbacAssessmentReport',
          'InfraAssessmentReport',
          'ClusterComplianceReport',
        ),
        metadata: fc.oneof(
          fc.anything(),
          fc.record({
            name: fc.oneof(fc.constantFrom('a', 'b'), fc.string()),
            namespace: fc.oneof(fc.constant('ns'), fc.anything()),
            labels: fc.dictionary(fc.constantFrom('app', 'trivy-operator.resource.kind'), fc.anything()),
          }),
        ),
        report: fc.anything(),
        spec: fc.anything(),
        status: fc.anything(),
      },
      { requiredKeys: ['kind'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(reportLike, { maxLength: 8 }), async (reports) => {
        const page = await render(reports as unknown as AnyReport[], {
          resourceLabels: ['app'],
          resourceLabelsPrefix: 'k_',
        });
        parseExposition(page);
      }),
      { numRuns: 300 },
    );
  });
});

/** Characters the format treats specially, half surrogate pairs, and any other code point. */
const awkwardCharacter = fc.oneof(
  fc.constantFrom('"', '\\', '\n', '\r', '\uD800', '\uDFFF', '{', '}', ',', '=', ' ', '#'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

describe('text format', () => {
  it('escapes backslashes, double quotes and line feeds in label values, and nothing else', () => {
    assert.equal(
      escapeLabelValue('plain value: with {braces}, commas = and spaces'),
      'plain value: with {braces}, commas = and spaces',
    );
    assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
    assert.equal(escapeLabelValue('tab\tand\rcarriage'), 'tab\tand\rcarriage');
    assert.equal(escapeLabelValue('émoji 🔒'), 'émoji 🔒');
  });

  it('replaces lone surrogates, which have no UTF-8 form', () => {
    assert.equal(escapeLabelValue('bad \uD800 half'), 'bad \uFFFD half');
  });

  it('round-trips any string through the parser', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: awkwardCharacter, maxLength: 40 }), async (title) => {
        const report = vulnerabilityReport(web, image, [vulnerability({ vulnerabilityID: 'CVE-1', title })]);
        const [sample] = samplesOf(await render([report]), 'trivy_vulnerability_id');
        assert.equal(sample?.labels.vuln_title, title.toWellFormed());
      }),
      { numRuns: 300 },
    );
  });

  it('escapes HELP text', () => {
    assert.equal(escapeHelp('a\\b\nc "d"'), 'a\\\\b\\nc "d"');
  });

  it('formats values as Prometheus floats and scores like Go does', () => {
    assert.equal(formatSampleValue(3), '3');
    assert.equal(formatSampleValue(0.25), '0.25');
    assert.equal(formatSampleValue(Number.NaN), 'NaN');
    assert.equal(formatSampleValue(Infinity), '+Inf');
    assert.equal(formatSampleValue(-Infinity), '-Inf');
    assert.equal(formatPlainNumber(7.5), '7.5');
    assert.equal(formatPlainNumber(10), '10');
    assert.equal(formatPlainNumber(1e-7), '0.0000001');
    assert.equal(formatPlainNumber(1e21), '1000000000000000000000');
  });

  it('title-cases unusual severities as upstream does', async () => {
    const report = vulnerabilityReport(web, image, [
      vulnerability({ vulnerabilityID: 'CVE-1', severity: 'NEGLIGIBLE' as never }),
      vulnerability({ vulnerabilityID: 'CVE-2', severity: 'high' as never }),
    ]);
    const severities = samplesOf(await render([report]), 'trivy_vulnerability_id').map(
      (sample) => sample.labels.severity,
    );
    assert.deepEqual(severities, ['Negligible', 'High']);
  });
});
