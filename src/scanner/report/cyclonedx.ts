/**
 * `--format cyclonedx`: the report as a CycloneDX 1.6 JSON BOM, built and serialised with the official CycloneDX
 * library so the document follows the specification's own model. Components, properties and the dependency graph
 * follow Trivy's encoder, so tools that read Trivy's BOMs (Dependency-Track, `trivy sbom`) read ours the same way.
 */
import { randomUUID } from 'node:crypto';
// Subpath imports: the package root also loads its JSON-schema validation (ajv and ~120 more modules) at start-up.
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as SPDX from '@cyclonedx/cyclonedx-library/SPDX';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import type { Cvss, DetectedVulnerability, Report } from './model.ts';
import { severities } from './model.ts';
import type { SbomFinding, SbomNode } from './sbom-graph.ts';
import { buildSbomGraph, trivyPropertyPrefix } from './sbom-graph.ts';

export interface CycloneDxOptions {
  /** Add `vulnerabilities[]`: only when the user asked for the vuln scanner explicitly, as Trivy does. */
  includeVulnerabilities: boolean;
}

/** The CycloneDX specification version written; 1.6 is the newest of the 1.5/1.6 line Trivy releases emit. */
export const cycloneDxSpecVersion = '1.6';

const componentTypes: Readonly<Record<SbomNode['kind'], Enums.ComponentType>> = {
  container: Enums.ComponentType.Container,
  'operating-system': Enums.ComponentType.OperatingSystem,
  application: Enums.ComponentType.Application,
  library: Enums.ComponentType.Library,
};

const hashAlgorithms: Readonly<Record<string, { algorithm: Enums.HashAlgorithm; length: number }>> = {
  md5: { algorithm: Enums.HashAlgorithm.MD5, length: 32 },
  sha1: { algorithm: Enums.HashAlgorithm['SHA-1'], length: 40 },
  sha256: { algorithm: Enums.HashAlgorithm['SHA-256'], length: 64 },
  sha512: { algorithm: Enums.HashAlgorithm['SHA-512'], length: 128 },
};

const ratingSeverities: Readonly<Record<string, Enums.Vulnerability.Severity>> = {
  UNKNOWN: Enums.Vulnerability.Severity.Unknown,
  LOW: Enums.Vulnerability.Severity.Low,
  MEDIUM: Enums.Vulnerability.Severity.Medium,
  HIGH: Enums.Vulnerability.Severity.High,
  CRITICAL: Enums.Vulnerability.Severity.Critical,
};

/** Serialises a report as CycloneDX JSON (two-space indent, trailing newline). */
export function formatCycloneDx(report: Report, options: CycloneDxOptions): string {
  const graph = buildSbomGraph(report);
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${randomUUID()}` });
  bom.metadata.timestamp = reportTime(report.CreatedAt);
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, 'trivy', {
      group: 'aquasecurity',
      version: report.Trivy?.Version ?? 'dev',
    }),
  );

  const components = new Map<string, Models.Component>();
  const purlCounts = new Map<string, number>();
  for (const node of [graph.root, ...graph.nodes]) {
    if (node.purl) purlCounts.set(node.purl, (purlCounts.get(node.purl) ?? 0) + 1);
  }
  for (const node of [graph.root, ...graph.nodes]) {
    // A purl is the natural bom-ref, but the same package can sit in two places (two package.json files).
    const bomRef = node.purl && purlCounts.get(node.purl) === 1 ? node.purl : randomUUID();
    components.set(node.key, toComponent(node, bomRef));
  }
  const root = components.get(graph.root.key);
  bom.metadata.component = root;
  for (const node of graph.nodes) {
    const component = components.get(node.key);
    if (component) bom.components.add(component);
  }
  for (const node of [graph.root, ...graph.nodes]) {
    const component = components.get(node.key);
    for (const key of node.dependsOn) {
      const target = components.get(key);
      if (component && target) component.dependencies.add(target.bomRef);
    }
  }

  if (options.includeVulnerabilities) {
    for (const vulnerability of toVulnerabilities(graph.findings, components))
      bom.vulnerabilities.add(vulnerability);
  }

  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: false, space: 2 })}\n`;
}

