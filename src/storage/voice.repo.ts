import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Voice-of-the-customer settings kept in the settings table under `voice.*` keys (JSON text),
 * and the read queries that span surveys and cases (churn signals).
 */
export const LINK_SECRET_KEY = 'voice.linkSecret';
export const SLA_POLICY_KEY = 'voice.slaPolicy';

export async function getSetting<T>(db: Kysely<Database>, key: string): Promise<T | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row ? (JSON.parse(row.value) as T) : undefined;
}

export async function putSetting(db: Kysely<Database>, key: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  await db
    .insertInto('settings')
    .values({ key, value: text })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: text }))
    .execute();
}

/**
 * Returns the stored link secret, storing `candidate` first if there is none. Insert-or-ignore
 * then read, so two processes starting at once agree on one secret.
 */
export async function getOrCreateSecret(db: Kysely<Database>, key: string, candidate: string): Promise<string> {
  // Read first: the public page calls this on every view, and a read needs no write lock.
  const existing = await getSetting<string>(db, key);
  if (typeof existing === 'string' && existing.length >= 32) return existing;
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(candidate) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const v = await getSetting<string>(db, key);
  if (typeof v !== 'string' || v.length < 32) throw new Error(`setting ${key} is not a secret`);
  return v;
}

export interface CaseSignalRow {
  customer_id: number;
  severity: string;
  opened_at: string;
  resolved_at: string | null;
}

/**
 * Cases of customers opened by `asOf` that were opened since `since` or were still unresolved at
 * `asOf` (resolution after asOf counts as unresolved then, so past dates replay correctly).
 */
export async function caseSignalRows(db: Kysely<Database>, since: string, asOf: string): Promise<CaseSignalRow[]> {
  const rows = await db
    .selectFrom('cases')
    .select(['customer_id', 'severity', 'opened_at', 'resolved_at'])
    .where('customer_id', 'is not', null)
    .where('opened_at', '<=', asOf)
    .where((eb) => eb.or([eb('opened_at', '>=', since), eb('resolved_at', 'is', null), eb('resolved_at', '>', asOf)]))
    .orderBy('opened_at')
    .execute();
  return rows.map((r) => ({ ...r, customer_id: Number(r.customer_id) }));
}

/**
 * Per customer over completed sales on days [anchor - lookback, anchor + window]: whether they
 * bought in [anchor - lookback, anchor] (active before) and in (anchor, anchor + window] (re-bought).
 * One aggregate over the orders (customer_id, day) index; plain integer day arithmetic on both engines.
 */
export async function activityAround(
  db: Kysely<Database>,
  anchorDay: number,
  lookbackDays: number,
  windowDays: number,
): Promise<{ customer_id: number; before: number; after: number }[]> {
  const rows = await db
    .selectFrom('orders')
    .select((eb) => [
      'customer_id',
      eb.fn.max(eb.case().when('day', '<=', anchorDay).then(1).else(0).end()).as('before'),
      eb.fn.max(eb.case().when('day', '>', anchorDay).then(1).else(0).end()).as('after'),
    ])
    .where('kind', '=', 'sale')
    .where('status', '=', 'completed')
    .where('customer_id', 'is not', null)
    .where('day', '>=', anchorDay - lookbackDays)
    .where('day', '<=', anchorDay + windowDays)
    .groupBy('customer_id')
    .execute();
  return rows.map((r) => ({ customer_id: Number(r.customer_id), before: Number(r.before), after: Number(r.after) }));
}

/** Completed-sale days of the given customers within [fromDay, toDay]. */
export async function saleDaysOf(db: Kysely<Database>, customerIds: number[], fromDay: number, toDay: number): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  for (let i = 0; i < customerIds.length; i += 5000) {
    const rows = await db
      .selectFrom('orders')
      .select(['customer_id', 'day'])
      .where('kind', '=', 'sale')
      .where('status', '=', 'completed')
      .where('customer_id', 'in', customerIds.slice(i, i + 5000))
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .execute();
    for (const r of rows) {
      const c = Number(r.customer_id);
      let l = out.get(c);
      if (!l) out.set(c, (l = []));
      l.push(r.day);
    }
  }
  return out;
}

/** CSAT answers given in survey responses about cases resolved in [from, to]. */
export function caseSurveyCsat(db: Kysely<Database>, from: string, to: string) {
  return db
    .selectFrom('survey_answers as a')
    .innerJoin('survey_items as i', 'i.id', 'a.item_id')
    .innerJoin('survey_responses as r', 'r.id', 'a.response_id')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .select(['r.case_id', 'a.value'])
    .where('i.type', '=', 'csat')
    .where('a.value', 'is not', null)
    .where('c.resolved_at', '>=', from)
    .where('c.resolved_at', '<=', to)
    .execute();
}
