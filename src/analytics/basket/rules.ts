/**
 * Association rules X => Y from frequent itemsets (Agrawal, Imielinski & Swami 1993), with the
 * quality measures of R arules (Hahsler, Grün & Hornik 2005; arules `interestMeasure()`).
 * Definitions: docs/analytics/basket.md.
 */
import { BasketError } from './errors.js';
import { DEFAULTS } from './defaults.js';
import { type FrequentItemsetOptions, type FrequentItemsets, mineFrequentItemsets } from './fp-growth.js';
import type { TransactionDb } from './transactions.js';

export interface AssociationRule {
  /** X, item ids ascending (empty for `{} => {y}`). */
  readonly antecedent: readonly number[];
  /** Y, item ids ascending, disjoint from X. */
  readonly consequent: readonly number[];
  /** Baskets containing X ∪ Y. */
  readonly count: number;
  /** supp(X ∪ Y) = count / n. */
  readonly support: number;
  /** conf = supp(X ∪ Y) / supp(X) (Agrawal et al. 1993). */
  readonly confidence: number;
  /** supp(X), arules' "coverage". */
  readonly coverage: number;
  /** conf / supp(Y) (Brin, Motwani, Ullman & Tsur 1997, "interest"). */
  readonly lift: number;
  /** supp(X ∪ Y) - supp(X) supp(Y) (Piatetsky-Shapiro 1991). */
  readonly leverage: number;
  /** (1 - supp(Y)) / (1 - conf) (Brin et al. 1997); Infinity when conf = 1. */
  readonly conviction: number;
}

export interface RuleOptions {
  minConfidence?: number;
  /** Keep rules with lift >= minLift. */
  minLift?: number;
  /** Rule length |X| + |Y| bounds (arules minlen / maxlen). */
  minLength?: number;
  maxLength?: number;
  /** Largest |Y|. 1 (default) = arules apriori; larger = arules ruleInduction-style rules. */
  maxConsequentLength?: number;
}

/**
 * Rules X => Y with conf >= minConfidence from a complete set of frequent itemsets (as returned by
 * {@link mineFrequentItemsets} with minLength 1, so every antecedent's count is known).
 * As arules' apriori: each rule comes from one frequent itemset Z = X ∪ Y, so supp(X ∪ Y) >= the
 * mining threshold; with minLength 1, a frequent item y with supp(y) >= minConfidence gives `{} => {y}`.
 * Rules are listed itemset by itemset (in the itemsets' order), antecedent-free rules first.
 */
export function associationRules(frequent: FrequentItemsets, options: RuleOptions = {}): AssociationRule[] {
  const minConfidence = options.minConfidence ?? DEFAULTS.minConfidence;
  const minLift = options.minLift ?? DEFAULTS.minLift;
  const minLength = options.minLength ?? DEFAULTS.minLength;
  const maxLength = options.maxLength ?? DEFAULTS.maxLength;
  const maxCons = options.maxConsequentLength ?? DEFAULTS.maxConsequentLength;
  if (!(minConfidence >= 0 && minConfidence <= 1)) {
    throw new BasketError('INVALID_OPTION', `minConfidence must be in [0, 1], got ${minConfidence}`);
  }
  if (!Number.isInteger(maxCons) || maxCons < 1) {
    throw new BasketError('INVALID_OPTION', `maxConsequentLength must be an integer >= 1, got ${maxCons}`);
  }

  const g: RuleGen = {
    n: frequent.nTransactions,
    itemCounts: frequent.itemCounts,
    index: new ItemsetIndex(frequent.itemsets),
    minConfidence,
    minLift,
    maxCons,
    k: 0,
    cZ: 0,
    z: new Int32Array(MAX_RULE_ITEMS),
    x: new Int32Array(MAX_RULE_ITEMS),
    y: new Int32Array(MAX_RULE_ITEMS),
    inY: new Uint8Array(MAX_RULE_ITEMS),
    rules: [],
  };
  const n = g.n;
  for (const set of frequent.itemsets) {
    const k = set.items.length;
    if (k < minLength || k > maxLength) continue;
    if (k > MAX_RULE_ITEMS) {
      throw new BasketError('INVALID_OPTION', `itemsets longer than ${MAX_RULE_ITEMS} items are not supported for rules`);
    }
    const cZ = set.count;
    if (k === 1) {
      // {} => {y}: coverage 1, confidence = supp(y)
      if (cZ / n >= minConfidence) {
        g.y[0] = set.items[0]!;
        pushRule(g, 0, 1, cZ, n, cZ);
      }
      continue;
    }
    g.k = k;
    g.cZ = cZ;
    for (let i = 0; i < k; i++) g.z[i] = set.items[i]!;
    if (maxCons === 1) singleConsequents(g);
    else growConsequents(g, 0);
  }
  return g.rules;
}

