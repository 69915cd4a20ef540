import { ValueInputError, type ValueInputErrorCode } from '../../analytics/metrics.js';
import { PatronError, type ErrorCode } from '../errors.js';

function assertNever(x: never): never {
  throw new Error(`unmapped value-analytics error code: ${String(x)}`);
}

/**
 * Value-analytics input errors as PatronErrors. Options out of range are the caller's mistake
 * (VALIDATION); data the methods cannot support (a referral cycle written around the API,
 * non-integer money) is UNSUPPORTED_DATA. Exhaustive: a new code does not compile until mapped.
 */
export function valueErrorCode(code: ValueInputErrorCode): ErrorCode {
  switch (code) {
    case 'INVALID_OPTION':
      return 'VALIDATION';
    case 'INVALID_INPUT':
    case 'DUPLICATE_CUSTOMER':
    case 'AFTER_AS_OF':
    case 'MULTIPLE_REFERRERS':
    case 'REFERRAL_CYCLE':
      return 'UNSUPPORTED_DATA';
    default:
      return assertNever(code);
  }
}

export function translateValueError(e: unknown): unknown {
  if (e instanceof ValueInputError) return new PatronError(valueErrorCode(e.code), e.message, { code: e.code });
  return e;
}

/** Runs `fn`, translating value-analytics errors. */
export async function withValueErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw translateValueError(e);
  }
}
