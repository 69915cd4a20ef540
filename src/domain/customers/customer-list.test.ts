import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../analytics/random.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { compileSearch, searchCustomers } from '../../storage/customers.repo.js';
import type { Db } from '../../storage/db.js';
import { PatronError } from '../errors.js';
import { chooseDriver, csvText, customerCsvExport, filterOptions, listCustomers, normalizeFilters, resolveFilters, type CustomerFilters } from './customer-list.js';
import { expectedIds, seedListFixture, TAGS, type ListFixture } from './test-fixtures.js';

/** Every page of a filtered list, followed by cursor (small pages, so paging is exercised too). */
async function allIds(db: Db, f: CustomerFilters, scope: number | null = null, limit = 7): Promise<number[]> {
  const out: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const page = await listCustomers(db.kysely, f, { limit, cursor }, scope);
    out.push(...page.items.map((c) => c.id));
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

async function csvOf(db: Db, f: CustomerFilters, o: Partial<Parameters<typeof customerCsvExport>[2]> = {}): Promise<string> {
  let s = '';
  for await (const chunk of await customerCsvExport(db.kysely, f, { maxRows: 1_000_000, currencyDecimals: 2, includeValue: true, scopeVenueId: null, ...o })) s += chunk;
  return s;
}

describeEachDialect('customer list filters', (dialect) => {
  let db: Db;
  let fx: ListFixture;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    fx = await seedListFixture(db);
  }, 60_000);
  afterAll(() => db.close());

  it('returns exactly the customers each single filter names', async () => {
    const cases: CustomerFilters[] = [
      {},
      { q: 'cust 1' },
      { q: 'L0007' },
      { rfmSegment: ['champions'] },
      { rfmSegment: ['loyal', 'at-risk', 'new'] },
      { eightWay: ['important-value'] },
      { eightWay: ['important-value', 'general-development'] },
      { abc: ['A'] },
      { abc: ['B', 'C'] },
      { valueTier: ['platinum', 'gold'] },
      { decile: [1] },
      { decile: [2, 3, 9] },
      { revenueMin: 50_000 },
      { revenueMax: 0 },
      { revenueMin: 10_000, revenueMax: 60_000 },
      { clvMin: 50_000 },
      { clvMax: 20_000 },
      { churn: 'at-risk' },
      { churn: 'not-at-risk' },
      { churnRiskMin: 0.8 },
      { churn: 'at-risk', churnRiskMin: 0.6 },
      { loyaltyTier: [fx.tiers.gold] },
      { loyaltyTier: [fx.tiers.silver, fx.tiers.basic] },
      { venue: fx.venues.north },
      { venue: fx.venues.east },
      { tag: ['vip'] },
      { tag: ['wine', '企业客户'] },
      { tag: ['no-such-tag'] },
    ];
    for (const f of cases) {
      const want = expectedIds(fx, f);
      expect(await allIds(db, f), JSON.stringify(f)).toEqual(want);
    }
    // The fixture is not degenerate: filters select a real part of the customers.
    expect(expectedIds(fx, { rfmSegment: ['champions'] }).length).toBeGreaterThan(3);
    expect(expectedIds(fx, { churn: 'at-risk' }).length).toBeGreaterThan(20);
    expect(expectedIds(fx, { venue: fx.venues.east }).length).toBeGreaterThan(20);
  });

  it('combines filters (all of), checked on random combinations against a hand computation', async () => {
    const rng = createRng(11);
    const pickSome = <T>(xs: readonly T[]) => xs.filter(() => rng() < 0.35);
    let nonEmpty = 0;
    for (let i = 0; i < 40; i++) {
      const f: CustomerFilters = {};
      if (rng() < 0.3) f.rfmSegment = pickSome(['champions', 'loyal', 'potential-loyalists', 'new', 'promising', 'need-attention', 'at-risk', 'hibernating']);
      if (rng() < 0.3) f.eightWay = pickSome(['important-value', 'important-development', 'important-retention', 'general-value', 'general-retention']);
      if (rng() < 0.3) f.abc = pickSome(['A', 'B', 'C']);
      if (rng() < 0.2) f.valueTier = pickSome(['platinum', 'gold', 'iron']);
      if (rng() < 0.2) f.decile = pickSome([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      if (rng() < 0.3) f.revenueMin = Math.floor(rng() * 100_000);
      if (rng() < 0.2) f.clvMin = Math.floor(rng() * 50_000);
      if (rng() < 0.2) f.churn = rng() < 0.5 ? 'at-risk' : 'not-at-risk';
      if (rng() < 0.3) f.loyaltyTier = pickSome([fx.tiers.silver, fx.tiers.gold, fx.tiers.basic]);
      if (rng() < 0.3) f.venue = [fx.venues.north, fx.venues.south, fx.venues.east][Math.floor(rng() * 3)];
      if (rng() < 0.4) f.tag = pickSome(TAGS);
      const clean = normalizeFilters(f);
      const want = expectedIds(fx, clean);
      if (want.length > 0) nonEmpty++;
      expect(await allIds(db, clean, null, 11), JSON.stringify(clean)).toEqual(want);
    }
    expect(nonEmpty).toBeGreaterThan(10);
  });

  it('gives the same pages whether it walks every customer or a small filter\'s index', async () => {
    const filters: CustomerFilters[] = [
      { tag: ['tea'] },
      { tag: ['vip'], abc: ['A', 'B'] },
      { loyaltyTier: [fx.tiers.gold], venue: fx.venues.south },
      { churn: 'at-risk', churnRiskMin: 0.7, tag: ['wine'] },
      { churn: 'at-risk', loyaltyTier: [fx.tiers.silver], rfmSegment: ['loyal', 'champions', 'new'] },
    ];
    const drivers = new Set<string>();
    for (const f of filters) {
      const r = await resolveFilters(db.kysely, f, null);
      const driver = await chooseDriver(db.kysely, f, r);
      drivers.add(driver?.kind ?? 'none');
      const walk = async (d: typeof driver) => {
        const out: number[] = [];
        let afterId: number | null = null;
        for (;;) {
          const rows = await searchCustomers(db.kysely, { keys: null, filters: r.sql, driver: d, afterId, limit: 4 });
          out.push(...rows.map((x) => x.id));
          if (rows.length < 4) return out;
          afterId = rows[rows.length - 1]!.id;
        }
      };
      const want = expectedIds(fx, f);
      expect(await walk(undefined), JSON.stringify(f)).toEqual(want);
      expect(await walk(driver), JSON.stringify(f)).toEqual(want);
      for (const d of [{ kind: 'tag', tag: f.tag?.[0] ?? 'vip' }, { kind: 'churn', runId: fx.churnRunId }] as const) {
        if ((d.kind === 'tag' && f.tag) || (d.kind === 'churn' && f.churn)) expect(await walk(d), JSON.stringify([f, d])).toEqual(want);
      }
    }
    expect([...drivers].sort()).toEqual(['churn', 'loyaltyTier', 'tag']);
  });

  it('reads the newest completed snapshot and runs, and says which', async () => {
    const page = await listCustomers(db.kysely, { rfmSegment: ['champions'], clvMin: 1, churn: 'at-risk' }, { limit: 5 }, null);
    expect(page.basis).toEqual({
      snapshot: { id: fx.snapshotId, asOf: '2024-06-29' },
      predictionRun: { id: fx.predictionRunId, asOf: '2024-06-29' },
      churnRun: { id: fx.churnRunId, asOf: '2024-06-29' },
    });
    // The stale rows (old snapshot, running snapshot) put everyone in 'lost' / 'D' / 'lead'.
    expect(await allIds(db, { rfmSegment: ['lost'] })).toEqual([]);
    expect(await allIds(db, { abc: ['D'] })).toEqual([]);
    // No filter needs a source: no basis, no extra queries.
    expect((await listCustomers(db.kysely, { tag: ['vip'] }, {}, null)).basis).toEqual({});
  });

  it('holds a venue-bound principal to its venue, and refuses another venue', async () => {
    for (const v of [fx.venues.north, fx.venues.east]) {
      expect(await allIds(db, {}, v, 50)).toEqual(expectedIds(fx, {}, v));
      expect(await allIds(db, { tag: ['vip'] }, v)).toEqual(expectedIds(fx, { tag: ['vip'] }, v));
      expect(await allIds(db, { venue: v }, v)).toEqual(expectedIds(fx, { venue: v }));
    }
    await expect(listCustomers(db.kysely, { venue: fx.venues.south }, {}, fx.venues.north)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses contradictory ranges', async () => {
    await expect(resolveFilters(db.kysely, { revenueMin: 10, revenueMax: 5 }, null)).rejects.toBeInstanceOf(PatronError);
    await expect(resolveFilters(db.kysely, { clvMin: 10, clvMax: 5 }, null)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(resolveFilters(db.kysely, { churn: 'not-at-risk', churnRiskMin: 0.5 }, null)).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('keeps customer_tags equal to customers.tags through inserts, updates and deletes', async () => {
    const k = db.kysely;
    const tagsOf = async (id: number) =>
      (await k.selectFrom('customer_tags').select('tag').where('customer_id', '=', id).orderBy('tag').execute()).map((r) => r.tag);
    const c = await k
      .insertInto('customers')
      .values({ external_id: 'TAGS-1', name: null, name_key: null, tags: '["b","a","b",7]', attributes: '{}', created_at: 'x', updated_at: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await tagsOf(c.id)).toEqual(['a', 'b']);
    await k.updateTable('customers').set({ tags: '["c"]' }).where('id', '=', c.id).execute();
    expect(await tagsOf(c.id)).toEqual(['c']);
    await k.updateTable('customers').set({ name: 'renamed' }).where('id', '=', c.id).execute();
    expect(await tagsOf(c.id)).toEqual(['c']);
    await k.updateTable('customers').set({ tags: '[]' }).where('id', '=', c.id).execute();
    expect(await tagsOf(c.id)).toEqual([]);
    await k.updateTable('customers').set({ tags: '["d"]' }).where('id', '=', c.id).execute();
    await k.deleteFrom('customers').where('id', '=', c.id).execute();
    expect(await tagsOf(c.id)).toEqual([]);
    // Every fixture customer's rows match their JSON.
    const rows = await k.selectFrom('customer_tags').select(['customer_id', 'tag']).execute();
    const byCustomer = new Map<number, string[]>();
    for (const r of rows) byCustomer.set(Number(r.customer_id), [...(byCustomer.get(Number(r.customer_id)) ?? []), r.tag]);
    for (const x of fx.customers) expect((byCustomer.get(x.id) ?? []).sort()).toEqual([...x.tags].sort());
  });

  it('offers the catalogues, tiers, venues and tags, scoped to a venue', async () => {
    const all = await filterOptions(db.kysely, null);
    expect(all.snapshot).toEqual({ id: fx.snapshotId, asOf: '2024-06-29' });
    expect(all.rfmSegments.map((s) => s.id)).toContain('champions');
    expect(all.eightWay).toHaveLength(8);
    expect(all.loyaltyTiers.map((t) => t.code)).toEqual(['SILVER', 'GOLD', 'BASIC']);
    expect(all.venues).toHaveLength(3);
    expect(all.tags).toEqual([...TAGS].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const east = await filterOptions(db.kysely, fx.venues.east);
    expect(east.loyaltyTiers.map((t) => t.code)).toEqual(['BASIC']);
    expect(east.venues.map((v) => v.code)).toEqual(['EAST']);
    expect(east.scopeVenueId).toBe(fx.venues.east);
  });

  it('exports the filtered list as CSV with every matching row and formula cells defused', async () => {
    const f: CustomerFilters = { tag: ['=HYPERLINK("x")'] };
    const text = await csvOf(db, f);
    expect(text.startsWith('\uFEFFid,external_id,name,')).toBe(true);
    const lines = text.slice(1).split('\r\n').filter((l) => l !== '');
    const header = lines[0]!.split(',');
    expect(header).toContain('rfm_segment');
    const want = expectedIds(fx, f);
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(want);
    // No cell starts with '=': those that did are quoted (they hold quotes) and start with an apostrophe.
    expect(lines.slice(1).every((l) => parseCsvLine(l).every((cell) => !/^[=+\-@]/.test(cell) || /^-?\d/.test(cell)))).toBe(true);
    expect(lines.some((l) => l.includes(`"'=HYPERLINK(""x"")`))).toBe(true);
    // Value columns come from the latest snapshot and runs; money as decimal text.
    const first = fx.customers.find((c) => c.id === want[0])!;
    const row = new Map(header.map((h, i) => [h, parseCsvLine(lines[1]!)[i]]));
    expect(row.get('revenue')).toBe(first.snap ? (first.snap.revenueMinor / 100).toFixed(2) : '');
    expect(row.get('churn_risk')).toBe(first.churn ? String(first.churn.risk) : '');
    // Names and phones that look like formulas are defused too.
    await db.kysely.updateTable('customers').set({ name: '@SUM(1,2)', phone: '+8613900000001' }).where('external_id', '=', 'L0001').execute();
    const one = (await csvOf(db, { q: 'L0001' })).slice(1).split('\r\n').filter(Boolean);
    expect(parseCsvLine(one[1]!).slice(1, 6)).toEqual(['L0001', "'@SUM(1,2)", '', '', "'+8613900000001"]);
    await db.kysely.updateTable('customers').set({ name: 'Cust 1', phone: '13900000001' }).where('external_id', '=', 'L0001').execute();
    // Capped exports stop at the cap; without value columns there are 16 columns.
    const capped = (await csvOf(db, {}, { maxRows: 5, includeValue: false })).slice(1).split('\r\n').filter(Boolean);
    expect(capped).toHaveLength(6);
    expect(capped[0]!.split(',')).toHaveLength(16);
    // A missing source exports the header only.
    expect((await csvOf(db, { rfmSegment: ['lost'] })).split('\r\n').filter(Boolean)).toHaveLength(1);
  });
});

/** A minimal RFC 4180 line parser for the assertions above. */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') out.push(cur), (cur = '');
    else cur += ch;
  }
  out.push(cur);
  return out;
}

describe('csvText', () => {
  it('defuses formulas and quotes per RFC 4180', () => {
    expect(csvText('=1+2')).toBe("'=1+2");
    expect(csvText('+86 138')).toBe("'+86 138");
    expect(csvText('-5')).toBe("'-5");
    expect(csvText('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvText('\t=x')).toBe("'\t=x");
    expect(csvText('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('line\nbreak')).toBe('"line\nbreak"');
    expect(csvText('王芳')).toBe('王芳');
    expect(csvText('a=b')).toBe('a=b');
    expect(csvText(null)).toBe('');
  });
});

describe('customer filter plans [sqlite]', () => {
  let db: Db;
  let fx: ListFixture;
  beforeAll(async () => {
    db = await createTestDb('sqlite');
    fx = await seedListFixture(db, 300, 3);
  }, 60_000);
  afterAll(() => db.close());

  async function plan(f: CustomerFilters): Promise<string> {
    const r = await resolveFilters(db.kysely, f, null);
    const c = compileSearch(db.kysely, { keys: null, filters: r.sql, afterId: 10, limit: 51 });
    const rows = await db.kysely.executeQuery<{ detail: string }>({ ...c, sql: `explain query plan ${c.sql}` });
    return rows.rows.map((x) => x.detail).join('\n');
  }

  // Patron never runs ANALYZE, so plans are checked without statistics first, then with them.
  for (const stats of [false, true]) {
    it(`walks customers by primary key and probes each filter by its full key (${stats ? 'after' : 'without'} ANALYZE)`, async () => {
      if (stats) await sql`analyze`.execute(db.kysely);
      const p = await plan({ rfmSegment: ['champions'], revenueMin: 1, clvMin: 1, churn: 'at-risk', loyaltyTier: [fx.tiers.gold], tag: ['vip'], venue: fx.venues.north });
      expect(p).toMatch(/SEARCH customers USING INTEGER PRIMARY KEY \(rowid>\?\)/);
      for (const table of ['customer_snapshot_metrics', 'customer_predictions', 'churn_risks', 'loyalty_members', 'customer_tags', 'orders']) {
        expect(p, table).not.toMatch(new RegExp(`SCAN (${table}|[a-z]+ USING [A-Z ]*INDEX [a-z_]+) `));
      }
      // Each probe names both the customer and the run or tier: a probe by run or snapshot alone
      // would read a whole run for every customer.
      const probe = (alias: string, cols: string[]) => {
        const line = p.split('\n').find((l) => l.startsWith(`SEARCH ${alias} `)) ?? '';
        for (const c of cols) expect(line, `${alias}: ${p}`).toContain(`${c}=?`);
      };
      probe('m', ['snapshot_id', 'customer_id']);
      probe('p', ['run_id', 'customer_id']);
      probe('r', ['run_id', 'customer_id']);
      probe('t', ['customer_id', 'tag']);
      probe('lm', ['customer_id']);
      expect(p).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    });

    it(`walks a small filter's own index in customer order (${stats ? 'after' : 'without'} ANALYZE)`, async () => {
      for (const [driver, index] of [
        [{ kind: 'tag', tag: 'vip' }, /SEARCH d USING COVERING INDEX customer_tags_tag_idx \(tag=\? AND customer_id>\?\)/],
        [{ kind: 'loyaltyTier', tierId: fx.tiers.gold }, /SEARCH d USING COVERING INDEX loyalty_members_tier_idx \(tier_id=\? AND customer_id>\?\)/],
        [{ kind: 'churn', runId: fx.churnRunId }, /SEARCH d USING COVERING INDEX churn_risks_run_customer_idx \(run_id=\? AND customer_id>\?\)/],
      ] as const) {
        const r = await resolveFilters(db.kysely, { tag: ['vip'], churn: 'at-risk', rfmSegment: ['champions'] }, null);
        const c = compileSearch(db.kysely, { keys: null, filters: r.sql, driver, afterId: 10, limit: 51 });
        const rows = await db.kysely.executeQuery<{ detail: string }>({ ...c, sql: `explain query plan ${c.sql}` });
        const p = rows.rows.map((x) => x.detail).join('\n');
        expect(p.split('\n')[0], p).toMatch(index);
        expect(p).toMatch(/SEARCH customers USING INTEGER PRIMARY KEY \(rowid=\?\)/);
        expect(p).not.toMatch(/USE TEMP B-TREE/);
      }
    });
  }
});
