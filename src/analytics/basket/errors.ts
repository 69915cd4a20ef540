/** Codes for input the basket analytics cannot use; callers map them to 4xx / exit codes. */
export type BasketErrorCode =
  /** Malformed baskets: negative or non-integer ids, bad offsets, label count mismatch. */
  | 'INVALID_INPUT'
  /** An option out of range (support, confidence, lengths). */
  | 'INVALID_OPTION'
  /** More frequent itemsets than `maxItemsets`: the support threshold is too low for the data. */
  | 'TOO_MANY_ITEMSETS'
  /** Rules asked of itemsets that lack some subsets (mined with minLength > 1). */
  | 'INCOMPLETE_ITEMSETS';

export class BasketError extends Error {
  override readonly name = 'BasketError';
  constructor(
    readonly code: BasketErrorCode,
    message: string,
  ) {
    super(message);
  }
}
