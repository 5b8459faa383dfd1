/**
 * The component graph both SBOM formats (CycloneDX, SPDX) describe: the image at the root, the OS and each
 * application below it, packages below those, and package-to-package dependencies. Built once from a Report so the
 * two formats agree on what is in the image and how it hangs together.
 */
import type { Package } from '../inventory.ts';
import { parseReference } from '../registry/reference.ts';
import { formatPurl } from '../analyzers/pkg/purl.ts';
import type { DetectedVulnerability, Report, Result } from './model.ts';

export type SbomNodeKind = 'container' | 'operating-system' | 'application' | 'library';

/** Property names Trivy writes under `aquasecurity:trivy:` (CycloneDX) and as attribution texts (SPDX). */
export const trivyPropertyPrefix = 'aquasecurity:trivy:';

export interface SbomNode {
  /** Unique within one graph and derived from what the node is, so it is the same for the same report. */
  readonly key: string;
  readonly kind: SbomNodeKind;
  readonly name: string;
  /** purl namespace for language ecosystems that have one (npm scope, Maven group). */
  readonly group?: string;
  readonly version?: string;
  readonly purl?: string;
  /** `[name, value]` pairs without the `aquasecurity:trivy:` prefix, sorted by name then value. */
  readonly properties: readonly (readonly [string, string])[];
  readonly licenses: readonly string[];
  /** The package manager's digest of the installed package, `sha1:…` / `md5:…` / `sha256:…`. */
  readonly digest?: string;
  readonly package?: Package;
  /** Keys of the nodes this one contains or depends on. */
  readonly dependsOn: string[];
}

export interface SbomFinding {
  readonly vulnerability: DetectedVulnerability;
  /** Key of the package node the finding is about. */
  readonly affects: string;
}

export interface SbomGraph {
  readonly root: SbomNode;
  /** Every node below the root, parents before their packages, in report order. */
  readonly nodes: readonly SbomNode[];
  /** Vulnerabilities of package results, in report order, each tied to its package node. */
  readonly findings: readonly SbomFinding[];
}

/**
 * Language types whose packages come from many files and are reported in one result (`Node.js`, `Python`…): their
 * packages hang directly off the image, since there is no single application file to put them under.
 */
const aggregatingTypes: ReadonlySet<string> = new Set([
  'python-pkg',
  'conda-pkg',
  'gemspec',
  'node-pkg',
  'jar',
]);

const osPurlTypes: ReadonlySet<string> = new Set(['deb', 'apk', 'rpm']);

function sortedProperties(pairs: (readonly [string, string | number | undefined])[]): [string, string][] {
  return pairs
    .filter((pair): pair is readonly [string, string | number] => pair[1] !== undefined && pair[1] !== '')
    .map(([name, value]): [string, string] => [name, String(value)])
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
}

/** `epoch:version-release` as package managers print an installed version; the epoch only when non-zero. */
export function fullVersion(pkg: Package): string {
  const release = pkg.Release ? `-${pkg.Release}` : '';
  const epoch = pkg.Epoch ? `${pkg.Epoch}:` : '';
  return `${epoch}${pkg.Version}${release}`;
}

function packageId(pkg: Package): string {
  return pkg.ID ?? `${pkg.Name}@${pkg.Version}`;
}

