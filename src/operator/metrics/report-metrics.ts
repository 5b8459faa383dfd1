/**
 * The findings metrics of upstream trivy-operator (contract §5): on every scrape, read the reports the operator's
 * informer caches hold and write one gauge family per metric with the upstream names, label names and label values,
 * so dashboards (17813, dotdc) and alerts keep working.
 *
 * Differences from upstream, all of them fixes:
 * - `/metrics` never fails on duplicates. Every sample's labels include the report's identity (namespace and name;
 *   name for cluster-scoped reports) except the compliance families, so the same report listed twice is the only
 *   source of duplicate counts: the last listing wins (summing would count the report twice). Within one report, an
 *   info series is written once per distinct label tuple (value 1); a check ID listed twice keeps its failed entry.
 *   Compliance series are deduplicated on their full label tuple, the last report winning.
 * - `trivy_infraassessments_info` reads InfraAssessmentReports (upstream lists RbacAssessmentReports).
 * - `resource_name` falls back to the `trivy-operator.resource.name` annotation when the owner's name is too long
 *   for the label (upstream then writes an empty value).
 * - Dynamic labels that collide with a family's own label names, or with each other after sanitising, are left
 *   out (upstream would produce duplicate label names, which Prometheus rejects).
 * The text is written by hand rather than through prom-client's Gauge API, several times slower at this size
 * (`bench/metrics.bench.ts` measures both).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from '../../util/logger.ts';
import type { MetricsFlags } from '../config/index.ts';
import type { AnyReport, ReportKind } from '../reports/types.ts';
import type { ExpositionRegistry, TextFamily } from './exposition-registry.ts';
import {
  escapeLabelValue as esc,
  formatPlainNumber,
  formatSampleValue,
  isValidLabelName,
  sanitizeLabelKey,
} from './exposition.ts';

/** Where the collector reads reports: the operator's informer caches. Called on every scrape; must not do I/O. */
export interface ReportSource {
  /** The reports of one kind currently known; empty when the kind is not watched. */
  list(kind: ReportKind): readonly AnyReport[];
}

export interface ReportMetricsOptions {
  flags: MetricsFlags;
  /** `report.resourceLabels`: report label keys copied into every series as dynamic labels. */
  resourceLabels: readonly string[];
  /** `metrics.resourceLabelsPrefix`, put before each sanitised key. */
  resourceLabelsPrefix: string;
}

export interface ReportCollectorOptions extends ReportMetricsOptions {
  source: ReportSource;
  /** Upstream serves findings from the leader only, so that replicas do not double every sum. Default: always. */
  isLeader?: () => boolean;
  logger?: Logger;
}

// Report labels written by the operator (contract §2.2). Read here as plain strings: the metrics only read them.
const RESOURCE_KIND_LABEL = 'trivy-operator.resource.kind';
const RESOURCE_NAME_LABEL = 'trivy-operator.resource.name';
const CONTAINER_NAME_LABEL = 'trivy-operator.container.name';
const RESOURCE_NAME_ANNOTATION = 'trivy-operator.resource.name';

type Fields = Readonly<Record<string, unknown>>;
const NO_FIELDS: Fields = Object.freeze({});
const fields = (value: unknown): Fields =>
  typeof value === 'object' && value !== null ? (value as Fields) : NO_FIELDS;
const text = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : '';
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const items = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);

const SEVERITY_LABELS: Readonly<Record<string, string>> = {
  CRITICAL: 'Critical',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
  UNKNOWN: 'Unknown',
};
const titleCased = new Map<string, string>();

/** `HIGH` → `High`; other values title-cased word by word, as upstream does. */
function severityLabel(severity: string): string {
  const known = SEVERITY_LABELS[severity] ?? titleCased.get(severity);
  if (known !== undefined) return known;
  const label = severity
    .toLowerCase()
    .replace(
      /(^|[^\p{L}\p{N}])(\p{L})/gu,
      (_match, before: string, letter: string) => before + letter.toUpperCase(),
    );
  if (titleCased.size < 1000) titleCased.set(severity, label);
  return label;
}

/** One report as the families read it. */
interface ReportView {
  readonly metadata: Fields;
  readonly labels: Fields;
  readonly body: Fields;
  /** `,<dynamic label>="<value>"…` for this family, or empty. */
  readonly dynamic: string;
}

