import { describe, expect, it } from 'vitest';
import { createRng } from '../../analytics/random.js';
import { FingerprintSet, hash32 } from './fingerprint-set.js';

describe('FingerprintSet', () => {
  it('agrees with a Set on members and non-members, across growth', () => {
    const rng = createRng(5);
    const exact = new Set<string>();
    const fp = new FingerprintSet();
    let disagreements = 0;
    let repeats = 0;
    for (let i = 0; i < 200_000; i++) {
      const key = rng() < 0.5 ? `O${Math.floor(rng() * 300_000)}` : `订单-${Math.floor(rng() * 1e9).toString(36)}`;
      if (fp.has(key) !== exact.has(key)) disagreements++;
      if (exact.has(key)) repeats++;
      exact.add(key);
      fp.add(key);
    }
    expect(disagreements).toBe(0);
    expect(repeats).toBeGreaterThan(10_000); // members were asked about, not only strangers
    expect(fp.size).toBe(exact.size);
    for (const k of ['', 'O', 'O-1', 'never added', '订单']) expect(fp.has(k)).toBe(exact.has(k));
    // 16 bytes per member at most (load <= 1/2), far below a Set<string>.
    expect(fp.bytes).toBeLessThanOrEqual(32 * Math.max(1024, exact.size));
  });

  it('gives a million sequential ids distinct 64-bit fingerprints and spreads them evenly', () => {
    const seen = new Set<string>();
    const buckets = new Array<number>(256).fill(0);
    for (let i = 0; i < 1_000_000; i++) {
      const k = `O${i}`;
      const a = hash32(k, 17);
      const b = hash32(k, 0x2545f491);
      seen.add(`${a},${b}`);
      buckets[a & 255]!++;
    }
    expect(seen.size).toBe(1_000_000);
    // Chi-square over 256 buckets (255 degrees of freedom): far above ~330 means a poor mix.
    const expected = 1_000_000 / 256;
    const chi2 = buckets.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(330);
  });

  it('depends on every character and on the seed', () => {
    expect(hash32('O123', 1)).not.toBe(hash32('O124', 1));
    expect(hash32('ab', 1)).not.toBe(hash32('ba', 1));
    expect(hash32('a', 1)).not.toBe(hash32('a\u0000', 1));
    expect(hash32('O123', 1)).not.toBe(hash32('O123', 2));
    expect(hash32('O123', 1)).toBe(hash32('O123', 1));
  });
});
