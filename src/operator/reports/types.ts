/**
 * The report custom resources of `aquasecurity.github.io/v1alpha1`, shaped as the CRDs in `deploy/helm/crds/`
 * declare them (the same fields as upstream trivy-operator, so kubectl, jq queries and dashboards keep working).
 * Optional properties are the ones the CRD schema does not require.
 */
import type { V1ObjectMeta } from '@kubernetes/client-node';

export const REPORT_GROUP = 'aquasecurity.github.io';
export const REPORT_VERSION = 'v1alpha1';
export const REPORT_API_VERSION = `${REPORT_GROUP}/${REPORT_VERSION}` as const;

export interface ReportResourceType {
  group: typeof REPORT_GROUP;
  version: typeof REPORT_VERSION;
  kind: string;
  plural: string;
  namespaced: boolean;
}

const resource = <K extends string, P extends string, N extends boolean>(kind: K, plural: P, namespaced: N) =>
  ({ group: REPORT_GROUP, version: REPORT_VERSION, kind, plural, namespaced }) as const;

/** API coordinates of the 12 kinds, for building API paths. */
export const REPORT_RESOURCES = {
  VulnerabilityReport: resource('VulnerabilityReport', 'vulnerabilityreports', true),
  ClusterVulnerabilityReport: resource('ClusterVulnerabilityReport', 'clustervulnerabilityreports', false),
  ExposedSecretReport: resource('ExposedSecretReport', 'exposedsecretreports', true),
  SbomReport: resource('SbomReport', 'sbomreports', true),
  ClusterSbomReport: resource('ClusterSbomReport', 'clustersbomreports', false),
  ConfigAuditReport: resource('ConfigAuditReport', 'configauditreports', true),
  ClusterConfigAuditReport: resource('ClusterConfigAuditReport', 'clusterconfigauditreports', false),
  RbacAssessmentReport: resource('RbacAssessmentReport', 'rbacassessmentreports', true),
  ClusterRbacAssessmentReport: resource('ClusterRbacAssessmentReport', 'clusterrbacassessmentreports', false),
  InfraAssessmentReport: resource('InfraAssessmentReport', 'infraassessmentreports', true),
  ClusterInfraAssessmentReport: resource(
    'ClusterInfraAssessmentReport',
    'clusterinfraassessmentreports',
    false,
  ),
  ClusterComplianceReport: resource('ClusterComplianceReport', 'clustercompliancereports', false),
} as const satisfies Record<string, ReportResourceType>;

export type ReportKind = keyof typeof REPORT_RESOURCES;

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';
/** The ExposedSecretReport CRD has no UNKNOWN severity. */
export type SecretSeverity = Exclude<Severity, 'UNKNOWN'>;

/** Common envelope of a custom resource of this group. */
export interface CustomResource<K extends ReportKind> {
  apiVersion: typeof REPORT_API_VERSION;
  kind: K;
  metadata: V1ObjectMeta;
}

export interface ReportScanner {
  name: string;
  vendor: string;
  version: string;
}

export interface ImageRegistry {
  /** e.g. `index.docker.io`, `ghcr.io`. */
  server?: string;
}

export interface ImageArtifact {
  /** Without the registry, e.g. `library/nginx`. */
  repository?: string;
  tag?: string;
  /** `sha256:…` */
  digest?: string;
  mimeType?: string;
}

export interface ImageOperatingSystem {
  family?: string;
  name?: string;
  /** Present (true) only when the release is past its end of service life. */
  eosl?: boolean;
}

// ---- VulnerabilityReport / ClusterVulnerabilityReport

export interface VulnerabilitySummary {
  criticalCount: number;
  highCount: number;
  mediumCount: number;
  lowCount: number;
  unknownCount: number;
  noneCount?: number;
}

export interface CvssScore {
  V2Score?: number;
  V2Vector?: string;
  V3Score?: number;
  V3Vector?: string;
  V40Score?: number;
  V40Vector?: string;
}

