/** Contact plans: budget allocation across customer segments. */
export {
  PLAN_DEFAULTS,
  type AllocationRule,
  type ContactLimits,
  type ContactPlan,
  type PlanInput,
  type PlanSegment,
  type SegmentAllocation,
  allocateBudget,
} from './allocate.js';
export { type BoundedShares, type ShareBounds, boundedProportionalShares, largestRemainder } from './shares.js';
export { PlanError, type PlanErrorCode } from './errors.js';
