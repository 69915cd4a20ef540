import type { Db } from '../../storage/db.js';
import { churnRiskOf, customerExists, latestChurnRun, latestPredictionRun } from '../../storage/predictions.repo.js';
import { PatronError } from '../errors.js';
import { businessMoney, customerChurnTrend, toChurnRiskView, toChurnRunView, type ChurnReason, type CustomerChurnPoint } from './churn.js';
import { customerPredictionView, toPredictionRunView, type CustomerPredictionView } from './predict.js';

/** Everything the customer 360 shows about a customer's predicted value and churn risk. */
export interface CustomerPredictionsView {
  customerId: number;
  /** The latest prediction run (null: none yet). */
  predictionRun: { id: number; asOf: string; model: string; horizon: number; period: string; spendSource: string } | null;
  /** Null when there is no run or the customer had no purchase by its as-of date. */
  prediction: CustomerPredictionView | null;
  churn: {
    /** The latest churn run (null: none yet). */
    runId: number | null;
    asOf: string | null;
    atRisk: boolean;
    rank: number | null;
    risk: number | null;
    priorityMinor: number | null;
    reasons: ChurnReason[];
    /** Appearances in earlier runs, newest first. */
    history: CustomerChurnPoint[];
  };
}

export async function customerPredictions(db: Db, customerId: number): Promise<CustomerPredictionsView> {
  if (!(await customerExists(db.kysely, customerId))) throw new PatronError('NOT_FOUND', `customer ${customerId} not found`);
  const [prun, crun] = await Promise.all([latestPredictionRun(db.kysely), latestChurnRun(db.kysely)]);
  const run = prun ? toPredictionRunView(prun) : null;
  const prediction = run ? await customerPredictionView(db, run.id, customerId) : null;
  const risk = crun ? await churnRiskOf(db.kysely, Number(crun.id), customerId) : undefined;
  const view = risk ? toChurnRiskView(risk, toChurnRunView(crun!).thresholds, await businessMoney(db)) : null;
  return {
    customerId,
    predictionRun: run
      ? { id: run.id, asOf: run.asOf, model: run.model, horizon: run.horizon, period: run.period, spendSource: run.spendSource }
      : null,
    prediction,
    churn: {
      runId: crun ? Number(crun.id) : null,
      asOf: crun ? crun.as_of : null,
      atRisk: view !== null,
      rank: view?.rank ?? null,
      risk: view?.risk ?? null,
      priorityMinor: view?.priorityMinor ?? null,
      reasons: view?.reasons ?? [],
      history: await customerChurnTrend(db, customerId),
    },
  };
}
