/**
 * What both SBOM formats say, in one shape: components (with Trivy's `aquasecurity:trivy:` properties when a Trivy
 * compatible tool wrote them) and the edges between them. Decoders fill it; `sbomInventory` reads it.
 */
export type SbomComponentKind = 'container' | 'operating-system' | 'application' | 'library' | 'other';

export interface SbomComponent {
  /** bom-ref (CycloneDX) or SPDXID (SPDX). */
  ref: string;
  kind: SbomComponentKind;
  name: string;
  /** CycloneDX `group` (npm scope, Maven group) when the component has one. */
  group?: string;
  version?: string;
  purl?: string;
  /** Property name without the `aquasecurity:trivy:` prefix → values in document order. */
  properties: Map<string, string[]>;
  licenses: string[];
  /** `sha1:…`, `sha256:…`, `md5:…`. */
  digest?: string;
}

export interface SbomDocument {
  format: 'cyclonedx' | 'spdx';
  /** The component the document describes (the image, the directory). */
  root?: string;
  components: Map<string, SbomComponent>;
  /** ref → refs it contains or depends on. */
  edges: Map<string, string[]>;
}

export const trivyPropertyPrefix = 'aquasecurity:trivy:';

export function firstProperty(component: SbomComponent, name: string): string | undefined {
  return component.properties.get(name)?.[0];
}

export function addProperty(properties: Map<string, string[]>, name: string, value: string): void {
  const values = properties.get(name);
  if (values) values.push(value);
  else properties.set(name, [value]);
}

export function addEdge(edges: Map<string, string[]>, from: string, to: string): void {
  const targets = edges.get(from);
  if (!targets) edges.set(from, [to]);
  else if (!targets.includes(to)) targets.push(to);
}

/** `SHA-256` / `SHA256` / `sha1` → `sha256` / `sha1`; undefined for algorithms packages are not hashed with here. */
export function digestOf(algorithm: string, value: string): string | undefined {
  const name = algorithm.toLowerCase().replace(/-/g, '');
  if (!['md5', 'sha1', 'sha256', 'sha512'].includes(name) || !/^[0-9a-fA-F]+$/.test(value)) return undefined;
  return `${name}:${value.toLowerCase()}`;
}
