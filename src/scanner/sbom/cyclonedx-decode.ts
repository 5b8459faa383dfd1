import { isRecord } from '../analyzers/lang/language-package.ts';
import {
  addEdge,
  addProperty,
  digestOf,
  trivyPropertyPrefix,
  type SbomComponent,
  type SbomComponentKind,
  type SbomDocument,
} from './sbom-document.ts';
import { SbomFormatError } from './sbom-error.ts';

const kinds: Readonly<Record<string, SbomComponentKind>> = {
  container: 'container',
  'operating-system': 'operating-system',
  application: 'application',
  framework: 'library',
  library: 'library',
  file: 'other',
};

/**
 * A CycloneDX JSON BOM (1.2–1.6): `metadata.component` is the root, nested `components` are flattened (a parent
 * contains its children) and `dependencies` add the graph. Components without a bom-ref get a synthetic one.
 */
export function decodeCycloneDx(document: Record<string, unknown>, where: string): SbomDocument {
  const components = new Map<string, SbomComponent>();
  const edges = new Map<string, string[]>();
  let counter = 0;

  const add = (raw: unknown, parent: string | undefined): string | undefined => {
    if (!isRecord(raw)) return undefined;
    const ref =
      typeof raw['bom-ref'] === 'string' && raw['bom-ref'] !== '' ? raw['bom-ref'] : `#${++counter}`;
    const properties = new Map<string, string[]>();
    for (const property of Array.isArray(raw.properties) ? raw.properties : []) {
      if (!isRecord(property) || typeof property.name !== 'string') continue;
      const name = property.name.startsWith(trivyPropertyPrefix)
        ? property.name.slice(trivyPropertyPrefix.length)
        : property.name;
      addProperty(
        properties,
        name,
        typeof property.value === 'string' ? property.value : String(property.value ?? ''),
      );
    }
    const component: SbomComponent = {
      ref,
      kind: kinds[String(raw.type)] ?? 'other',
      name: typeof raw.name === 'string' ? raw.name : '',
      ...(typeof raw.group === 'string' && raw.group !== '' ? { group: raw.group } : {}),
      ...(typeof raw.version === 'string' && raw.version !== '' ? { version: raw.version } : {}),
      ...(typeof raw.purl === 'string' && raw.purl !== '' ? { purl: raw.purl } : {}),
      properties,
      licenses: licensesOf(raw.licenses),
    };
    for (const hash of Array.isArray(raw.hashes) ? raw.hashes : []) {
      if (!isRecord(hash) || typeof hash.alg !== 'string' || typeof hash.content !== 'string') continue;
      const digest = digestOf(hash.alg, hash.content);
      if (digest) {
        component.digest = digest;
        break;
      }
    }
    components.set(ref, component);
    if (parent) addEdge(edges, parent, ref);
    for (const child of Array.isArray(raw.components) ? raw.components : []) add(child, ref);
    return ref;
  };

  const metadata = isRecord(document.metadata) ? document.metadata : {};
  const root = add(metadata.component, undefined);
  if (document.components !== undefined && !Array.isArray(document.components))
    throw new SbomFormatError(`${where}: "components" is not a list`);
  for (const component of (document.components as unknown[] | undefined) ?? []) add(component, undefined);
  for (const dependency of Array.isArray(document.dependencies) ? document.dependencies : []) {
    if (!isRecord(dependency) || typeof dependency.ref !== 'string') continue;
    for (const target of Array.isArray(dependency.dependsOn) ? dependency.dependsOn : [])
      if (typeof target === 'string') addEdge(edges, dependency.ref, target);
  }
  return { format: 'cyclonedx', ...(root ? { root } : {}), components, edges };
}

/** License IDs, names and expressions, as listed. */
function licensesOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((choice) => {
    if (!isRecord(choice)) return [];
    if (typeof choice.expression === 'string') return [choice.expression];
    const license = isRecord(choice.license) ? choice.license : undefined;
    const text = license?.id ?? license?.name;
    return typeof text === 'string' && text !== '' ? [text] : [];
  });
}