interface FamilySpec {
  readonly name: string;
  readonly help: string;
  readonly flag: keyof MetricsFlags;
  readonly kind: ReportKind;
  /** Label names before the dynamic labels, in output order. */
  readonly labels: readonly string[];
  /**
   * What makes two reports the same for this family: `namespaced` (namespace/name) and `cluster` (name) are part
   * of every series, so deduplicating reports on them deduplicates series; `series` dedupes every series itself.
   */
  readonly identity: 'namespaced' | 'cluster' | 'series';
  /**
   * Whether a report's lines are kept from one scrape to the next (keyed by the report object, which the informer
   * replaces whenever the report changes). Only for families with a few lines per report: caching the per-finding
   * families would keep the whole page in memory.
   */
  readonly cached: boolean;
  /** The sample lines of one report, each ending in a line feed. */
  samples(report: ReportView, name: string): string;
}

const WORKLOAD_LABELS = ['namespace', 'name', 'resource_kind', 'resource_name'] as const;
const IMAGE_LABELS = [
  ...WORKLOAD_LABELS,
  'container_name',
  'image_registry',
  'image_repository',
  'image_tag',
  'image_digest',
] as const;

function workloadLabels(report: ReportView): string {
  const { metadata, labels } = report;
  const resourceName =
    text(labels[RESOURCE_NAME_LABEL]) || text(fields(metadata.annotations)[RESOURCE_NAME_ANNOTATION]);
  return (
    `namespace="${esc(text(metadata.namespace))}",name="${esc(text(metadata.name))}",` +
    `resource_kind="${esc(text(labels[RESOURCE_KIND_LABEL]))}",resource_name="${esc(resourceName)}"`
  );
}

function imageLabels(report: ReportView): string {
  const data = fields(report.body.report);
  const artifact = fields(data.artifact);
  return (
    `${workloadLabels(report)},container_name="${esc(text(report.labels[CONTAINER_NAME_LABEL]))}",` +
    `image_registry="${esc(text(fields(data.registry).server))}",` +
    `image_repository="${esc(text(artifact.repository))}",image_tag="${esc(text(artifact.tag))}",` +
    `image_digest="${esc(text(artifact.digest))}"`
  );
}

type SummaryCounts = readonly (readonly [label: string, field: string])[];
const FIVE_SEVERITIES: SummaryCounts = [
  ['Critical', 'criticalCount'],
  ['High', 'highCount'],
  ['Medium', 'mediumCount'],
  ['Low', 'lowCount'],
  ['Unknown', 'unknownCount'],
];
const FOUR_SEVERITIES = FIVE_SEVERITIES.slice(0, 4);

function summarySamples(
  name: string,
  labels: string,
  dynamic: string,
  summary: Fields,
  counts: SummaryCounts,
  countLabel = 'severity',
): string {
  let lines = '';
  for (const [label, field] of counts) {
    lines += `${name}{${labels},${countLabel}="${label}"${dynamic}} ${formatSampleValue(count(summary[field]))}\n`;
  }
  return lines;
}

/**
 * One series (value 1) per distinct finding of an image report: `labelsOf` renders the finding's own labels, and a
 * finding whose labels repeat an earlier one's is left out, so a page never holds a duplicate series.
 */
function distinctFindingSeries(
  report: ReportView,
  name: string,
  findings: unknown,
  labelsOf: (finding: Fields) => string,
): string {
  const head = `${name}{${imageLabels(report)},`;
  const seen = new Set<string>();
  let lines = '';
  for (const entry of items(findings)) {
    const labels = labelsOf(fields(entry));
    if (seen.has(labels)) continue;
    seen.add(labels);
    lines += `${head}${labels}${report.dynamic}} 1\n`;
  }
  return lines;
}

/** One entry per check ID; when an ID repeats, a failed entry wins over a passed one. */
function distinctChecks(checks: readonly unknown[]): Fields[] {
  const byId = new Map<string, Fields>();
  for (const entry of checks) {
    const check = fields(entry);
    const id = text(check.checkID);
    const seen = byId.get(id);
    if (!seen || (seen.success === true && check.success !== true)) byId.set(id, check);
  }
  return [...byId.values()];
}