function reportTime(createdAt: string): Date | undefined {
  const time = new Date(createdAt);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

function toComponent(node: SbomNode, bomRef: string): Models.Component {
  const component = new Models.Component(componentTypes[node.kind], node.name, {
    bomRef,
    ...(node.group ? { group: node.group } : {}),
    ...(node.version ? { version: node.version } : {}),
    ...(node.purl ? { purl: node.purl } : {}),
  });
  for (const license of node.licenses) component.licenses.add(toLicense(license));
  const hash = node.digest ? toHash(node.digest) : undefined;
  if (hash) component.hashes.set(hash[0], hash[1]);
  for (const [name, value] of node.properties) {
    component.properties.add(new Models.Property(`${trivyPropertyPrefix}${name}`, value));
  }
  return component;
}

/** An SPDX ID when the name is one (case-insensitively), else the name as found. */
function toLicense(name: string): Models.DisjunctiveLicense {
  const id = SPDX.fixupSpdxId(name.trim());
  return id ? new Models.SpdxLicense(id) : new Models.NamedLicense(name);
}

function toHash(digest: string): [Enums.HashAlgorithm, string] | undefined {
  const colon = digest.indexOf(':');
  const spec = hashAlgorithms[digest.slice(0, colon).toLowerCase()];
  const content = digest.slice(colon + 1);
  if (colon < 0 || !spec || content.length !== spec.length || !/^[0-9a-fA-F]+$/.test(content))
    return undefined;
  return [spec.algorithm, content.toLowerCase()];
}

/** One entry per vulnerability ID, affecting every package it was found in. */
function toVulnerabilities(
  findings: readonly SbomFinding[],
  components: ReadonlyMap<string, Models.Component>,
): Models.Vulnerability.Vulnerability[] {
  const byId = new Map<string, Models.Vulnerability.Vulnerability>();
  for (const { vulnerability: found, affects } of findings) {
    const component = components.get(affects);
    if (!component) continue;
    let entry = byId.get(found.VulnerabilityID);
    if (!entry) {
      entry = newVulnerability(found);
      byId.set(found.VulnerabilityID, entry);
    }
    const versions = new Models.Vulnerability.AffectedVersionRepository([
      new Models.Vulnerability.AffectedSingleVersion(found.InstalledVersion, {
        status: Enums.Vulnerability.AffectStatus.Affected,
      }),
    ]);
    entry.affects.add(new Models.Vulnerability.Affect(component.bomRef, { versions }));
  }
  return [...byId.values()];
}

function newVulnerability(found: DetectedVulnerability): Models.Vulnerability.Vulnerability {
  const entry = new Models.Vulnerability.Vulnerability({
    bomRef: randomUUID(),
    id: found.VulnerabilityID,
    ...(found.Description ? { description: found.Description } : {}),
    ...(found.FixedVersion
      ? { recommendation: `Upgrade ${found.PkgName} to version ${found.FixedVersion}` }
      : {}),
  });
  if (found.DataSource) {
    entry.source = new Models.Vulnerability.Source({
      name: found.DataSource.ID,
      ...(isUrl(found.DataSource.URL) ? { url: found.DataSource.URL } : {}),
    });
  }
  for (const rating of ratings(found)) entry.ratings.add(rating);
  for (const cwe of found.CweIDs ?? []) {
    const number = /^CWE-(\d+)$/i.exec(cwe)?.[1];
    if (number && Number(number) > 0) entry.cwes.add(Number(number));
  }
  const advisoryUrls = new Set([found.PrimaryURL, ...(found.References ?? [])].filter(isUrl));
  for (const url of advisoryUrls) entry.advisories.add(new Models.Vulnerability.Advisory(url));
  const published = parseTime(found.PublishedDate);
  if (published) entry.published = published;
  const updated = parseTime(found.LastModifiedDate);
  if (updated) entry.updated = updated;
  return entry;
}

/** One rating per CVSS version a source gives, or a severity-only rating when the source has no CVSS. */
function ratings(found: DetectedVulnerability): Models.Vulnerability.Rating[] {
  const sources = [
    ...new Set([...Object.keys(found.VendorSeverity ?? {}), ...Object.keys(found.CVSS ?? {})]),
  ].sort();
  const out: Models.Vulnerability.Rating[] = [];
  for (const name of sources) {
    const source = new Models.Vulnerability.Source({ name });
    const rank = found.VendorSeverity?.[name];
    const severity = ratingSeverities[rank === undefined ? found.Severity : (severities[rank] ?? 'UNKNOWN')];
    const cvss: Cvss = found.CVSS?.[name] ?? {};
    const before = out.length;
    const add = (
      score: number | undefined,
      vector: string | undefined,
      method: Enums.Vulnerability.RatingMethod,
    ) => {
      if (score === undefined && !vector) return;
      out.push(
        new Models.Vulnerability.Rating({
          source,
          ...(score !== undefined ? { score } : {}),
          ...(severity ? { severity } : {}),
          method,
          ...(vector ? { vector } : {}),
        }),
      );
    };
    add(cvss.V2Score, cvss.V2Vector, Enums.Vulnerability.RatingMethod.CVSSv2);
    add(
      cvss.V3Score,
      cvss.V3Vector,
      cvss.V3Vector?.startsWith('CVSS:3.1/')
        ? Enums.Vulnerability.RatingMethod.CVSSv31
        : Enums.Vulnerability.RatingMethod.CVSSv3,
    );
    add(cvss.V40Score, cvss.V40Vector, Enums.Vulnerability.RatingMethod.CVSSv4);
    if (out.length === before) {
      out.push(new Models.Vulnerability.Rating({ source, ...(severity ? { severity } : {}) }));
    }
  }
  return out;
}

function isUrl(value: string | undefined): value is string {
  return value !== undefined && URL.canParse(value);
}

function parseTime(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
