/**
 * The etcd budget (`OPERATOR_REPORT_MAX_BYTES`): no report we write may exceed it. A report over budget keeps its
 * most severe findings, keeps summary counts of the full list, and says so in an annotation; the full list stays in
 * the operator's store. Size is the UTF-8 length of the object's JSON, metadata included. The API server adds
 * managedFields and escapes `<>&` when it stores the object, which the default (256 KiB against etcd's 1.5 MiB
 * request limit) leaves ample room for.
 */
import { DEFAULT_REPORT_MAX_BYTES } from '../config/index.ts';
import { vulnerabilitySummary } from './vulnerability-report.ts';
import { exposedSecretSummary } from './exposed-secret-report.ts';
import { sbomSummary } from './sbom-report.ts';
import { isShared, sharedJson } from './shared-parts.ts';
import type {
  BomComponent,
  ClusterSbomReport,
  ClusterVulnerabilityReport,
  ExposedSecretReport,
  SbomReport,
  VulnerabilityReport,
} from './types.ts';

export { DEFAULT_REPORT_MAX_BYTES };

/**
 * Set on a report whose findings were cut to fit the budget: `"<kept>/<total>"` (vulnerabilities, secrets, or SBOM
 * components). Absent on complete reports.
 */
export const TRUNCATED_ANNOTATION = 'trivy-ts.aquasecurity.github.io/truncated';

export type BudgetedReport =
  VulnerabilityReport | ClusterVulnerabilityReport | ExposedSecretReport | SbomReport | ClusterSbomReport;

export type BudgetOutcome<T extends BudgetedReport> =
  { report: T; truncated: false } | { report: T; truncated: true; kept: number; total: number };

export class ReportBudgetError extends Error {}

const encoder = new TextEncoder();
/** UTF-8 bytes of a JSON string without allocating them. */
const utf8Length = (json: string): number => {
  // ASCII is the common case: one byte per code unit.
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(json)) return json.length;
  return encoder.encode(json).length;
};

export function serializedSize(object: unknown): number {
  return utf8Length(JSON.stringify(object));
}

const SEVERITY_ORDER: Readonly<Record<string, number>> = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1 };

/** Library components go first when components are cut: operating systems and applications anchor the graph. */
const componentPriority = (component: BomComponent): number => (component.type === 'library' ? 0 : 1);

/** Returns the report unchanged when it fits `maxBytes`, else a truncated copy that does. */
export function fitReportToBudget<T extends BudgetedReport>(
  report: T,
  maxBytes: number = DEFAULT_REPORT_MAX_BYTES,
): BudgetOutcome<T> {
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new RangeError(`the report size budget must be a positive number of bytes, got ${maxBytes}`);
  }
  if (fits(report, maxBytes)) return { report, truncated: false };
  switch (report.kind) {
    case 'VulnerabilityReport':
    case 'ClusterVulnerabilityReport': {
      const all = report.report.vulnerabilities;
      const order = bySeverity(all.map((finding) => finding.severity));
      return truncate(
        report,
        maxBytes,
        order.length,
        (kept) => {
          const vulnerabilities = order.slice(0, kept).map((index) => all[index]!);
          return { ...report.report, summary: vulnerabilitySummary(all), vulnerabilities };
        },
        (index) => serializedSize(all[order[index]!]) + 1,
      ) as BudgetOutcome<T>;
    }
    case 'ExposedSecretReport': {
      const all = report.report.secrets;
      const order = bySeverity(all.map((finding) => finding.severity));
      return truncate(
        report,
        maxBytes,
        order.length,
        (kept) => {
          const secrets = order.slice(0, kept).map((index) => all[index]!);
          return { ...report.report, summary: exposedSecretSummary(all), secrets };
        },
        (index) => serializedSize(all[order[index]!]) + 1,
      ) as BudgetOutcome<T>;
    }
    case 'SbomReport':
    case 'ClusterSbomReport':
      return truncateSbom(report, maxBytes) as BudgetOutcome<T>;
  }
}

/**
 * Whether the report fits, without serialising a long finding list whole: the list's JSON is `[a,b,…]`, so its size
 * is the sum of its items plus commas, and the sum can stop as soon as it is over.
 */
function fits(report: BudgetedReport, maxBytes: number): boolean {
  const findings: { key: string; items: unknown } =
    report.kind === 'VulnerabilityReport' || report.kind === 'ClusterVulnerabilityReport'
      ? { key: 'vulnerabilities', items: report.report.vulnerabilities }
      : report.kind === 'ExposedSecretReport'
        ? { key: 'secrets', items: report.report.secrets }
        : { key: 'components', items: report.report.components };
  // An image's lists are shared by the reports of all its containers, and measured once: `[]` / `{}` stand in.
  if (isShared(findings.items)) {
    const placeholder = Array.isArray(findings.items) ? [] : {};
    const rest = serializedSize({ ...report, report: { ...report.report, [findings.key]: placeholder } });
    return rest - 2 + sharedJson(findings.items).bytes <= maxBytes;
  }
  if (!Array.isArray(findings.items)) return serializedSize(report) <= maxBytes;
  let size = serializedSize({ ...report, report: { ...report.report, [findings.key]: [] } });
  for (let index = 0; index < findings.items.length && size <= maxBytes; index++) {
    size += serializedSize(findings.items[index]) + (index === 0 ? 0 : 1);
  }
  return size <= maxBytes;
}

