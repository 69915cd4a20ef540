/**
 * Purchase events per customer in columnar form, sorted by customer, then day, then item, so the
 * sequence miner can sweep each customer's history with typed arrays.
 * Definitions: docs/analytics/basket.md, section "Sequential patterns".
 */
import { SequenceError } from './errors.js';

/** One purchase of one item (or category) by one customer on one day. */
export interface PurchaseEvent {
  readonly customerId: string | number;
  /** Integer day number (e.g. days since 1970-01-01 UTC, as elsewhere in Patron). */
  readonly day: number;
  readonly item: string | number;
}

/** Events of customer c are `offsets[c] .. offsets[c + 1]` in `days` / `items`, by day then item. */
export interface EventLog {
  readonly nCustomers: number;
  readonly nItems: number;
  readonly nEvents: number;
  /** `customerIds[c]`: the id as given. */
  readonly customerIds: readonly (string | number)[];
  /** `labels[item]`: the item as given, as text. */
  readonly labels: readonly string[];
  readonly offsets: Int32Array;
  readonly days: Int32Array;
  readonly items: Int32Array;
}

/** Encode events given as objects (customers and items mapped to dense ids in order of first appearance). */
export function encodeEvents(events: Iterable<PurchaseEvent>): EventLog {
  const customerIndex = new Map<string | number, number>();
  const itemIndex = new Map<string | number, number>();
  const customerIds: (string | number)[] = [];
  const labels: string[] = [];
  let cap = 1024;
  let cust: Int32Array = new Int32Array(cap);
  let days: Int32Array = new Int32Array(cap);
  let items: Int32Array = new Int32Array(cap);
  let n = 0;
  for (const e of events) {
    if (n === cap) {
      cap *= 2;
      cust = resize(cust, cap);
      days = resize(days, cap);
      items = resize(items, cap);
    }
    let c = customerIndex.get(e.customerId);
    if (c === undefined) {
      c = customerIds.length;
      customerIndex.set(e.customerId, c);
      customerIds.push(e.customerId);
    }
    let it = itemIndex.get(e.item);
    if (it === undefined) {
      it = labels.length;
      itemIndex.set(e.item, it);
      labels.push(String(e.item));
    }
    cust[n] = c;
    days[n] = checkDay(e.day);
    items[n] = it;
    n++;
  }
  return eventLogFromArrays({
    customer: cust.subarray(0, n),
    day: days.subarray(0, n),
    item: items.subarray(0, n),
    nCustomers: customerIds.length,
    nItems: labels.length,
    customerIds,
    labels,
  });
}

/**
 * Build an {@link EventLog} from parallel columns of dense ids (customer in 0..nCustomers-1, item in
 * 0..nItems-1) in any order. Counting sort by customer, then each customer's events are sorted by
 * (day, item); inputs are not modified.
 */
export function eventLogFromArrays(input: {
  customer: ArrayLike<number>;
  day: ArrayLike<number>;
  item: ArrayLike<number>;
  nCustomers: number;
  nItems: number;
  customerIds?: readonly (string | number)[];
  labels?: readonly string[];
}): EventLog {
  const { customer, day, item, nCustomers, nItems } = input;
  const n = customer.length;
  if (day.length !== n || item.length !== n) {
    throw new SequenceError('INVALID_INPUT', 'customer, day and item must have the same length');
  }
  const offsets = new Int32Array(nCustomers + 1);
  for (let i = 0; i < n; i++) {
    const c = customer[i]!;
    if (!(c >= 0 && c < nCustomers && Number.isInteger(c))) {
      throw new SequenceError('INVALID_INPUT', `customer id ${c} out of range`);
    }
    const it = item[i]!;
    if (!(it >= 0 && it < nItems && Number.isInteger(it))) {
      throw new SequenceError('INVALID_INPUT', `item id ${it} out of range`);
    }
    checkDay(day[i]!);
    offsets[c + 1]!++;
  }
  for (let c = 0; c < nCustomers; c++) offsets[c + 1]! += offsets[c]!;
  const fill = offsets.slice(0, nCustomers);
  const days = new Int32Array(n);
  const items = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = fill[customer[i]!]!++;
    days[p] = day[i]!;
    items[p] = item[i]!;
  }
  // Per customer: sort by (day, item) unless already in order (the usual case for chronological input).
  let key = new Float64Array(64);
  for (let c = 0; c < nCustomers; c++) {
    const a = offsets[c]!;
    const b = offsets[c + 1]!;
    let sorted = true;
    for (let i = a + 1; i < b && sorted; i++) {
      if (days[i]! < days[i - 1]! || (days[i] === days[i - 1] && items[i]! < items[i - 1]!)) sorted = false;
    }
    if (sorted) continue;
    const len = b - a;
    if (nItems >= 2 ** 21) {
      sortByComparator(days, items, a, b);
      continue;
    }
    if (key.length < len) key = new Float64Array(len * 2);
    // (day, item) packed into one exactly representable double: numeric typed-array sort, no comparator
    for (let i = 0; i < len; i++) key[i] = (days[a + i]! + 2147483648) * nItems + items[a + i]!;
    const k = key.subarray(0, len).sort();
    for (let i = 0; i < len; i++) {
      const v = k[i]!;
      const it = v % nItems;
      items[a + i] = it;
      days[a + i] = (v - it) / nItems - 2147483648;
    }
  }
  return {
    nCustomers,
    nItems,
    nEvents: n,
    customerIds: input.customerIds ?? Array.from({ length: nCustomers }, (_, i) => i),
    labels: input.labels ?? Array.from({ length: nItems }, (_, i) => String(i)),
    offsets,
    days,
    items,
  };
}

/** Fallback when (day, item) cannot be packed exactly into a double (2^32 * nItems >= 2^53). */
function sortByComparator(days: Int32Array, items: Int32Array, a: number, b: number): void {
  const idx = Array.from({ length: b - a }, (_, i) => a + i);
  idx.sort((p, q) => days[p]! - days[q]! || items[p]! - items[q]!);
  const d = idx.map((i) => days[i]!);
  const it = idx.map((i) => items[i]!);
  days.set(d, a);
  items.set(it, a);
}

function checkDay(d: number): number {
  if (!Number.isInteger(d) || d < -2147483648 || d > 2147483647) {
    throw new SequenceError('INVALID_INPUT', `day must be an int32 day number, got ${d}`);
  }
  return d;
}

function resize(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a.subarray(0, Math.min(a.length, cap)));
  return b;
}
