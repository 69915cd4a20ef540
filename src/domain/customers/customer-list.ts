import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ABC_CLASSES } from '../../analytics/abc/index.js';
import { EIGHT_WAY_SEGMENTS, RFM_NAMED_SEGMENTS } from '../../analytics/rfm/segments.js';
import { TIERS } from '../../analytics/tiers/tiers.js';
import type { Label } from '../../analytics/metrics.js';
import {
  customerValueRows,
  distinctTags,
  driverSize,
  latestFilterSources,
  listVenues,
  loyaltyTierOptions,
  loyaltyTiersOfCustomers,
  maxCustomerId,
  programmeIdsAtVenue,
  searchCustomers as searchCustomerRows,
  type CustomerDriver,
  type CustomerFilterSql,
  type LoyaltyTierOption,
} from '../../storage/customers.repo.js';
import type { Customer, Database } from '../../storage/schema.js';
import { PatronError } from '../errors.js';
import { formatMinor } from '../money.js';
import { DEFAULTS as CUSTOMER_DEFAULTS, searchKeysFor, toCustomerView, type CustomerView } from './customers.js';

/**
 * The customer list with filters (segment, tier, venue, tag, risk, value), shared by the list
 * route, saved segments and the CSV export. Filters read the newest completed value snapshot,
 * prediction run and churn run; the page says which ones it used (`basis`).
 */

export const DEFAULTS = Object.freeze({
  /** Most rows one CSV export writes (the response is streamed page by page). */
  exportMaxRows: 1_000_000,
  /** Rows read per query while exporting. */
  exportPageSize: 1_000,
  /** Most values in one multi-value filter. */
  maxValues: 50,
  /** Distinct tags offered by the filter options. */
  tagOptions: 200,
  /**
   * A single-value tag, loyalty-tier or at-risk filter matching fewer than this share of the
   * customers is walked from its own index instead of walking every customer (CustomerDriver).
   */
  driverShare: 0.5,
});

// ---- the filter set ----------------------------------------------------------------------------------

const ids = <T extends { id: string }>(xs: readonly T[]) => xs.map((x) => x.id) as [string, ...string[]];
const minor = () => z.number().int().min(-(2 ** 53) + 1).max(2 ** 53 - 1);

/** One value of each multi-value filter (the query string and the JSON filter set share them). */
export const FILTER_VALUES = {
  rfmSegment: z.enum(ids(RFM_NAMED_SEGMENTS)),
  eightWay: z.enum(ids(EIGHT_WAY_SEGMENTS)),
  abc: z.enum(ABC_CLASSES as unknown as [string, ...string[]]),
  valueTier: z.enum(ids(TIERS)),
  tag: z.string().trim().min(1).max(100),
  churn: z.enum(['at-risk', 'not-at-risk']),
};

const many = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(DEFAULTS.maxValues);

/**
 * A filter set: what GET /api/customers takes as query parameters, what a saved segment stores,
 * and what the export applies. Lists are alternatives (any of), fields are combined (all of).
 */
export const CustomerFiltersSchema = z
  .strictObject({
    q: z.string().trim().max(200).optional().describe('Free-text search: external id, phone, email or start of a name'),
    rfmSegment: many(FILTER_VALUES.rfmSegment).optional().describe('Named RFM segment in the latest value snapshot'),
    eightWay: many(FILTER_VALUES.eightWay).optional().describe('Eight-way RFM class in the latest value snapshot'),
    abc: many(FILTER_VALUES.abc).optional().describe('ABC (Pareto) class in the latest value snapshot'),
    valueTier: many(FILTER_VALUES.valueTier).optional().describe('Profitability tier in the latest value snapshot'),
    decile: many(z.number().int().min(1).max(10)).optional().describe('Monetary decile (1 = top) in the latest value snapshot'),
    revenueMin: minor().optional().describe('Historical value: least net revenue to the snapshot date, minor units'),
    revenueMax: minor().optional(),
    clvMin: minor().optional().describe('Least predicted CLV in the latest prediction run, minor units'),
    clvMax: minor().optional(),
    churn: FILTER_VALUES.churn.optional().describe('On (or off) the at-risk list of the latest churn run'),
    churnRiskMin: z.number().min(0).max(1).optional().describe('Least churn risk (1 - P(alive)) on the at-risk list; implies at-risk'),
    loyaltyTier: many(z.number().int().positive()).optional().describe('Loyalty tier ids (GET /api/customers/filter-options)'),
    venue: z.number().int().positive().optional().describe('Venue id: home venue, a purchase there, or a loyalty enrolment there'),
    tag: many(FILTER_VALUES.tag).optional().describe('Has any of these tags'),
  })
  .meta({ id: 'CustomerFilters' });