/** `trivy_configaudits_info`, `trivy_rbacassessments_info`, `trivy_infraassessments_info`. */
function checkInfoSamples(prefix: string) {
  return (report: ReportView, name: string): string => {
    const base = workloadLabels(report);
    let lines = '';
    for (const check of distinctChecks(items(fields(report.body.report).checks))) {
      lines +=
        `${name}{${base},${prefix}_id="${esc(text(check.checkID))}",${prefix}_title="${esc(text(check.title))}",` +
        `${prefix}_description="${esc(text(check.description))}",${prefix}_category="${esc(text(check.category))}",` +
        `${prefix}_success="${check.success === true}",severity="${esc(severityLabel(text(check.severity)))}"` +
        `${report.dynamic}} 1\n`;
    }
    return lines;
  };
}

const checkInfoLabels = (prefix: string) => [
  ...WORKLOAD_LABELS,
  `${prefix}_id`,
  `${prefix}_title`,
  `${prefix}_description`,
  `${prefix}_category`,
  `${prefix}_success`,
  'severity',
];

const misconfigurationCounts = (report: ReportView, name: string) =>
  summarySamples(
    name,
    workloadLabels(report),
    report.dynamic,
    fields(fields(report.body.report).summary),
    FOUR_SEVERITIES,
  );