export interface Vulnerability {
  vulnerabilityID: string;
  /** Package name. */
  resource: string;
  installedVersion: string;
  /** `""` when no fix exists. */
  fixedVersion: string;
  /** RFC 3339 or `""`. */
  publishedDate: string;
  /** RFC 3339 or `""`. */
  lastModifiedDate: string;
  severity: Severity;
  title: string;
  primaryLink?: string;
  links?: string[];
  /** CVSS v3 base score. */
  score?: number;
  target?: string;
  packagePURL?: string;
  description?: string;
  /** Keyed by source (`nvd`, `redhat`, …). */
  cvss?: Record<string, CvssScore>;
  class?: string;
  packageType?: string;
  packagePath?: string;
  cvsssource?: string;
}

export interface VulnerabilityReportData {
  /** RFC 3339 date-time. */
  updateTimestamp: string;
  scanner: ReportScanner;
  registry?: ImageRegistry;
  artifact: ImageArtifact;
  os: ImageOperatingSystem;
  summary: VulnerabilitySummary;
  vulnerabilities: Vulnerability[];
}

export interface VulnerabilityReport extends CustomResource<'VulnerabilityReport'> {
  report: VulnerabilityReportData;
}

export interface ClusterVulnerabilityReport extends CustomResource<'ClusterVulnerabilityReport'> {
  report: VulnerabilityReportData;
}

// ---- ExposedSecretReport

export interface ExposedSecretSummary {
  criticalCount: number;
  highCount: number;
  mediumCount: number;
  lowCount: number;
}

export interface ExposedSecret {
  /** Path of the file in the image. */
  target: string;
  ruleID: string;
  title: string;
  category: string;
  severity: SecretSeverity;
  /** The matched line with the secret redacted. */
  match: string;
}

export interface ExposedSecretReportData {
  updateTimestamp: string;
  scanner: ReportScanner;
  registry?: ImageRegistry;
  artifact: ImageArtifact;
  summary: ExposedSecretSummary;
  secrets: ExposedSecret[];
}

export interface ExposedSecretReport extends CustomResource<'ExposedSecretReport'> {
  report: ExposedSecretReportData;
}

// ---- SbomReport / ClusterSbomReport (the BOM is CycloneDX, under `components`)

export interface BomContact {
  name?: string;
  email?: string;
  phone?: string;
}

export interface BomComponent {
  'bom-ref'?: string;
  type?: string;
  name?: string;
  group?: string;
  version?: string;
  purl?: string;
  supplier?: { name?: string; url?: string[]; contact?: BomContact[] };
  hashes?: Array<{ alg?: string; content?: string }>;
  licenses?: Array<{ expression?: string; license?: { id?: string; name?: string; url?: string } }>;
  properties?: Array<{ name?: string; value?: string }>;
}

export interface BomDependency {
  ref?: string;
  dependsOn?: string[];
}

export interface CycloneDxBom {
  bomFormat: string;
  specVersion: string;
  serialNumber?: string;
  version?: number;
  metadata?: {
    timestamp?: string;
    tools?: { components?: BomComponent[] };
    component?: BomComponent;
  };
  components?: BomComponent[];
  dependencies?: BomDependency[];
}

export interface SbomSummary {
  /** Components plus the described (metadata) component. */
  componentsCount: number;
  dependenciesCount: number;
}

export interface SbomReportData {
  updateTimestamp: string;
  scanner: ReportScanner;
  registry?: ImageRegistry;
  artifact: ImageArtifact;
  summary: SbomSummary;
  components: CycloneDxBom;
}

export interface SbomReport extends CustomResource<'SbomReport'> {
  report: SbomReportData;
}

export interface ClusterSbomReport extends CustomResource<'ClusterSbomReport'> {
  report: SbomReportData;
}

// ---- Misconfiguration reports (config audit, RBAC, infra)

export interface CheckResult {
  checkID: string;
  title?: string;
  description?: string;
  /** Free text in the schema; in practice CRITICAL, HIGH, MEDIUM or LOW. */
  severity: string;
  category?: string;
  messages?: string[];
  remediation?: string;
  success: boolean;
  scope?: { type: string; value: string };
}