export type CustomerFilters = z.infer<typeof CustomerFiltersSchema>;

/** Filters that read value analytics or predictions: they need permission analytics:read. */
export const ANALYTICS_FILTERS = ['rfmSegment', 'eightWay', 'abc', 'valueTier', 'decile', 'revenueMin', 'revenueMax', 'clvMin', 'clvMax', 'churn', 'churnRiskMin'] as const;

export function usesAnalytics(f: CustomerFilters): boolean {
  return ANALYTICS_FILTERS.some((k) => f[k] !== undefined);
}

/** True when the set filters anything (a search counts). */
export function isFiltered(f: CustomerFilters): boolean {
  return Object.entries(f).some(([k, v]) => v !== undefined && !(k === 'q' && v === ''));
}

/** Drops empty lists and empty text so stored and compared filter sets have one form. */
export function normalizeFilters(f: CustomerFilters): CustomerFilters {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = Array.isArray(v) ? [...new Set<unknown>(v)] : v;
  }
  return out as CustomerFilters;
}

// ---- resolution --------------------------------------------------------------------------------------

/** A run or snapshot a page was filtered by. */
export interface SourceRef {
  id: number;
  asOf: string;
}

/** Which snapshot and runs the filters read; a key is absent when no filter needed that source, null when none exists yet. */
export interface FilterBasis {
  snapshot?: SourceRef | null;
  predictionRun?: SourceRef | null;
  churnRun?: SourceRef | null;
}

export interface ResolvedFilters {
  sql: CustomerFilterSql;
  basis: FilterBasis;
  /** A source the filters need does not exist: nothing can match. */
  empty: boolean;
}

function checkRange(min: number | undefined, max: number | undefined, what: string): void {
  if (min !== undefined && max !== undefined && min > max) throw new PatronError('VALIDATION', `${what}: the minimum is above the maximum`);
}

/**
 * The SQL filters for a filter set. `scopeVenueId` is the venue a venue-bound principal is held to:
 * its list is that venue's customers, and asking for another venue is refused.
 */
