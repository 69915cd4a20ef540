import { describe, expect, it } from 'vitest';
import { AFFINITY, CATEGORIES, VENUES, buildProducts } from './catalogue.js';

describe('demo catalogue', () => {
  const products = buildProducts();

  it('has a believable size: 60-200 SKUs in 10-15 categories, unique SKUs', () => {
    expect(products.length).toBeGreaterThanOrEqual(60);
    expect(products.length).toBeLessThanOrEqual(200);
    expect(CATEGORIES.length).toBeGreaterThanOrEqual(10);
    expect(CATEGORIES.length).toBeLessThanOrEqual(15);
    expect(new Set(products.map((p) => p.sku)).size).toBe(products.length);
    for (const c of CATEGORIES) expect(products.some((p) => p.category === c.code)).toBe(true);
  });

  it('gives margins between 20% and 75% at list price', () => {
    for (const p of products) {
      const margin = 1 - p.unitCostMinor / p.listPriceMinor;
      expect(margin, p.sku).toBeGreaterThanOrEqual(0.2 - 1e-9);
      expect(margin, p.sku).toBeLessThanOrEqual(0.75);
      expect(Number.isInteger(p.unitCostMinor)).toBe(true);
    }
  });

  it('sells every category somewhere and only pairs categories that exist', () => {
    const kinds = new Set(VENUES.map((v) => v.kind));
    for (const c of CATEGORIES) expect(c.soldAt.some((k) => kinds.has(k))).toBe(true);
    const codes = new Set(CATEGORIES.map((c) => c.code));
    for (const [from, to] of Object.entries(AFFINITY)) {
      expect(codes.has(from as never)).toBe(true);
      for (const [c, p] of to) {
        expect(codes.has(c)).toBe(true);
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThan(1);
      }
    }
  });
});
