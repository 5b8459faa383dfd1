import { isRecord } from '../analyzers/lang/language-package.ts';
import {
  addEdge,
  addProperty,
  digestOf,
  type SbomComponent,
  type SbomComponentKind,
  type SbomDocument,
} from './sbom-document.ts';
import { SbomFormatError } from './sbom-error.ts';

const purposes: Readonly<Record<string, SbomComponentKind>> = {
  CONTAINER: 'container',
  OPERATING_SYSTEM: 'operating-system',
  APPLICATION: 'application',
  LIBRARY: 'library',
  FRAMEWORK: 'library',
};

/** Relationships that put the related element below the element (and their inverses). */
const downward = new Set(['CONTAINS', 'DEPENDS_ON', 'DESCRIBES']);
const upward = new Set(['CONTAINED_BY', 'DEPENDENCY_OF', 'DESCRIBED_BY']);

/**
 * An SPDX 2.x JSON document: packages become components (purpose from `primaryPackagePurpose`, else a library when
 * it has a purl), Trivy's properties come back from annotations (`Key: value`), and CONTAINS / DEPENDS_ON (or their
 * inverses) are the edges. The root is what the document DESCRIBES.
 */
export function decodeSpdx(document: Record<string, unknown>, where: string): SbomDocument {
  if (document.packages !== undefined && !Array.isArray(document.packages))
    throw new SbomFormatError(`${where}: "packages" is not a list`);
  const components = new Map<string, SbomComponent>();
  for (const raw of (document.packages as unknown[] | undefined) ?? []) {
    if (!isRecord(raw) || typeof raw.SPDXID !== 'string') continue;
    const refs = Array.isArray(raw.externalRefs) ? raw.externalRefs.filter(isRecord) : [];
    const purl = refs.find((ref) => ref.referenceType === 'purl' && typeof ref.referenceLocator === 'string')
      ?.referenceLocator as string | undefined;
    const properties = new Map<string, string[]>();
    for (const annotation of Array.isArray(raw.annotations) ? raw.annotations : []) {
      const comment =
        isRecord(annotation) && typeof annotation.comment === 'string' ? annotation.comment : '';
      const colon = comment.indexOf(': ');
      if (colon > 0) addProperty(properties, comment.slice(0, colon), comment.slice(colon + 2));
    }
    const purpose =
      typeof raw.primaryPackagePurpose === 'string' ? purposes[raw.primaryPackagePurpose] : undefined;
    const component: SbomComponent = {
      ref: raw.SPDXID,
      kind: purpose ?? (purl ? 'library' : 'other'),
      name: typeof raw.name === 'string' ? raw.name : '',
      ...(typeof raw.versionInfo === 'string' && raw.versionInfo !== '' ? { version: raw.versionInfo } : {}),
      ...(purl ? { purl } : {}),
      properties,
      licenses: licensesOf(raw.licenseDeclared ?? raw.licenseConcluded),
    };
    for (const checksum of Array.isArray(raw.checksums) ? raw.checksums : []) {
      if (!isRecord(checksum) || typeof checksum.algorithm !== 'string') continue;
      const digest = digestOf(checksum.algorithm, String(checksum.checksumValue ?? ''));
      if (digest) {
        component.digest = digest;
        break;
      }
    }
    components.set(component.ref, component);
  }

  const edges = new Map<string, string[]>();
  let root: string | undefined;
  for (const relationship of Array.isArray(document.relationships) ? document.relationships : []) {
    if (!isRecord(relationship)) continue;
    const from = String(relationship.spdxElementId ?? '');
    const to = String(relationship.relatedSpdxElement ?? '');
    const type = String(relationship.relationshipType ?? '');
    if (type === 'DESCRIBES' && from === 'SPDXRef-DOCUMENT') {
      root ??= to;
      continue;
    }
    if (downward.has(type)) addEdge(edges, from, to);
    else if (upward.has(type)) addEdge(edges, to, from);
  }
  if (!root && Array.isArray(document.documentDescribes) && typeof document.documentDescribes[0] === 'string')
    root = document.documentDescribes[0];
  return { format: 'spdx', ...(root ? { root } : {}), components, edges };
}

/** An SPDX license expression back to the list Trivy would have written; NOASSERTION and NONE mean none. */
function licensesOf(value: unknown): string[] {
  if (typeof value !== 'string' || value === 'NOASSERTION' || value === 'NONE' || value === '') return [];
  return value.includes('(') ? [value] : value.split(' AND ').map((license) => license.trim());
}
