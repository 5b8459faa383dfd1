import type { Application, OperatingSystem, Package } from '../inventory.ts';
import type { MergedInventory } from '../image/layer-merge.ts';
import type { ReportMetadata } from '../report/model.ts';
import { packageFromPurl, type PurlPackage } from './purl-package.ts';
import { firstProperty, type SbomComponent, type SbomDocument } from './sbom-document.ts';

export interface SbomInventory {
  inventory: MergedInventory;
  /** Image facts the document carried about its root (Trivy writes them as properties). */
  metadata: Omit<ReportMetadata, 'OS'>;
  /** Library components without a purl we can match: listed nowhere, counted for the log. */
  skippedComponents: number;
}

/** OS names as other tools write them → Trivy's family names. */
const familyAliases: Readonly<Record<string, string>> = {
  rhel: 'redhat',
  'red hat enterprise linux': 'redhat',
  almalinux: 'alma',
  ol: 'oracle',
  'oracle linux server': 'oracle',
  amzn: 'amazon',
  'amazon linux': 'amazon',
  opensuse: 'opensuse-leap',
  'sle-micro': 'slem',
  mariner: 'cbl-mariner',
};

/**
 * An SBOM back to the inventory detection consumes. OS packages are the deb/apk/rpm purls; the OS is the
 * `operating-system` component (else the purls' `distro` qualifier). Language packages belong to the application
 * component that reaches them through the graph (lock files, binaries); the rest are grouped by type, as Trivy
 * groups packages that each have their own manifest.
 */
export function sbomInventory(document: SbomDocument): SbomInventory {
  const osPackages: Package[] = [];
  const purlNamespaces: string[] = [];
  const distros: string[] = [];
  const packagesByRef = new Map<string, { type: string; pkg: Package }>();
  let skippedComponents = 0;

  for (const component of document.components.values()) {
    if (component.kind !== 'library' && component.kind !== 'other') continue;
    const decoded = component.purl ? packageFromPurl(component.purl) : undefined;
    if (!decoded) {
      if (component.kind === 'library') skippedComponents++;
      continue;
    }
    const pkg = refine(decoded, component);
    if (decoded.kind === 'os') {
      osPackages.push(pkg);
      if (decoded.namespace) purlNamespaces.push(decoded.namespace);
      if (decoded.distro) distros.push(decoded.distro);
    } else {
      packagesByRef.set(component.ref, { type: firstProperty(component, 'PkgType') ?? decoded.type, pkg });
    }
  }

  const applications: Application[] = [];
  const claimed = new Set<string>();
  for (const component of document.components.values()) {
    if (component.kind !== 'application' || component.ref === document.root) continue;
    const members = reachablePackages(document, component.ref, packagesByRef);
    const packages = members.filter((ref) => !claimed.has(ref));
    if (packages.length === 0) continue;
    for (const ref of packages) claimed.add(ref);
    const first = packagesByRef.get(packages[0]!)!;
    applications.push({
      Type: firstProperty(component, 'Type') ?? first.type,
      FilePath: component.name,
      Packages: packages.map((ref) => packagesByRef.get(ref)!.pkg),
    });
  }
  const orphans = new Map<string, Package[]>();
  for (const [ref, { type, pkg }] of packagesByRef) {
    if (claimed.has(ref)) continue;
    const list = orphans.get(type) ?? [];
    list.push(pkg);
    orphans.set(type, list);
  }
  for (const [type, packages] of orphans) applications.push({ Type: type, FilePath: '', Packages: packages });
  applications.sort((a, b) => compare(a.Type, b.Type) || compare(a.FilePath, b.FilePath));

  const os = operatingSystem(document) ?? osFromPurls(purlNamespaces, distros);
  const root = document.root ? document.components.get(document.root) : undefined;
  return {
    inventory: { ...(os ? { OS: os } : {}), Packages: osPackages, Applications: applications },
    metadata: root ? rootMetadata(root) : {},
    skippedComponents,
  };
}

