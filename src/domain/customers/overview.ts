import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import { overviewCounts } from '../../storage/customers.repo.js';
import { dayToDate, instantFromUtcMs } from '../time.js';

export const DEFAULTS = Object.freeze({
  /** A customer is active with a completed sale in the last this-many business-local days (today included). */
  activeWindowDays: 90,
});

export interface Overview {
  /** Business-local date the figures are computed for. */
  asOf: string;
  customers: number;
  orders: number;
  anonymousOrders: number;
  /** Completed sales and returns (net), minor units of the business currency. */
  revenueMinor: number;
  activeWindowDays: number;
  activeCustomers: number;
  /** Customers with at least one completed sale. */
  buyers: number;
  /** Buyers with completed sales on at least two distinct days. */
  repeatBuyers: number;
  /** repeatBuyers / buyers; null when nobody has bought yet. */
  repeatPurchaseRate: number | null;
}

export async function getOverview(db: Kysely<Database>, now: Date, timeZone: string): Promise<Overview> {
  const today = instantFromUtcMs(now.getTime(), timeZone).day;
  const since = today - DEFAULTS.activeWindowDays + 1;
  const c = await overviewCounts(db, since);
  return {
    asOf: dayToDate(today),
    ...c,
    activeWindowDays: DEFAULTS.activeWindowDays,
    repeatPurchaseRate: c.buyers > 0 ? c.repeatBuyers / c.buyers : null,
  };
}
