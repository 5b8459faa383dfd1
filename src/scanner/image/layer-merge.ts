import type { Application, OperatingSystem, Package, Repository } from '../inventory.ts';
import { mergeOs } from '../analyzers/os/merge.ts';
import { attachPackageFiles } from '../analyzers/pkg/dpkg/md5sums.ts';
import { assignOsPurls } from '../analyzers/pkg/purl.ts';
import type { LayerAnalysis } from './layer-walker.ts';

/** The image as the last layer sees it: what detection consumes. */
export interface MergedInventory {
  OS?: OperatingSystem;
  Repository?: Repository;
  /** OS packages, each attributed to the lowest layer that installed that exact version. */
  Packages: Package[];
  Applications: Application[];
}

/** Types whose packages each come from their own manifest file; Trivy reports each as one application. */
const aggregatedTypes = new Set(['python-pkg', 'conda-pkg', 'gemspec', 'node-pkg', 'jar']);

interface Finding {
  layer: number;
  filePath: string;
  osPackages?: Package[];
  application?: Application;
}

/**
 * Applies layers bottom to top as the container runtime would: a layer's opaque directories and whiteouts delete
 * what lower layers put under those paths, then its own findings replace any finding for the same file and kind.
 */
export function mergeLayers(layers: readonly LayerAnalysis[]): MergedInventory {
  const findings = new Map<string, Finding>();
  let os: OperatingSystem | undefined;
  let repository: Repository | undefined;

  layers.forEach((layer, index) => {
    for (const dir of layer.OpaqueDirs) deleteUnder(findings, dir, false);
    for (const path of layer.WhiteoutFiles) deleteUnder(findings, path, true);
    for (const info of layer.PackageInfos) {
      findings.set(`${info.FilePath}/type:ospkg`, {
        layer: index,
        filePath: info.FilePath,
        osPackages: info.Packages,
      });
    }
    for (const application of layer.Applications) {
      findings.set(`${application.FilePath}/type:${application.Type}`, {
        layer: index,
        filePath: application.FilePath,
        application,
      });
    }
    os = mergeOs(os, layer.OS);
    if (layer.Repository) repository = layer.Repository;
  });

  const origin = lowestLayers(layers);
  // dpkg keeps file lists apart from its status database, often in lower layers: join them on the final view.
  const packageFiles = layers.flatMap((layer) => layer.PackageFiles);
  const packageInfos = attachPackageFiles(
    [...findings.values()].flatMap((finding) =>
      finding.osPackages ? [{ FilePath: finding.filePath, Packages: finding.osPackages }] : [],
    ),
    packageFiles,
  );
  const unlabelled = dedupe(
    packageInfos.flatMap((info) => info.Packages),
    (pkg) => `${pkg.ID ?? `${pkg.Name}@${pkg.Version}`}`,
  ).map((pkg) => withBuildInfo(withLayer(pkg, origin.ofOsPackage(pkg)), origin.ofOsPackage(pkg), layers));
  const osPackages = os ? assignOsPurls(os, unlabelled) : unlabelled;

  // Package managers record installed files with (dpkg, rpm) or without (apk) a leading slash.
  const ownedByOs = new Set(
    [
      ...osPackages.flatMap((pkg) => pkg.InstalledFiles ?? []),
      ...packageFiles.flatMap((list) => list.files),
    ].map((path) => path.replace(/^\/+/, '')),
  );
  const applications: Application[] = [];
  const aggregated = new Map<string, Package[]>();
  for (const finding of findings.values()) {
    const application = finding.application;
    if (!application) continue;
    const packages = application.Packages.filter(
      (pkg) => !ownedByOs.has(pkg.FilePath ?? application.FilePath),
    ).map((pkg) => withLayer(pkg, origin.ofApplicationPackage(application, pkg)));
    if (packages.length === 0) continue;
    if (aggregatedTypes.has(application.Type)) {
      aggregated.set(application.Type, [...(aggregated.get(application.Type) ?? []), ...packages]);
    } else {
      applications.push({ ...application, Packages: packages });
    }
  }
  for (const [type, packages] of aggregated) {
    applications.push({
      Type: type,
      FilePath: '',
      Packages: dedupe(packages, (pkg) => `${pkg.ID ?? `${pkg.Name}@${pkg.Version}`}\0${pkg.FilePath ?? ''}`),
    });
  }
  applications.sort((a, b) => a.Type.localeCompare(b.Type) || a.FilePath.localeCompare(b.FilePath));

  return {
    ...(os ? { OS: os } : {}),
    ...(repository ? { Repository: repository } : {}),
    Packages: osPackages,
    Applications: applications,
  };
}

/**
 * Red Hat: the build facts of the layer that installed the package; the base layer borrows them from the layer above
 * it (UBI images keep them there) and a user's layer from the nearest Red Hat layer below it.
 */
function withBuildInfo(
  pkg: Package,
  layer: LayerAnalysis | undefined,
  layers: readonly LayerAnalysis[],
): Package {
  if (!layer) return pkg;
  const index = layers.indexOf(layer);
  let info = layer.BuildInfo;
  if (!info && index === 0) info = layers[1]?.BuildInfo;
  for (let i = index - 1; !info && i >= 0; i--) info = layers[i]?.BuildInfo;
  return info ? { ...pkg, BuildInfo: info } : pkg;
}

function deleteUnder(findings: Map<string, Finding>, path: string, includeSelf: boolean) {
  for (const [key, finding] of findings) {
    const inside = path === '' || finding.filePath.startsWith(`${path}/`);
    if (inside || (includeSelf && finding.filePath === path)) findings.delete(key);
  }
}

function dedupe<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

function withLayer(pkg: Package, layer: LayerAnalysis | undefined): Package {
  if (!layer) return pkg;
  return { ...pkg, Layer: { ...(layer.Digest ? { Digest: layer.Digest } : {}), DiffID: layer.DiffID } };
}

/**
 * Lowest layer per package identity: an OS package by name, version and release; a language package by its
 * application (type and file) plus name, version and own file path. Built once, so attribution is linear.
 */
function lowestLayers(layers: readonly LayerAnalysis[]) {
  const osIndex = new Map<string, LayerAnalysis>();
  const applicationIndex = new Map<string, LayerAnalysis>();
  for (const layer of layers) {
    for (const info of layer.PackageInfos) {
      for (const pkg of info.Packages) {
        const key = osKey(pkg);
        if (!osIndex.has(key)) osIndex.set(key, layer);
      }
    }
    for (const application of layer.Applications) {
      for (const pkg of application.Packages) {
        const key = applicationKey(application, pkg);
        if (!applicationIndex.has(key)) applicationIndex.set(key, layer);
      }
    }
  }
  return {
    ofOsPackage: (pkg: Package) => osIndex.get(osKey(pkg)),
    ofApplicationPackage: (application: Application, pkg: Package) =>
      applicationIndex.get(applicationKey(application, pkg)),
  };
}

const osKey = (pkg: Package) => `${pkg.Name}\0${pkg.Version}\0${pkg.Release ?? ''}`;
const applicationKey = (application: Application, pkg: Package) =>
  `${application.Type}\0${application.FilePath}\0${pkg.Name}\0${pkg.Version}\0${pkg.FilePath ?? ''}`;