/** Trivy's properties (when present) are more precise than what a purl can carry: source package, file, layer. */
function refine(decoded: PurlPackage, component: SbomComponent): Package {
  const pkg: Package = { ...decoded.pkg };
  const property = (name: string) => firstProperty(component, name);
  const id = property('PkgID');
  if (id) pkg.ID = id;
  const srcName = property('SrcName');
  if (srcName) {
    pkg.SrcName = srcName;
    const srcVersion = property('SrcVersion');
    const srcRelease = property('SrcRelease');
    const srcEpoch = Number(property('SrcEpoch'));
    if (srcVersion) pkg.SrcVersion = srcVersion;
    if (srcRelease) pkg.SrcRelease = srcRelease;
    else delete pkg.SrcRelease;
    if (Number.isInteger(srcEpoch) && srcEpoch > 0) pkg.SrcEpoch = srcEpoch;
  }
  const modularityLabel = property('Modularitylabel');
  if (modularityLabel) pkg.Modularitylabel = modularityLabel;
  const filePath = property('FilePath');
  if (filePath) pkg.FilePath = filePath;
  const diffId = property('LayerDiffID');
  const layerDigest = property('LayerDigest');
  if (diffId || layerDigest)
    pkg.Layer = { ...(layerDigest ? { Digest: layerDigest } : {}), ...(diffId ? { DiffID: diffId } : {}) };
  if (component.licenses.length > 0) pkg.Licenses = component.licenses;
  if (component.digest) pkg.Digest = component.digest;
  return pkg;
}

/** Packages reachable from an application through library components, breadth first (direct ones first). */
function reachablePackages(
  document: SbomDocument,
  start: string,
  packages: ReadonlyMap<string, unknown>,
): string[] {
  const found: string[] = [];
  const seen = new Set<string>([start]);
  const queue = [...(document.edges.get(start) ?? [])];
  for (let i = 0; i < queue.length; i++) {
    const ref = queue[i]!;
    if (seen.has(ref)) continue;
    seen.add(ref);
    if (!packages.has(ref)) continue;
    found.push(ref);
    queue.push(...(document.edges.get(ref) ?? []));
  }
  return found;
}

function normalizeFamily(name: string): string {
  const lower = name.trim().toLowerCase();
  return familyAliases[lower] ?? lower;
}

function operatingSystem(document: SbomDocument): OperatingSystem | undefined {
  for (const component of document.components.values()) {
    if (component.kind === 'operating-system' && component.name)
      return { Family: normalizeFamily(component.name), Name: component.version ?? '' };
  }
  return undefined;
}

/** `distro=debian-12.4` (Trivy, syft) or an Alpine `distro=3.19.0` with namespace `alpine`. */
function osFromPurls(namespaces: string[], distros: string[]): OperatingSystem | undefined {
  const distro = distros[0];
  const namespace = namespaces[0];
  if (distro) {
    const match = /^([a-z][a-z-]*?)-(\d[\w.]*)$/i.exec(distro);
    if (match?.[1] && match[2]) return { Family: normalizeFamily(match[1]), Name: match[2] };
    if (namespace && /^\d/.test(distro)) return { Family: normalizeFamily(namespace), Name: distro };
  }
  return namespace ? { Family: normalizeFamily(namespace), Name: '' } : undefined;
}

function rootMetadata(root: SbomComponent): Omit<ReportMetadata, 'OS'> {
  const values = (name: string) => root.properties.get(name) ?? [];
  const imageId = values('ImageID')[0];
  const metadata: Omit<ReportMetadata, 'OS'> = {};
  if (imageId) metadata.ImageID = imageId;
  if (values('DiffID').length) metadata.DiffIDs = values('DiffID');
  if (values('RepoTag').length) metadata.RepoTags = values('RepoTag');
  if (values('RepoDigest').length) metadata.RepoDigests = values('RepoDigest');
  return metadata;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
