import { buildSnapshot } from '../domain/analytics/index.js';
import { dayToDate } from '../domain/time.js';
import type { Db } from '../storage/db.js';

/**
 * Work the quick start does after loading the demo, so the first screens have something to show:
 * two value-analytics snapshots a quarter apart (so segment migration has a "before" and "after").
 */
export async function postDemoSteps(db: Db, endDate: string, say: (line: string) => void): Promise<void> {
  const end = Date.parse(`${endDate}T00:00:00Z`) / 86_400_000;
  for (const asOf of [dayToDate(end - 91), endDate]) {
    const r = await buildSnapshot(db, { asOf, actor: 'cli:quickstart', now: new Date() });
    say(`value snapshot ${r.snapshot.id} as of ${asOf}: ${r.totals.customers} customers`);
  }
}
