/**
 * Frequent itemsets by FP-growth (Han, Pei & Yin 2000, "Mining frequent patterns without candidate
 * generation", SIGMOD): baskets are compressed into a prefix tree (FP-tree) of items in descending
 * frequency order, and the itemsets ending in each item are mined recursively from that item's
 * conditional tree, built from its prefix paths. No candidate generation, no repeated data scans.
 *
 * V8-oriented layout: items are dense integer ranks (0 = most frequent); a tree is parallel
 * Int32Arrays (item, count, parent, first child, next sibling, same-item link) rather than node
 * objects; one tree per recursion depth is allocated once and reused; conditional trees whose
 * nodes form a single path are enumerated directly (Han et al. 2000, lemma 3.2).
 * Definitions and choices: docs/analytics/basket.md.
 */
import { BasketError } from './errors.js';
import { DEFAULTS } from './defaults.js';
import { type TransactionDb, itemCounts, minCountFor, transactionsFromIds } from './transactions.js';

/** One frequent itemset: item ids ascending, the number of baskets containing all of them, and that as a fraction. */
export interface Itemset {
  readonly items: readonly number[];
  readonly count: number;
  readonly support: number;
}

export interface FrequentItemsetOptions {
  /** Minimum support as a fraction of baskets; an itemset is kept when count / n >= minSupport. */
  minSupport?: number;
  /** Minimum support as a count of baskets; overrides `minSupport` when given. */
  minCount?: number;
  /** Shortest itemset reported (shorter ones are still mined, not reported). */
  minLength?: number;
  /** Longest itemset mined. */
  maxLength?: number;
  /** Stop with an error when more itemsets than this are found. */
  maxItemsets?: number;
}

export interface FrequentItemsets {
  readonly nTransactions: number;
  /** The absolute threshold used: count >= minCount. */
  readonly minCount: number;
  readonly minLength: number;
  readonly maxLength: number;
  /** Baskets containing each item id (all items, frequent or not). */
  readonly itemCounts: Int32Array;
  /** Sorted by length, then item ids lexicographically. */
  readonly itemsets: readonly Itemset[];
}

/**
 * All itemsets contained in at least `minCount` baskets (support = count / number of baskets,
 * Agrawal, Imielinski & Swami 1993), up to `maxLength` items.
 * Accepts a {@link TransactionDb} or plain arrays of item ids.
 */
export function mineFrequentItemsets(
  data: TransactionDb | readonly (readonly number[])[],
  options: FrequentItemsetOptions = {},
): FrequentItemsets {
  const db = Array.isArray(data) ? transactionsFromIds(data as readonly (readonly number[])[]) : (data as TransactionDb);
  const n = db.nTransactions;
  const minCount = resolveMinCount(options, n);
  const minLength = options.minLength ?? DEFAULTS.minLength;
  const maxLength = options.maxLength ?? DEFAULTS.maxLength;
  const maxItemsets = options.maxItemsets ?? DEFAULTS.maxItemsets;
  if (!Number.isInteger(minLength) || minLength < 1) {
    throw new BasketError('INVALID_OPTION', `minLength must be an integer >= 1, got ${minLength}`);
  }
  if (!(maxLength >= minLength)) {
    throw new BasketError('INVALID_OPTION', `maxLength (${maxLength}) must be >= minLength (${minLength})`);
  }

  const counts = itemCounts(db);
  const flat = fpGrowth(db, counts, minCount, minLength, Math.min(maxLength, db.nItems), maxItemsets);
  const order = canonicalOrder(flat, db.nItems);
  const itemsets: Itemset[] = new Array(flat.nSets);
  for (let k = 0; k < flat.nSets; k++) {
    const s = order[k]!;
    const a = flat.offsets[s]!;
    const len = flat.offsets[s + 1]! - a;
    const items: number[] = new Array(len);
    for (let i = 0; i < len; i++) items[i] = flat.items[a + i]!;
    const count = flat.counts[s]!;
    itemsets[k] = { items, count, support: count / n };
  }
  return { nTransactions: n, minCount, minLength, maxLength, itemCounts: counts, itemsets };
}

