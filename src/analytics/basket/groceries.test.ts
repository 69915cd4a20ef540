/**
 * FP-growth and rules on the arules Groceries data (9,835 baskets), against an independent
 * brute force written here and against figures published for arules.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random.js';
import { sharedDataPath } from '../../test-support/paths.js';
import {
  type AssociationRule,
  type TransactionDb,
  associationRules,
  encodeBaskets,
  formatRule,
  mineAssociationRules,
  mineFrequentItemsets,
  parseBasketText,
} from './index.js';

let db: TransactionDb;
let baskets: string[][];
/** Row-major membership matrix: member[t * nItems + id] = 1 when basket t holds item id. */
let member: Uint8Array;

beforeAll(() => {
  baskets = parseBasketText(readFileSync(sharedDataPath('groceries.csv'), 'utf8'));
  db = encodeBaskets(baskets);
  member = new Uint8Array(db.nTransactions * db.nItems);
  for (let t = 0; t < db.nTransactions; t++) {
    for (let i = db.offsets[t]!; i < db.offsets[t + 1]!; i++) member[t * db.nItems + db.items[i]!] = 1;
  }
});

/** Baskets holding each item, by a plain scan (used only to test the rarest item first). */
let freq: Int32Array;

/** Plain scan: baskets containing every item of `set`. */
function scanCount(items: readonly number[]): number {
  freq ??= (() => {
    const f = new Int32Array(db.nItems);
    for (let t = 0; t < db.nTransactions; t++) for (let id = 0; id < db.nItems; id++) f[id] += member[t * db.nItems + id]!;
    return f;
  })();
  // rarest item first: the same plain scan, it just gives up on a basket sooner
  const set = [...items].sort((a, b) => freq[a]! - freq[b]!);
  let c = 0;
  const m = db.nItems;
  for (let t = 0; t < db.nTransactions; t++) {
    let all = true;
    for (const id of set) {
      if (member[t * m + id] === 0) {
        all = false;
        break;
      }
    }
    if (all) c++;
  }
  return c;
}

/**
 * Independent reference: level-wise Apriori candidate generation (Agrawal & Srikant 1994:
 * join (k-1)-sets sharing their first k-2 items, prune if a (k-1)-subset is infrequent), every
 * candidate counted by a plain scan of all baskets.
 */
function bruteForce(minCount: number): Map<string, number> {
  const result = new Map<string, number>();
  let level: number[][] = [];
  for (let id = 0; id < db.nItems; id++) {
    const c = scanCount([id]);
    if (c >= minCount) {
      level.push([id]);
      result.set(String(id), c);
    }
  }
  while (level.length > 0) {
    const next: number[][] = [];
    for (let a = 0; a < level.length; a++) {
      for (let b = a + 1; b < level.length; b++) {
        const x = level[a]!;
        const y = level[b]!;
        const k = x.length;
        let samePrefix = true;
        for (let i = 0; i < k - 1; i++) if (x[i] !== y[i]) samePrefix = false;
        if (!samePrefix) continue;
        const cand = x[k - 1]! < y[k - 1]! ? [...x, y[k - 1]!] : [...y, x[k - 1]!];
        let pruned = false;
        for (let drop = 0; drop < cand.length && !pruned; drop++) {
          if (!result.has(cand.filter((_, i) => i !== drop).join(','))) pruned = true;
        }
        if (pruned) continue;
        const c = scanCount(cand);
        if (c >= minCount) {
          next.push(cand);
          result.set(cand.join(','), c);
        }
      }
    }
    level = next.sort((p, q) => {
      for (let i = 0; i < p.length; i++) if (p[i] !== q[i]) return p[i]! - q[i]!;
      return 0;
    });
  }
  return result;
}

describe('Groceries data', () => {
  it('has the published shape: 9,835 baskets, 169 items, 43,367 occurrences', () => {
    // counts from /work/shared/data/README.md and arules summary(Groceries)
    expect(db.nTransactions).toBe(9835);
    expect(db.nItems).toBe(169);
    expect(db.items.length).toBe(43367);
    expect(db.labels).toContain('cream cheese ');
    expect(db.labels).not.toContain('cream cheese');
    // arules summary(Groceries): whole milk is in 2,513 baskets
    expect(scanCount([db.labels.indexOf('whole milk')])).toBe(2513);
  });
});

