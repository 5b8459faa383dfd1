import { UserFacingError } from '../../util/errors.ts';

/** An SBOM this scanner cannot read: the message says which file and what is wrong with it. */
export class SbomFormatError extends UserFacingError {}
