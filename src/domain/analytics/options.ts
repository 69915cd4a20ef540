import { z } from 'zod';
import { DEFAULTS as ABC } from '../../analytics/abc/index.js';
import { DEFAULTS as DECILES } from '../../analytics/deciles/index.js';
import { DEFAULTS as RFM } from '../../analytics/rfm/index.js';
import { DEFAULTS as TIERS } from '../../analytics/tiers/index.js';
import { COST_TO_SERVE_SOURCES } from '../../storage/cost-to-serve.sql.js';
import { PatronError } from '../errors.js';
import { dayNumber, dayToDate, instantFromUtcMs } from '../time.js';

/**
 * What a snapshot can be configured with. Every value not given comes from the method's own
 * DEFAULTS (src/analytics/<method>/), and the resolved set is stored with the snapshot, so a
 * snapshot always says how it was computed.
 */
const fraction = z.number().gt(0).max(1);

export const AnalysisOptionsSchema = z
  .strictObject({
    rfm: z
      .strictObject({
        bins: z.number().int().min(2).max(100).optional().describe('Score bins; 5 (quintiles) gives the named segments'),
        frequency: z.enum(['purchaseDays', 'orders']).optional(),
        monetary: z.enum(['revenue', 'margin']).optional(),
      })
      .optional(),
    abc: z
      .strictObject({
        measure: z.enum(['revenue', 'margin', 'profit']).optional(),
        cutoffs: z.strictObject({ A: fraction, B: fraction }).optional(),
      })
      .optional(),
    deciles: z
      .strictObject({
        spend: z.enum(['revenue', 'margin']).optional(),
        profit: z.enum(['profit', 'margin']).optional(),
      })
      .optional(),
    tiers: z
      .strictObject({
        measure: z.enum(['profit', 'margin']).optional(),
        cutoffs: z.strictObject({ platinum: fraction, gold: fraction }).optional(),
        transaction: z.strictObject({ minDiscountShare: z.number().min(0).max(1), lowMarginFraction: z.number().min(0).max(1) }).optional(),
      })
      .optional(),
  })
  .meta({ id: 'AnalysisOptions' });

export type AnalysisOptions = z.output<typeof AnalysisOptionsSchema>;

/** The resolved parameters stored (as JSON) with each snapshot. */
export interface AnalysisParameters {
  asOf: string;
  rfm: { bins: number; frequency: 'purchaseDays' | 'orders'; monetary: 'revenue' | 'margin' };
  abc: { measure: 'revenue' | 'margin' | 'profit'; cutoffs: { A: number; B: number } };
  deciles: { groups: number; spend: 'revenue' | 'margin'; profit: 'profit' | 'margin' };
  tiers: {
    measure: 'profit' | 'margin';
    cutoffs: { platinum: number; gold: number };
    transaction: { minDiscountShare: number; lowMarginFraction: number };
  };
  /** Names of the cost-to-serve sources summed (storage/cost-to-serve.sql.ts). */
  costToServe: string[];
}

export function resolveParameters(asOf: string, o: AnalysisOptions = {}): AnalysisParameters {
  const abcCutoffs = o.abc?.cutoffs ?? ABC.cutoffs;
  const tierCutoffs = o.tiers?.cutoffs ?? TIERS.cutoffs;
  if (!(abcCutoffs.A <= abcCutoffs.B)) throw new PatronError('VALIDATION', `abc cut-offs must satisfy A <= B, got A=${abcCutoffs.A} B=${abcCutoffs.B}`);
  if (!(tierCutoffs.platinum <= tierCutoffs.gold)) {
    throw new PatronError('VALIDATION', `tier cut-offs must satisfy platinum <= gold, got ${tierCutoffs.platinum} and ${tierCutoffs.gold}`);
  }
  return {
    asOf,
    rfm: { bins: o.rfm?.bins ?? RFM.bins, frequency: o.rfm?.frequency ?? RFM.frequency, monetary: o.rfm?.monetary ?? RFM.monetary },
    abc: { measure: o.abc?.measure ?? ABC.measure, cutoffs: { A: abcCutoffs.A, B: abcCutoffs.B } },
    deciles: { groups: DECILES.groups, spend: o.deciles?.spend ?? DECILES.spend, profit: o.deciles?.profit ?? DECILES.profit },
    tiers: {
      measure: o.tiers?.measure ?? TIERS.measure,
      cutoffs: { platinum: tierCutoffs.platinum, gold: tierCutoffs.gold },
      transaction: { ...(o.tiers?.transaction ?? TIERS.transaction) },
    },
    costToServe: COST_TO_SERVE_SOURCES.map((s) => s.name),
  };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The as-of date: given (YYYY-MM-DD, a business-local date) or today in the business time zone.
 * The whole as-of day counts (orders on it are included).
 */
export function resolveAsOf(given: string | undefined, now: Date, timeZone: string): { asOf: string; asOfDay: number } {
  if (given === undefined) {
    const day = instantFromUtcMs(now.getTime(), timeZone).day;
    return { asOf: dayToDate(day), asOfDay: day };
  }
  const m = ISO_DATE.exec(given.trim());
  const day = m ? dayNumber(given.trim()) : NaN;
  if (!m || !Number.isInteger(day) || dayToDate(day) !== given.trim()) {
    throw new PatronError('VALIDATION', `as-of date must be a calendar date YYYY-MM-DD, got "${given}"`);
  }
  return { asOf: given.trim(), asOfDay: day };
}
