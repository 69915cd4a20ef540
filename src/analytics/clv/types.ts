/**
 * Shared shapes for the repeat-buying (BG/NBD, Pareto/NBD) and spend (Gamma-Gamma) models.
 * Times are in one chosen period unit throughout (e.g. weeks); money in the caller's unit
 * (minor units, e.g. cents, for anything stored).
 */

/** Calibration-period sufficient statistics of one customer (Fader, Hardie & Lee 2005). */
export interface CustomerSummary {
  /** Number of repeat transactions (transactions after the first, same-period ones merged). */
  x: number;
  /** Time of the last repeat transaction, measured from the first purchase (0 when x = 0). */
  tx: number;
  /** Time from the first purchase to the end of calibration. */
  T: number;
}

/** A summary row standing for `weight` identical customers (weight defaults to 1 where optional). */
export interface WeightedSummary extends CustomerSummary {
  weight: number;
}

export type SummaryRow = CustomerSummary & { weight?: number };

/** BG/NBD: λ ~ Gamma(r, α) (shape r, rate α); dropout probability after each repeat purchase p ~ Beta(a, b). */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Pareto/NBD: λ ~ Gamma(r, α); dropout rate μ ~ Gamma(s, β) (rate β). */
export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

/** Gamma-Gamma: transaction value ~ Gamma(p, ν) with ν ~ Gamma(q, γ) (shape q, rate γ). */
export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export type ModelName = 'bg-nbd' | 'pareto-nbd' | 'gamma-gamma';

/** A fitted (or hand-specified) repeat-buying model. A successful fit result is one of these. */
export type RepeatModel = { model: 'bg-nbd'; params: BgNbdParams } | { model: 'pareto-nbd'; params: ParetoNbdParams };

/** Why the data cannot support a model (see assessData). */
export type AssessCode =
  | 'no-customers'
  | 'invalid-rows'
  | 'too-few-customers'
  | 'too-few-repeat-buyers'
  | 'calibration-too-short';

export interface FitSuccess<M extends ModelName, P> {
  ok: true;
  model: M;
  params: P;
  /** Standard errors from the inverse numeric Hessian (delta method from the log scale); null if it is not positive definite. */
  standardErrors: P | null;
  /** Parameter covariance in `paramNames` order; null with standardErrors. */
  covariance: number[][] | null;
  paramNames: (keyof P & string)[];
  logLik: number;
  /** Number of parameters. */
  k: number;
  /** Number of customers (sum of weights). */
  n: number;
  /** Distinct rows the likelihood was evaluated on (after grouping). */
  distinctRows: number;
  /** 2k - 2 logLik. */
  aic: number;
  /** k ln n - 2 logLik. */
  bic: number;
  /** 'lbfgs', 'nelder-mead' or 'lbfgs+nelder-mead' (L-BFGS did not converge and Nelder-Mead finished). */
  optimizer: string;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: string;
  /** Plain-language cautions (parameters at extremes, standard errors unavailable, ...). */
  warnings: string[];
}

export interface FitFailure<M extends ModelName> {
  ok: false;
  model: M;
  code: AssessCode | 'optimiser-failed';
  reason: string;
}

export type FitResult<M extends ModelName, P> = FitSuccess<M, P> | FitFailure<M>;