const MAX_RULE_ITEMS = 64;

/** Working state of rule generation (plain object and top-level functions: no closures per itemset). */
interface RuleGen {
  readonly n: number;
  readonly itemCounts: Int32Array;
  readonly index: ItemsetIndex;
  readonly minConfidence: number;
  readonly minLift: number;
  readonly maxCons: number;
  /** Current itemset Z = z[0..k) and its count. */
  k: number;
  cZ: number;
  readonly z: Int32Array;
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly inY: Uint8Array;
  readonly rules: AssociationRule[];
}

function lookup(g: RuleGen, buf: Int32Array, len: number): number {
  const c = g.index.get(buf, len);
  if (c < 0) {
    throw new BasketError('INCOMPLETE_ITEMSETS', 'a subset of a frequent itemset is missing: mine itemsets with minLength 1');
  }
  return c;
}

/** Z \ {z_j} => {z_j} for each j (arules apriori's rules). */
function singleConsequents(g: RuleGen): void {
  const { k, cZ, z, x, y } = g;
  for (let j = 0; j < k; j++) {
    let xl = 0;
    for (let i = 0; i < k; i++) if (i !== j) x[xl++] = z[i]!;
    const cX = lookup(g, x, xl);
    if (cZ / cX < g.minConfidence) continue;
    y[0] = z[j]!;
    pushRule(g, xl, 1, cZ, cX, g.itemCounts[y[0]!]!);
  }
}

/**
 * Grow the consequent one position at a time (ascending). conf(X => Y) can only fall as Y grows
 * inside a fixed Z (X shrinks, supp(X) rises: Agrawal & Srikant 1994, ap-genrules), so a failing
 * consequent is not extended.
 */
function growConsequents(g: RuleGen, from: number): void {
  const { k, cZ, z, x, y, inY } = g;
  for (let j = from; j < k; j++) {
    inY[j] = 1;
    let xl = 0;
    let yl = 0;
    for (let i = 0; i < k; i++) {
      if (inY[i] === 1) y[yl++] = z[i]!;
      else x[xl++] = z[i]!;
    }
    if (xl > 0) {
      const cX = lookup(g, x, xl);
      if (cZ / cX >= g.minConfidence) {
        const cY = yl === 1 ? g.itemCounts[y[0]!]! : lookup(g, y, yl);
        pushRule(g, xl, yl, cZ, cX, cY);
        if (yl < g.maxCons) growConsequents(g, j + 1);
      }
    }
    inY[j] = 0;
  }
}

/** Measures from counts (n baskets): see {@link AssociationRule}. */
function pushRule(g: RuleGen, xLen: number, yLen: number, cZ: number, cX: number, cY: number): void {
  const n = g.n;
  // lift = supp(XY) / (supp(X) supp(Y)), from counts to avoid compounding rounding
  const lift = (cZ * n) / (cX * cY);
  if (lift < g.minLift) return;
  const conf = cZ / cX;
  const suppY = cY / n;
  const antecedent: number[] = new Array(xLen);
  for (let i = 0; i < xLen; i++) antecedent[i] = g.x[i]!;
  const consequent: number[] = new Array(yLen);
  for (let i = 0; i < yLen; i++) consequent[i] = g.y[i]!;
  g.rules.push({
    antecedent,
    consequent,
    count: cZ,
    support: cZ / n,
    confidence: conf,
    coverage: cX / n,
    lift,
    leverage: cZ / n - (cX / n) * suppY,
    conviction: cZ === cX ? Infinity : (1 - suppY) / (1 - conf),
  });
}

