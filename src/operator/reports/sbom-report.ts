/**
 * The `report` payload of an SbomReport / ClusterSbomReport (contract §1.6): the image's CycloneDX BOM, under the
 * field upstream calls `components`, reduced to the fields the CRD declares (ClusterSbomReport prunes the rest).
 */
import { createHash } from 'node:crypto';
import { formatCycloneDx } from '../../scanner/report/cyclonedx.ts';
import type { Report } from '../../scanner/report/model.ts';
import { canonicalJson } from '../kube/hash.ts';
import { share } from './shared-parts.ts';
import type { BomComponent, BomDependency, CycloneDxBom, SbomReportData } from './types.ts';
import { imageReportHead, type ImageReportInput } from './vulnerability-report.ts';

export type SbomReportInput = ImageReportInput;

export class InvalidBomError extends Error {}

/**
 * `undefined` when the image has no packages at all (upstream looked only at the first result, so an image whose
 * OS had no packages lost the SBOM of its applications).
 */
export function buildSbomReport(input: SbomReportInput): SbomReportData | undefined {
  const bom = bomOf(input.scan);
  if (!bom) return undefined;
  return {
    ...imageReportHead(input),
    summary: bom.summary,
    components: bom.components,
  };
}

/**
 * The BOM of a scan result, built once however many containers run the image: the CycloneDX document depends on the
 * scan alone, and building it is the most expensive part of a report. Shared between reports, so never mutated.
 */
const bomOfScan = new WeakMap<
  Report,
  { summary: SbomReportData['summary']; components: CycloneDxBom } | null
>();

function bomOf(scan: Report) {
  const cached = bomOfScan.get(scan);
  if (cached !== undefined) return cached;
  let built: { summary: SbomReportData['summary']; components: CycloneDxBom } | null = null;
  if ((scan.Results ?? []).some((result) => (result.Packages?.length ?? 0) > 0)) {
    const bom = projectBom(JSON.parse(formatCycloneDx(scan, { includeVulnerabilities: false })));
    built = { summary: sbomSummary(bom), components: share(stabilizeBom(bom)) };
  }
  bomOfScan.set(scan, built);
  return built;
}

/** The metadata component counts as one: `componentsCount = components + 1`, as upstream. */
export function sbomSummary(bom: CycloneDxBom): SbomReportData['summary'] {
  return {
    componentsCount: (bom.components?.length ?? 0) + 1,
    dependenciesCount: bom.dependencies?.length ?? 0,
  };
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Copies only the named string fields that are present. */
function pick(source: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const key of keys) {
    const value = text(source[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** A parsed CycloneDX JSON document reduced to the fields of the SbomReport schema. */
export function projectBom(document: unknown): CycloneDxBom {
  if (!isObject(document) || !text(document.bomFormat) || !text(document.specVersion)) {
    throw new InvalidBomError(
      'the SBOM is not a CycloneDX JSON document (bomFormat and specVersion are required)',
    );
  }
  const bom: CycloneDxBom = {
    bomFormat: document.bomFormat as string,
    specVersion: document.specVersion as string,
  };
  if (text(document.serialNumber)) bom.serialNumber = document.serialNumber as string;
  if (typeof document.version === 'number') bom.version = document.version;
  if (isObject(document.metadata)) {
    const metadata = document.metadata;
    bom.metadata = {};
    if (text(metadata.timestamp)) bom.metadata.timestamp = metadata.timestamp as string;
    if (isObject(metadata.tools)) {
      bom.metadata.tools = {
        components: list(metadata.tools.components).filter(isObject).map(projectComponent),
      };
    }
    if (isObject(metadata.component)) bom.metadata.component = projectComponent(metadata.component);
  }
  if (Array.isArray(document.components))
    bom.components = document.components.filter(isObject).map(projectComponent);
  if (Array.isArray(document.dependencies)) {
    bom.dependencies = document.dependencies.filter(isObject).map((entry) => {
      const dependency: BomDependency = {};
      if (text(entry.ref)) dependency.ref = entry.ref as string;
      if (Array.isArray(entry.dependsOn))
        dependency.dependsOn = entry.dependsOn.filter((ref) => typeof ref === 'string');
      return dependency;
    });
  }
  return bom;
}

function projectComponent(source: Json): BomComponent {
  const component: BomComponent = pick(source, ['bom-ref', 'type', 'name', 'group', 'version', 'purl']);
  if (isObject(source.supplier)) {
    const supplier: NonNullable<BomComponent['supplier']> = pick(source.supplier, ['name']);
    if (Array.isArray(source.supplier.url))
      supplier.url = source.supplier.url.filter((url) => typeof url === 'string');
    if (Array.isArray(source.supplier.contact)) {
      supplier.contact = source.supplier.contact
        .filter(isObject)
        .map((contact) => pick(contact, ['name', 'email', 'phone']));
    }
    component.supplier = supplier;
  }
  if (Array.isArray(source.hashes)) {
    component.hashes = source.hashes.filter(isObject).map((hash) => pick(hash, ['alg', 'content']));
  }
  if (Array.isArray(source.licenses)) {
    component.licenses = source.licenses.filter(isObject).map((choice) => {
      const license: NonNullable<BomComponent['licenses']>[number] = pick(choice, ['expression']);
      if (isObject(choice.license)) license.license = pick(choice.license, ['id', 'name', 'url']);
      return license;
    });
  }
  if (Array.isArray(source.properties)) {
    component.properties = source.properties
      .filter(isObject)
      .map((property) => pick(property, ['name', 'value']));
  }
  return component;
}

const UUID = /^(?:urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A name-based (version 5 layout) UUID from a SHA-256 of the text. */
function contentUuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The scanner gives each BOM a random serial number, and random bom-refs to components without a unique purl.
 * Derived from the content instead, the same image gives the same report, so an unchanged SBOM is never rewritten.
 */
export function stabilizeBom(bom: CycloneDxBom): CycloneDxBom {
  const renamed = new Map<string, string>();
  const seen = new Map<string, number>();
  const rename = (component: BomComponent | undefined): BomComponent | undefined => {
    const ref = component?.['bom-ref'];
    if (!component || ref === undefined || !UUID.test(ref)) return component;
    const { 'bom-ref': _random, ...content } = component;
    const identity = canonicalJson(content);
    const occurrence = seen.get(identity) ?? 0;
    seen.set(identity, occurrence + 1);
    const stable = contentUuid(`${identity}#${occurrence}`);
    renamed.set(ref, stable);
    return { ...component, 'bom-ref': stable };
  };
  const metadataComponent = rename(bom.metadata?.component);
  const components = bom.components?.map((component) => rename(component)!);
  const mapRef = (ref: string) => renamed.get(ref) ?? ref;
  const stable: CycloneDxBom = { ...bom };
  if (bom.metadata) {
    stable.metadata = { ...bom.metadata };
    if (metadataComponent) stable.metadata.component = metadataComponent;
  }
  if (components) stable.components = components;
  if (bom.dependencies) {
    stable.dependencies = bom.dependencies.map((entry) => ({
      ...(entry.ref === undefined ? {} : { ref: mapRef(entry.ref) }),
      ...(entry.dependsOn === undefined ? {} : { dependsOn: entry.dependsOn.map(mapRef) }),
    }));
  }
  if (bom.serialNumber !== undefined) {
    const { serialNumber: _random, ...rest } = stable;
    const { timestamp: _time, ...metadata } = rest.metadata ?? {};
    stable.serialNumber = `urn:uuid:${contentUuid(canonicalJson({ ...rest, metadata }))}`;
  }
  return stable;
}