describe('frequent itemsets on Groceries equal a brute-force count', () => {
  for (const minSupport of [0.01, 0.005]) {
    it(`at support ${minSupport}`, () => {
      const mined = mineFrequentItemsets(db, { minSupport, maxLength: Infinity });
      const expected = bruteForce(mined.minCount);
      const got = new Map(mined.itemsets.map((s) => [s.items.join(','), s.count]));
      expect(got.size).toBe(expected.size);
      expect(got).toEqual(expected);
      for (const s of mined.itemsets) expect(s.support).toBe(s.count / 9835);
    });
  }
  it('at support 0.001: 157 frequent items as arules reports, downward closed, sampled counts exact', () => {
    const mined = mineFrequentItemsets(db, { minSupport: 0.001 });
    expect(mined.minCount).toBe(10);
    // arules apriori at supp = 0.001 prints "sorting and recoding items ... [157 item(s)]"
    expect(mined.itemsets.filter((s) => s.items.length === 1).length).toBe(157);
    // 13,492: our own figure (regression guard, not a published value); the rule count below checks it against arules
    expect(mined.itemsets.length).toBe(13492);
    const keys = new Set(mined.itemsets.map((s) => s.items.join(',')));
    for (const s of mined.itemsets) {
      for (let drop = 0; drop < s.items.length && s.items.length > 1; drop++) {
        expect(keys.has(s.items.filter((_, i) => i !== drop).join(','))).toBe(true);
      }
    }
    const rng = createRng(7);
    for (let k = 0; k < 200; k++) {
      const s = mined.itemsets[Math.floor(rng() * mined.itemsets.length)]!;
      expect(s.count).toBe(scanCount(s.items));
    }
  });
});

