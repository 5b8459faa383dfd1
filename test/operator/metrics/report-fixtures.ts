/** Report objects for the metrics tests and benchmark: a few hand-written ones and a realistic generated set. */
import { createHash } from 'node:crypto';
import type { ReportSource } from '../../../src/operator/metrics/index.ts';
import type {
  AnyReport,
  CheckResult,
  ClusterComplianceReport,
  ClusterRbacAssessmentReport,
  ConfigAuditReport,
  ExposedSecret,
  ExposedSecretReport,
  InfraAssessmentReport,
  RbacAssessmentReport,
  ReportKind,
  Severity,
  Vulnerability,
  VulnerabilityReport,
} from '../../../src/operator/reports/types.ts';

const API_VERSION = 'aquasecurity.github.io/v1alpha1';
const scanner = { name: 'Trivy', vendor: 'Aqua Security', version: '0.72.0' };

export interface Owner {
  namespace?: string;
  kind: string;
  name: string;
  container?: string;
  /** Extra report labels (e.g. copied by `report.resourceLabels`). */
  labels?: Record<string, string>;
}

function metadata(reportName: string, owner: Owner) {
  return {
    name: reportName,
    ...(owner.namespace === undefined ? {} : { namespace: owner.namespace }),
    labels: {
      ...owner.labels,
      'app.kubernetes.io/managed-by': 'trivy-operator',
      'trivy-operator.resource.kind': owner.kind,
      'trivy-operator.resource.name': owner.name,
      'trivy-operator.resource.namespace': owner.namespace ?? '',
      ...(owner.container === undefined ? {} : { 'trivy-operator.container.name': owner.container }),
    },
  };
}

const summaryOf = <T extends { severity: string }>(findings: readonly T[]) => {
  const countOf = (severity: Severity) => findings.filter((finding) => finding.severity === severity).length;
  return {
    criticalCount: countOf('CRITICAL'),
    highCount: countOf('HIGH'),
    mediumCount: countOf('MEDIUM'),
    lowCount: countOf('LOW'),
    unknownCount: findings.filter(
      (finding) => !['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'].includes(finding.severity),
    ).length,
  };
};

export interface ImageRef {
  registry: string;
  repository: string;
  tag: string;
  digest: string;
}

export function vulnerabilityReport(
  owner: Owner,
  image: ImageRef,
  vulnerabilities: Vulnerability[],
  os: VulnerabilityReport['report']['os'] = { family: 'debian', name: '12.4' },
): VulnerabilityReport {
  return {
    apiVersion: API_VERSION,
    kind: 'VulnerabilityReport',
    metadata: metadata(`${owner.kind.toLowerCase()}-${owner.name}-${owner.container ?? ''}`, owner),
    report: {
      updateTimestamp: '2026-11-20T10:00:00Z',
      scanner,
      registry: { server: image.registry },
      artifact: { repository: image.repository, tag: image.tag, digest: image.digest },
      os,
      summary: summaryOf(vulnerabilities),
      vulnerabilities,
    },
  };
}

export function vulnerability(
  overrides: Partial<Vulnerability> & Pick<Vulnerability, 'vulnerabilityID'>,
): Vulnerability {
  return {
    resource: 'openssl',
    installedVersion: '3.0.11-1~deb12u2',
    fixedVersion: '3.0.13-1~deb12u1',
    publishedDate: '2024-01-15T14:15:00Z',
    lastModifiedDate: '2024-06-10T17:16:00Z',
    severity: 'HIGH',
    title: 'openssl: denial of service via malformed input',
    primaryLink: `https://avd.aquasec.com/nvd/${overrides.vulnerabilityID.toLowerCase()}`,
    links: [],
    score: 7.5,
    target: '',
    packageType: 'debian',
    packagePath: '',
    class: 'os-pkgs',
    ...overrides,
  };
}

export function exposedSecretReport(
  owner: Owner,
  image: ImageRef,
  secrets: ExposedSecret[],
): ExposedSecretReport {
  const { unknownCount: _unknown, ...summary } = summaryOf(secrets);
  return {
    apiVersion: API_VERSION,
    kind: 'ExposedSecretReport',
    metadata: metadata(`${owner.kind.toLowerCase()}-${owner.name}-${owner.container ?? ''}`, owner),
    report: {
      updateTimestamp: '2026-11-20T10:00:00Z',
      scanner,
      registry: { server: image.registry },
      artifact: { repository: image.repository, tag: image.tag, digest: image.digest },
      summary,
      secrets,
    },
  };
}

const misconfigSummary = (checks: readonly CheckResult[]) => {
  const { unknownCount: _unknown, ...summary } = summaryOf(checks.filter((check) => !check.success));
  return summary;
};

export function configAuditReport(owner: Owner, checks: CheckResult[]): ConfigAuditReport {
  return {
    apiVersion: API_VERSION,
    kind: 'ConfigAuditReport',
    metadata: metadata(`${owner.kind.toLowerCase()}-${owner.name}`, owner),
    report: { updateTimestamp: '2026-11-20T10:00:00Z', scanner, summary: misconfigSummary(checks), checks },
  };
}

export function rbacAssessmentReport(owner: Owner, checks: CheckResult[]): RbacAssessmentReport {
  return {
    apiVersion: API_VERSION,
    kind: 'RbacAssessmentReport',
    metadata: metadata(`${owner.kind.toLowerCase()}-${owner.name}`, owner),
    report: { scanner, summary: misconfigSummary(checks), checks },
  };
}

