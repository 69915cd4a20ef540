/**
 * Time-windowed sequence patterns between pairs of items: "of the customers who bought A, what share
 * bought B within N days after?" (DOMAIN.md section 7: "30% of those who buy a large TV upgrade their
 * audio within 90 days"). This is the length-2, customer-level case of sequential pattern mining
 * (Agrawal & Srikant 1995) with a maximum gap constraint (Srikant & Agrawal 1996, GSP's max-gap),
 * counted per customer, not per event. Definitions: docs/analytics/basket.md, "Sequential patterns".
 */
import { SequenceError } from './errors.js';
import type { EventLog } from './events.js';

export const DEFAULTS = Object.freeze({
  /** N: B must come at most this many days after the anchor A (inclusive). */
  windowDays: 90,
  /** B must come at least this many days after the anchor A; 1 = a later day, 0 = same day allowed. */
  minGapDays: 1,
  /** 'first': the customer's first purchase of A is the anchor; 'any': every purchase of A is. */
  anchor: 'first' as SequenceAnchor,
  /** Minimum customers with A then B. */
  minCount: 1,
  /** Minimum share of all customers with A then B. */
  minSupport: 0.001,
  minConfidence: 0,
  /** Also report A then A again (repeat purchase within the window); needs minGapDays >= 1. */
  includeSelf: false,
});

export type SequenceAnchor = 'first' | 'any';

export interface SequencePatternOptions {
  windowDays?: number;
  minGapDays?: number;
  anchor?: SequenceAnchor;
  /**
   * Last day the data covers. When given, only anchors with day + windowDays <= observationEnd are
   * used, so customers who have not yet had a full window are not counted as "did not buy B".
   */
  observationEnd?: number;
  minCount?: number;
  minSupport?: number;
  minConfidence?: number;
  includeSelf?: boolean;
}

/** "A then B within the window", counted over customers. */
export interface SequencePattern {
  readonly antecedent: number;
  readonly consequent: number;
  /** Customers with a usable anchor purchase of A. */
  readonly countAntecedent: number;
  /** Of those, customers who bought B within [anchor + minGapDays, anchor + windowDays]. */
  readonly count: number;
  /** count / all customers. */
  readonly support: number;
  /** count / countAntecedent: "p% of buyers of A bought B within N days". */
  readonly confidence: number;
  /** Share of all customers who ever bought B. */
  readonly baseRate: number;
  /**
   * confidence / baseRate. Compares a within-window share with an ever share, so it understates
   * the association when the window is short next to the observation span; see windowLift.
   */
  readonly lift: number;
  /**
   * How often B follows a typical purchase within the same window: over all anchor items X other
   * than B, sum of count(X then B) / sum of countAntecedent(X). Same window, same anchoring.
   */
  readonly windowBaseRate: number;
  /** confidence / windowBaseRate: "B follows A k times as often as it follows a typical purchase". */
  readonly windowLift: number;
}

export interface SequencePatterns {
  readonly nCustomers: number;
  readonly windowDays: number;
  readonly minGapDays: number;
  readonly anchor: SequenceAnchor;
  readonly observationEnd: number | undefined;
  /** Customers who ever bought each item. */
  readonly itemCustomers: Int32Array;
  /** Customers with a usable anchor purchase of each item (the confidence denominators). */
  readonly anchorCustomers: Int32Array;
  /** Ordered by antecedent, then consequent. */
  readonly patterns: readonly SequencePattern[];
}

/** Pair counts kept dense up to this many item pairs (16 MB), in a Map beyond. */
const DENSE_PAIR_LIMIT = 4_194_304;

/**
 * For every ordered pair (A, B) of items: among customers with an anchor purchase of A (their first,
 * or any, per `anchor`), how many bought B on a day d with minGapDays <= d - anchorDay <= windowDays.
 * One sweep per customer over their day-sorted events; each anchor scans only its window, and for
 * anchor 'any' overlapping windows of the same A are scanned once. Cost O(events + events in windows).
 */