export async function resolveFilters(db: Kysely<Database>, f: CustomerFilters, scopeVenueId: number | null): Promise<ResolvedFilters> {
  checkRange(f.revenueMin, f.revenueMax, 'revenue');
  checkRange(f.clvMin, f.clvMax, 'predicted CLV');
  if (f.churn === 'not-at-risk' && f.churnRiskMin !== undefined) {
    throw new PatronError('VALIDATION', 'churnRiskMin applies to customers at risk; it cannot go with churn=not-at-risk');
  }
  if (scopeVenueId !== null && f.venue !== undefined && f.venue !== scopeVenueId) {
    throw new PatronError('FORBIDDEN', `this principal is bound to venue ${scopeVenueId} and may only list its customers`);
  }
  const needSnapshot = ['rfmSegment', 'eightWay', 'abc', 'valueTier', 'decile', 'revenueMin', 'revenueMax'].some((k) => f[k as keyof CustomerFilters] !== undefined);
  const needPrediction = f.clvMin !== undefined || f.clvMax !== undefined;
  const needChurn = f.churn !== undefined || f.churnRiskMin !== undefined;
  const out: ResolvedFilters = { sql: {}, basis: {}, empty: false };
  if (needSnapshot || needPrediction || needChurn) {
    const src = await latestFilterSources(db);
    if (needSnapshot) {
      out.basis.snapshot = src.snapshot;
      if (!src.snapshot) out.empty = true;
      else {
        out.sql.snapshot = {
          id: src.snapshot.id,
          rfmSegments: f.rfmSegment,
          eightWay: f.eightWay,
          abc: f.abc,
          tiers: f.valueTier,
          deciles: f.decile,
          revenueMin: f.revenueMin,
          revenueMax: f.revenueMax,
        };
      }
    }
    if (needPrediction) {
      out.basis.predictionRun = src.predictionRun;
      if (!src.predictionRun) out.empty = true;
      else out.sql.prediction = { runId: src.predictionRun.id, clvMin: f.clvMin, clvMax: f.clvMax };
    }
    if (needChurn) {
      out.basis.churnRun = src.churnRun;
      if (!src.churnRun) out.empty = true;
      else out.sql.churn = { runId: src.churnRun.id, atRisk: f.churn !== 'not-at-risk', riskMin: f.churnRiskMin };
    }
  }
  if (f.loyaltyTier) out.sql.loyaltyTierIds = f.loyaltyTier;
  if (f.tag) out.sql.tags = f.tag;
  const venues = new Set<number>();
  if (f.venue !== undefined) venues.add(f.venue);
  if (scopeVenueId !== null) venues.add(scopeVenueId);
  if (venues.size > 0) out.sql.venueIds = [...venues];
  return out;
}

// ---- the list -----------------------------------------------------------------------------------------

/**
 * Where a page starts walking: every customer in id order, or (when a single-value tag, loyalty
 * tier or at-risk filter is small) that filter's own index in customer order, the smallest such
 * filter first. A search (q) is already answered from its own indexes.
 */
export async function chooseDriver(db: Kysely<Database>, f: CustomerFilters, r: ResolvedFilters): Promise<CustomerDriver | undefined> {
  if (f.q) return undefined;
  const candidates: CustomerDriver[] = [];
  if (f.tag?.length === 1) candidates.push({ kind: 'tag', tag: f.tag[0]! });
  if (f.loyaltyTier?.length === 1) candidates.push({ kind: 'loyaltyTier', tierId: f.loyaltyTier[0]! });
  if (r.sql.churn?.atRisk) candidates.push({ kind: 'churn', runId: r.sql.churn.runId });
  if (candidates.length === 0) return undefined;
  let bound = Math.ceil((await maxCustomerId(db)) * DEFAULTS.driverShare);
  let best: CustomerDriver | undefined;
  for (const c of candidates) {
    const n = await driverSize(db, c, bound);
    if (n < bound) {
      best = c;
      bound = n;
    }
  }
  return best;
}

export interface CustomerListPage {
  items: CustomerView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  basis: FilterBasis;
}

function parseCursor(cursor: string | null | undefined): number | null {
  if (!cursor) return null;
  const afterId = Number(cursor);
  if (!Number.isSafeInteger(afterId) || afterId < 0) throw new PatronError('VALIDATION', 'invalid cursor');
  return afterId;
}

/** One page of the filtered list, in id order (keyset paging on the primary key). */
export async function listCustomers(
  db: Kysely<Database>,
  f: CustomerFilters,
  page: { limit?: number; cursor?: string | null },
  scopeVenueId: number | null,
): Promise<CustomerListPage> {
  const limit = Math.min(Math.max(1, page.limit ?? CUSTOMER_DEFAULTS.searchLimit), CUSTOMER_DEFAULTS.maxSearchLimit);
  const afterId = parseCursor(page.cursor);
  const r = await resolveFilters(db, f, scopeVenueId);
  if (r.empty) return { items: [], nextCursor: null, basis: r.basis };
  const driver = await chooseDriver(db, f, r);
  // One extra row tells whether another page exists.
  const rows = await searchCustomerRows(db, { keys: searchKeysFor(f.q ?? ''), filters: r.sql, driver, afterId, limit: limit + 1 });
  const items = rows.slice(0, limit);
  return {
    items: items.map(toCustomerView),
    nextCursor: rows.length > limit ? String(items[items.length - 1]!.id) : null,
    basis: r.basis,
  };
}

