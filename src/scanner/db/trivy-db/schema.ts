/**
 * Trivy DB schema 2: the JSON values stored in trivy.db, with Trivy's field names. Decoders turn one stored value into
 * a typed object (copying only known fields) or throw InvalidValueProblem; the caller adds where the value lives.
 */

/** Severity codes used everywhere in the DB: 0 UNKNOWN … 4 CRITICAL. */
export const SEVERITY_NAMES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];
export type SeverityLevel = 0 | 1 | 2 | 3 | 4;

export function severityName(level: number): SeverityName {
  return SEVERITY_NAMES[level] ?? 'UNKNOWN';
}

/** Advisory status list; the DB stores the index (omitted when 0), reports use the string. */
export const ADVISORY_STATUSES = [
  'unknown',
  'not_affected',
  'affected',
  'fixed',
  'under_investigation',
  'will_not_fix',
  'fix_deferred',
  'end_of_life',
] as const;
export type AdvisoryStatus = (typeof ADVISORY_STATUSES)[number];

/** `data-source` bucket value: which feed filled an advisory bucket. */
export interface DataSource {
  ID: string;
  Name: string;
  URL: string;
  /** Set for derived feeds (e.g. a vendor mirror of another source); severity lookup prefers it over ID. */
  BaseID?: string;
}

/** Red Hat: one CVE fixed by an RHSA entry, with the per-CVE severity. */
export interface RedHatCve {
  ID: string;
  Severity?: SeverityLevel;
}

/** Fields shared by an advisory and its arch/stream-specific `Entries`. */
export interface AdvisoryEntry {
  /** OS sources. Absent ⇒ unfixed. */
  FixedVersion?: string;
  /** Arch Linux (and Alpine's lower bound). */
  AffectedVersion?: string;
  /** Language sources: each entry is an AND-constraint; entries are OR-ed. */
  VulnerableVersions?: string[];
  PatchedVersions?: string[];
  UnaffectedVersions?: string[];
  VendorIDs?: string[];
  /** Per-package vendor severity (e.g. Debian urgency). */
  Severity?: SeverityLevel;
  Status?: AdvisoryStatus;
  OSes?: string[];
  Arches?: string[];
  /** Red Hat. */
  Cves?: RedHatCve[];
  /** Red Hat: CPE indices from the `Red Hat CPE` bucket. */
  Affected?: number[];
  Custom?: unknown;
}

/** One advisory: the value under `<advisory bucket>/<package>/<vulnerability ID>`. */
export interface Advisory extends AdvisoryEntry {
  /** The key the advisory is stored under. */
  VulnerabilityID: string;
  Entries?: AdvisoryEntry[];
  /** From `data-source[<advisory bucket>]`, when the DB has it. */
  DataSource?: DataSource;
}

export interface CvssScore {
  V2Vector?: string;
  V3Vector?: string;
  V40Vector?: string;
  V2Score?: number;
  V3Score?: number;
  V40Score?: number;
}

/** `vulnerability` bucket value: details shared by every advisory of one vulnerability ID. */
export interface Vulnerability {
  Title?: string;
  Description?: string;
  /** Deprecated in the DB: first source with a severity. */
  Severity?: string;
  CweIDs?: string[];
  /** Source ID (`nvd`, `debian`, `ghsa` …) → severity level. */
  VendorSeverity?: Record<string, SeverityLevel>;
  CVSS?: Record<string, CvssScore>;
  References?: string[];
  /** RFC 3339, as stored. */
  PublishedDate?: string;
  LastModifiedDate?: string;
}

/** A stored value that is not what schema 2 says; the message names the field. */
export class InvalidValueProblem extends Error {}

type JsonObject = Record<string, unknown>;

/** A stored value: its bytes, or the same already decoded as UTF-8. */
export type StoredJson = Uint8Array | string;

function parseObject(stored: StoredJson): JsonObject {
  let parsed: unknown;
  try {
    const text =
      typeof stored === 'string'
        ? stored
        : Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString('utf8');
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidValueProblem(`not JSON (${(error as Error).message})`);
  }
  return asObject(parsed, 'value');
}

function asObject(value: unknown, field: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidValueProblem(`${field} is not a JSON object`);
  }
  return value as JsonObject;
}

