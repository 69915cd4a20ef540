import type { Rng } from '../../analytics/random.js';

/**
 * A 32-bit seed for customer `i` of a run seeded with `seed` (murmur3's finaliser over both), so
 * each customer has an independent, reproducible stream however the run is chunked.
 */
export function streamSeed(seed: number, i: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** One element, uniformly. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** Cumulative weights, for `pickIndex`. */
export function cumulative(weights: readonly number[]): Float64Array {
  const c = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) c[i] = s += weights[i]!;
  return c;
}

/** Index drawn with probability proportional to the weights behind `cum`. */
export function pickIndex(rng: Rng, cum: Float64Array): number {
  const u = rng() * cum[cum.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Picks from [value, weight] pairs. */
export function weighted<T>(rng: Rng, pairs: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of pairs) total += w;
  let u = rng() * total;
  for (const [v, w] of pairs) {
    u -= w;
    if (u < 0) return v;
  }
  return pairs[pairs.length - 1]![0];
}

/**
 * A bijection of [0, m) (an affine map with a multiplier coprime to m), used to give every
 * customer a distinct phone number and mailbox without remembering the ones already handed out.
 */
export function permute(i: number, m: number, multiplier: number, offset: number): number {
  return (((i % m) * multiplier + offset) % m + m) % m;
}

/** A stable 32-bit fingerprint of integers (murmur3-style mixing), as 8 hex digits; not a security hash. */
export function mixHash(values: readonly number[]): string {
  let h = 0x811c9dc5;
  for (const v of values) {
    // Split into two 32-bit halves so amounts beyond 2^32 still count in full.
    const lo = v | 0;
    const hi = Math.floor(v / 4294967296) | 0;
    h = Math.imul(h ^ lo, 0xcc9e2d51);
    h = Math.imul((h << 15) | (h >>> 17), 0x1b873593) ^ hi;
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0).toString(16).padStart(8, '0');
}
