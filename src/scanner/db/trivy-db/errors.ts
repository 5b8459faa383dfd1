import { UserFacingError } from '../../../util/errors.ts';

const UPDATE_HINT = 'Download it with `trivy-ts db update` (or pass the right `--cache-dir`).';

/** trivy.db or metadata.json is absent from the cache dir. */
export class TrivyDbMissingError extends UserFacingError {
  readonly path: string;

  constructor(path: string) {
    super(`No vulnerability database at ${path}.`, { hint: UPDATE_HINT });
    this.path = path;
  }
}

/** metadata.json is unreadable or not what Trivy writes. */
export class TrivyDbMetadataError extends UserFacingError {
  readonly path: string;

  constructor(path: string, problem: string, cause?: unknown) {
    super(`The vulnerability database metadata ${path} is invalid: ${problem}.`, {
      hint: 'Re-download the database with `trivy-ts db update`.',
      cause,
    });
    this.path = path;
  }
}

/** The DB uses a schema version this build does not read. */
export class TrivyDbSchemaError extends UserFacingError {
  readonly version: number;

  constructor(path: string, version: number, supported: number) {
    const newer = version > supported;
    super(
      `The vulnerability database ${path} has schema version ${version}; this trivy-ts reads version ${supported}.`,
      {
        hint: newer
          ? 'Upgrade trivy-ts to a release that supports this DB schema.'
          : 'Download the current database with `trivy-ts db update`.',
      },
    );
    this.version = version;
  }
}

/**
 * One stored JSON value is malformed. Lookups report it (see TrivyDb's `onInvalidValue`) and skip the value, so a
 * single bad entry never aborts a whole scan.
 */
export class TrivyDbValueError extends UserFacingError {
  readonly bucket: string;
  readonly packageName: string | undefined;
  readonly key: string;
  readonly problem: string;

  constructor(location: { bucket: string; packageName?: string; key: string }, problem: string) {
    const where =
      location.packageName === undefined
        ? `bucket ${JSON.stringify(location.bucket)}, key ${JSON.stringify(location.key)}`
        : `bucket ${JSON.stringify(location.bucket)}, package ${JSON.stringify(location.packageName)}, key ${JSON.stringify(location.key)}`;
    super(`Invalid value in the vulnerability database (${where}): ${problem}.`, {
      hint: 'Re-download the database with `trivy-ts db update`.',
    });
    this.bucket = location.bucket;
    this.packageName = location.packageName;
    this.key = location.key;
    this.problem = problem;
  }
}
