import { sql, type RawBuilder } from 'kysely';

/**
 * Where cost to serve comes from (docs/analytics/pipeline.md, "Cost to serve"). Each source is a
 * table of dated cost items per customer; the analytics sum them all up to the as-of day. A new
 * kind of cost (loyalty rewards, service-case compensations) is one more entry here, added with
 * the migration that creates its table: no query elsewhere changes.
 *
 * Identifiers are static SQL written by us, never user input (they are spliced, not bound).
 */
export interface CostToServeSource {
  /** Short name, recorded in each snapshot's parameters. */
  name: string;
  table: string;
  /** Column holding customers.id. */
  customerColumn: string;
  /** Expression for the business-local day number (days since 1970-01-01) of the cost. */
  dayExpression: string;
  /** Expression for the cost in minor units (>= 0). */
  costExpression: string;
  /** Optional static filter, e.g. "status = 'paid'". */
  where?: string;
}

export const COST_TO_SERVE_SOURCES: readonly CostToServeSource[] = Object.freeze([
  // Touchpoints: visits, calls, mailings, gifts ... each with what it cost (DOMAIN.md section 3).
  { name: 'contacts', table: 'contacts', customerColumn: 'customer_id', dayExpression: 'day', costExpression: 'cost_minor' },
]);

export interface CostItemsFilter {
  asOfDay: number;
  /** Customer id range (lo, hi]; both ends optional. */
  afterCustomerId?: number;
  upToCustomerId?: number;
  /** A subquery returning one column of customer ids to restrict to. */
  customerIds?: RawBuilder<unknown>;
}

/**
 * `select customer_id, day, cost_minor from (...all sources...)` as one UNION ALL, each branch
 * filtered (so each uses its own index on (customer, day)).
 */
export function costItems(filter: CostItemsFilter, sources: readonly CostToServeSource[] = COST_TO_SERVE_SOURCES): RawBuilder<unknown> {
  if (sources.length === 0) return sql`select cast(null as integer) as customer_id, 0 as day, 0 as cost_minor where 1 = 0`;
  const parts = sources.map((s) => {
    const cust = sql.raw(s.customerColumn);
    const day = sql.raw(s.dayExpression);
    const conds: RawBuilder<unknown>[] = [sql`${cust} is not null`, sql`${day} <= ${filter.asOfDay}`];
    if (filter.afterCustomerId !== undefined) conds.push(sql`${cust} > ${filter.afterCustomerId}`);
    if (filter.upToCustomerId !== undefined) conds.push(sql`${cust} <= ${filter.upToCustomerId}`);
    if (filter.customerIds) conds.push(sql`${cust} in (${filter.customerIds})`);
    if (s.where) conds.push(sql.raw(`(${s.where})`));
    return sql`select ${cust} as customer_id, ${day} as day, ${sql.raw(s.costExpression)} as cost_minor from ${sql.raw(s.table)} where ${sql.join(conds, sql` and `)}`;
  });
  return sql.join(parts, sql` union all `);
}
