/** Codes for input the sequence analytics cannot use; callers map them to 4xx / exit codes. */
export type SequenceErrorCode =
  /** Malformed events: non-integer day, ids out of range, columns of different lengths. */
  | 'INVALID_INPUT'
  /** An option out of range (window, gap, anchor). */
  | 'INVALID_OPTION';

export class SequenceError extends Error {
  override readonly name = 'SequenceError';
  constructor(
    readonly code: SequenceErrorCode,
    message: string,
  ) {
    super(message);
  }
}
