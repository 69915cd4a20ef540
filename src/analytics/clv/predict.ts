/**
 * Model-agnostic predictions for a fitted repeat-buying model, and predicted customer lifetime value.
 * Both BG/NBD and Pareto/NBD factor the conditional expectation as
 *   E[Y(t) | x, t_x, T] = P(alive | x, t_x, T) × G(x, T, t),
 * where G (expected purchases of a customer still active at T) does not depend on t_x
 * (FHL 2005 eq. 10; Fader & Hardie 2005 Pareto/NBD note §6). Scoring caches G per distinct (x, T),
 * so a million customers on a day grid cost a few thousand series evaluations plus one P(alive) each.
 */
import { bgNbdActiveExpected, bgNbdExpected, bgNbdPAlive } from './bg-nbd/bg-nbd.js';
import { DEFAULTS } from './defaults.js';
import { gammaGammaConditionalSpend } from './gamma-gamma/gamma-gamma.js';
import { paretoNbdActiveExpected, paretoNbdExpected, paretoNbdPAlive } from './pareto-nbd/pareto-nbd.js';
import type { CustomerSummary, GammaGammaParams, RepeatModel } from './types.js';

/** P(alive | x, t_x, T) under either model. */
export function pAlive(model: RepeatModel, c: CustomerSummary): number {
  return model.model === 'bg-nbd' ? bgNbdPAlive(model.params, c) : paretoNbdPAlive(model.params, c);
}

/** Expected purchases in (T, T+t] for a customer active at T (G above). */
export function activeExpected(model: RepeatModel, x: number, T: number, t: number): number {
  return model.model === 'bg-nbd' ? bgNbdActiveExpected(model.params, x, T, t) : paretoNbdActiveExpected(model.params, x, T, t);
}

/** E[Y(t) | x, t_x, T]: expected repeat purchases in (T, T+t]. */
export function conditionalExpected(model: RepeatModel, c: CustomerSummary, t: number): number {
  return activeExpected(model, c.x, c.T, t) * pAlive(model, c);
}

/** E[X(t)]: expected repeat purchases in (0, t] for a new customer. */
export function unconditionalExpected(model: RepeatModel, t: number): number {
  return model.model === 'bg-nbd' ? bgNbdExpected(model.params, t) : paretoNbdExpected(model.params, t);
}

export interface ClvCustomer extends CustomerSummary {
  /** Mean value of the customer's repeat transactions (Gamma-Gamma m_x); used with a Gamma-Gamma spend model. */
  mx?: number;
  /** Expected value per transaction for this customer; overrides options.spend. */
  spend?: number;
}

export interface ClvOptions {
  /** Horizon in whole CLV periods. Default DEFAULTS.clv.horizon. */
  horizon?: number;
  /**
   * Length of one CLV period in the model's time unit (default 1: CLV periods are model periods).
   * E.g. a model fitted in weeks, discounted monthly: 52 / 12.
   */
  periodLength?: number;
  periodsPerYear?: number;
  annualDiscountRate?: number;
  margin?: number;
  /**
   * Value per transaction: a fitted Gamma-Gamma model (uses each customer's x and mx) or one flat number.
   * A customer's own `spend` wins. Without either, expectedSpend and clv are NaN.
   */
  spend?: GammaGammaParams | number;
}

export interface ClvPrediction {
  pAlive: number;
  /** Expected repeat purchases over the horizon, undiscounted. */
  expectedPurchases: number;
  /** Σ_k (E[Y(kL)] - E[Y((k-1)L)]) / (1+d)^k over CLV periods k = 1..horizon of length L. */
  discountedPurchases: number;
  /** Expected value per transaction. */
  expectedSpend: number;
  /** margin × expectedSpend × discountedPurchases, in the unit of the spend inputs (round to minor units to store). */
  clv: number;
}

/**
 * Predicted (future) customer lifetime value over a finite horizon, per customer:
 *   CLV = margin × E[spend] × Σ_{k=1..H} (E[Y(kL) | x, t_x, T] - E[Y((k-1)L) | ...]) / (1 + d)^k,
 * L = periodLength, d = (1 + annual rate)^(1/periodsPerYear) - 1: the discrete-time form of discounted
 * expected transactions (cf. the discounted expected transactions of Fader, Hardie & Lee 2005 "RFM and CLV", which integrate in continuous
 * time). Purchases within period k are discounted at the end of period k — the same convention as
 * lifetimes' customer_lifetime_value, whose published CDNOW example this reproduces (see predict.test.ts).
 */
export function predictClv(model: RepeatModel, customers: readonly ClvCustomer[], options: ClvOptions = {}): ClvPrediction[] {
  const horizon = options.horizon ?? DEFAULTS.clv.horizon;
  const periodsPerYear = options.periodsPerYear ?? DEFAULTS.clv.periodsPerYear;
  const annual = options.annualDiscountRate ?? DEFAULTS.clv.annualDiscountRate;
  const margin = options.margin ?? DEFAULTS.clv.margin;
  const periodLength = options.periodLength ?? 1;
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError('predictClv: horizon must be a positive whole number of periods');
  if (!(periodsPerYear > 0) || !(annual > -1) || !(periodLength > 0)) {
    throw new RangeError('predictClv: periodsPerYear and periodLength must be > 0 and annualDiscountRate > -1');
  }
  const perPeriod = Math.pow(1 + annual, 1 / periodsPerYear);
  const discount = new Float64Array(horizon + 1);
  for (let k = 1; k <= horizon; k++) discount[k] = Math.pow(perPeriod, -k);

  // G(x, T, k) for k = 1..H depends only on (x, T): cache [undiscounted, discounted] per pair.
  const cache = new Map<number, Map<number, [number, number]>>();
  const active = (x: number, T: number): [number, number] => {
    let byT = cache.get(x);
    if (!byT) cache.set(x, (byT = new Map()));
    let v = byT.get(T);
    if (!v) {
      let prev = 0;
      let disc = 0;
      for (let k = 1; k <= horizon; k++) {
        const g = activeExpected(model, x, T, k * periodLength);
        disc += (g - prev) * discount[k]!;
        prev = g;
      }
      v = [prev, disc];
      byT.set(T, v);
    }
    return v;
  };

  const spend = options.spend;
  const out: ClvPrediction[] = new Array(customers.length);
  for (let i = 0; i < customers.length; i++) {
    const c = customers[i]!;
    const p = pAlive(model, c);
    const [g, gDisc] = active(c.x, c.T);
    const expectedSpend =
      c.spend ??
      (typeof spend === 'number' ? spend : spend ? gammaGammaConditionalSpend(spend, c.x, c.mx ?? 0) : Number.NaN);
    const discountedPurchases = p * gDisc;
    out[i] = {
      pAlive: p,
      expectedPurchases: p * g,
      discountedPurchases,
      expectedSpend,
      clv: margin * expectedSpend * discountedPurchases,
    };
  }
  return out;
}