const FAMILIES: readonly FamilySpec[] = [
  {
    name: 'trivy_image_vulnerabilities',
    help: 'Vulnerabilities found in a container image, by severity (from VulnerabilityReport summaries).',
    flag: 'findingsEnabled',
    kind: 'VulnerabilityReport',
    labels: [...IMAGE_LABELS, 'severity'],
    identity: 'namespaced',
    cached: true,
    samples: (report, name) =>
      summarySamples(
        name,
        imageLabels(report),
        report.dynamic,
        fields(fields(report.body.report).summary),
        FIVE_SEVERITIES,
      ),
  },
  {
    name: 'trivy_vulnerability_id',
    help: 'One series per distinct vulnerability occurrence in a container image (value 1).',
    flag: 'vulnIdEnabled',
    kind: 'VulnerabilityReport',
    labels: [
      ...IMAGE_LABELS,
      'installed_version',
      'fixed_version',
      'published_date',
      'last_modified_date',
      'resource',
      'severity',
      'package_type',
      'pkg_path',
      'target',
      'class',
      'vuln_id',
      'vuln_title',
      'vuln_score',
    ],
    identity: 'namespaced',
    cached: false,
    samples: (report, name) =>
      distinctFindingSeries(report, name, fields(report.body.report).vulnerabilities, (vuln) => {
        const score = typeof vuln.score === 'number' ? formatPlainNumber(vuln.score) : '';
        return (
          `installed_version="${esc(text(vuln.installedVersion))}",fixed_version="${esc(text(vuln.fixedVersion))}",` +
          `published_date="${esc(text(vuln.publishedDate))}",last_modified_date="${esc(text(vuln.lastModifiedDate))}",` +
          `resource="${esc(text(vuln.resource))}",severity="${esc(severityLabel(text(vuln.severity)))}",` +
          `package_type="${esc(text(vuln.packageType))}",pkg_path="${esc(text(vuln.packagePath))}",` +
          `target="${esc(text(vuln.target))}",class="${esc(text(vuln.class))}",` +
          `vuln_id="${esc(text(vuln.vulnerabilityID))}",vuln_title="${esc(text(vuln.title))}",vuln_score="${score}"`
        );
      }),
  },
  {
    name: 'trivy_image_exposedsecrets',
    help: 'Exposed secrets found in a container image, by severity (from ExposedSecretReport summaries).',
    flag: 'findingsEnabled',
    kind: 'ExposedSecretReport',
    labels: [...IMAGE_LABELS, 'severity'],
    identity: 'namespaced',
    cached: true,
    samples: (report, name) =>
      summarySamples(
        name,
        imageLabels(report),
        report.dynamic,
        fields(fields(report.body.report).summary),
        FOUR_SEVERITIES,
      ),
  },
  {
    name: 'trivy_exposedsecrets_info',
    help: 'One series per distinct exposed secret in a container image (value 1).',
    flag: 'exposedSecretInfoEnabled',
    kind: 'ExposedSecretReport',
    labels: [
      ...IMAGE_LABELS,
      'secret_category',
      'secret_rule_id',
      'secret_target',
      'secret_title',
      'severity',
    ],
    identity: 'namespaced',
    cached: false,
    samples: (report, name) =>
      distinctFindingSeries(
        report,
        name,
        fields(report.body.report).secrets,
        (secret) =>
          `secret_category="${esc(text(secret.category))}",secret_rule_id="${esc(text(secret.ruleID))}",` +
          `secret_target="${esc(text(secret.target))}",secret_title="${esc(text(secret.title))}",` +
          `severity="${esc(severityLabel(text(secret.severity)))}"`,
      ),
  },
  {
    name: 'trivy_resource_configaudits',
    help: 'Failed configuration audit checks of a resource, by severity (from ConfigAuditReport summaries).',
    flag: 'findingsEnabled',
    kind: 'ConfigAuditReport',
    labels: [...WORKLOAD_LABELS, 'severity'],
    identity: 'namespaced',
    cached: true,
    samples: misconfigurationCounts,
  },
  {
    name: 'trivy_configaudits_info',
    help: 'One series per configuration audit check ID of a resource (value 1; see config_audit_success).',
    flag: 'configAuditInfoEnabled',
    kind: 'ConfigAuditReport',
    labels: checkInfoLabels('config_audit'),
    identity: 'namespaced',
    cached: false,
    samples: checkInfoSamples('config_audit'),
  },
  {
    name: 'trivy_role_rbacassessments',
    help: 'Failed RBAC assessment checks of a Role, by severity (from RbacAssessmentReport summaries).',
    flag: 'findingsEnabled',
    kind: 'RbacAssessmentReport',
    labels: [...WORKLOAD_LABELS, 'severity'],
    identity: 'namespaced',
    cached: true,
    samples: misconfigurationCounts,
  },
  {
    name: 'trivy_rbacassessments_info',
    help: 'One series per RBAC assessment check ID of a Role (value 1; see rbac_assessment_success).',
    flag: 'rbacAssessmentInfoEnabled',
    kind: 'RbacAssessmentReport',
    labels: checkInfoLabels('rbac_assessment'),
    identity: 'namespaced',
    cached: false,
    samples: checkInfoSamples('rbac_assessment'),
  },
  {
    name: 'trivy_clusterrole_clusterrbacassessments',
    help: 'Failed RBAC assessment checks of a ClusterRole, by severity (from ClusterRbacAssessmentReport summaries).',
    flag: 'findingsEnabled',
    kind: 'ClusterRbacAssessmentReport',
    labels: ['name', 'resource_kind', 'resource_name', 'severity'],
    identity: 'cluster',
    cached: true,
    samples(report, name) {
      const { metadata, labels } = report;
      const resourceName =
        text(labels[RESOURCE_NAME_LABEL]) || text(fields(metadata.annotations)[RESOURCE_NAME_ANNOTATION]);
      const base =
        `name="${esc(text(metadata.name))}",resource_kind="${esc(text(labels[RESOURCE_KIND_LABEL]))}",` +
        `resource_name="${esc(resourceName)}"`;
      return summarySamples(
        name,
        base,
        report.dynamic,
        fields(fields(report.body.report).summary),
        FOUR_SEVERITIES,
      );
    },
  },
  {
    name: 'trivy_resource_infraassessments',
    help: 'Failed infrastructure assessment checks of a resource, by severity (from InfraAssessmentReport summaries).',
    flag: 'findingsEnabled',
    kind: 'InfraAssessmentReport',
    labels: [...WORKLOAD_LABELS, 'severity'],
    identity: 'namespaced',
    cached: true,
    samples: misconfigurationCounts,
  },
  {
    name: 'trivy_infraassessments_info',
    help: 'One series per infrastructure assessment check ID of a resource (value 1; see infra_assessment_success).',
    flag: 'infraAssessmentInfoEnabled',
    kind: 'InfraAssessmentReport',
    labels: checkInfoLabels('infra_assessment'),
    identity: 'namespaced',
    cached: false,
    samples: checkInfoSamples('infra_assessment'),
  },
  {
    name: 'trivy_cluster_compliance',
    help: 'Failed and passed controls of a cluster compliance report (status.summary).',
    flag: 'findingsEnabled',
    kind: 'ClusterComplianceReport',
    labels: ['title', 'description', 'status'],
    identity: 'series',
    cached: false,
    samples(report, name) {
      const compliance = fields(fields(report.body.spec).compliance);
      const base = `title="${esc(text(compliance.title))}",description="${esc(text(compliance.description))}"`;
      const summary = fields(fields(report.body.status).summary);
      return summarySamples(
        name,
        base,
        report.dynamic,
        summary,
        [
          ['Fail', 'failCount'],
          ['Pass', 'passCount'],
        ],
        'status',
      );
    },
  },
  {
    name: 'trivy_compliance_info',
    help: 'Controls of summary-type cluster compliance reports: failed checks when the control fails, else 1.',
    flag: 'clusterComplianceInfoEnabled',
    kind: 'ClusterComplianceReport',
    labels: ['title', 'description', 'compliance_id', 'compliance_name', 'status', 'severity'],
    identity: 'series',
    cached: false,
    samples(report, name) {
      const spec = fields(report.body.spec);
      if (spec.reportType === 'all') return '';
      const compliance = fields(spec.compliance);
      const base = `title="${esc(text(compliance.title))}",description="${esc(text(compliance.description))}"`;
      let lines = '';
      for (const entry of items(fields(fields(report.body.status).summaryReport).controlCheck)) {
        const control = fields(entry);
        if (typeof control.totalFail !== 'number' || Number.isNaN(control.totalFail)) continue;
        const failed = control.totalFail > 0;
        // Upstream writes the control's severity as it is in the report (e.g. HIGH), not title-cased.
        lines +=
          `${name}{${base},compliance_id="${esc(text(control.id))}",compliance_name="${esc(text(control.name))}",` +
          `status="${failed ? 'Fail' : 'Pass'}",severity="${esc(text(control.severity))}"${report.dynamic}} ` +
          `${failed ? formatSampleValue(control.totalFail) : '1'}\n`;
      }
      return lines;
    },
  },
  {
    name: 'trivy_image_info',
    help: 'One series per VulnerabilityReport with the image and its operating system (value 1).',
    flag: 'imageInfoEnabled',
    kind: 'VulnerabilityReport',
    labels: [...IMAGE_LABELS, 'image_os_family', 'image_os_name', 'image_os_eosl'],
    identity: 'namespaced',
    cached: true,
    samples(report, name) {
      const os = fields(fields(report.body.report).os);
      return (
        `${name}{${imageLabels(report)},image_os_family="${esc(text(os.family))}",` +
        `image_os_name="${esc(text(os.name))}",image_os_eosl="${os.eosl === true ? 'true' : ''}"${report.dynamic}} 1\n`
      );
    },
  },
];

