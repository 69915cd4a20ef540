import type { Kysely } from 'kysely';
import { productsByIds, productsBySkus } from '../../storage/actions.repo.js';
import type { Database, PatternLevel } from '../../storage/schema.js';

/**
 * An item of a basket or a purchase sequence. `key` is stable across databases and re-imports:
 * the product's sku at product level, the category itself at category level. `label` is what
 * people read (the product name when there is one).
 */
export interface ItemRef {
  key: string;
  label: string;
  productId: number | null;
}

/** Growable typed-array column, so millions of ids do not become millions of JS numbers in arrays. */
export class IntColumn {
  private data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Dense ids for item values in order of first appearance (product ids or categories). */
export class ItemDictionary<K extends number | string> {
  private readonly ids = new Map<K, number>();
  readonly values: K[] = [];
  idOf(v: K): number {
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(v, id);
      this.values.push(v);
    }
    return id;
  }
  /** The id of a value already seen, without adding it. */
  find(v: K): number | undefined {
    return this.ids.get(v);
  }
  get size(): number {
    return this.values.length;
  }
}

/** ItemRefs for dense item ids: product ids are resolved to sku and name, categories stand for themselves. */
export async function resolveItems(
  db: Kysely<Database>,
  level: PatternLevel,
  values: readonly (number | string)[],
  denseIds: Iterable<number>,
): Promise<Map<number, ItemRef>> {
  const out = new Map<number, ItemRef>();
  const wanted = [...new Set(denseIds)];
  if (level === 'category') {
    for (const id of wanted) out.set(id, { key: String(values[id]), label: String(values[id]), productId: null });
    return out;
  }
  const products = await productsByIds(db, wanted.map((id) => values[id] as number));
  for (const id of wanted) {
    const pid = values[id] as number;
    const p = products.get(pid);
    out.set(id, p ? { key: p.sku, label: p.name ?? p.sku, productId: p.id } : { key: String(pid), label: String(pid), productId: pid });
  }
  return out;
}

/** ItemRefs for stored keys (skus or categories). */
export async function resolveKeys(db: Kysely<Database>, level: PatternLevel, keys: Iterable<string>): Promise<Map<string, ItemRef>> {
  const wanted = [...new Set(keys)];
  const out = new Map<string, ItemRef>();
  if (level === 'category') {
    for (const k of wanted) out.set(k, { key: k, label: k, productId: null });
    return out;
  }
  const products = await productsBySkus(db, wanted);
  for (const k of wanted) {
    const p = products.get(k);
    out.set(k, { key: k, label: p?.name ?? k, productId: p?.id ?? null });
  }
  return out;
}
