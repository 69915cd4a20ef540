import { sql, type Kysely } from 'kysely';
import { PatronError } from '../errors.js';
import { dayNumber, dayToDate, localToUtcMs } from '../time.js';
import { bulkInsert } from '../../storage/bulk.js';
import type { Db } from '../../storage/db.js';
import type { Database } from '../../storage/schema.js';
import { putSettings } from '../../storage/settings.repo.js';
import { BUSINESS_NAME, CATEGORIES, VENUES } from './catalogue.js';
import { DEFAULTS } from './defaults.js';
import {
  CONTACT_COLUMNS, CUSTOMER_COLUMNS, DemoGenerator, LINE_COLUMNS, ORDER_COLUMNS, emptyBuffers, type DemoCounts,
} from './generate.js';
import type { ProcessParams } from './process.js';
import { RowWriter } from './writer.js';
import { MONTHLY, WEEKDAY, buildSeason, type Holiday } from './seasonality.js';

export interface DemoOptions {
  /** Number of customers (default DEFAULTS.customers). */
  customers?: number;
  /** Unsigned 32-bit seed (default DEFAULTS.seed). Same seed and options give identical data. */
  seed?: number;
  /** Length of the period in years (default 2). Whole years end on `end` and start the day after the same date `years` earlier. */
  years?: number;
  /** Last local day of the period, YYYY-MM-DD (default DEFAULTS.end). */
  end?: string;
  /** Override the BG/NBD generating parameters (per day). */
  process?: Partial<ProcessParams>;
  /** Customers per write transaction (default DEFAULTS.chunkCustomers). */
  chunkCustomers?: number;
}

/** What was generated, and the truth behind it (stored in the `demo` setting as well). */
export interface DemoSummary {
  seed: number;
  customers: number;
  years: number;
  period: { start: string; end: string; days: number };
  timeZone: string;
  currency: string;
  currencyDecimals: number;
  /** The generating process: models fitted to the demo data should recover these. */
  truth: {
    model: 'bg-nbd';
    /** lambda is per day; for weeks use paramsPerWeek. */
    timeUnit: 'day';
    params: ProcessParams;
    /** The same process with time in weeks (alpha / 7). */
    paramsPerWeek: ProcessParams;
    /** E[lambda] = r / alpha, per year of 365.25 days. */
    meanPurchasesPerYearWhileActive: number;
    /** E[p] = a / (a + b). */
    meanDropoutProbability: number;
    seasonality: { monthly: readonly number[]; weekdaySundayFirst: readonly number[]; holidays: Holiday[]; thinningEnvelope: number };
    acquisitionGrowth: number;
    shares: {
      referred: number; priceOnly: number; anonymousSales: number; cancelProbability: number; returnProbability: number;
    };
  };
  counts: DemoCounts;
  /**
   * Mean repeat purchases per customer, observed vs expected under the process in operational
   * (seasonality-adjusted) time (Fader, Hardie & Lee 2005, eq. 9); null when a <= 1.
   */
  check: { meanRepeatPurchases: number; expectedMeanRepeatPurchases: number | null };
}

export interface DemoRun extends DemoSummary {
  elapsedMs: number;
}

const MAX_SEED = 2 ** 32 - 1;