export function clusterRbacAssessmentReport(
  owner: Owner,
  checks: CheckResult[],
): ClusterRbacAssessmentReport {
  return {
    apiVersion: API_VERSION,
    kind: 'ClusterRbacAssessmentReport',
    metadata: metadata(`${owner.kind.toLowerCase()}-${owner.name}`, owner),
    report: { scanner, summary: misconfigSummary(checks), checks },
  };
}

export function infraAssessmentReport(owner: Owner, checks: CheckResult[]): InfraAssessmentReport {
  return {
    apiVersion: API_VERSION,
    kind: 'InfraAssessmentReport',
    metadata: metadata(`${owner.kind.toLowerCase()}-${owner.name}`, owner),
    report: { scanner, summary: misconfigSummary(checks), checks },
  };
}

export function complianceReport(
  name: string,
  spec: { title: string; description: string; reportType: 'summary' | 'all' },
  status: ClusterComplianceReport['status'],
  labels: Record<string, string> = {},
): ClusterComplianceReport {
  return {
    apiVersion: API_VERSION,
    kind: 'ClusterComplianceReport',
    metadata: { name, labels },
    spec: {
      cron: '0 */6 * * *',
      reportType: spec.reportType,
      compliance: {
        id: name,
        title: spec.title,
        description: spec.description,
        version: '1.0',
        platform: 'k8s',
        type: 'cis',
        relatedResources: [],
        controls: [],
      },
    },
    status,
  };
}

/** A source over a fixed list, as the informer caches would serve it. */
export function sourceOf(reports: readonly AnyReport[]): ReportSource & { calls: ReportKind[] } {
  const calls: ReportKind[] = [];
  return {
    calls,
    list(kind) {
      calls.push(kind);
      return reports.filter((report) => report.kind === kind);
    },
  };
}

// ---- A realistic cluster: many workloads over fewer images, each image with its own vulnerabilities

const SEVERITIES: readonly Severity[] = [
  'CRITICAL',
  'HIGH',
  'HIGH',
  'MEDIUM',
  'MEDIUM',
  'MEDIUM',
  'LOW',
  'LOW',
  'UNKNOWN',
];
const PACKAGES = [
  'openssl',
  'libc6',
  'zlib1g',
  'libxml2',
  'curl',
  'libssh2-1',
  'perl-base',
  'tar',
  'gzip',
  'libpcre3',
];
const WORDS = [
  'heap',
  'buffer',
  'overflow',
  'use-after-free',
  'NULL pointer',
  'dereference',
  'out-of-bounds',
  'read',
];

const hex = (text: string) => createHash('sha256').update(text).digest('hex');

function imageVulnerabilities(image: number, count: number): Vulnerability[] {
  const vulnerabilities: Vulnerability[] = [];
  for (let i = 0; i < count; i++) {
    const id = 1000 + ((image * 37 + i * 11) % 40000);
    const pkg = PACKAGES[(image + i) % PACKAGES.length] ?? 'openssl';
    vulnerabilities.push(
      vulnerability({
        vulnerabilityID: `CVE-${2019 + (i % 6)}-${id}`,
        resource: pkg,
        installedVersion: `${1 + (i % 4)}.${i % 10}.${image % 7}-${i % 3}+deb12u${i % 5}`,
        fixedVersion: i % 3 === 0 ? '' : `${1 + (i % 4)}.${i % 10}.${(image % 7) + 1}-1+deb12u${i % 5}`,
        severity: SEVERITIES[i % SEVERITIES.length] ?? 'LOW',
        title: `${pkg}: ${WORDS[i % WORDS.length]} ${WORDS[(i + 3) % WORDS.length]} in ${pkg.replace(/\W/g, '_')}_parse() via crafted input (${id})`,
        score: Math.round(((i * 7) % 100) / 1) / 10,
        publishedDate: `20${19 + (i % 6)}-0${1 + (i % 9)}-1${i % 10}T10:15:00Z`,
        lastModifiedDate: `2025-0${1 + (i % 9)}-2${i % 10}T08:00:00Z`,
      }),
    );
  }
  return vulnerabilities;
}

/**
 * `count` VulnerabilityReports for ReplicaSets in 50 namespaces over 100 images (as a cluster runs them: many
 * workloads share an image), each with `vulnerabilitiesPerReport` findings.
 */
export function generateVulnerabilityReports(
  count: number,
  vulnerabilitiesPerReport: number,
): VulnerabilityReport[] {
  const images = Array.from({ length: 100 }, (_, image) => ({
    ref: {
      registry: image % 3 === 0 ? 'ghcr.io' : 'index.docker.io',
      repository: `team-${image % 10}/service-${image}`,
      tag: `v1.${image % 17}.${image % 5}`,
      digest: `sha256:${hex(`image-${image}`)}`,
    },
    vulnerabilities: imageVulnerabilities(image, vulnerabilitiesPerReport),
  }));
  const reports: VulnerabilityReport[] = [];
  for (let i = 0; i < count; i++) {
    const image = images[i % images.length];
    if (!image) throw new Error('unreachable');
    const app = `app-${i}`;
    reports.push(
      vulnerabilityReport(
        {
          namespace: `team-${i % 50}`,
          kind: 'ReplicaSet',
          name: `${app}-${hex(app).slice(0, 10)}`,
          container: i % 4 === 0 ? 'sidecar' : 'main',
          labels: { 'app.kubernetes.io/name': app },
        },
        image.ref,
        image.vulnerabilities,
      ),
    );
  }
  return reports;
}
