/**
 * Seeded pseudo-random numbers for simulation and sampling, so every run is reproducible.
 * mulberry32: a small, fast 32-bit generator; quality is ample for simulation studies
 * (not for cryptography).
 */
export type Rng = () => number;

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box-Muller. */
export function normal(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Exponential with rate `rate`. */
export function exponential(rng: Rng, rate: number): number {
  let u = 0;
  while (u === 0) u = rng();
  return -Math.log(u) / rate;
}

/**
 * Gamma(shape, rate) by Marsaglia & Tsang (2000), "A simple method for generating gamma variables",
 * with the shape<1 boost Gamma(a) = Gamma(a+1) * U^(1/a).
 */
export function gamma(rng: Rng, shape: number, rate: number): number {
  if (shape < 1) {
    const u = rng();
    return gamma(rng, shape + 1, rate) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x) return (d * v) / rate;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

/** Beta(a, b) from two gammas. */
export function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a, 1);
  const y = gamma(rng, b, 1);
  return x / (x + y);
}

/** Poisson(lambda): Knuth for small lambda, normal approximation with continuity guard above 500. */
export function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 500) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rng)));
  const L = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng();
  } while (p > L);
  return k - 1;
}