function resolveOptions(opts: DemoOptions) {
  const customers = opts.customers ?? DEFAULTS.customers;
  const seed = opts.seed ?? DEFAULTS.seed;
  const years = opts.years ?? DEFAULTS.years;
  const end = opts.end ?? DEFAULTS.end;
  const chunk = opts.chunkCustomers ?? DEFAULTS.chunkCustomers;
  const process: ProcessParams = { ...DEFAULTS.process, ...opts.process };
  if (!Number.isInteger(customers) || customers < 1 || customers > DEFAULTS.maxCustomers) {
    throw new PatronError('VALIDATION', `customers must be a whole number from 1 to ${DEFAULTS.maxCustomers}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new PatronError('VALIDATION', `seed must be a whole number from 0 to ${MAX_SEED}`);
  }
  if (!(years > 0 && years <= 30)) throw new PatronError('VALIDATION', 'years must be more than 0 and at most 30');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(end) || dayToDate(dayNumber(end)) !== end) {
    throw new PatronError('VALIDATION', `end must be a date YYYY-MM-DD, got "${end}"`);
  }
  if (!Number.isInteger(chunk) || chunk < 1) throw new PatronError('VALIDATION', 'chunkCustomers must be a positive whole number');
  for (const [k, v] of Object.entries(process)) {
    if (!(Number.isFinite(v) && v > 0)) throw new PatronError('VALIDATION', `process parameter ${k} must be positive`);
  }
  const endDay = dayNumber(end);
  let startDay: number;
  if (Number.isInteger(years)) {
    const y = +end.slice(0, 4) - years;
    const md = end.slice(5) === '02-29' ? '02-28' : end.slice(5);
    startDay = dayNumber(`${String(y).padStart(4, '0')}-${md}`) + 1;
  } else {
    startDay = endDay - Math.round(years * 365.25) + 1;
  }
  return { customers, seed, years, end, chunk, process, startDay, days: endDay - startDay + 1 };
}

/** True when the database holds no venues, products, customers, orders or contacts (the demo needs that). */
export async function isEmptyForDemo(k: Kysely<Database>): Promise<boolean> {
  for (const table of ['venues', 'products', 'customers', 'orders', 'contacts'] as const) {
    const row = await k.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    if (Number(row.n) > 0) return false;
  }
  return true;
}

async function putSetting(k: Kysely<Database>, key: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  await k.insertInto('settings').values({ key, value: text })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: text })).execute();
}

/**
 * Generates the demo business into an empty database: venues, the product catalogue, customers
 * following the BG/NBD repeat-buying process, their orders (with lines, discounts, cancellations,
 * returns and anonymous walk-in sales around them), referrals and contacts. Customers are made in
 * chunks, each written in one transaction, so memory stays flat at any size. Deterministic: the
 * same options give the same rows, ids included. Progress is reported in customers.
 */
export async function generateDemo(
  db: Db,
  opts: DemoOptions = {},
  onProgress?: (done: number, total: number) => void,
): Promise<DemoRun> {
  const started = performance.now();
  const o = resolveOptions(opts);
  const k = db.kysely;
  if (!(await isEmptyForDemo(k))) {
    throw new PatronError('CONFLICT', `${db.location} already holds business data; generate the demo into a new database (e.g. --db data/demo.db)`);
  }
  const season = buildSeason(o.startDay, o.days);
  const timeZone = DEFAULTS.timeZone;
  const gen = new DemoGenerator({
    customers: o.customers,
    seed: o.seed,
    season,
    timeZone,
    process: o.process,
    firstIds: { venue: 1, product: 1, customer: 1, order: 1 },
  });
  const base = {
    seed: o.seed,
    customers: o.customers,
    years: o.years,
    period: { start: dayToDate(o.startDay), end: o.end, days: o.days },
    timeZone,
    currency: DEFAULTS.currency,
    currencyDecimals: DEFAULTS.currencyDecimals,
  };
  await putSettings(k, { name: BUSINESS_NAME, currency: DEFAULTS.currency, currencyDecimals: DEFAULTS.currencyDecimals, timeZone, locale: 'zh-CN' });
  await putSetting(k, 'demo', { status: 'running', ...base });

  const dialect = db.dialect;
  const openedAt = new Date(localToUtcMs(o.startDay * 86_400_000, timeZone) - 30 * 86_400_000).toISOString();
  await k.transaction().execute(async (trx) => {
    await bulkInsert(trx, dialect, 'venues', ['id', 'code', 'name', 'kind', 'city', 'created_at'], gen.venueRows(openedAt));
    await bulkInsert(trx, dialect, 'products', ['id', 'sku', 'name', 'category', 'unit_cost_minor', 'created_at'], gen.productRows(openedAt));
  });

  onProgress?.(0, o.customers);
  // SQLite checks foreign keys row by row, which more than halves insert speed. The rows are
  // consistent by construction (ids are assigned here; the tests check every reference), so the
  // checks are paused for the load. The pragma cannot change inside a transaction, hence here.
  const pauseForeignKeys = dialect === 'sqlite';
  const writer = new RowWriter(db);
  if (pauseForeignKeys) await sql`pragma foreign_keys = off`.execute(k);
  try {
    for (let from = 0; from < o.customers; from += o.chunk) {
      const to = Math.min(o.customers, from + o.chunk);
      const buf = emptyBuffers();
      for (let i = from; i < to; i++) gen.generateCustomer(i, buf);
      await k.transaction().execute(async (trx) => {
        await writer.write(trx, 'customers', CUSTOMER_COLUMNS, buf.customers);
        await writer.write(trx, 'orders', ORDER_COLUMNS, buf.orders);
        await writer.write(trx, 'order_lines', LINE_COLUMNS, buf.lines);
        await writer.write(trx, 'contacts', CONTACT_COLUMNS, buf.contacts);
      });
      onProgress?.(to, o.customers);
    }
  } finally {
    if (pauseForeignKeys) await sql`pragma foreign_keys = on`.execute(k);
  }

  if (dialect === 'postgres') {
    // Ids were given explicitly; move the identity sequences past them for later inserts.
    for (const table of ['venues', 'products', 'customers', 'orders'] as const) {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.table(table)}))`.execute(k);
    }
  }

  const c = gen.counts;
  const P = o.process;
  const summary: DemoSummary = {
    ...base,
    truth: {
      model: 'bg-nbd',
      timeUnit: 'day',
      params: P,
      paramsPerWeek: { r: P.r, alpha: P.alpha / 7, a: P.a, b: P.b },
      meanPurchasesPerYearWhileActive: (P.r / P.alpha) * 365.25,
      meanDropoutProbability: P.a / (P.a + P.b),
      seasonality: { monthly: MONTHLY, weekdaySundayFirst: WEEKDAY, holidays: season.holidays, thinningEnvelope: season.mMax },
      acquisitionGrowth: DEFAULTS.acquisitionGrowth,
      shares: {
        referred: DEFAULTS.referredShare,
        priceOnly: DEFAULTS.priceOnlyShare,
        anonymousSales: DEFAULTS.anonymousShare,
        cancelProbability: DEFAULTS.cancelProbability,
        returnProbability: DEFAULTS.returnProbability,
      },
    },
    counts: { ...c },
    check: {
      meanRepeatPurchases: c.repeatPurchases / c.customers,
      expectedMeanRepeatPurchases: P.a > 1 ? c.expectedRepeatPurchases / c.customers : null,
    },
  };
  await putSetting(k, 'demo', { status: 'completed', ...summary });
  return { ...summary, elapsedMs: Math.round(performance.now() - started) };
}

/** Category codes with their Chinese names, for docs and the CLI. */
export const DEMO_CATEGORIES = CATEGORIES.map((c) => ({ code: c.code, zh: c.zh }));
export const DEMO_VENUES = VENUES;
