/**
 * `--format spdx-json`: the report as an SPDX 2.3 JSON document. One SPDX package per component of the SBOM graph,
 * CONTAINS / DEPENDS_ON relationships for its edges, and SPDX IDs derived from what each package is, so the same
 * image gives the same IDs run after run and documents can be diffed.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as SPDX from '@cyclonedx/cyclonedx-library/SPDX';
import type { Report } from './model.ts';
import type { SbomNode } from './sbom-graph.ts';
import { buildSbomGraph } from './sbom-graph.ts';

export interface SpdxExternalRef {
  referenceCategory: 'PACKAGE-MANAGER' | 'SECURITY';
  referenceType: 'purl' | 'advisory';
  referenceLocator: string;
}

export interface SpdxPackage {
  name: string;
  SPDXID: string;
  versionInfo?: string;
  supplier?: string;
  downloadLocation: 'NONE';
  filesAnalyzed: false;
  checksums?: { algorithm: string; checksumValue: string }[];
  sourceInfo?: string;
  licenseConcluded: string;
  licenseDeclared: string;
  externalRefs?: SpdxExternalRef[];
  primaryPackagePurpose: 'CONTAINER' | 'OPERATING_SYSTEM' | 'APPLICATION' | 'LIBRARY';
  annotations?: { annotator: string; annotationDate: string; annotationType: 'OTHER'; comment: string }[];
}

export interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: 'DESCRIBES' | 'CONTAINS' | 'DEPENDS_ON';
  relatedSpdxElement: string;
}

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { creators: string[]; created: string };
  packages: SpdxPackage[];
  hasExtractedLicensingInfos?: { licenseId: string; extractedText: string; name: string }[];
  relationships: SpdxRelationship[];
}

const documentId = 'SPDXRef-DOCUMENT';

const purposes: Readonly<Record<SbomNode['kind'], SpdxPackage['primaryPackagePurpose']>> = {
  container: 'CONTAINER',
  'operating-system': 'OPERATING_SYSTEM',
  application: 'APPLICATION',
  library: 'LIBRARY',
};

const idKinds: Readonly<Record<SbomNode['kind'], string>> = {
  container: 'ContainerImage',
  'operating-system': 'OperatingSystem',
  application: 'Application',
  library: 'Package',
};

const checksumAlgorithms: Readonly<Record<string, { name: string; length: number }>> = {
  md5: { name: 'MD5', length: 32 },
  sha1: { name: 'SHA1', length: 40 },
  sha256: { name: 'SHA256', length: 64 },
  sha512: { name: 'SHA512', length: 128 },
};

/** `2024-05-01T10:00:00Z`: SPDX wants UTC without fractions. */
function spdxTime(value: string): string {
  const time = new Date(value);
  return (Number.isNaN(time.getTime()) ? new Date() : time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Gives each node an SPDX ID from a hash of what it is; a second identical node gets a numbered suffix. */
class SpdxIds {
  readonly #byKey = new Map<string, string>();
  readonly #taken = new Set<string>();

  assign(node: SbomNode): string {
    const identity = JSON.stringify([
      node.kind,
      node.name,
      node.group,
      node.version,
      node.purl,
      node.properties,
    ]);
    const base = `SPDXRef-${idKinds[node.kind]}-${createHash('sha256').update(identity).digest('hex').slice(0, 16)}`;
    let id = base;
    for (let n = 2; this.#taken.has(id); n++) id = `${base}-${n}`;
    this.#taken.add(id);
    this.#byKey.set(node.key, id);
    return id;
  }

  get(key: string): string | undefined {
    return this.#byKey.get(key);
  }
}

/** Licenses as one SPDX expression; names that are no SPDX ID become `LicenseRef-…` with their text kept. */
class LicenseExpressions {
  readonly extracted = new Map<string, { licenseId: string; extractedText: string; name: string }>();

  expression(licenses: readonly string[]): string {
    const terms = licenses.map((license) => license.trim()).filter((license) => license !== '');
    if (terms.length === 0) return 'NOASSERTION';
    const parts = terms.map((term) => this.#term(term));
    return parts.length === 1 ? (parts[0] ?? 'NOASSERTION') : parts.map((part) => wrap(part)).join(' AND ');
  }

  #term(term: string): string {
    const id = SPDX.fixupSpdxId(term);
    if (id) return id;
    const compound = compoundExpression(term);
    if (compound) return compound;
    const licenseId = `LicenseRef-${createHash('sha256').update(term).digest('hex').slice(0, 16)}`;
    this.extracted.set(licenseId, { licenseId, extractedText: term, name: term });
    return licenseId;
  }
}

function wrap(expression: string): string {
  return / (AND|OR|WITH) /.test(expression) ? `(${expression})` : expression;
}

/** `MIT OR Apache-2.0` as npm writes it: kept when every operand is a known SPDX ID. */
function compoundExpression(term: string): string | undefined {
  const tokens = term.split(/(\s+|\(|\))/).filter((token) => token.trim() !== '');
  if (!tokens.some((token) => /^(AND|OR|WITH)$/i.test(token))) return undefined;
  const out: string[] = [];
  for (const token of tokens) {
    if (/^(AND|OR|WITH)$/i.test(token)) out.push(` ${token.toUpperCase()} `);
    else if (token === '(' || token === ')') out.push(token);
    else {
      const id = SPDX.fixupSpdxId(token);
      // WITH takes an exception, not a license ID; those are not in the license list, so give up on the whole term.
      if (!id) return undefined;
      out.push(id);
    }
  }
  return out.join('');
}

function checksum(digest: string | undefined): SpdxPackage['checksums'] {
  if (!digest) return undefined;
  const colon = digest.indexOf(':');
  const algorithm = checksumAlgorithms[digest.slice(0, colon).toLowerCase()];
  const value = digest.slice(colon + 1).toLowerCase();
  if (colon < 0 || !algorithm || value.length !== algorithm.length || !/^[0-9a-f]+$/.test(value))
    return undefined;
  return [{ algorithm: algorithm.name, checksumValue: value }];
}

/** SPDX agent syntax: `Organization: name (email)`, where package managers write `name <email>`. */
function supplier(maintainer: string | undefined): string {
  const name = maintainer?.trim();
  return name ? `Organization: ${name.replace(/\s*<([^>]*)>/, ' ($1)')}` : 'NOASSERTION';
}

function toPackage(
  node: SbomNode,
  spdxId: string,
  licenses: LicenseExpressions,
  advisories: readonly string[],
  annotation: { annotator: string; annotationDate: string },
): SpdxPackage {
  const pkg = node.package;
  const name = node.kind === 'library' && pkg ? pkg.Name : node.name;
  const license = node.kind === 'library' ? licenses.expression(node.licenses) : 'NOASSERTION';
  const checksums = checksum(node.digest);
  const externalRefs: SpdxExternalRef[] = [
    ...(node.purl
      ? [
          {
            referenceCategory: 'PACKAGE-MANAGER' as const,
            referenceType: 'purl' as const,
            referenceLocator: node.purl,
          },
        ]
      : []),
    ...advisories.map((url) => ({
      referenceCategory: 'SECURITY' as const,
      referenceType: 'advisory' as const,
      referenceLocator: url,
    })),
  ];
  const source = pkg?.SrcName
    ? `built package from: ${pkg.SrcName} ${[pkg.SrcVersion, pkg.SrcRelease].filter(Boolean).join('-')}`.trim()
    : undefined;
  return {
    name,
    SPDXID: spdxId,
    ...(node.version ? { versionInfo: node.version } : {}),
    ...(node.kind === 'library' ? { supplier: supplier(pkg?.Maintainer) } : {}),
    downloadLocation: 'NONE',
    filesAnalyzed: false,
    ...(checksums ? { checksums } : {}),
    ...(source ? { sourceInfo: source } : {}),
    licenseConcluded: license,
    licenseDeclared: license,
    ...(externalRefs.length ? { externalRefs } : {}),
    primaryPackagePurpose: purposes[node.kind],
    ...(node.properties.length
      ? {
          annotations: node.properties.map(([key, value]) => ({
            ...annotation,
            annotationType: 'OTHER' as const,
            comment: `${key}: ${value}`,
          })),
        }
      : {}),
  };
}

/** Serialises a report as an SPDX 2.3 JSON document (two-space indent, trailing newline). */
export function formatSpdxJson(report: Report): string {
  const graph = buildSbomGraph(report);
  const version = report.Trivy?.Version ?? 'dev';
  const created = spdxTime(report.CreatedAt);
  const annotation = { annotator: `Tool: trivy-${version}`, annotationDate: created };
  const ids = new SpdxIds();
  const licenses = new LicenseExpressions();

  const advisories = new Map<string, string[]>();
  for (const { vulnerability, affects } of graph.findings) {
    const url = vulnerability.PrimaryURL;
    if (!url || !URL.canParse(url)) continue;
    const urls = advisories.get(affects) ?? [];
    if (!urls.includes(url)) urls.push(url);
    advisories.set(affects, urls);
  }

  const nodes = [graph.root, ...graph.nodes];
  const packages = nodes.map((node) =>
    toPackage(node, ids.assign(node), licenses, advisories.get(node.key) ?? [], annotation),
  );
  const rootId = ids.get(graph.root.key) ?? documentId;
  const relationships: SpdxRelationship[] = [
    { spdxElementId: documentId, relationshipType: 'DESCRIBES', relatedSpdxElement: rootId },
  ];
  for (const node of nodes) {
    const from = ids.get(node.key);
    for (const key of node.dependsOn) {
      const to = ids.get(key);
      if (!from || !to) continue;
      relationships.push({
        spdxElementId: from,
        relationshipType: node.kind === 'library' ? 'DEPENDS_ON' : 'CONTAINS',
        relatedSpdxElement: to,
      });
    }
  }

  const document: SpdxDocument = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: documentId,
    name: report.ArtifactName,
    documentNamespace: `http://trivy.dev/${report.ArtifactType}/${report.ArtifactName}-${randomUUID()}`,
    creationInfo: { creators: ['Organization: aquasecurity', `Tool: trivy-${version}`], created },
    packages,
    ...(licenses.extracted.size ? { hasExtractedLicensingInfos: [...licenses.extracted.values()] } : {}),
    relationships,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
