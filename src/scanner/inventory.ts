/**
 * The package inventory of one artifact (image, directory, SBOM): what analysis produces and detection consumes.
 * Field names follow Trivy's JSON (`Packages[]` entries) so reports can be emitted without renaming.
 */

export interface LayerRef {
  Digest?: string;
  DiffID?: string;
}

export interface PackageIdentifier {
  PURL?: string;
  UID?: string;
}

export type PackageRelationship = 'root' | 'workspace' | 'direct' | 'indirect' | 'unknown';

export interface Package {
  ID?: string;
  Name: string;
  Version: string;
  Release?: string;
  Epoch?: number;
  Arch?: string;
  SrcName?: string;
  SrcVersion?: string;
  SrcRelease?: string;
  SrcEpoch?: number;
  Licenses?: string[];
  Maintainer?: string;
  Modularitylabel?: string;
  Identifier?: PackageIdentifier;
  DependsOn?: string[];
  /** Digest of the installed package as the package manager records it: `sha1:…` (apk), `md5:…` (rpm SIGMD5). */
  Digest?: string;
  /** Where the package was found (language packages: the manifest path; OS packages: empty). */
  FilePath?: string;
  /** Files the package installed (dpkg md5sums, rpm file list, apk R: lines); used to drop language packages owned by the OS. */
  InstalledFiles?: string[];
  /** A package not shipped by the OS vendor (third-party maintainer/vendor) is not matched against the vendor's advisories. */
  ThirdParty?: boolean;
  Dev?: boolean;
  Indirect?: boolean;
  /** Where a lock file puts the package: the project itself, a workspace member, a direct or transitive dependency. */
  Relationship?: PackageRelationship;
  Layer?: LayerRef;
  /** Red Hat: content sets and image build of the layer that installed the package (selects the advisories' CPEs). */
  BuildInfo?: BuildInfo;
}

/** What a Red Hat image says about how it was built (`root/buildinfo/`): its repositories and its NVR. */
export interface BuildInfo {
  /** Repositories the image's packages came from (`rhel-9-for-x86_64-baseos-rpms`). */
  ContentSets?: string[];
  /** Name-version-release of the image build (`ubi9-container-9.3-1610`). */
  Nvr?: string;
  Arch?: string;
}

/** OS families as Trivy names them (`debian`, `ubuntu`, `alpine`, `redhat`, `centos`, `rocky`, `alma`, `oracle`, `amazon`, …). */
export type OsFamily = string;

export interface OperatingSystem {
  Family: OsFamily;
  Name: string;
  /** Ubuntu ESM enabled. */
  Extended?: boolean;
  EOSL?: boolean;
}

/** Packages found in one OS package database file. */
export interface PackageInfo {
  FilePath: string;
  Packages: Package[];
}

/** Language application types as Trivy names them: `node-pkg`, `python-pkg`, `jar`, `gobinary`, `cargo`, … */
export type ApplicationType = string;

export interface Application {
  Type: ApplicationType;
  FilePath: string;
  Packages: Package[];
}

/** Alpine's `/etc/apk/repositories` release, used when it is newer than `/etc/alpine-release`. */
export interface Repository {
  Family: OsFamily;
  Release: string;
}
