import { UserFacingError } from '../../../util/errors.ts';

const REDOWNLOAD = 'Re-download the database with `trivy-ts db update`.';

/**
 * The file is not a valid bbolt database, or some page in it is damaged. Raised for every structural problem the
 * reader detects, so that a bad file never surfaces as a RangeError, a hang or garbage data.
 */
export class BoltFormatError extends UserFacingError {
  readonly path: string;
  readonly pageId: number | undefined;

  constructor(path: string, problem: string, pageId?: number) {
    const where = pageId === undefined ? '' : ` (page ${pageId})`;
    super(`The bbolt database ${path} is corrupt${where}: ${problem}. ${REDOWNLOAD}`);
    this.path = path;
    this.pageId = pageId;
  }
}

/** The database file could not be opened or read (missing, unreadable, I/O failure). */
export class BoltIoError extends UserFacingError {
  readonly path: string;

  constructor(path: string, action: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const reason = code ?? (cause instanceof Error ? cause.message : String(cause));
    super(`Cannot ${action} the bbolt database ${path}: ${reason}.`, {
      cause,
      hint:
        code === 'ENOENT'
          ? 'Download the vulnerability database with `trivy-ts db update`.'
          : 'Check that the file exists and is readable.',
    });
    this.path = path;
  }
}