function optionalString(source: JsonObject, field: string): string | undefined {
  const value = source[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidValueProblem(`${field} is not a string`);
  return value;
}

function optionalStrings(source: JsonObject, field: string): string[] | undefined {
  const value = source[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new InvalidValueProblem(`${field} is not an array of strings`);
  }
  return value as string[];
}

function optionalInteger(source: JsonObject, field: string): number | undefined {
  const value = source[field];
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value)) throw new InvalidValueProblem(`${field} is not an integer`);
  return value as number;
}

function optionalNumber(source: JsonObject, field: string): number | undefined {
  const value = source[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new InvalidValueProblem(`${field} is not a number`);
  return value;
}

/** Out-of-range codes read as UNKNOWN, as Trivy's String() methods do. */
function toSeverity(level: number): SeverityLevel {
  return level >= 0 && level <= 4 ? (level as SeverityLevel) : 0;
}

function decodeEntry(source: JsonObject, target: AdvisoryEntry): void {
  const fixed = optionalString(source, 'FixedVersion');
  if (fixed !== undefined) target.FixedVersion = fixed;
  const affected = optionalString(source, 'AffectedVersion');
  if (affected !== undefined) target.AffectedVersion = affected;
  const vulnerable = optionalStrings(source, 'VulnerableVersions');
  if (vulnerable !== undefined) target.VulnerableVersions = vulnerable;
  const patched = optionalStrings(source, 'PatchedVersions');
  if (patched !== undefined) target.PatchedVersions = patched;
  const unaffected = optionalStrings(source, 'UnaffectedVersions');
  if (unaffected !== undefined) target.UnaffectedVersions = unaffected;
  const vendorIds = optionalStrings(source, 'VendorIDs');
  if (vendorIds !== undefined) target.VendorIDs = vendorIds;
  const severity = optionalInteger(source, 'Severity');
  if (severity !== undefined) target.Severity = toSeverity(severity);
  const status = optionalInteger(source, 'Status');
  if (status !== undefined) target.Status = ADVISORY_STATUSES[status] ?? 'unknown';
  const oses = optionalStrings(source, 'OSes');
  if (oses !== undefined) target.OSes = oses;
  const arches = optionalStrings(source, 'Arches');
  if (arches !== undefined) target.Arches = arches;
  if (source.Cves !== undefined && source.Cves !== null) {
    if (!Array.isArray(source.Cves)) throw new InvalidValueProblem('Cves is not an array');
    target.Cves = source.Cves.map((item: unknown, i: number) => {
      const cve = asObject(item, `Cves[${i}]`);
      // Unfixed Red Hat entries are stored under their CVE key with `Cves: [{ Severity }]` and no ID (omitempty).
      const id = optionalString(cve, 'ID') ?? '';
      const cveSeverity = optionalInteger(cve, 'Severity');
      return cveSeverity === undefined ? { ID: id } : { ID: id, Severity: toSeverity(cveSeverity) };
    });
  }
  if (source.Affected !== undefined && source.Affected !== null) {
    if (!Array.isArray(source.Affected) || !source.Affected.every((item) => Number.isInteger(item))) {
      throw new InvalidValueProblem('Affected is not an array of integers');
    }
    target.Affected = source.Affected as number[];
  }
  if (source.Custom !== undefined && source.Custom !== null) target.Custom = source.Custom;
}

/** Decodes the advisory stored under `vulnerabilityId`. */
export function decodeAdvisory(vulnerabilityId: string, stored: StoredJson): Advisory {
  const source = parseObject(stored);
  const advisory: Advisory = { VulnerabilityID: vulnerabilityId };
  decodeEntry(source, advisory);
  if (source.Entries !== undefined && source.Entries !== null) {
    if (!Array.isArray(source.Entries)) throw new InvalidValueProblem('Entries is not an array');
    advisory.Entries = source.Entries.map((item: unknown, i: number) => {
      const entry: AdvisoryEntry = {};
      decodeEntry(asObject(item, `Entries[${i}]`), entry);
      return entry;
    });
  }
  return advisory;
}

const VULNERABILITY_STRING_FIELDS = new Set([
  'Title',
  'Description',
  'Severity',
  'PublishedDate',
  'LastModifiedDate',
]);
const VULNERABILITY_LIST_FIELDS = new Set(['CweIDs', 'References']);
const CVSS_VECTOR_FIELDS = new Set(['V2Vector', 'V3Vector', 'V40Vector']);
const CVSS_SCORE_FIELDS = new Set(['V2Score', 'V3Score', 'V40Score']);

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * Whether a parsed `vulnerability` value already is exactly what decodeVulnerability would build from it: only
 * known fields, none null, every one of its type, severities in range. Then the parsed object is used as it is,
 * which saves copying every value (the bulk of a scan's garbage when it looks up many vulnerabilities).
 */
function isCanonicalVulnerability(source: JsonObject): boolean {
  for (const field in source) {
    const value = source[field];
    if (VULNERABILITY_STRING_FIELDS.has(field)) {
      if (typeof value !== 'string') return false;
    } else if (VULNERABILITY_LIST_FIELDS.has(field)) {
      if (!isStringList(value)) return false;
    } else if (field === 'VendorSeverity') {
      if (!isPlainObject(value)) return false;
      for (const vendor in value) {
        const level = value[vendor];
        if (!Number.isInteger(level) || (level as number) < 0 || (level as number) > 4) return false;
      }
    } else if (field === 'CVSS') {
      if (!isPlainObject(value)) return false;
      for (const vendor in value) {
        const score = value[vendor];
        if (!isPlainObject(score)) return false;
        for (const key in score) {
          const item = score[key];
          if (
            CVSS_VECTOR_FIELDS.has(key)
              ? typeof item !== 'string'
              : !CVSS_SCORE_FIELDS.has(key) || typeof item !== 'number'
          ) {
            return false;
          }
        }
      }
    } else {
      return false;
    }
  }
  return true;
}

export function decodeVulnerability(stored: StoredJson): Vulnerability {
  const source = parseObject(stored);
  if (isCanonicalVulnerability(source)) return source as Vulnerability;
  const vulnerability: Vulnerability = {};
  for (const field of ['Title', 'Description', 'Severity', 'PublishedDate', 'LastModifiedDate'] as const) {
    const value = optionalString(source, field);
    if (value !== undefined) vulnerability[field] = value;
  }
  for (const field of ['CweIDs', 'References'] as const) {
    const value = optionalStrings(source, field);
    if (value !== undefined) vulnerability[field] = value;
  }
  if (source.VendorSeverity !== undefined && source.VendorSeverity !== null) {
    const vendors = asObject(source.VendorSeverity, 'VendorSeverity');
    const severities: Record<string, SeverityLevel> = {};
    for (const vendor of Object.keys(vendors)) {
      severities[vendor] = toSeverity(optionalInteger(vendors, vendor) ?? 0);
    }
    vulnerability.VendorSeverity = severities;
  }
  if (source.CVSS !== undefined && source.CVSS !== null) {
    const sources = asObject(source.CVSS, 'CVSS');
    const cvss: Record<string, CvssScore> = {};
    for (const vendor of Object.keys(sources)) {
      const entry = asObject(sources[vendor], `CVSS.${vendor}`);
      const score: CvssScore = {};
      for (const field of ['V2Vector', 'V3Vector', 'V40Vector'] as const) {
        const value = optionalString(entry, field);
        if (value !== undefined) score[field] = value;
      }
      for (const field of ['V2Score', 'V3Score', 'V40Score'] as const) {
        const value = optionalNumber(entry, field);
        if (value !== undefined) score[field] = value;
      }
      cvss[vendor] = score;
    }
    vulnerability.CVSS = cvss;
  }
  return vulnerability;
}

export function decodeDataSource(stored: StoredJson): DataSource {
  const source = parseObject(stored);
  const id = optionalString(source, 'ID');
  if (id === undefined) throw new InvalidValueProblem('ID is missing');
  const dataSource: DataSource = {
    ID: id,
    Name: optionalString(source, 'Name') ?? '',
    URL: optionalString(source, 'URL') ?? '',
  };
  const baseId = optionalString(source, 'BaseID');
  if (baseId !== undefined && baseId !== '') dataSource.BaseID = baseId;
  return dataSource;
}
