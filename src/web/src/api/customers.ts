/**
 * Customer list filters, saved segments and the customer's loyalty (src/server/routes/customers.routes.ts,
 * saved-segments.routes.ts; docs/api.md "Customers"). Money in minor units.
 */
import type { Label } from './analytics';
import type { Member } from './loyalty';
import type { Customer } from './types';

/** The filter set: the query parameters of GET /api/customers and what a saved segment stores. */
export interface CustomerFilters {
  q?: string;
  rfmSegment?: string[];
  eightWay?: string[];
  abc?: string[];
  valueTier?: string[];
  decile?: number[];
  revenueMin?: number;
  revenueMax?: number;
  clvMin?: number;
  clvMax?: number;
  churn?: 'at-risk' | 'not-at-risk';
  churnRiskMin?: number;
  loyaltyTier?: number[];
  venue?: number;
  tag?: string[];
}

export const LIST_FILTERS = ['rfmSegment', 'eightWay', 'abc', 'valueTier', 'decile', 'loyaltyTier', 'tag'] as const;
export const NUMBER_FILTERS = ['revenueMin', 'revenueMax', 'clvMin', 'clvMax', 'churnRiskMin', 'venue'] as const;
export const NUMERIC_LISTS = new Set(['decile', 'loyaltyTier']);

export interface SourceRef {
  id: number;
  asOf: string;
}

export interface CustomerListPage {
  items: Customer[];
  nextCursor: string | null;
  /** Present for the sources the filters read; null when none exists yet (nothing matches). */
  basis: { snapshot?: SourceRef | null; predictionRun?: SourceRef | null; churnRun?: SourceRef | null };
}

export interface FilterOptions {
  snapshot: SourceRef | null;
  predictionRun: SourceRef | null;
  churnRun: SourceRef | null;
  rfmSegments: { id: string; name: Label }[];
  eightWay: { id: string; code: string; name: Label }[];
  abc: string[];
  valueTiers: { id: string; name: Label }[];
  deciles: number[];
  loyaltyTiers: { id: number; code: string; name: string; rank: number; programmeId: number; programmeCode: string; programmeName: string }[];
  venues: { id: number; code: string; name: string }[];
  tags: string[];
  scopeVenueId: number | null;
}

export interface SavedSegment {
  id: number;
  name: string;
  owner: string;
  ownerName: string | null;
  mine: boolean;
  shared: boolean;
  filters: CustomerFilters;
  createdAt: string;
  updatedAt: string;
}

export interface CustomerLoyalty {
  customerId: number;
  memberships: Member[];
  referralCode: string | null;
  referrals: {
    total: number;
    valueMinor: number;
    items: { id: number; externalId: string; name: string | null; createdAt: string; orders: number; valueMinor: number }[];
  };
}

/** URL search parameters <-> filter set (the URL holds the API's own parameters, so links can be shared). */
export function filtersFromParams(p: URLSearchParams): CustomerFilters {
  const f: Record<string, unknown> = {};
  const q = p.get('q');
  if (q) f.q = q;
  for (const k of LIST_FILTERS) {
    const v = p.getAll(k).filter((x) => x !== '');
    if (v.length) f[k] = NUMERIC_LISTS.has(k) ? v.map(Number).filter(Number.isFinite) : v;
  }
  for (const k of NUMBER_FILTERS) {
    const v = p.get(k);
    if (v !== null && v !== '' && Number.isFinite(Number(v))) f[k] = Number(v);
  }
  const churn = p.get('churn');
  if (churn === 'at-risk' || churn === 'not-at-risk') f.churn = churn;
  return f as CustomerFilters;
}

export function paramsFromFilters(f: CustomerFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) p.append(k, String(x));
    else p.set(k, String(v));
  }
  return p;
}

/** The filters as the API query object (arrays repeat the parameter). */
export function filterQuery(f: CustomerFilters): Record<string, string | number | (string | number)[] | undefined> {
  const out: Record<string, string | number | (string | number)[] | undefined> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) out[k] = v as never;
  return out;
}

/** Filters other than the free-text search. */
export function countFilters(f: CustomerFilters): number {
  return Object.entries(f).filter(([k, v]) => k !== 'q' && v !== undefined && !(Array.isArray(v) && v.length === 0)).length;
}

/** Same filters (order of list values ignored). */
export function sameFilters(a: CustomerFilters, b: CustomerFilters): boolean {
  const norm = (f: CustomerFilters) =>
    JSON.stringify(
      Object.entries(f)
        .filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
        .map(([k, v]) => [k, Array.isArray(v) ? [...v].map(String).sort() : v])
        .sort(([x], [y]) => (String(x) < String(y) ? -1 : 1)),
    );
  return norm(a) === norm(b);
}
