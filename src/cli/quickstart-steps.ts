import { buildSnapshot } from '../domain/analytics/index.js';
import { PatronError } from '../domain/errors.js';
import { runChurn } from '../domain/predictions/churn.js';
import { dayToDate } from '../domain/time.js';
import type { Db } from '../storage/db.js';

/**
 * Work the quick start does after loading the demo, so the first screens have something to show:
 * two value-analytics snapshots a quarter apart (so segment migration has a "before" and "after"),
 * then a prediction run and a churn run (so predicted value, P(alive) and risk show in the 360, the
 * customer list's filters and the Predictions page).
 */
export async function postDemoSteps(db: Db, endDate: string, say: (line: string) => void): Promise<void> {
  const end = Date.parse(`${endDate}T00:00:00Z`) / 86_400_000;
  for (const asOf of [dayToDate(end - 91), endDate]) {
    const r = await buildSnapshot(db, { asOf, actor: 'cli:quickstart', now: new Date() });
    say(`value snapshot ${r.snapshot.id} as of ${asOf}: ${r.totals.customers} customers`);
  }
  try {
    const c = await runChurn(db, { asOf: endDate, actor: 'cli:quickstart', now: new Date() });
    say(`predictions (run ${c.predictionRun.id}, ${c.predictionRun.model}) and churn early warning (run ${c.run.id}): ${c.run.atRisk} customers at risk`);
  } catch (e) {
    // A demo too small for a model is not a reason to stop the quick start; say why and go on.
    if (!(e instanceof PatronError)) throw e;
    say(`predictions skipped: ${e.message}`);
  }
}