// ---- filter options --------------------------------------------------------------------------------------

export interface FilterOptions {
  snapshot: SourceRef | null;
  predictionRun: SourceRef | null;
  churnRun: SourceRef | null;
  rfmSegments: { id: string; name: Label }[];
  eightWay: { id: string; code: string; name: Label }[];
  abc: string[];
  valueTiers: { id: string; name: Label }[];
  deciles: number[];
  loyaltyTiers: LoyaltyTierOption[];
  venues: { id: number; code: string; name: string }[];
  tags: string[];
  /** The venue this principal is held to (its list is that venue's customers), or null. */
  scopeVenueId: number | null;
}

/** What the filter bar offers: catalogues, this business's tiers, venues and tags, and which runs filters would read. */
export async function filterOptions(db: Kysely<Database>, scopeVenueId: number | null): Promise<FilterOptions> {
  const [src, tiers, venues, tags, visible] = await Promise.all([
    latestFilterSources(db),
    loyaltyTierOptions(db),
    listVenues(db),
    distinctTags(db, DEFAULTS.tagOptions),
    scopeVenueId === null ? null : programmeIdsAtVenue(db, scopeVenueId),
  ]);
  return {
    ...src,
    rfmSegments: RFM_NAMED_SEGMENTS.map((s) => ({ id: s.id, name: s.name })),
    eightWay: EIGHT_WAY_SEGMENTS.map((s) => ({ id: s.id, code: s.code, name: s.name })),
    abc: [...ABC_CLASSES],
    valueTiers: TIERS.map((t) => ({ id: t.id, name: t.name })),
    deciles: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    loyaltyTiers: visible === null ? tiers : tiers.filter((t) => visible.includes(t.programmeId)),
    venues: venues.filter((v) => scopeVenueId === null || v.id === scopeVenueId).map((v) => ({ id: Number(v.id), code: v.code, name: v.name })),
    tags,
    scopeVenueId,
  };
}

// ---- CSV export ----------------------------------------------------------------------------------------

/**
 * One CSV cell of text that came from people or imports. Text starting with = + - @ (or a tab or
 * carriage return) is prefixed with ' so a spreadsheet shows it instead of running it as a
 * formula (OWASP, "CSV Injection"); then RFC 4180 quoting.
 */
