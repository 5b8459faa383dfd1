import { UserFacingError } from '../../util/errors.ts';

/** A custom check in the policies ConfigMap that cannot be used; the other checks still run. */
export class CustomCheckDefinitionError extends UserFacingError {
  readonly policyName: string;

  constructor(policyName: string, problem: string, options: { cause?: unknown } = {}) {
    super(`custom check "${policyName}": ${problem}`, {
      ...options,
      hint: `fix the policy.${policyName}.* keys of the policies ConfigMap; the other checks still run`,
    });
    this.policyName = policyName;
  }
}

/** A custom check whose expression failed on one object (e.g. a field the expression reads without `has()`). */
export class CustomCheckEvaluationError extends UserFacingError {
  readonly checkId: string;

  constructor(checkId: string, objectKey: string, problem: string, options: { cause?: unknown } = {}) {
    super(`custom check ${checkId} could not be evaluated on ${objectKey}: ${problem}`, {
      ...options,
      hint: 'guard optional fields with has(), e.g. has(object.spec.hostNetwork) && object.spec.hostNetwork',
    });
    this.checkId = checkId;
  }
}