/** Order by length, then item ids lexicographically. */
export function compareItemsets(a: { items: readonly number[] }, b: { items: readonly number[] }): number {
  if (a.items.length !== b.items.length) return a.items.length - b.items.length;
  for (let i = 0; i < a.items.length; i++) {
    const d = a.items[i]! - b.items[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Indices of the flat itemsets in {@link compareItemsets} order, in linear time: items are first
 * sorted within each set, sets are bucketed by length, then each bucket is LSD radix-sorted by item
 * id (one stable counting pass per position). A comparison sort of 10^6 objects costs seconds.
 */
function canonicalOrder(flat: FlatItemsets, nItems: number): Int32Array {
  const { nSets, offsets, items } = flat;
  let maxLen = 0;
  for (let s = 0; s < nSets; s++) {
    const a = offsets[s]!;
    const b = offsets[s + 1]!;
    if (b - a > maxLen) maxLen = b - a;
    for (let i = a + 1; i < b; i++) {
      const v = items[i]!;
      let j = i;
      while (j > a && items[j - 1]! > v) {
        items[j] = items[j - 1]!;
        j--;
      }
      items[j] = v;
    }
  }
  const lenStart = new Int32Array(maxLen + 2);
  for (let s = 0; s < nSets; s++) lenStart[offsets[s + 1]! - offsets[s]! + 1]!++;
  for (let L = 1; L <= maxLen + 1; L++) lenStart[L]! += lenStart[L - 1]!;
  const order = new Int32Array(nSets);
  const fill = lenStart.slice();
  for (let s = 0; s < nSets; s++) order[fill[offsets[s + 1]! - offsets[s]!]!++] = s;
  const tmp = new Int32Array(nSets);
  const bucket = new Int32Array(nItems + 1);
  for (let L = 1; L <= maxLen; L++) {
    const g0 = lenStart[L]!;
    const g1 = lenStart[L + 1]!;
    if (g1 - g0 < 2) continue;
    for (let pos = L - 1; pos >= 0; pos--) {
      bucket.fill(0);
      for (let k = g0; k < g1; k++) bucket[items[offsets[order[k]!]! + pos]! + 1]!++;
      for (let v = 1; v <= nItems; v++) bucket[v]! += bucket[v - 1]!;
      for (let k = g0; k < g1; k++) {
        const s = order[k]!;
        tmp[g0 + bucket[items[offsets[s]! + pos]!]!++] = s;
      }
      order.set(tmp.subarray(g0, g1), g0);
    }
  }
  return order;
}

function resolveMinCount(options: FrequentItemsetOptions, n: number): number {
  if (options.minCount !== undefined) {
    if (!Number.isInteger(options.minCount) || options.minCount < 1) {
      throw new BasketError('INVALID_OPTION', `minCount must be an integer >= 1, got ${options.minCount}`);
    }
    return options.minCount;
  }
  return minCountFor(options.minSupport ?? DEFAULTS.minSupport, n);
}

/** Itemsets as flat typed arrays (item ids per set, unsorted within a set). */
interface FlatItemsets {
  nSets: number;
  offsets: Int32Array;
  items: Int32Array;
  counts: Int32Array;
}

function fpGrowth(
  db: TransactionDb,
  counts: Int32Array,
  minCount: number,
  minLength: number,
  maxLength: number,
  maxItemsets: number,
): FlatItemsets {
  // Rank frequent items by descending count (ties by id): frequent items near the root share prefixes best.
  const frequent: number[] = [];
  for (let id = 0; id < db.nItems; id++) if (counts[id]! >= minCount) frequent.push(id);
  frequent.sort((a, b) => counts[b]! - counts[a]! || a - b);
  const nRanks = frequent.length;
  const rankToId = Int32Array.from(frequent);
  const idToRank = new Int32Array(db.nItems).fill(-1);
  for (let r = 0; r < nRanks; r++) idToRank[rankToId[r]!] = r;

  const out = new OutBuffer(maxItemsets);
  if (nRanks === 0 || maxLength < 1) return out.finish(rankToId);

  const root = new FpTree(nRanks, 1024);
  const buf = new Int32Array(nRanks);
  const { offsets, items } = db;
  for (let t = 0; t < db.nTransactions; t++) {
    let len = 0;
    for (let i = offsets[t]!; i < offsets[t + 1]!; i++) {
      const r = idToRank[items[i]!]!;
      if (r < 0) continue;
      // insertion sort, descending: insertReversed walks it from the end (most frequent first)
      let j = len++;
      while (j > 0 && buf[j - 1]! < r) {
        buf[j] = buf[j - 1]!;
        j--;
      }
      buf[j] = r;
    }
    if (len > 0) root.insertReversed(buf, len, 1);
  }
  new Miner(nRanks, minCount, minLength, maxLength, out).mine(root, 0);
  return out.finish(rankToId);
}

/** FP-tree as parallel typed arrays. Node 0 is the root. */
class FpTree {
  size = 1;
  item: Int32Array;
  count: Int32Array;
  parent: Int32Array;
  child: Int32Array;
  sibling: Int32Array;
  link: Int32Array;
  /** Per rank: first node of the item's node-link chain (-1 if absent), total count, root's child. */
  readonly head: Int32Array;
  readonly total: Int32Array;
  readonly rootChild: Int32Array;
  /** Ranks present in the tree (to reset cheaply and to iterate without scanning all ranks). */
  readonly present: Int32Array;
  nPresent = 0;
  /** False while every node has at most one child: the tree is a single path. */
  branched = false;

  constructor(nRanks: number, capacity: number) {
    this.item = new Int32Array(capacity);
    this.count = new Int32Array(capacity);
    this.parent = new Int32Array(capacity);
    this.child = new Int32Array(capacity);
    this.sibling = new Int32Array(capacity);
    this.link = new Int32Array(capacity);
    this.head = new Int32Array(nRanks).fill(-1);
    this.total = new Int32Array(nRanks);
    this.rootChild = new Int32Array(nRanks).fill(-1);
    this.present = new Int32Array(nRanks);
    this.child[0] = -1;
    this.parent[0] = -1;
  }

  reset(): void {
    for (let i = 0; i < this.nPresent; i++) {
      const r = this.present[i]!;
      this.head[r] = -1;
      this.total[r] = 0;
      this.rootChild[r] = -1;
    }
    this.nPresent = 0;
    this.size = 1;
    this.child[0] = -1;
    this.branched = false;
  }

  private reserve(extra: number): void {
    const need = this.size + extra;
    if (need <= this.item.length) return;
    const cap = Math.max(need, this.item.length * 2);
    const g = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a.subarray(0, this.size));
      return b;
    };
    this.item = g(this.item);
    this.count = g(this.count);
    this.parent = g(this.parent);
    this.child = g(this.child);
    this.sibling = g(this.sibling);
    this.link = g(this.link);
  }

  /** Insert the path buf[len-1], ..., buf[0] (ascending rank from the root) with weight w. */
  insertReversed(buf: Int32Array, len: number, w: number): void {
    this.reserve(len);
    const { item, count, parent, child, sibling, link, head, total, rootChild, present } = this;
    let node = 0;
    for (let i = len - 1; i >= 0; i--) {
      const it = buf[i]!;
      let c: number;
      if (node === 0) {
        c = rootChild[it]!;
      } else {
        // Scan siblings; move a hit to the front so frequent continuations are found first.
        let prev = -1;
        c = child[node]!;
        while (c !== -1 && item[c] !== it) {
          prev = c;
          c = sibling[c]!;
        }
        if (c !== -1 && prev !== -1) {
          sibling[prev] = sibling[c]!;
          sibling[c] = child[node]!;
          child[node] = c;
        }
      }
      if (c === -1) {
        c = this.size++;
        item[c] = it;
        count[c] = 0;
        parent[c] = node;
        child[c] = -1;
        if (child[node] !== -1) this.branched = true;
        sibling[c] = child[node]!;
        child[node] = c;
        if (node === 0) rootChild[it] = c;
        if (head[it] === -1) present[this.nPresent++] = it;
        link[c] = head[it]!;
        head[it] = c;
      }
      count[c] += w;
      total[it] += w;
      node = c;
    }
  }
}

class Miner {
  private readonly prefix: Int32Array;
  private readonly condCount: Int32Array;
  private readonly touched: Int32Array;
  private readonly buf: Int32Array;
  private readonly pathItem: Int32Array;
  private readonly pathCount: Int32Array;
  private readonly pool: FpTree[] = [];

  constructor(
    private readonly nRanks: number,
    private readonly minCount: number,
    private readonly minLength: number,
    private readonly maxLength: number,
    private readonly out: OutBuffer,
  ) {
    this.prefix = new Int32Array(maxLength);
    this.condCount = new Int32Array(nRanks);
    this.touched = new Int32Array(nRanks);
    this.buf = new Int32Array(nRanks);
    this.pathItem = new Int32Array(nRanks);
    this.pathCount = new Int32Array(nRanks);
  }

  private treeAt(depth: number): FpTree {
    let t = this.pool[depth];
    if (t === undefined) {
      t = new FpTree(this.nRanks, 256);
      this.pool[depth] = t;
    }
    t.reset();
    return t;
  }

  /** Mine `tree`, the conditional tree of the `depth` items in prefix[0..depth). */
  mine(tree: FpTree, depth: number): void {
    if (!tree.branched) {
      this.singlePath(tree, depth);
      return;
    }
    const { prefix, condCount, touched, buf, minCount, minLength, maxLength, out } = this;
    const { present, nPresent, head, total, link, parent, item, count } = tree;
    const len = depth + 1;
    for (let k = 0; k < nPresent; k++) {
      const r = present[k]!;
      prefix[depth] = r;
      if (len >= minLength) out.emit(prefix, len, total[r]!);
      if (len >= maxLength) continue;
      // Pass 1: item counts in r's conditional pattern base (its prefix paths).
      let nt = 0;
      for (let nd = head[r]!; nd !== -1; nd = link[nd]!) {
        const c = count[nd]!;
        for (let p = parent[nd]!; p !== 0; p = parent[p]!) {
          const it = item[p]!;
          if (condCount[it] === 0) touched[nt++] = it;
          condCount[it] += c;
        }
      }
      let anyFrequent = false;
      for (let i = 0; i < nt; i++) {
        if (condCount[touched[i]!]! >= minCount) {
          anyFrequent = true;
          break;
        }
      }
      if (anyFrequent) {
        // Pass 2: the conditional FP-tree of the frequent items of those paths.
        const sub = this.treeAt(len);
        for (let nd = head[r]!; nd !== -1; nd = link[nd]!) {
          let L = 0;
          for (let p = parent[nd]!; p !== 0; p = parent[p]!) {
            const it = item[p]!;
            if (condCount[it]! >= minCount) buf[L++] = it;
          }
          if (L > 0) sub.insertReversed(buf, L, count[nd]!);
        }
        for (let i = 0; i < nt; i++) condCount[touched[i]!] = 0;
        this.mine(sub, len);
      } else {
        for (let i = 0; i < nt; i++) condCount[touched[i]!] = 0;
      }
    }
  }

  /**
   * Every non-empty subset of a single path, joined to the prefix, is frequent; its count is the
   * count of its deepest node, since counts never increase down a path (Han et al. 2000, lemma 3.2).
   */
  private singlePath(tree: FpTree, depth: number): void {
    let L = 0;
    for (let nd = tree.child[0]!; nd !== -1; nd = tree.child[nd]!) {
      this.pathItem[L] = tree.item[nd]!;
      this.pathCount[L] = tree.count[nd]!;
      L++;
    }
    this.combos(0, L, depth);
  }

  private combos(start: number, L: number, len: number): void {
    const next = len + 1;
    for (let j = start; j < L; j++) {
      this.prefix[len] = this.pathItem[j]!;
      if (next >= this.minLength) this.out.emit(this.prefix, next, this.pathCount[j]!);
      if (next < this.maxLength) this.combos(j + 1, L, next);
    }
  }
}

/** Growable flat store of itemsets (ranks), converted to item ids at the end. */
class OutBuffer {
  nSets = 0;
  private nItems = 0;
  private items: Int32Array = new Int32Array(4096);
  private offsets: Int32Array = new Int32Array(1025);
  private counts: Int32Array = new Int32Array(1024);

  constructor(private readonly maxItemsets: number) {}

  emit(prefix: Int32Array, len: number, count: number): void {
    if (this.nSets >= this.maxItemsets) {
      throw new BasketError(
        'TOO_MANY_ITEMSETS',
        `more than ${this.maxItemsets} frequent itemsets: raise minSupport, lower maxLength, or raise maxItemsets`,
      );
    }
    if (this.nItems + len > this.items.length) this.items = growTo(this.items, this.nItems + len);
    if (this.nSets + 2 > this.offsets.length) this.offsets = growTo(this.offsets, this.nSets + 2);
    if (this.nSets + 1 > this.counts.length) this.counts = growTo(this.counts, this.nSets + 1);
    this.items.set(prefix.subarray(0, len), this.nItems);
    this.nItems += len;
    this.counts[this.nSets] = count;
    this.offsets[++this.nSets] = this.nItems;
  }

  finish(rankToId: Int32Array): FlatItemsets {
    const items = this.items.slice(0, this.nItems);
    for (let i = 0; i < items.length; i++) items[i] = rankToId[items[i]!]!;
    return { nSets: this.nSets, offsets: this.offsets.slice(0, this.nSets + 1), items, counts: this.counts.slice(0, this.nSets) };
  }
}

function growTo(a: Int32Array, need: number): Int32Array {
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}
