import { readFileSync } from 'node:fs';
import type { CustomerMetrics } from '../analytics/metrics.js';
import { sharedDataPath } from './paths.js';

/**
 * CDNOW master file (Fader & Hardie; see /work/shared/data/README.md): whitespace-separated, CRLF,
 * header line; customer_id, date YYYYMMDD, number_of_cds, dollar_value. Per-customer metrics with a
 * plain loop. CDNOW has no costs, so margin and profit use a stated synthetic cost model (margin =
 * 25 % of revenue rounded down, cost to serve 1.50 per order) to get some loss-making customers.
 */
export function loadCdnowMetrics(): CustomerMetrics[] {
  const text = readFileSync(sharedDataPath('cdnow_master.txt'), 'utf8');
  const lines = text.split('\r\n');
  const acc = new Map<string, { first: number; last: number; orders: number; days: Set<number>; cents: number }>();
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 4) continue;
    const id = f[0]!;
    const d = f[1]!;
    const day = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8))) / 86_400_000;
    const cents = Math.round(Number(f[3]) * 100);
    let a = acc.get(id);
    if (!a) acc.set(id, (a = { first: day, last: day, orders: 0, days: new Set(), cents: 0 }));
    a.first = Math.min(a.first, day);
    a.last = Math.max(a.last, day);
    a.orders++;
    a.days.add(day);
    a.cents += cents;
  }
  const out: CustomerMetrics[] = [];
  for (const [id, a] of acc) {
    const margin = Math.floor(a.cents / 4);
    const cts = 150 * a.orders;
    out.push({
      customerId: id,
      firstDay: a.first,
      lastDay: a.last,
      orders: a.orders,
      purchaseDays: a.days.size,
      revenueMinor: a.cents,
      marginMinor: margin,
      returnsMinor: 0,
      discountedSpendMinor: 0,
      costToServeMinor: cts,
      acquisitionCostMinor: 0,
      profitMinor: margin - cts,
    });
  }
  return out;
}

