export {
  TrivyDb,
  DATA_SOURCE_BUCKET,
  VULNERABILITY_BUCKET,
  type BucketKind,
  type BucketStats,
  type TrivyDbLocation,
  type TrivyDbCacheStats,
  type TrivyDbOptions,
  type TrivyDbStats,
} from './trivy-db.ts';
export {
  GO_ZERO_TIME_TEXT,
  SUPPORTED_SCHEMA_VERSION,
  assertSupportedSchema,
  formatMetadata,
  formatRfc3339,
  goZeroTime,
  isZeroTime,
  parseMetadata,
  parseRfc3339,
  readMetadata,
  writeMetadata,
  type TrivyDbMetadata,
} from './metadata.ts';
export { LANGUAGE_ECOSYSTEMS, normalizePackageName, type LanguageEcosystem } from './package-name.ts';
export {
  ADVISORY_STATUSES,
  SEVERITY_NAMES,
  decodeAdvisory,
  decodeDataSource,
  decodeVulnerability,
  severityName,
  type Advisory,
  type AdvisoryEntry,
  type AdvisoryStatus,
  type CvssScore,
  type DataSource,
  type RedHatCve,
  type SeverityLevel,
  type SeverityName,
  type Vulnerability,
} from './schema.ts';
export {
  TrivyDbMetadataError,
  TrivyDbMissingError,
  TrivyDbSchemaError,
  TrivyDbValueError,
} from './errors.ts';