export function sequencePatterns(log: EventLog, options: SequencePatternOptions = {}): SequencePatterns {
  const windowDays = options.windowDays ?? DEFAULTS.windowDays;
  const minGapDays = options.minGapDays ?? DEFAULTS.minGapDays;
  const anchor = options.anchor ?? DEFAULTS.anchor;
  const includeSelf = options.includeSelf ?? DEFAULTS.includeSelf;
  const { observationEnd } = options;
  if (!Number.isInteger(minGapDays) || minGapDays < 0) {
    throw new SequenceError('INVALID_OPTION', `minGapDays must be an integer >= 0, got ${minGapDays}`);
  }
  if (!Number.isInteger(windowDays) || windowDays < minGapDays) {
    throw new SequenceError('INVALID_OPTION', `windowDays must be an integer >= minGapDays, got ${windowDays}`);
  }
  if (includeSelf && minGapDays < 1) {
    throw new SequenceError('INVALID_OPTION', 'includeSelf needs minGapDays >= 1 (a repeat must be on a later day)');
  }
  if (anchor !== 'first' && anchor !== 'any') {
    throw new SequenceError('INVALID_OPTION', `anchor must be 'first' or 'any', got ${String(anchor)}`);
  }

  const { nCustomers, nItems, offsets, days, items } = log;
  const itemCustomers = new Int32Array(nItems);
  const anchorCustomers = new Int32Array(nItems);
  const dense = nItems * nItems <= DENSE_PAIR_LIMIT;
  const pairDense = dense ? new Int32Array(nItems * nItems) : undefined;
  const pairMap = dense ? undefined : new Map<number, number>();

  const seen = new Int32Array(nItems).fill(-1);
  const firstPos = new Int32Array(nItems);
  const nOcc = new Int32Array(nItems);
  const occStart = new Int32Array(nItems);
  const mark = new Int32Array(nItems).fill(-1);
  const distinct = new Int32Array(nItems);
  let byItem = new Int32Array(64);
  let stamp = 0;
  const lastAnchorDay = observationEnd === undefined ? Infinity : observationEnd - windowDays;

  for (let c = 0; c < nCustomers; c++) {
    const s = offsets[c]!;
    const e = offsets[c + 1]!;
    let nd = 0;
    for (let i = s; i < e; i++) {
      const it = items[i]!;
      if (seen[it] !== c) {
        seen[it] = c;
        distinct[nd++] = it;
        firstPos[it] = i;
        nOcc[it] = 0;
        itemCustomers[it]!++;
      }
      nOcc[it]!++;
    }
    if (anchor === 'any') {
      // Bucket this customer's event positions by item, each bucket in day order.
      if (byItem.length < e - s) byItem = new Int32Array((e - s) * 2);
      let run = 0;
      for (let k = 0; k < nd; k++) {
        const it = distinct[k]!;
        occStart[it] = run;
        run += nOcc[it]!;
        nOcc[it] = 0;
      }
      for (let i = s; i < e; i++) {
        const it = items[i]!;
        byItem[occStart[it]! + nOcc[it]!++] = i;
      }
    }
    for (let k = 0; k < nd; k++) {
      const a = distinct[k]!;
      const nAnchors = anchor === 'first' ? 1 : nOcc[a]!;
      let counted = false;
      let scanEnd = s;
      for (let q = 0; q < nAnchors; q++) {
        const p = anchor === 'first' ? firstPos[a]! : byItem[occStart[a]! + q]!;
        const d = days[p]!;
        // anchors in day order: once one is too late to have a full window, so are the rest
        if (d > lastAnchorDay) break;
        if (!counted) {
          counted = true;
          anchorCustomers[a]!++;
          stamp++;
        }
        let j = lowerBound(days, Math.max(scanEnd, s), e, d + minGapDays);
        const hi = d + windowDays;
        for (; j < e && days[j]! <= hi; j++) {
          const b = items[j]!;
          if (mark[b] === stamp || (b === a && !includeSelf)) continue;
          mark[b] = stamp;
          if (pairDense !== undefined) pairDense[a * nItems + b]!++;
          else {
            const key = a * nItems + b;
            pairMap!.set(key, (pairMap!.get(key) ?? 0) + 1);
          }
        }
        if (j > scanEnd) scanEnd = j;
      }
    }
  }

  const minSupport = options.minSupport ?? DEFAULTS.minSupport;
  const need = Math.max(
    options.minCount ?? DEFAULTS.minCount,
    1,
    Math.ceil(minSupport * nCustomers * (1 - 1e-12)),
  );
  const minConfidence = options.minConfidence ?? DEFAULTS.minConfidence;
  // Windowed base rate of B: pooled over anchor items X != B (documented on SequencePattern).
  const followed = new Float64Array(nItems);
  let allAnchors = 0;
  for (let a = 0; a < nItems; a++) allAnchors += anchorCustomers[a]!;
  if (pairDense !== undefined) {
    for (let a = 0; a < nItems; a++) {
      for (let b = 0; b < nItems; b++) if (b !== a) followed[b] += pairDense[a * nItems + b]!;
    }
  } else {
    for (const [key, v] of pairMap!) {
      const b = key % nItems;
      if (Math.floor(key / nItems) !== b) followed[b] += v;
    }
  }
  const patterns: SequencePattern[] = [];
  const add = (a: number, b: number, count: number): void => {
    if (count < need) return;
    const countAntecedent = anchorCustomers[a]!;
    const confidence = count / countAntecedent;
    if (confidence < minConfidence) return;
    const baseRate = itemCustomers[b]! / nCustomers;
    const others = allAnchors - anchorCustomers[b]!;
    const windowBaseRate = others > 0 ? followed[b]! / others : 0;
    patterns.push({
      antecedent: a,
      consequent: b,
      countAntecedent,
      count,
      support: count / nCustomers,
      confidence,
      baseRate,
      lift: confidence / baseRate,
      windowBaseRate,
      // no other item is ever followed by B (possible only for repeat pairs): unboundedly more likely
      windowLift: windowBaseRate > 0 ? confidence / windowBaseRate : Infinity,
    });
  };
  if (pairDense !== undefined) {
    for (let key = 0; key < pairDense.length; key++) {
      const v = pairDense[key]!;
      if (v > 0) add(Math.floor(key / nItems), key % nItems, v);
    }
  } else {
    const keys = [...pairMap!.keys()].sort((x, y) => x - y);
    for (const key of keys) add(Math.floor(key / nItems), key % nItems, pairMap!.get(key)!);
  }
  return {
    nCustomers,
    windowDays,
    minGapDays,
    anchor,
    observationEnd,
    itemCustomers,
    anchorCustomers,
    patterns,
  };
}

/** First index in [lo, hi) with a[index] >= x (a sorted ascending there), or hi. */
function lowerBound(a: Int32Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