/** The names of the findings families, in the order they are served. */
export const REPORT_METRIC_NAMES: readonly string[] = FAMILIES.map(({ name }) => name);

interface DynamicLabel {
  readonly key: string;
  readonly name: string;
}

/**
 * The dynamic labels of `report.resourceLabels`, sanitised and prefixed; a name that another dynamic label already
 * took, or that the family itself uses, is dropped.
 */
export function dynamicLabelNames(
  options: Pick<ReportMetricsOptions, 'resourceLabels' | 'resourceLabelsPrefix'>,
  familyLabels: readonly string[] = [],
): { labels: DynamicLabel[]; dropped: { key: string; name: string }[] } {
  const taken = new Set(familyLabels);
  const labels: DynamicLabel[] = [];
  const dropped: { key: string; name: string }[] = [];
  for (const key of options.resourceLabels) {
    let name = options.resourceLabelsPrefix + sanitizeLabelKey(key);
    if (!isValidLabelName(name)) name = `_${name}`;
    if (taken.has(name)) dropped.push({ key, name });
    else {
      taken.add(name);
      labels.push({ key, name });
    }
  }
  return { labels, dropped };
}

const FLATTEN = /^/;

// Rendering yields to the event loop this often, so probes and watches keep being served during a large render.
const YIELD_AFTER_MS = 20;
const CHECK_CLOCK_EVERY = 64;

class ReportFamily implements TextFamily {
  readonly name: string;
  readonly help: string;
  readonly type = 'gauge' as const;
  readonly #spec: FamilySpec;
  readonly #dynamic: readonly DynamicLabel[];
  readonly #options: ReportCollectorOptions;
  readonly #cache: WeakMap<AnyReport, string> | undefined;

  constructor(spec: FamilySpec, options: ReportCollectorOptions) {
    this.name = spec.name;
    this.help = spec.help;
    this.#spec = spec;
    this.#cache = spec.cached ? new WeakMap() : undefined;
    this.#options = options;
    const { labels, dropped } = dynamicLabelNames(options, spec.labels);
    this.#dynamic = labels;
    for (const { key, name } of dropped) {
      options.logger?.warn(
        { metric: spec.name, resourceLabel: key, labelName: name },
        'report.resourceLabels key left out of this metric: its label name is already in use; change metrics.resourceLabelsPrefix',
      );
    }
  }