/** Indexes ordered by severity, most severe first; ties keep the report's order. */
function bySeverity(severities: readonly string[]): number[] {
  const ranks = severities.map((severity) => SEVERITY_ORDER[severity] ?? 0);
  return ranks.map((_, index) => index).sort((a, b) => ranks[b]! - ranks[a]! || a - b);
}

/**
 * Keeps the longest prefix (in priority order) that fits. `cost(i)` is what the i-th kept item adds to the JSON with
 * its comma: exact for finding lists, an upper bound for SBOM components. A real serialisation confirms the result,
 * and bisection shrinks it should an estimate ever be short.
 */
function truncate<T extends BudgetedReport>(
  report: T,
  maxBytes: number,
  total: number,
  payload: (kept: number) => T['report'],
  cost: (index: number) => number,
): BudgetOutcome<T> {
  const build = (kept: number): T =>
    ({
      ...report,
      metadata: {
        ...report.metadata,
        annotations: { ...report.metadata.annotations, [TRUNCATED_ANNOTATION]: `${kept}/${total}` },
      },
      report: payload(kept),
    }) as T;

  const empty = serializedSize(build(0));
  if (empty > maxBytes) {
    const name = `${report.kind} ${report.metadata.namespace ? `${report.metadata.namespace}/` : ''}${report.metadata.name ?? ''}`;
    throw new ReportBudgetError(
      `${name} is ${empty} bytes even without findings, over the ${maxBytes}-byte budget: raise OPERATOR_REPORT_MAX_BYTES`,
    );
  }
  // size(k) = empty + items + commas between them + the extra digits of k in the annotation.
  const digits = (n: number) => String(n).length;
  let kept = 0;
  let items = 0;
  while (kept < total) {
    const next = items + cost(kept);
    if (empty + next - 1 + digits(kept + 1) - 1 > maxBytes) break;
    items = next;
    kept++;
  }
  let candidate = build(kept);
  if (serializedSize(candidate) > maxBytes) {
    let low = 0;
    let high = kept - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (serializedSize(build(middle)) <= maxBytes) low = middle;
      else high = middle - 1;
    }
    kept = low;
    candidate = build(kept);
  }
  return { report: candidate, truncated: true, kept, total };
}

function truncateSbom(report: SbomReport | ClusterSbomReport, maxBytes: number) {
  const bom = report.report.components;
  const all = bom.components ?? [];
  const order = all
    .map((_, index) => index)
    .sort((a, b) => componentPriority(all[b]!) - componentPriority(all[a]!) || a - b);

  const dependencyOf = new Map<string, NonNullable<typeof bom.dependencies>[number]>();
  const mentions = new Map<string, number>();
  for (const entry of bom.dependencies ?? []) {
    if (entry.ref !== undefined) dependencyOf.set(entry.ref, entry);
    for (const ref of entry.dependsOn ?? []) mentions.set(ref, (mentions.get(ref) ?? 0) + 1);
  }
  const rootRef = bom.metadata?.component?.['bom-ref'];

  // A kept component adds itself, its own dependency entry, and its ref wherever another entry depends on it.
  const cost = (index: number): number => {
    const component = all[order[index]!]!;
    const ref = component['bom-ref'];
    if (ref === undefined) return serializedSize(component) + 1;
    const entry = dependencyOf.get(ref);
    return (
      serializedSize(component) +
      1 +
      (entry ? serializedSize(entry) + 1 : 0) +
      (mentions.get(ref) ?? 0) * (serializedSize(ref) + 1)
    );
  };

  const payload = (kept: number) => {
    const components = order
      .slice(0, kept)
      .sort((a, b) => a - b)
      .map((index) => all[index]!);
    const keptRefs = new Set<string>(components.flatMap((component) => component['bom-ref'] ?? []));
    if (rootRef !== undefined) keptRefs.add(rootRef);
    const truncatedBom = { ...bom };
    if (bom.components) truncatedBom.components = components;
    if (bom.dependencies) {
      truncatedBom.dependencies = bom.dependencies
        .filter((entry) => entry.ref !== undefined && keptRefs.has(entry.ref))
        .map((entry) =>
          entry.dependsOn === undefined
            ? entry
            : { ...entry, dependsOn: entry.dependsOn.filter((ref) => keptRefs.has(ref)) },
        );
    }
    return { ...report.report, summary: sbomSummary(bom), components: truncatedBom };
  };
  return truncate(report, maxBytes, all.length, payload, cost);
}
