/**
 * Trivy's JSON report (`--format json`, SchemaVersion 2), field for field: consumers that read Trivy's output
 * (jq scripts, dashboards, the operator's report projector) read ours unchanged. Optional fields are omitted, never
 * written as null, as Go's `omitempty` does.
 */
import type { LayerRef, OperatingSystem, Package, PackageIdentifier } from '../inventory.ts';
import type { SecretFinding } from '../secrets/types.ts';
import { ADVISORY_STATUSES, type AdvisoryStatus } from '../db/trivy-db/schema.ts';

export const severities = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof severities)[number];

export type ArtifactType = 'container_image' | 'filesystem' | 'repository' | 'cyclonedx' | 'spdx' | 'vm';

export type ResultClass =
  'os-pkgs' | 'lang-pkgs' | 'config' | 'secret' | 'license' | 'license-file' | 'custom';

/** Statuses as Trivy writes them in reports (the DB stores their index). */
export const vulnerabilityStatuses = ADVISORY_STATUSES;
export type VulnerabilityStatus = AdvisoryStatus;

export interface Cvss {
  V2Vector?: string;
  V3Vector?: string;
  V40Vector?: string;
  V2Score?: number;
  V3Score?: number;
  V40Score?: number;
}

export interface DataSource {
  ID: string;
  Name: string;
  URL: string;
  BaseID?: string;
}

export interface DetectedVulnerability {
  VulnerabilityID: string;
  VendorIDs?: string[];
  PkgID?: string;
  PkgName: string;
  PkgPath?: string;
  PkgIdentifier?: PackageIdentifier;
  InstalledVersion: string;
  FixedVersion?: string;
  Status?: VulnerabilityStatus;
  Layer?: LayerRef;
  SeveritySource?: string;
  PrimaryURL?: string;
  DataSource?: DataSource;
  Fingerprint?: string;
  Title?: string;
  Description?: string;
  Severity: Severity;
  CweIDs?: string[];
  VendorSeverity?: Record<string, number>;
  CVSS?: Record<string, Cvss>;
  References?: string[];
  PublishedDate?: string;
  LastModifiedDate?: string;
}

export interface Result {
  Target: string;
  Class: ResultClass;
  Type?: string;
  Packages?: Package[];
  Vulnerabilities?: DetectedVulnerability[];
  Secrets?: SecretFinding[];
}

export interface ImageConfigHistory {
  created?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  architecture?: string;
  created?: string;
  history?: ImageConfigHistory[];
  os?: string;
  rootfs?: { type: string; diff_ids: string[] };
  config?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ReportMetadata {
  Size?: number;
  OS?: OperatingSystem;
  ImageID?: string;
  DiffIDs?: string[];
  RepoTags?: string[];
  RepoDigests?: string[];
  Reference?: string;
  ImageConfig?: ImageConfig;
  Layers?: { Size?: number; Digest?: string; DiffID: string }[];
}

export interface Report {
  SchemaVersion: 2;
  Trivy?: { Version: string };
  ReportID?: string;
  CreatedAt: string;
  ArtifactID?: string;
  ArtifactName: string;
  ArtifactType: ArtifactType;
  Metadata: ReportMetadata;
  Results?: Result[];
}

/** Severity as an index: 0 UNKNOWN … 4 CRITICAL (the integer form the DB and CVSS maps use). */
export function severityRank(severity: string): number {
  const rank = severities.indexOf(severity as Severity);
  return rank < 0 ? 0 : rank;
}
