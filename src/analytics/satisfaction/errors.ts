/** Codes for input the satisfaction analytics cannot use; callers map them to 4xx / exit codes. */
export type SatisfactionErrorCode =
  | 'EMPTY_INPUT'
  | 'OUT_OF_SCALE'
  | 'INVALID_OPTION'
  | 'INVALID_ANSWER'
  | 'UNKNOWN_SEVERITY'
  | 'REGRESSION_FAILED';

export class SatisfactionError extends Error {
  override readonly name = 'SatisfactionError';
  constructor(
    readonly code: SatisfactionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Checks a rating is an integer on [min, max]; survey scales are whole points. */
export function assertOnScale(value: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SatisfactionError('OUT_OF_SCALE', `${what}: rating ${value} is not an integer on [${min}, ${max}]`);
  }
}