/** Frequent itemsets and rules in one call, with arules' parameter conventions. */
export function mineAssociationRules(
  data: TransactionDb | readonly (readonly number[])[],
  options: Omit<FrequentItemsetOptions, 'minLength'> & RuleOptions = {},
): { itemsets: FrequentItemsets; rules: AssociationRule[] } {
  const itemsets = mineFrequentItemsets(data, {
    ...(options.minSupport !== undefined ? { minSupport: options.minSupport } : {}),
    ...(options.minCount !== undefined ? { minCount: options.minCount } : {}),
    ...(options.maxItemsets !== undefined ? { maxItemsets: options.maxItemsets } : {}),
    minLength: 1,
    maxLength: options.maxLength ?? DEFAULTS.maxLength,
  });
  return { itemsets, rules: associationRules(itemsets, options) };
}

/** `{a,b} => {c}` as arules prints rules (items in id order). */
export function formatRule(rule: Pick<AssociationRule, 'antecedent' | 'consequent'>, labels: readonly string[]): string {
  const f = (ids: readonly number[]): string => `{${ids.map((i) => labels[i] ?? String(i)).join(',')}}`;
  return `${f(rule.antecedent)} => ${f(rule.consequent)}`;
}

/**
 * Open-addressing hash from a sorted itemset to its count, over flat typed arrays, so rule
 * generation looks up supp(X) without building string keys.
 */
class ItemsetIndex {
  private readonly keys: Int32Array;
  private readonly offsets: Int32Array;
  private readonly counts: Int32Array;
  private readonly table: Int32Array;
  private readonly mask: number;

  constructor(itemsets: readonly { items: readonly number[]; count: number }[]) {
    let total = 0;
    for (const s of itemsets) total += s.items.length;
    const keys = new Int32Array(total);
    const offsets = new Int32Array(itemsets.length + 1);
    const counts = new Int32Array(itemsets.length);
    let size = 16;
    while (size < itemsets.length * 2) size *= 2;
    const table = new Int32Array(size).fill(-1);
    const mask = size - 1;
    let w = 0;
    for (let s = 0; s < itemsets.length; s++) {
      const set = itemsets[s]!;
      const items = set.items;
      const from = w;
      for (let i = 0; i < items.length; i++) keys[w++] = items[i]!;
      offsets[s + 1] = w;
      counts[s] = set.count;
      let h = hash(keys, from, w) & mask;
      while (table[h] !== -1) h = (h + 1) & mask;
      table[h] = s;
    }
    this.keys = keys;
    this.offsets = offsets;
    this.counts = counts;
    this.table = table;
    this.mask = mask;
  }

  /** Count of the itemset buf[0..len) (ascending ids), or -1 if absent. */
  get(buf: Int32Array, len: number): number {
    let h = hash(buf, 0, len) & this.mask;
    for (;;) {
      const s = this.table[h]!;
      if (s === -1) return -1;
      const a = this.offsets[s]!;
      if (this.offsets[s + 1]! - a === len) {
        let i = 0;
        while (i < len && this.keys[a + i] === buf[i]) i++;
        if (i === len) return this.counts[s]!;
      }
      h = (h + 1) & this.mask;
    }
  }
}

function hash(a: Int32Array, from: number, to: number): number {
  let h = 0x811c9dc5 ^ (to - from);
  for (let i = from; i < to; i++) h = Math.imul(h ^ a[i]!, 0x01000193);
  // murmur3 fmix32: small ids differ only in low bits; spread them over the whole word
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
