/**
 * Transactions (baskets) in a compact columnar form: item labels mapped to dense integer ids and
 * each basket stored as a sorted, duplicate-free run of ids in one Int32Array (CSR layout), so the
 * miners work on typed arrays instead of millions of small JS arrays.
 * Definitions: docs/analytics/basket.md.
 */
import { BasketError } from './errors.js';

/** A set of baskets. Basket `t` holds `items[offsets[t] .. offsets[t + 1])`, ascending, no repeats. */
export interface TransactionDb {
  readonly nTransactions: number;
  /** Item ids are `0 .. nItems - 1`. */
  readonly nItems: number;
  /** `labels[id]`: the item as given (strings kept byte-exact; numeric ids as their decimal text). */
  readonly labels: readonly string[];
  /** Length `nTransactions + 1`; `offsets[0] = 0`. */
  readonly offsets: Uint32Array;
  readonly items: Int32Array;
}

/**
 * Split basket text into baskets: one basket per line, items separated by `separator`, no quoting
 * (the layout of arules' `read.transactions(format = "basket")` files such as groceries.csv).
 * Items are kept exactly as written (a trailing space, as in `cream cheese `, stays); only a
 * trailing CR (CRLF files) is removed. Empty fields are dropped. A blank line is an empty basket,
 * except the empty remainder after a final newline, which is not a basket.
 */
export function parseBasketText(text: string, separator = ','): string[][] {
  if (separator.length === 0) throw new BasketError('INVALID_OPTION', 'separator must not be empty');
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const out: string[][] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    out[i] = line.length === 0 ? [] : line.split(separator).filter((f) => f.length > 0);
  }
  return out;
}

/**
 * Map item labels to dense ids (in order of first appearance) and store the baskets compactly.
 * An item repeated within one basket counts once (as in arules, where a transaction is a set).
 */
export function encodeBaskets(baskets: Iterable<readonly string[]>): TransactionDb {
  const ids = new Map<string, number>();
  const labels: string[] = [];
  const offsets: number[] = [0];
  let items: Int32Array = new Int32Array(1024);
  let n = 0;
  for (const basket of baskets) {
    if (n + basket.length > items.length) items = grow(items, n + basket.length);
    for (const label of basket) {
      let id = ids.get(label);
      if (id === undefined) {
        id = labels.length;
        ids.set(label, id);
        labels.push(label);
      }
      items[n++] = id;
    }
    offsets.push(n);
  }
  return normalize(Uint32Array.from(offsets), items.slice(0, n), labels.length, labels);
}

/**
 * Baskets given as arrays of non-negative integer item ids. `nItems` defaults to max id + 1;
 * `labels` default to the ids' decimal text.
 */
export function transactionsFromIds(
  baskets: readonly (readonly number[])[],
  nItems?: number,
  labels?: readonly string[],
): TransactionDb {
  let total = 0;
  for (const b of baskets) total += b.length;
  const offsets = new Uint32Array(baskets.length + 1);
  const items = new Int32Array(total);
  let n = 0;
  for (let t = 0; t < baskets.length; t++) {
    for (const id of baskets[t]!) {
      // checked here: the Int32Array store below would silently truncate 1.5 or wrap 2^32
      if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
        throw new BasketError('INVALID_INPUT', `item id must be a non-negative int32, got ${id}`);
      }
      items[n++] = id;
    }
    offsets[t + 1] = n;
  }
  return transactionsFromCsr(offsets, items, nItems, labels);
}

/**
 * Baskets already in CSR form (`offsets` of length n + 1, `items` ids). Ids within a basket are
 * sorted and de-duplicated into fresh arrays; the inputs are not modified.
 */
export function transactionsFromCsr(
  offsets: ArrayLike<number>,
  items: ArrayLike<number>,
  nItems?: number,
  labels?: readonly string[],
): TransactionDb {
  let maxId = -1;
  for (let i = 0; i < items.length; i++) {
    const id = items[i]!;
    if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
      throw new BasketError('INVALID_INPUT', `item id must be a non-negative int32, got ${id}`);
    }
    if (id > maxId) maxId = id;
  }
  const m = nItems ?? maxId + 1;
  if (maxId >= m) throw new BasketError('INVALID_INPUT', `item id ${maxId} out of range for nItems = ${m}`);
  if (labels !== undefined && labels.length !== m) {
    throw new BasketError('INVALID_INPUT', `labels has ${labels.length} entries, expected ${m}`);
  }
  if (offsets.length < 1 || offsets[0] !== 0 || offsets[offsets.length - 1] !== items.length) {
    throw new BasketError('INVALID_INPUT', 'offsets must start at 0 and end at items.length');
  }
  for (let t = 1; t < offsets.length; t++) {
    if (offsets[t]! < offsets[t - 1]!) throw new BasketError('INVALID_INPUT', 'offsets must be non-decreasing');
  }
  const lab = labels ?? Array.from({ length: m }, (_, i) => String(i));
  return normalize(Uint32Array.from(offsets), Int32Array.from(items), m, lab);
}

/** Sort each basket's ids ascending and drop repeats, compacting in place. */
function normalize(offsets: Uint32Array, items: Int32Array, nItems: number, labels: readonly string[]): TransactionDb {
  const nT = offsets.length - 1;
  let w = 0;
  let start = offsets[0]!;
  for (let t = 0; t < nT; t++) {
    const end = offsets[t + 1]!;
    const len = end - start;
    if (len <= 16) insertionSort(items, start, end);
    else items.subarray(start, end).sort();
    const basketStart = w;
    for (let i = start; i < end; i++) {
      const id = items[i]!;
      if (w === basketStart || items[w - 1] !== id) items[w++] = id;
    }
    offsets[t] = basketStart;
    start = end;
  }
  offsets[nT] = w;
  return { nTransactions: nT, nItems, labels, offsets, items: w === items.length ? items : items.slice(0, w) };
}

function insertionSort(a: Int32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

function grow(a: Int32Array, need: number): Int32Array {
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** How many baskets contain each item. */
export function itemCounts(db: TransactionDb): Int32Array {
  const c = new Int32Array(db.nItems);
  const items = db.items;
  for (let i = 0; i < items.length; i++) c[items[i]!]!++;
  return c;
}

/**
 * The absolute count a relative minimum support means: the smallest count c with c / n >= minSupport.
 * The tiny relative slack stops float error (0.003 * 10000 = 30.000000000000004) from raising the
 * threshold by one. Matches arules, where support 0.001 on 9,835 baskets keeps itemsets seen in >= 10.
 */
export function minCountFor(minSupport: number, nTransactions: number): number {
  if (!(minSupport >= 0 && minSupport <= 1)) {
    throw new BasketError('INVALID_OPTION', `minSupport must be in [0, 1], got ${minSupport}`);
  }
  return Math.max(1, Math.ceil(minSupport * nTransactions * (1 - 1e-12)));
}

/** Item labels of a list of ids. */
export function itemLabels(ids: readonly number[], labels: readonly string[]): string[] {
  return ids.map((id) => labels[id] ?? String(id));
}