/** Counts of failed checks only. */
export interface MisconfigurationSummary {
  criticalCount: number;
  highCount: number;
  mediumCount: number;
  lowCount: number;
}

export interface ConfigAuditReportData {
  updateTimestamp?: string;
  scanner?: ReportScanner;
  summary?: MisconfigurationSummary;
  checks: CheckResult[];
}

/** RBAC and infra assessments: no `updateTimestamp`. */
export interface AssessmentReportData {
  scanner: ReportScanner;
  summary: MisconfigurationSummary;
  checks: CheckResult[];
}

export interface ConfigAuditReport extends CustomResource<'ConfigAuditReport'> {
  report: ConfigAuditReportData;
}

export interface ClusterConfigAuditReport extends CustomResource<'ClusterConfigAuditReport'> {
  report: ConfigAuditReportData;
}

export interface RbacAssessmentReport extends CustomResource<'RbacAssessmentReport'> {
  report: AssessmentReportData;
}

export interface ClusterRbacAssessmentReport extends CustomResource<'ClusterRbacAssessmentReport'> {
  report: AssessmentReportData;
}

export interface InfraAssessmentReport extends CustomResource<'InfraAssessmentReport'> {
  report: AssessmentReportData;
}

export interface ClusterInfraAssessmentReport extends CustomResource<'ClusterInfraAssessmentReport'> {
  report: AssessmentReportData;
}

// ---- ClusterComplianceReport (spec authored by Helm/users, status written by the operator)

export type ComplianceReportType = 'summary' | 'all';
export type ControlDefaultStatus = 'PASS' | 'WARN' | 'FAIL';

export interface ComplianceControl {
  /** Control number as a string, e.g. `1.1.1`. */
  id: string;
  name: string;
  description?: string;
  /** Check IDs such as `AVD-KSV-0012`. */
  checks?: Array<{ id: string }>;
  /** Node-collector command IDs such as `CMD-0001`. */
  commands?: Array<{ id: string }>;
  severity: Severity;
  /** Status of a control that no check decides (manual controls). */
  defaultStatus?: ControlDefaultStatus;
}

export interface ComplianceSpecification {
  /** The report's name is this ID in lower case. */
  id: string;
  title: string;
  description: string;
  version: string;
  platform: string;
  type: string;
  relatedResources: string[];
  controls: ComplianceControl[];
}

export interface ClusterComplianceSpec {
  /** Five-field cron schedule. */
  cron: string;
  reportType: ComplianceReportType;
  compliance: ComplianceSpecification;
}

export interface ComplianceControlCheck {
  id?: string;
  name?: string;
  severity?: Severity;
  totalFail?: number;
}

export interface ComplianceControlResult {
  id?: string;
  name?: string;
  description?: string;
  severity?: Severity;
  status?: string;
  checks?: CheckResult[];
}

export interface ClusterComplianceStatus {
  updateTimestamp: string;
  /** Zero counts are omitted. */
  summary?: { failCount?: number; passCount?: number };
  /** reportType `summary`. */
  summaryReport?: { id?: string; title?: string; controlCheck?: ComplianceControlCheck[] };
  /** reportType `all`. */
  detailReport?: {
    id?: string;
    title?: string;
    description?: string;
    version?: string;
    /** Holds the spec's relatedResources (upstream's name). */
    relatedVersion?: string[];
    results?: ComplianceControlResult[];
  };
}

export interface ClusterComplianceReport extends CustomResource<'ClusterComplianceReport'> {
  spec?: ClusterComplianceSpec;
  status?: ClusterComplianceStatus;
}

export type AnyReport =
  | VulnerabilityReport
  | ClusterVulnerabilityReport
  | ExposedSecretReport
  | SbomReport
  | ClusterSbomReport
  | ConfigAuditReport
  | ClusterConfigAuditReport
  | RbacAssessmentReport
  | ClusterRbacAssessmentReport
  | InfraAssessmentReport
  | ClusterInfraAssessmentReport
  | ClusterComplianceReport;
