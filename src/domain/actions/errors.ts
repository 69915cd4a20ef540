import { BasketError, type BasketErrorCode } from '../../analytics/basket/index.js';
import { CampaignError, type CampaignErrorCode } from '../../analytics/campaign/index.js';
import { PlanError, type PlanErrorCode } from '../../analytics/plan/index.js';
import { SequenceError, type SequenceErrorCode } from '../../analytics/sequences/index.js';
import { type ErrorCode, PatronError } from '../errors.js';

function assertNever(x: never): never {
  throw new Error(`unmapped analytics error code: ${String(x)}`);
}

/** Options or input out of range are the caller's mistake; data that cannot support the method is UNSUPPORTED_DATA. */
function basketCode(c: BasketErrorCode): ErrorCode | null {
  switch (c) {
    case 'INVALID_INPUT':
    case 'INVALID_OPTION':
      return 'VALIDATION';
    case 'TOO_MANY_ITEMSETS':
      return 'UNSUPPORTED_DATA';
    case 'INCOMPLETE_ITEMSETS':
      return null; // our own bug: rules are always mined from complete itemsets here
    default:
      return assertNever(c);
  }
}

function sequenceCode(c: SequenceErrorCode): ErrorCode | null {
  switch (c) {
    case 'INVALID_OPTION':
      return 'VALIDATION';
    case 'INVALID_INPUT':
      return null; // events come from the database already checked
    default:
      return assertNever(c);
  }
}

function planCode(c: PlanErrorCode): ErrorCode | null {
  switch (c) {
    case 'INVALID_BUDGET':
    case 'INVALID_SEGMENT':
    case 'MISSING_INPUT':
    case 'INFEASIBLE_LIMITS':
    case 'DUPLICATE_SEGMENT':
      return 'VALIDATION';
    case 'NO_SEGMENTS':
      return 'UNSUPPORTED_DATA';
    default:
      return assertNever(c);
  }
}

function campaignCode(c: CampaignErrorCode): ErrorCode | null {
  switch (c) {
    case 'INVALID_FRACTION':
    case 'INVALID_OPTION':
      return 'VALIDATION';
    case 'EMPTY_INPUT':
    case 'TOO_FEW_CUSTOMERS':
      return 'UNSUPPORTED_DATA';
    case 'DUPLICATE_CUSTOMER':
    case 'INVALID_OUTCOME':
      return null; // members and outcomes come from the database, one row per customer
    default:
      return assertNever(c);
  }
}

/** Translates the pure analytics' errors into PatronError (HTTP status / exit code) in one place. */
export function fromAnalyticsError(e: unknown): unknown {
  let code: ErrorCode | null = null;
  if (e instanceof BasketError) code = basketCode(e.code);
  else if (e instanceof SequenceError) code = sequenceCode(e.code);
  else if (e instanceof PlanError) code = planCode(e.code);
  else if (e instanceof CampaignError) code = campaignCode(e.code);
  else return e;
  return code === null ? e : new PatronError(code, (e as Error).message);
}

/** Runs `fn`, translating analytics errors. */
export function translating<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw fromAnalyticsError(e);
  }
}
