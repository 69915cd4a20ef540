/** Codes for contact-plan input that cannot be allocated; callers map them to 4xx / exit codes. */
export type PlanErrorCode = 'NO_SEGMENTS' | 'DUPLICATE_SEGMENT' | 'INVALID_SEGMENT' | 'INVALID_BUDGET' | 'MISSING_INPUT' | 'INFEASIBLE_LIMITS';

export class PlanError extends Error {
  override readonly name = 'PlanError';
  constructor(
    readonly code: PlanErrorCode,
    message: string,
  ) {
    super(message);
  }
}
