import { PackageURL } from 'packageurl-js';
import type { ApplicationType, Package } from '../inventory.ts';
import { parseDebVersion } from '../analyzers/pkg/dpkg/deb-version.ts';
import { splitSourceRpm } from '../analyzers/pkg/rpm/source-rpm.ts';

/** purl type → the language type Trivy gives a package known only by its purl (a per-package type when one exists). */
const languageTypes: Readonly<Record<string, ApplicationType>> = {
  npm: 'node-pkg',
  pypi: 'python-pkg',
  gem: 'gemspec',
  maven: 'jar',
  golang: 'gobinary',
  cargo: 'cargo',
  composer: 'composer',
  nuget: 'nuget',
  conan: 'conan',
  hex: 'hex',
  pub: 'pub',
  swift: 'swift',
  cocoapods: 'cocoapods',
  conda: 'conda-pkg',
  bitnami: 'bitnami',
};

export type PurlPackage =
  | { kind: 'os'; purlType: 'deb' | 'apk' | 'rpm'; namespace?: string; distro?: string; pkg: Package }
  | { kind: 'language'; type: ApplicationType; pkg: Package };

/**
 * A package back from its purl: the name as the ecosystem writes it (`@scope/name`, `group:artifact`, Go module
 * paths), version, and for OS packages epoch, release, arch and source package (Trivy's properties, when present,
 * refine this later). Undefined for purls that name no package we can match (`pkg:oci`, `pkg:generic`, garbage).
 */
export function packageFromPurl(purl: string): PurlPackage | undefined {
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(purl);
  } catch {
    return undefined;
  }
  const qualifiers = (parsed.qualifiers ?? {}) as Record<string, string>;
  const version = parsed.version ?? '';
  const namespace = parsed.namespace ?? undefined;
  const identifier = { PURL: purl };
  switch (parsed.type) {
    case 'deb':
      return osPackage(
        'deb',
        namespace,
        qualifiers,
        debPackage(parsed.name, version, qualifiers),
        identifier,
      );
    case 'apk':
      return osPackage(
        'apk',
        namespace,
        qualifiers,
        apkPackage(parsed.name, version, qualifiers),
        identifier,
      );
    case 'rpm':
      return osPackage(
        'rpm',
        namespace,
        qualifiers,
        rpmPackage(parsed.name, version, qualifiers),
        identifier,
      );
  }
  const type = languageTypes[parsed.type];
  if (!type || !version) return undefined;
  const name = languageName(parsed.type, namespace, parsed.name);
  const id = parsed.type === 'maven' ? `${name}:${version}` : `${name}@${version}`;
  return { kind: 'language', type, pkg: { ID: id, Name: name, Version: version, Identifier: identifier } };
}

function osPackage(
  purlType: 'deb' | 'apk' | 'rpm',
  namespace: string | undefined,
  qualifiers: Record<string, string>,
  pkg: Package | undefined,
  identifier: { PURL: string },
): PurlPackage | undefined {
  if (!pkg) return undefined;
  if (qualifiers.arch) pkg.Arch = qualifiers.arch;
  pkg.Identifier = identifier;
  return {
    kind: 'os',
    purlType,
    ...(namespace ? { namespace } : {}),
    ...(qualifiers.distro ? { distro: qualifiers.distro } : {}),
    pkg,
  };
}

function languageName(type: string, namespace: string | undefined, name: string): string {
  if (!namespace) return name;
  return type === 'maven' ? `${namespace}:${name}` : `${namespace}/${name}`;
}

function epochOf(qualifiers: Record<string, string>): number | undefined {
  const epoch = Number(qualifiers.epoch);
  return Number.isInteger(epoch) && epoch > 0 ? epoch : undefined;
}

/** `upstream=openssl` or `upstream=openssl@3.0.11-1` (syft's source-package qualifier). */
function upstreamOf(qualifiers: Record<string, string>): { name: string; version?: string } | undefined {
  const upstream = qualifiers.upstream;
  if (!upstream) return undefined;
  const at = upstream.indexOf('@');
  return at > 0 ? { name: upstream.slice(0, at), version: upstream.slice(at + 1) } : { name: upstream };
}

function debPackage(name: string, version: string, qualifiers: Record<string, string>): Package | undefined {
  const parsed = parseDebVersion(version);
  if (!parsed) return undefined;
  const epoch = epochOf(qualifiers);
  const pkg: Package = {
    ID: `${name}@${epoch ? `${epoch}:` : ''}${version}`,
    Name: name,
    Version: parsed.upstream,
    ...(parsed.revision ? { Release: parsed.revision } : {}),
    ...(epoch ? { Epoch: epoch } : {}),
  };
  // dpkg: a package without a Source field is its own source.
  const upstream = upstreamOf(qualifiers);
  const source = upstream?.version ? parseDebVersion(upstream.version) : undefined;
  pkg.SrcName = upstream?.name ?? name;
  if (source) {
    pkg.SrcVersion = source.upstream;
    if (source.revision) pkg.SrcRelease = source.revision;
    if (source.epoch) pkg.SrcEpoch = source.epoch;
  } else {
    pkg.SrcVersion = pkg.Version;
    if (pkg.Release) pkg.SrcRelease = pkg.Release;
    if (epoch) pkg.SrcEpoch = epoch;
  }
  return pkg;
}

function apkPackage(name: string, version: string, qualifiers: Record<string, string>): Package | undefined {
  if (!version) return undefined;
  const upstream = upstreamOf(qualifiers);
  return {
    ID: `${name}@${version}`,
    Name: name,
    Version: version,
    ...(upstream ? { SrcName: upstream.name, SrcVersion: upstream.version ?? version } : {}),
  };
}

function rpmPackage(name: string, version: string, qualifiers: Record<string, string>): Package | undefined {
  if (!version) return undefined;
  const dash = version.lastIndexOf('-');
  const epoch = epochOf(qualifiers);
  const pkg: Package = {
    ID: '',
    Name: name,
    Version: dash > 0 ? version.slice(0, dash) : version,
    ...(dash > 0 ? { Release: version.slice(dash + 1) } : {}),
    ...(epoch ? { Epoch: epoch, SrcEpoch: epoch } : {}),
  };
  pkg.ID = `${name}@${version}.${qualifiers.arch ?? ''}`.replace(/\.$/, '');
  const upstream = qualifiers.upstream ? splitSourceRpm(qualifiers.upstream) : undefined;
  if (upstream) {
    pkg.SrcName = upstream.name;
    pkg.SrcVersion = upstream.version;
    pkg.SrcRelease = upstream.release;
  }
  if (qualifiers.modularitylabel) pkg.Modularitylabel = qualifiers.modularitylabel;
  return pkg;
}
