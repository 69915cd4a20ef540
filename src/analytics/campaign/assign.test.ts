import { describe, expect, it } from 'vitest';
import { assignControlGroup, campaignSeed, fnv1a32 } from './assign.js';
import { createRng } from '../random.js';

describe('fnv1a32', () => {
  // Test vectors from the FNV reference (Fowler/Noll/Vo, test_fnv.c, FNV-1a 32-bit).
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('fnv1a32(%j)', (s, h) => {
    expect(fnv1a32(s)).toBe(h);
  });
  it('hashes UTF-8 bytes', () => {
    // '客' is E5 AE A2 in UTF-8; the hash must equal hashing those three bytes as Latin-1-free input
    let h = 0x811c9dc5;
    for (const b of [0xe5, 0xae, 0xa2]) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    expect(fnv1a32('客')).toBe(h);
  });
});

describe('assignControlGroup', () => {
  const ids = Array.from({ length: 1000 }, (_, i) => `cust-${i}`);

  it('takes round(fraction·n) customers as control and partitions the list', () => {
    const a = assignControlGroup('spring-2024', ids, 0.2);
    expect(a.seed).toBe(campaignSeed('spring-2024'));
    expect(a.controlSize).toBe(200);
    expect(a.control).toHaveLength(200);
    expect(new Set([...a.control, ...a.treatment]).size).toBe(1000);
    expect(assignControlGroup('x', ids.slice(0, 5), 0.1).controlSize).toBe(1); // 0.5 rounds up
  });

  it('does not depend on input order (seeded shuffle)', () => {
    const rng = createRng(3);
    const shuffled = [...ids];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    expect(assignControlGroup('spring-2024', shuffled, 0.2)).toEqual(assignControlGroup('spring-2024', ids, 0.2));
  });

  it('gives different campaigns roughly independent control groups', () => {
    const a = new Set(assignControlGroup('spring-2024', ids, 0.2).control);
    const b = assignControlGroup('autumn-2024', ids, 0.2).control;
    const overlap = b.filter((id) => a.has(id)).length;
    // independent draws overlap by 200·0.2 = 40 on average (SD ≈ 5.7); allow 20..60
    expect(overlap).toBeGreaterThan(20);
    expect(overlap).toBeLessThan(60);
  });

  it('is balanced on a customer attribute it never sees (ids ending in 0-4 vs 5-9)', () => {
    const a = assignControlGroup('balance', ids, 0.5);
    const low = a.control.filter((id) => Number(id.slice(-1)) < 5).length;
    // hypergeometric SD ≈ 11; allow ±45
    expect(Math.abs(low - 250)).toBeLessThan(45);
  });

  it('rejects duplicates and bad fractions', () => {
    expect(() => assignControlGroup('c', ['a', 'a'], 0.5)).toThrow(/twice/);
    expect(() => assignControlGroup('c', ['a'], 1.5)).toThrow(/controlFraction/);
  });
});
