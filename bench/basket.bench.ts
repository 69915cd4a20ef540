/**
 * Market-basket and sequence benchmarks:
 * 1. Groceries (arules data, 9,835 baskets) end to end at support 0.001 / confidence 0.5:
 *    parse + encode + FP-growth + rules (arules finds 5,668 rules here).
 * 2. Synthetic 1,000,000 baskets over 40 categories (skewed sizes and popularity, paired complements).
 * 3. Synthetic 1,000,000 purchase events (100,000 customers) for time-windowed sequence patterns.
 * Peak memory: process.resourceUsage().maxRSS (true OS peak of the whole process) plus
 * process.memoryUsage().rss sampled between phases (the miners are synchronous, so no timer can sample inside them).
 */
import { readFileSync } from 'node:fs';
import { createRng, type Rng } from '../src/analytics/random.js';
import {
  associationRules,
  encodeBaskets,
  mineFrequentItemsets,
  parseBasketText,
  transactionsFromCsr,
} from '../src/analytics/basket/index.js';
import { eventLogFromArrays, sequencePatterns } from '../src/analytics/sequences/index.js';
import { sharedDataPath } from '../src/test-support/paths.js';
import type { BenchResult } from './types.js';

const MB = 1024 * 1024;

export const title = 'Market baskets and sequences (FP-growth, rules, sequence patterns)';
export const targets = 'Groceries parse + mine + rules (supp 0.001, conf 0.5) < 1 s; 10^6 category baskets < 30 s; peak RSS < 1 GB';

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  let sampledPeak = 0;
  const sample = (): number => {
    const rss = process.memoryUsage().rss;
    if (rss > sampledPeak) sampledPeak = rss;
    return rss;
  };
  sample();

  // 1. Groceries end to end. The first (cold) run includes V8 warm-up; then the median of 5 warm runs.
  const path = sharedDataPath('groceries.csv');
  const groceries = (): { ms: number; mineMs: number; rules: number; itemsets: number } => {
    const t0 = performance.now();
    const db = encodeBaskets(parseBasketText(readFileSync(path, 'utf8')));
    const t1 = performance.now();
    const f = mineFrequentItemsets(db, { minSupport: 0.001 });
    const t2 = performance.now();
    const rules = associationRules(f, { minConfidence: 0.5 });
    const t3 = performance.now();
    return { ms: t3 - t0, mineMs: t2 - t1, rules: rules.length, itemsets: f.itemsets.length };
  };
  const cold = groceries();
  const warm = Array.from({ length: 5 }, groceries).sort((a, b) => a.ms - b.ms)[2]!;
  out.push(
    { name: 'groceries: parse + mine + rules (supp 0.001, conf 0.5), cold', value: round(cold.ms / 1000), unit: 's', note: `${cold.itemsets} itemsets, ${cold.rules} rules (arules: 5668); target < 1 s` },
    { name: 'groceries: parse + mine + rules, warm median of 5', value: round(warm.ms / 1000), unit: 's' },
    { name: 'groceries: FP-growth mining only, warm', value: round(warm.mineMs / 1000), unit: 's', note: 'peers: R arules ~0.04 s, Python mlxtend ~0.9 s' },
  );
  sample();

  // 2. One million category-level baskets.
  const nBaskets = 1_000_000;
  let t = performance.now();
  const synth = syntheticBaskets(createRng(20240601), nBaskets, 40);
  const genMs = performance.now() - t;
  sample();
  t = performance.now();
  const db = transactionsFromCsr(synth.offsets, synth.items, 40);
  const encMs = performance.now() - t;
  sample();
  const minSupport = 0.0001;
  t = performance.now();
  const f = mineFrequentItemsets(db, { minSupport });
  const mineMs = performance.now() - t;
  sample();
  t = performance.now();
  const rules = associationRules(f, { minConfidence: 0.5 });
  const rulesMs = performance.now() - t;
  sample();
  out.push(
    { name: 'synthetic 1M baskets / 40 categories: encode + mine + rules', value: round((encMs + mineMs + rulesMs) / 1000), unit: 's', note: `supp ${minSupport} (100 baskets), conf 0.5: ${f.itemsets.length} itemsets, ${rules.length} rules, ${db.items.length} item occurrences; target < 30 s` },
    { name: 'synthetic 1M baskets: FP-growth mining', value: round(mineMs / 1000), unit: 's' },
    { name: 'synthetic 1M baskets: rule generation', value: round(rulesMs / 1000), unit: 's' },
    { name: 'synthetic 1M baskets: generating the data (not in the total)', value: round(genMs / 1000), unit: 's' },
  );
  // Stress: an itemset in as few as 5 of the 10^6 baskets.
  t = performance.now();
  const fs = mineFrequentItemsets(db, { minCount: 5 });
  const stressMineMs = performance.now() - t;
  t = performance.now();
  const rs = associationRules(fs, { minConfidence: 0.5 });
  const stressRulesMs = performance.now() - t;
  sample();
  out.push({
    name: 'synthetic 1M baskets, stress (min count 5): mine + rules',
    value: round((stressMineMs + stressRulesMs) / 1000),
    unit: 's',
    note: `${fs.itemsets.length} itemsets in ${round(stressMineMs / 1000)} s, ${rs.length} rules in ${round(stressRulesMs / 1000)} s`,
  });

  // 3. One million purchase events, 100,000 customers, 40 categories, two years of days.
  t = performance.now();
  const ev = syntheticEvents(createRng(77), 100_000, 1_000_000, 40, 730);
  const evGenMs = performance.now() - t;
  sample();
  t = performance.now();
  const log = eventLogFromArrays({ ...ev, nCustomers: 100_000, nItems: 40 });
  const logMs = performance.now() - t;
  sample();
  t = performance.now();
  const seqFirst = sequencePatterns(log, { windowDays: 90, anchor: 'first' });
  const firstMs = performance.now() - t;
  t = performance.now();
  const seqAny = sequencePatterns(log, { windowDays: 90, anchor: 'any' });
  const anyMs = performance.now() - t;
  sample();
  const planted = seqFirst.patterns.find((p) => p.antecedent === 0 && p.consequent === 1);
  out.push(
    { name: 'sequences 1M events: build event log (sort by customer, day)', value: round(logMs / 1000), unit: 's', note: `data generation ${round(evGenMs / 1000)} s, not included` },
    { name: "sequences 1M events: pair patterns, 90-day window, anchor 'first'", value: round(firstMs / 1000), unit: 's', note: `${seqFirst.patterns.length} pairs; planted 0 -> 1: confidence ${planted ? planted.confidence.toFixed(3) : 'n/a'}, lift vs ever-bought ${planted ? planted.lift.toFixed(2) : 'n/a'}, windowLift ${planted ? planted.windowLift.toFixed(2) : 'n/a'}` },
    { name: "sequences 1M events: pair patterns, 90-day window, anchor 'any'", value: round(anyMs / 1000), unit: 's', note: `${seqAny.patterns.length} pairs` },
  );

  out.push(
    { name: 'peak RSS sampled between phases', value: Math.round(sampledPeak / MB), unit: 'MB', note: 'target < 1024 MB' },
    { name: 'peak RSS of the process (resourceUsage().maxRSS)', value: Math.round((process.resourceUsage().maxRSS * 1024) / MB), unit: 'MB', note: 'whole process: tsx/V8 baseline and any benchmark run earlier in the same process' },
  );
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Index drawn from cumulative weights `cdf` (last entry 1). */
function draw(rng: Rng, cdf: Float64Array): number {
  const u = rng();
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Zipf-like popularity: weight of category k proportional to 1 / (k + 1). */
function zipfCdf(k: number): Float64Array {
  const cdf = new Float64Array(k);
  let s = 0;
  for (let i = 0; i < k; i++) cdf[i] = s += 1 / (i + 1);
  for (let i = 0; i < k; i++) cdf[i]! /= s;
  cdf[k - 1] = 1;
  return cdf;
}

/**
 * Baskets of 1..8 distinct categories: size 1 + Geometric(0.4) capped at 8 (mean about 2.4),
 * categories Zipf-distributed; after each drawn category c, its complement c ^ 1 joins with
 * probability 0.3, so there are real rules to find.
 */
function syntheticBaskets(rng: Rng, n: number, nCat: number): { offsets: Uint32Array; items: Int32Array } {
  const cdf = zipfCdf(nCat);
  const offsets = new Uint32Array(n + 1);
  const items = new Int32Array(n * 8);
  const inBasket = new Int32Array(nCat).fill(-1);
  let w = 0;
  for (let t = 0; t < n; t++) {
    const size = Math.min(8, 1 + Math.floor(Math.log(1 - rng()) / Math.log(0.6)));
    const start = w;
    let tries = 0;
    while (w - start < size && tries++ < 50) {
      const c = draw(rng, cdf);
      if (inBasket[c] === t) continue;
      inBasket[c] = t;
      items[w++] = c;
      const comp = c ^ 1;
      if (w - start < size && inBasket[comp] !== t && rng() < 0.3) {
        inBasket[comp] = t;
        items[w++] = comp;
      }
    }
    offsets[t + 1] = w;
  }
  return { offsets, items: items.slice(0, w) };
}

/**
 * Purchase events: each event goes to a uniformly drawn customer (about 10 each), days uniform over the
 * span, categories Zipf; a customer who buys category 0 ("TV") buys category 1 ("audio")
 * 1..90 days later with probability 0.3.
 */
function syntheticEvents(
  rng: Rng,
  nCustomers: number,
  nEvents: number,
  nCat: number,
  span: number,
): { customer: Int32Array; day: Int32Array; item: Int32Array } {
  const cdf = zipfCdf(nCat);
  const customer = new Int32Array(nEvents);
  const day = new Int32Array(nEvents);
  const item = new Int32Array(nEvents);
  let w = 0;
  while (w < nEvents) {
    const c = Math.floor(rng() * nCustomers);
    const d = Math.floor(rng() * span);
    const it = draw(rng, cdf);
    customer[w] = c;
    day[w] = d;
    item[w++] = it;
    if (it === 0 && w < nEvents && rng() < 0.3) {
      customer[w] = c;
      day[w] = d + 1 + Math.floor(rng() * 90);
      item[w++] = 1;
    }
  }
  return { customer, day, item };
}
