import { UserFacingError } from '../../../util/errors.ts';

/** Names of the version schemes; one per comparison algorithm Trivy uses (spec §4.4). */
export type SchemeName =
  | 'dpkg'
  | 'rpm'
  | 'apk'
  | 'npm'
  | 'pep440'
  | 'maven'
  | 'rubygems'
  | 'go'
  | 'cargo'
  | 'composer'
  | 'nuget'
  | 'generic';

/** A version accepted by a scheme. Schemes keep their own parsed fields; callers only rely on `original`. */
export interface ParsedVersion {
  readonly original: string;
}

export interface VersionScheme {
  readonly name: SchemeName;
  /** Parses a version; `undefined` means the scheme rejects it (callers log and skip the package or advisory). */
  parse(version: string): ParsedVersion | undefined;
  /** Negative, zero or positive as `a` sorts before, equal to or after `b`. Throws InvalidVersionError. */
  compare(a: string, b: string): number;
  /**
   * Whether `version` satisfies `constraint`: comparators joined by `,` (or whitespace where the ecosystem allows it)
   * are AND-ed, alternatives separated by `||` are OR-ed. Throws InvalidVersionError or InvalidConstraintError.
   */
  satisfies(version: string, constraint: string): boolean;
}

/** A version string that a scheme cannot parse. */
export class InvalidVersionError extends UserFacingError {
  readonly scheme: SchemeName;
  readonly version: string;

  constructor(scheme: SchemeName, version: string, reason?: string) {
    super(`invalid ${scheme} version ${JSON.stringify(version)}${reason ? `: ${reason}` : ''}`, {
      hint: 'the package or advisory carrying this version is skipped; check where the version string came from',
    });
    this.scheme = scheme;
    this.version = version;
  }
}

/** A constraint string (advisory range) that a scheme cannot parse. */
export class InvalidConstraintError extends UserFacingError {
  readonly scheme: SchemeName;
  readonly constraint: string;

  constructor(scheme: SchemeName, constraint: string, reason: string) {
    super(`invalid ${scheme} version constraint ${JSON.stringify(constraint)}: ${reason}`, {
      hint: 'the advisory carrying this constraint is treated as not matching; check the vulnerability DB',
    });
    this.scheme = scheme;
    this.constraint = constraint;
  }
}
