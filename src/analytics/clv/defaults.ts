/**
 * Every configurable value of the CLV models, in one place (docs/analytics/clv.md points here).
 */
export const DEFAULTS = Object.freeze({
  fit: Object.freeze({
    /** Nelder-Mead restarts from the best point (see optimize/nelder-mead.ts). */
    restarts: 4,
    /** Relative spread of -logLik over the simplex at convergence. */
    fTolerance: 1e-10,
    /** Simplex size on the log scale at convergence: parameters to ~1e-6 relative, far below their standard errors. */
    xTolerance: 1e-6,
    maxEvaluations: 20_000,
    /** Initial simplex edge on the log-parameter scale (0.5 = a factor of e^0.5 ≈ 1.65). */
    initialStep: 0.5,
    /** 'auto': L-BFGS with the analytic gradient (BG/NBD, Gamma-Gamma), Nelder-Mead otherwise and as fallback. */
    optimizer: 'auto' as 'auto' | 'nelder-mead',
    /**
     * L-BFGS stops when the Newton decrement gᵀH⁻¹g falls below this: the square root is the distance
     * to the optimum in standard errors, so 1e-10 = within 1e-5 SE.
     */
    decrementTolerance: 1e-10,
    /** Central-difference step for the Hessian from second differences of lnL (no gradient), log scale. */
    hessianStep: 1e-3,
    /** Central-difference step for the Hessian from differences of the analytic gradient, log scale. */
    gradientHessianStep: 1e-4,
    /** Collapse identical (x, tx, T) rows before fitting: exact, and much faster on real (day-grid) data. */
    group: true,
    /** A fitted parameter outside [1e-4, 1e4] x its starting value is flagged as at an extreme. */
    extremeRatio: 1e4,
  }),
  paretoNbd: Object.freeze({
    /**
     * Bound on the Pareto/NBD shapes s and r along their ridges (s/β, r/α kept): beyond it the
     * dropout (purchase) rates differ between customers by a coefficient of variation below
     * 1/√maxShape = 1%, indistinguishable from one common rate. A fit that reaches it reports
     * converged: false and why (pareto-nbd.ts, fitParetoNbd).
     */
    maxShape: 1e4,
  }),
  assess: Object.freeze({
    /** Fewer customers than this cannot pin down four parameters. */
    minCustomers: 100,
    /** Customers with at least one repeat purchase; the dropout process is learnt from them. */
    minRepeatBuyers: 50,
    /**
     * Calibration is too short when the median customer age T is below this multiple of the median
     * inter-purchase time of repeat buyers (tx / x): too little time to see anyone come back.
     */
    minAgeToInterpurchase: 2,
  }),
  spend: Object.freeze({
    /** Repeat buyers with positive mean spend needed to fit Gamma-Gamma's three parameters. */
    minRepeatBuyers: 30,
    /** |corr(x, m_x)| above this is reported: Gamma-Gamma assumes spend independent of frequency. */
    maxAbsFrequencySpendCorrelation: 0.3,
  }),
  clv: Object.freeze({
    /** Horizon in periods (52 weeks when the period is a week). */
    horizon: 52,
    periodsPerYear: 52,
    /** Annual discount rate; converted to a per-period rate (1 + d)^(1/periodsPerYear) - 1. */
    annualDiscountRate: 0.1,
    /** Share of revenue kept as profit. 1 = CLV in revenue terms. */
    margin: 1,
  }),
  holdout: Object.freeze({
    /** Conditional-expectation buckets 0, 1, ..., maxFrequency-1 and "maxFrequency+" (as in FHL 2005). */
    maxFrequency: 7,
  }),
});