/** Namespace and name as the purl splits them (`@babel/core` → `@babel` + `core`), for non-OS ecosystems. */
function purlGroup(purl: string | undefined): { group: string; name: string } | undefined {
  if (!purl) return undefined;
  const match = /^pkg:([^/]+)\/(.+?)(?:@[^?#]*)?(?:[?#].*)?$/.exec(purl);
  if (!match || osPurlTypes.has(match[1] ?? '')) return undefined;
  const path = match[2] ?? '';
  const slash = path.lastIndexOf('/');
  if (slash < 0) return undefined;
  return {
    group: decodeURIComponent(path.slice(0, slash)),
    name: decodeURIComponent(path.slice(slash + 1)),
  };
}

/** `pkg:oci/<name>@<digest>?arch=…&repository_url=<registry>/<repository>` from the first repo digest. */
export function imagePurl(report: Report): string | undefined {
  const repoDigest = report.Metadata.RepoDigests?.[0];
  if (!repoDigest) return undefined;
  try {
    const reference = parseReference(repoDigest);
    if (!reference.digest) return undefined;
    const name = reference.repository.slice(reference.repository.lastIndexOf('/') + 1);
    return formatPurl({
      type: 'oci',
      name,
      version: reference.digest,
      qualifiers: {
        arch: report.Metadata.ImageConfig?.architecture,
        repository_url: `${reference.registry}/${reference.repository}`,
      },
    });
  } catch {
    // A repo digest we cannot parse still leaves a valid image component, only without a purl.
    return undefined;
  }
}

function rootNode(report: Report): SbomNode {
  const metadata = report.Metadata;
  const purl = report.ArtifactType === 'container_image' ? imagePurl(report) : undefined;
  return {
    key: 'root',
    kind: report.ArtifactType === 'container_image' ? 'container' : 'application',
    name: report.ArtifactName,
    ...(purl ? { purl } : {}),
    properties: sortedProperties([
      ...(metadata.DiffIDs ?? []).map((id) => ['DiffID', id] as const),
      ['ImageID', metadata.ImageID],
      ...(metadata.RepoDigests ?? []).map((digest) => ['RepoDigest', digest] as const),
      ...(metadata.RepoTags ?? []).map((tag) => ['RepoTag', tag] as const),
      ['SchemaVersion', report.SchemaVersion],
      ['Size', metadata.Size],
    ]),
    licenses: [],
    dependsOn: [],
  };
}

function packageNode(key: string, result: Result, pkg: Package): SbomNode {
  const purl = pkg.Identifier?.PURL;
  const split = purlGroup(purl);
  return {
    key,
    kind: 'library',
    name: split?.name ?? pkg.Name,
    ...(split ? { group: split.group } : {}),
    version: result.Class === 'os-pkgs' ? fullVersion(pkg) : pkg.Version,
    ...(purl ? { purl } : {}),
    properties: sortedProperties([
      ['FilePath', pkg.FilePath],
      ['LayerDiffID', pkg.Layer?.DiffID],
      ['LayerDigest', pkg.Layer?.Digest],
      ['Modularitylabel', pkg.Modularitylabel],
      ['PkgID', packageId(pkg)],
      ['PkgType', result.Type],
      ['SrcEpoch', pkg.SrcEpoch || undefined],
      ['SrcName', pkg.SrcName],
      ['SrcRelease', pkg.SrcRelease],
      ['SrcVersion', pkg.SrcVersion],
    ]),
    licenses: pkg.Licenses ?? [],
    ...(pkg.Digest ? { digest: pkg.Digest } : {}),
    package: pkg,
    dependsOn: [],
  };
}

/** A package known only from a finding (reports made without `--list-all-pkgs`). */
function packageFromFinding(vulnerability: DetectedVulnerability): Package {
  return {
    ...(vulnerability.PkgID ? { ID: vulnerability.PkgID } : {}),
    Name: vulnerability.PkgName,
    Version: vulnerability.InstalledVersion,
    ...(vulnerability.PkgIdentifier ? { Identifier: vulnerability.PkgIdentifier } : {}),
    ...(vulnerability.PkgPath ? { FilePath: vulnerability.PkgPath } : {}),
    ...(vulnerability.Layer ? { Layer: vulnerability.Layer } : {}),
  };
}

/** Finds the package node a finding is about: same ID and file first, then same purl, then same ID. */
class PackageIndex {
  readonly #byIdAndPath = new Map<string, SbomNode>();
  readonly #byPurl = new Map<string, SbomNode>();
  readonly #byId = new Map<string, SbomNode>();

  add(node: SbomNode, pkg: Package): void {
    const id = packageId(pkg);
    setOnce(this.#byIdAndPath, `${id}\u0000${pkg.FilePath ?? ''}`, node);
    if (pkg.Identifier?.PURL) setOnce(this.#byPurl, pkg.Identifier.PURL, node);
    setOnce(this.#byId, id, node);
  }

  byId(id: string): SbomNode | undefined {
    return this.#byId.get(id);
  }

  find(vulnerability: DetectedVulnerability): SbomNode | undefined {
    const id = vulnerability.PkgID ?? `${vulnerability.PkgName}@${vulnerability.InstalledVersion}`;
    const purl = vulnerability.PkgIdentifier?.PURL;
    return (
      this.#byIdAndPath.get(`${id}\u0000${vulnerability.PkgPath ?? ''}`) ??
      (purl ? this.#byPurl.get(purl) : undefined) ??
      (vulnerability.PkgPath ? undefined : this.#byId.get(id))
    );
  }
}

function setOnce<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (!map.has(key)) map.set(key, value);
}

/** Builds the graph. Secret results carry no components and are left out. */
export function buildSbomGraph(report: Report): SbomGraph {
  const root = rootNode(report);
  const nodes: SbomNode[] = [];
  const findings: SbomFinding[] = [];
  let counter = 0;
  const nextKey = (prefix: string) => `${prefix}-${++counter}`;

  for (const result of report.Results ?? []) {
    if (result.Class !== 'os-pkgs' && result.Class !== 'lang-pkgs') continue;
    let parent: SbomNode;
    if (result.Class === 'os-pkgs') {
      const os = report.Metadata.OS;
      parent = {
        key: nextKey('os'),
        kind: 'operating-system',
        name: os?.Family ?? result.Type ?? result.Target,
        ...(os?.Name ? { version: os.Name } : {}),
        properties: sortedProperties([
          ['Class', result.Class],
          ['Type', result.Type],
        ]),
        licenses: [],
        dependsOn: [],
      };
      nodes.push(parent);
      root.dependsOn.push(parent.key);
    } else if (aggregatingTypes.has(result.Type ?? '')) {
      parent = root;
    } else {
      parent = {
        key: nextKey('app'),
        kind: 'application',
        name: result.Target,
        properties: sortedProperties([
          ['Class', result.Class],
          ['Type', result.Type],
        ]),
        licenses: [],
        dependsOn: [],
      };
      nodes.push(parent);
      root.dependsOn.push(parent.key);
    }

    const index = new PackageIndex();
    const resultNodes: SbomNode[] = [];
    const addPackage = (pkg: Package): SbomNode => {
      const node = packageNode(nextKey('pkg'), result, pkg);
      index.add(node, pkg);
      resultNodes.push(node);
      nodes.push(node);
      // Indirect packages are reached through the packages that depend on them, not from the application.
      if (result.Class === 'os-pkgs' || parent === root || pkg.Indirect !== true)
        parent.dependsOn.push(node.key);
      return node;
    };
    for (const pkg of result.Packages ?? []) addPackage(pkg);
    for (const node of resultNodes) {
      for (const id of node.package?.DependsOn ?? []) {
        const target = index.byId(id);
        if (target && target !== node && !node.dependsOn.includes(target.key))
          node.dependsOn.push(target.key);
      }
    }
    for (const vulnerability of result.Vulnerabilities ?? []) {
      const node = index.find(vulnerability) ?? addPackage(packageFromFinding(vulnerability));
      findings.push({ vulnerability, affects: node.key });
    }
  }
  return { root, nodes, findings };
}
