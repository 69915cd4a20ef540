import { sql, type RawBuilder } from 'kysely';
import type { DialectName } from './db.js';

/**
 * The few SQL fragments of the value analytics that differ by engine, in one place. Everything
 * else in analytics.repo.ts is plain SQL both engines run unchanged.
 */
export function byDialect<T>(dialect: DialectName, choices: { sqlite: T; postgres: T }): T {
  return choices[dialect];
}

/** Calendar year of a day number (days since 1970-01-01), as an integer. */
export function yearOfDay(dialect: DialectName, dayExpr: RawBuilder<unknown>): RawBuilder<number> {
  return byDialect(dialect, {
    sqlite: sql<number>`cast(strftime('%Y', (${dayExpr}) * 86400, 'unixepoch') as integer)`,
    postgres: sql<number>`cast(extract(year from date '1970-01-01' + (${dayExpr})) as integer)`,
  });
}

/**
 * Which orders count, as a SQL condition on alias `o` (docs/analytics/pipeline.md, "Which orders
 * count"): completed sales, and return documents that were not cancelled. Cancelled orders never
 * count; a sale with status 'returned' was reversed in full and brings no revenue.
 */
export const COUNTED = sql`((o.kind = 'sale' and o.status = 'completed') or (o.kind = 'return' and o.status <> 'cancelled'))`;

/** A purchase: a completed sale (alias `o`). */
export const PURCHASE = sql`(o.kind = 'sale' and o.status = 'completed')`;

/** Refunded: a counted return document, or a sale reversed in full (status 'returned'). */
export const REFUNDED = sql`((o.kind = 'return' and o.status <> 'cancelled') or (o.kind = 'sale' and o.status = 'returned'))`;