  async renderSamples(): Promise<string | undefined> {
    const { source, isLeader, logger } = this.#options;
    if (isLeader && !isLeader()) return undefined;
    let listed: readonly AnyReport[];
    try {
      listed = source.list(this.#spec.kind);
    } catch (error) {
      logger?.error(
        { metric: this.name, kind: this.#spec.kind, err: String(error) },
        'cannot list reports for metrics',
      );
      return '';
    }
    const reports =
      this.#spec.identity === 'series' ? listed : lastOfEachIdentity(listed, this.#spec.identity);
    // Batches of uncached lines are flattened as they complete (between two yields), so that a large page is a
    // shallow chain of large flat strings that the HTTP write copies in one go, not millions of pieces to walk then.
    // Cached lines are flat already.
    let samples = '';
    let batch = '';
    let failed = 0;
    let lastYield = performance.now();
    let index = 0;
    for (const report of reports) {
      try {
        batch += this.#samplesOf(report);
      } catch {
        failed++;
      }
      if (++index % CHECK_CLOCK_EVERY === 0 && performance.now() - lastYield > YIELD_AFTER_MS) {
        if (!this.#cache) FLATTEN.test(batch);
        samples += batch;
        batch = '';
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    if (!this.#cache) FLATTEN.test(batch);
    samples += batch;
    if (failed > 0)
      logger?.warn({ metric: this.name, reports: failed }, 'reports left out of metrics: unreadable');
    return this.#spec.identity === 'series' ? lastOfEachSeries(samples) : samples;
  }

  #samplesOf(report: AnyReport): string {
    if (!this.#cache || typeof report !== 'object' || report === null) {
      return this.#spec.samples(this.#view(report), this.name);
    }
    let samples = this.#cache.get(report);
    if (samples === undefined) {
      samples = this.#spec.samples(this.#view(report), this.name);
      // A RegExp run flattens its subject in V8: the cache then holds one buffer, not the many pieces (about 3× the
      // memory) that the string was concatenated from.
      FLATTEN.test(samples);
      this.#cache.set(report, samples);
    }
    return samples;
  }

  #view(report: AnyReport): ReportView {
    const body = fields(report);
    const metadata = fields(body.metadata);
    const labels = fields(metadata.labels);
    let dynamic = '';
    for (const { key, name } of this.#dynamic) dynamic += `,${name}="${esc(text(labels[key]))}"`;
    return { metadata, labels, body, dynamic };
  }
}

/** Keeps the last of reports listed more than once (same namespace and name), in first-seen order. */
function lastOfEachIdentity(
  reports: readonly AnyReport[],
  identity: 'namespaced' | 'cluster',
): readonly AnyReport[] {
  // Nested maps rather than a "namespace/name" key: no string to build and hash per report on every scrape.
  const positions = new Map<string, Map<string, number>>();
  const kept: AnyReport[] = [];
  for (const report of reports) {
    const metadata = fields(fields(report).metadata);
    const namespace = identity === 'namespaced' ? text(metadata.namespace) : '';
    let byName = positions.get(namespace);
    if (!byName) positions.set(namespace, (byName = new Map()));
    const name = text(metadata.name);
    const position = byName.get(name);
    if (position === undefined) {
      byName.set(name, kept.length);
      kept.push(report);
    } else kept[position] = report;
  }
  return kept;
}

/** Keeps the last sample of each series (everything before the value), in first-seen order. */
function lastOfEachSeries(samples: string): string {
  const bySeries = new Map<string, string>();
  for (const line of samples.split('\n')) {
    if (line !== '') bySeries.set(line.slice(0, line.lastIndexOf(' ')), line);
  }
  let lines = '';
  for (const line of bySeries.values()) lines += `${line}\n`;
  return lines;
}

/**
 * Registers the findings families that `flags` enable (none when `findingsEnabled` is off: upstream's switch for
 * the whole collector; the info families need their own flag as well).
 */
export function registerReportMetrics(registry: ExpositionRegistry, options: ReportCollectorOptions): void {
  if (!options.flags.findingsEnabled) return;
  for (const spec of FAMILIES) {
    if (options.flags[spec.flag]) registry.registerTextFamily(new ReportFamily(spec, options));
  }
}
