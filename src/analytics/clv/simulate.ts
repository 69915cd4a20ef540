/**
 * Simulators for the three models with known parameters, for parameter-recovery tests and benchmarks.
 * They follow the models' generative stories literally (FHL 2005 for BG/NBD; SMC 1987 for Pareto/NBD;
 * Fader & Hardie 2013 Gamma-Gamma note), drawing from a seeded RNG so every run is reproducible.
 */
import { beta, exponential, gamma, type Rng } from '../random.js';
import type { BgNbdParams, CustomerSummary, GammaGammaParams, ParetoNbdParams } from './types.js';

export interface SimulationOptions {
  customers: number;
  /** Calibration length (time from first purchase to calibration end): one value, a list (cycled) or a function of the index. */
  T: number | readonly number[] | ((i: number) => number);
  /** Length of a holdout window after T; purchases in (T, T + holdoutLength] are counted. Default 0. */
  holdoutLength?: number;
  rng: Rng;
  /**
   * Observe purchase times on a grid of this width (floor), merging purchases in the same tick and in the
   * first purchase's tick — what a daily transaction log shows. 0 (default) keeps continuous times.
   */
  resolution?: number;
}

export interface SimulatedCustomer extends CustomerSummary {
  holdoutCount: number;
  /** Latent purchase rate. */
  lambda: number;
  /** Latent truth: still active at the end of calibration. */
  aliveAtT: boolean;
}

function calibrationLength(o: SimulationOptions, i: number): number {
  if (typeof o.T === 'number') return o.T;
  if (typeof o.T === 'function') return o.T(i);
  return o.T[i % o.T.length]!;
}

/**
 * Records purchase times as they would be observed. With a grid, the first purchase happens at a uniform
 * random moment within its tick (as in a real log) and every time is read as the tick it falls in, so
 * differences of ticks are unbiased for differences of times; purchases in an already-seen tick merge.
 */
class Observer {
  x = 0;
  tx = 0;
  holdout = 0;
  private lastTick = 0;
  private readonly offset: number;
  constructor(
    private readonly T: number,
    private readonly res: number,
    rng: Rng,
  ) {
    this.offset = res > 0 ? rng() * res : 0;
  }
  purchase(t: number): void {
    let time = t;
    if (this.res > 0) {
      const tick = Math.floor((t + this.offset) / this.res);
      if (tick === this.lastTick) return;
      this.lastTick = tick;
      time = tick * this.res;
    }
    if (time <= this.T) {
      this.x++;
      this.tx = time;
    } else this.holdout++;
  }
}

/**
 * BG/NBD: λ ~ Gamma(r, α), p ~ Beta(a, b); exponential inter-purchase times with rate λ; after each
 * repeat purchase the customer drops out with probability p (FHL 2005 assumptions i-v).
 */
export function simulateBgNbd(params: BgNbdParams, o: SimulationOptions): SimulatedCustomer[] {
  const out: SimulatedCustomer[] = new Array(o.customers);
  const H = o.holdoutLength ?? 0;
  const res = o.resolution ?? 0;
  for (let i = 0; i < o.customers; i++) {
    const T = calibrationLength(o, i);
    const lambda = gamma(o.rng, params.r, params.alpha);
    const p = beta(o.rng, params.a, params.b);
    const obs = new Observer(T, res, o.rng);
    let t = 0;
    let deathTime = Number.POSITIVE_INFINITY;
    for (;;) {
      t += exponential(o.rng, lambda);
      if (!(t <= T + H)) break;
      obs.purchase(t);
      if (o.rng() < p) {
        deathTime = t;
        break;
      }
    }
    out[i] = { x: obs.x, tx: obs.tx, T, holdoutCount: obs.holdout, lambda, aliveAtT: deathTime > T };
  }
  return out;
}

/** Pareto/NBD: λ ~ Gamma(r, α), μ ~ Gamma(s, β); Poisson(λ) purchases during an Exp(μ) lifetime (SMC 1987). */
export function simulateParetoNbd(params: ParetoNbdParams, o: SimulationOptions): SimulatedCustomer[] {
  const out: SimulatedCustomer[] = new Array(o.customers);
  const H = o.holdoutLength ?? 0;
  const res = o.resolution ?? 0;
  for (let i = 0; i < o.customers; i++) {
    const T = calibrationLength(o, i);
    const lambda = gamma(o.rng, params.r, params.alpha);
    const mu = gamma(o.rng, params.s, params.beta);
    const lifetime = exponential(o.rng, mu);
    const end = Math.min(lifetime, T + H);
    const obs = new Observer(T, res, o.rng);
    let t = 0;
    for (;;) {
      t += exponential(o.rng, lambda);
      if (!(t <= end)) break;
      obs.purchase(t);
    }
    out[i] = { x: obs.x, tx: obs.tx, T, holdoutCount: obs.holdout, lambda, aliveAtT: lifetime > T };
  }
  return out;
}

export interface SimulatedSpend {
  x: number;
  /** Mean of the x simulated transaction values (0 when x = 0). */
  mx: number;
  /** Latent rate ν; the customer's true mean transaction value is p/ν. */
  nu: number;
}

/** Gamma-Gamma: ν ~ Gamma(q, γ) per customer; each of x transaction values ~ Gamma(p, ν) (Fader & Hardie 2013 note). */
export function simulateGammaGamma(params: GammaGammaParams, frequencies: readonly number[], rng: Rng): SimulatedSpend[] {
  return frequencies.map((x) => {
    const nu = gamma(rng, params.q, params.gamma);
    let total = 0;
    for (let j = 0; j < x; j++) total += gamma(rng, params.p, nu);
    return { x, mx: x > 0 ? total / x : 0, nu };
  });
}