describe('association rules on Groceries', () => {
  let rules: AssociationRule[];
  beforeAll(() => {
    rules = mineAssociationRules(db, { minSupport: 0.001, minConfidence: 0.5 }).rules;
  });

  it('matches arules: "set of 5668 rules" at supp = 0.001, conf = 0.5 (defaults minlen 1, maxlen 10)', () => {
    // Published arules output (e.g. Lantz, Machine Learning with R; many course notes):
    // set of 5668 rules; rule length distribution 2: 11, 3: 1461, 4: 3211, 5: 939, 6: 46; min count 10.
    expect(rules.length).toBe(5668);
    const dist = new Map<number, number>();
    for (const r of rules) {
      const len = r.antecedent.length + r.consequent.length;
      dist.set(len, (dist.get(len) ?? 0) + 1);
    }
    expect([...dist.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [2, 11],
      [3, 1461],
      [4, 3211],
      [5, 939],
      [6, 46],
    ]);
    expect(Math.min(...rules.map((r) => r.count))).toBe(10);
    expect(Math.max(...rules.map((r) => r.count))).toBe(219);
    expect(rules.every((r) => r.consequent.length === 1 && r.confidence >= 0.5)).toBe(true);
  });

  it('has the published top rule by lift: {Instant food products, soda} => {hamburger meat}', () => {
    // arules: support 0.001220132, confidence 0.6315789, coverage 0.001931876, lift 18.99565, count 12.
    // Tolerances: the published figures are printed to 7 significant digits.
    const top = [...rules].sort((a, b) => b.lift - a.lift)[0]!;
    const lab = (ids: readonly number[]): string[] => ids.map((i) => db.labels[i]!).sort();
    expect(lab(top.antecedent)).toEqual(['Instant food products', 'soda']);
    expect(lab(top.consequent)).toEqual(['hamburger meat']);
    expect(top.count).toBe(12);
    expect(top.support).toBeCloseTo(0.001220132, 8);
    expect(top.confidence).toBeCloseTo(0.6315789, 7);
    expect(top.coverage).toBeCloseTo(0.001931876, 8);
    expect(top.lift).toBeCloseTo(18.99565, 4);
    expect(formatRule(top, db.labels)).toContain('=> {hamburger meat}');
  });

  it('reproduces published single rules', () => {
    // arules output as printed in course notes for supp = 0.001, conf = 0.5 (7 significant digits):
    // {honey} => {whole milk}: support 0.001118454, confidence 0.7333333, lift 2.870009
    // {rice} => {whole milk}: support 0.004677173, confidence 0.6133333, lift 2.400371, count 46
    const find = (lhs: string, rhs: string): AssociationRule =>
      rules.find(
        (r) => r.antecedent.length === 1 && db.labels[r.antecedent[0]!] === lhs && db.labels[r.consequent[0]!] === rhs,
      )!;
    const honey = find('honey', 'whole milk');
    expect(honey.support).toBeCloseTo(0.001118454, 8);
    expect(honey.confidence).toBeCloseTo(0.7333333, 7);
    expect(honey.lift).toBeCloseTo(2.870009, 6);
    const rice = find('rice', 'whole milk');
    expect(rice.count).toBe(46);
    expect(rice.support).toBeCloseTo(0.004677173, 8);
    expect(rice.confidence).toBeCloseTo(0.6133333, 7);
    expect(rice.lift).toBeCloseTo(2.400371, 6);
  });

  it('agrees with a plain scan for a random sample of 300 rules', () => {
    const rng = createRng(20240611);
    const n = db.nTransactions;
    for (let s = 0; s < 300; s++) {
      const r = rules[Math.floor(rng() * rules.length)]!;
      const cXY = scanCount([...r.antecedent, ...r.consequent]);
      const cX = scanCount(r.antecedent);
      const cY = scanCount(r.consequent);
      expect(r.count).toBe(cXY);
      // Relative tolerance 1e-12: the same ratios computed in a different order differ only by rounding.
      const close = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.abs(b));
      close(r.support, cXY / n);
      close(r.confidence, cXY / cX);
      close(r.coverage, cX / n);
      close(r.lift, cXY / cX / (cY / n));
      close(r.leverage + 1, cXY / n - (cX / n) * (cY / n) + 1);
      if (cXY === cX) expect(r.conviction).toBe(Infinity);
      else close(r.conviction, (1 - cY / n) / (1 - cXY / cX));
    }
  });

  it('matches arules at supp = 0.003, conf = 0.5, maxlen = 4: 414 rules (5 / 281 / 128 by length)', () => {
    const f = mineFrequentItemsets(db, { minSupport: 0.003, maxLength: 4 });
    const r = associationRules(f, { minConfidence: 0.5 });
    expect(r.length).toBe(414);
    const byLen = [2, 3, 4].map((k) => r.filter((x) => x.antecedent.length + 1 === k).length);
    expect(byLen).toEqual([5, 281, 128]);
  });

  it('makes {} => {y} rules when supp(y) >= confidence and minLength is 1, as arules', () => {
    // whole milk is in 2,513 / 9,835 = 25.6% of baskets
    const f = mineFrequentItemsets(db, { minSupport: 0.01 });
    const r = associationRules(f, { minConfidence: 0.25 });
    const empty = r.filter((x) => x.antecedent.length === 0);
    expect(empty.map((x) => db.labels[x.consequent[0]!])).toEqual(['whole milk']);
    expect(empty[0]!.lift).toBe(1);
    expect(associationRules(f, { minConfidence: 0.25, minLength: 2 }).some((x) => x.antecedent.length === 0)).toBe(false);
  });

  it('filters on lift and offers multi-item consequents', () => {
    const f = mineFrequentItemsets(db, { minSupport: 0.005 });
    const single = associationRules(f, { minConfidence: 0.3, minLift: 2 });
    expect(single.length).toBeGreaterThan(0);
    expect(single.every((x) => x.lift >= 2)).toBe(true);
    const multi = associationRules(f, { minConfidence: 0.3, maxConsequentLength: 3 });
    const base = associationRules(f, { minConfidence: 0.3 });
    const wide = multi.filter((x) => x.consequent.length > 1);
    expect(wide.length).toBeGreaterThan(0);
    expect(multi.length - wide.length).toBe(base.length);
    for (const x of wide.slice(0, 50)) {
      const cX = scanCount(x.antecedent);
      expect(x.count).toBe(scanCount([...x.antecedent, ...x.consequent]));
      expect(x.confidence).toBeCloseTo(x.count / cX, 12);
      expect(x.confidence).toBeGreaterThanOrEqual(0.3);
    }
  });
});