export function csvText(s: string | null | undefined): string {
  if (s === null || s === undefined || s === '') return '';
  const v = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A cell the server computed (numbers, money, dates, codes): never a formula, quoted only if needed. */
function csvValue(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const BASE_COLUMNS = [
  'id', 'external_id', 'name', 'gender', 'birthday', 'phone', 'email', 'city', 'country', 'tags', 'home_venue',
  'acquisition_channel', 'consent_sms', 'consent_email', 'created_at', 'loyalty_tiers',
] as const;
const VALUE_COLUMNS = ['rfm_segment', 'eight_way', 'abc_class', 'value_tier', 'monetary_decile', 'revenue', 'predicted_clv', 'p_alive', 'churn_risk'] as const;

export interface ExportOptions {
  /** Most rows written (DEFAULTS.exportMaxRows at most). */
  maxRows: number;
  /** Digits after the decimal point of the business currency (money columns are decimal text). */
  currencyDecimals: number;
  /** Add snapshot segments, revenue, predicted CLV, P(alive) and churn risk (needs analytics:read). */
  includeValue: boolean;
  scopeVenueId: number | null;
}

export function exportColumns(includeValue: boolean): string[] {
  return [...BASE_COLUMNS, ...(includeValue ? VALUE_COLUMNS : [])];
}

/**
 * The filtered list as CSV text, yielded one page at a time (header first, lines end in CRLF,
 * UTF-8 with a byte-order mark so spreadsheet programs read Chinese names correctly). Every page
 * is a keyset query of its own, so memory stays flat however many rows are written. The filters
 * are checked before the first byte (a refused filter is an error response, not a broken file).
 */
export async function customerCsvExport(db: Kysely<Database>, f: CustomerFilters, o: ExportOptions): Promise<AsyncGenerator<string>> {
  const r = await resolveFilters(db, f, o.scopeVenueId);
  return csvPages(db, f, r, o);
}

async function* csvPages(db: Kysely<Database>, f: CustomerFilters, r: ResolvedFilters, o: ExportOptions): AsyncGenerator<string> {
  const maxRows = Math.min(Math.max(1, o.maxRows), DEFAULTS.exportMaxRows);
  yield '\uFEFF' + exportColumns(o.includeValue).join(',') + '\r\n';
  if (r.empty) return;
  const venues = new Map((await listVenues(db)).map((v) => [Number(v.id), v.code] as const));
  const src = o.includeValue ? await latestFilterSources(db) : null;
  const keys = searchKeysFor(f.q ?? '');
  const driver = await chooseDriver(db, f, r);
  const money = (v: number | null) => (v === null ? null : formatMinor(v, o.currencyDecimals));
  let afterId: number | null = null;
  let written = 0;
  while (written < maxRows) {
    const rows: Customer[] = await searchCustomerRows(db, { keys, filters: r.sql, driver, afterId, limit: Math.min(DEFAULTS.exportPageSize, maxRows - written) });
    if (rows.length === 0) break;
    const pageIds = rows.map((c) => c.id);
    const [tiers, values] = await Promise.all([
      loyaltyTiersOfCustomers(db, pageIds),
      src
        ? customerValueRows(db, pageIds, { snapshotId: src.snapshot?.id ?? null, predictionRunId: src.predictionRun?.id ?? null, churnRunId: src.churnRun?.id ?? null })
        : null,
    ]);
    let chunk = '';
    for (const row of rows) {
      const c = toCustomerView(row);
      const cells = [
        csvValue(c.id),
        csvText(c.externalId),
        csvText(c.name),
        csvText(c.gender),
        csvText(c.birthday),
        csvText(c.phone),
        csvText(c.email),
        csvText(c.city),
        csvText(c.country),
        csvText(c.tags.join(';')),
        csvText(c.homeVenueId === null ? null : (venues.get(c.homeVenueId) ?? null)),
        csvText(c.acquisitionChannel),
        csvValue(c.consentSms ? 1 : 0),
        csvValue(c.consentEmail ? 1 : 0),
        csvValue(c.createdAt),
        csvText((tiers.get(c.id) ?? []).join(';')),
      ];
      if (values) {
        const v = values.get(c.id);
        // Risk: 1 - P(alive) for customers on the at-risk list; empty when not on it.
        cells.push(
          csvValue(v?.rfm_segment),
          csvValue(v?.eight_way),
          csvValue(v?.abc_class),
          csvValue(v?.tier),
          csvValue(v?.monetary_decile),
          csvValue(money(v?.revenue_minor ?? null)),
          csvValue(money(v?.clv_minor ?? null)),
          csvValue(v?.p_alive === null || v?.p_alive === undefined ? null : Number(v.p_alive.toFixed(4))),
          csvValue(v?.churn_risk === null || v?.churn_risk === undefined ? null : Number(v.churn_risk.toFixed(4))),
        );
      }
      chunk += cells.join(',') + '\r\n';
    }
    written += rows.length;
    afterId = rows[rows.length - 1]!.id;
    yield chunk;
    if (rows.length < DEFAULTS.exportPageSize) break;
  }
}
