import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Business-wide settings. Stored as key/value JSON so new settings need no migration. */
export interface BusinessSettings {
  name: string;
  /** ISO 4217 code. */
  currency: string;
  /** Digits after the decimal point of the currency's minor unit (CNY 2, JPY 0). */
  currencyDecimals: number;
  /** IANA time zone used for day boundaries (orders without a zone are in this zone). */
  timeZone: string;
  /** Locale for the web app and reports when the user has none. */
  locale: 'zh-CN' | 'en';
}

export const DEFAULT_SETTINGS: BusinessSettings = Object.freeze({
  name: 'My business',
  currency: 'CNY',
  currencyDecimals: 2,
  timeZone: 'UTC',
  locale: 'zh-CN',
});

export async function getSettings(db: Kysely<Database>): Promise<BusinessSettings> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute();
  // Only the business fields: the same table holds module keys (e.g. the survey-link signing
  // secret), which must never leak through code that prints or serves the settings object.
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const r of rows) if (r.key in DEFAULT_SETTINGS) out[r.key] = JSON.parse(r.value);
  return out as unknown as BusinessSettings;
}

export async function putSettings(db: Kysely<Database>, patch: Partial<BusinessSettings>): Promise<BusinessSettings> {
  for (const [key, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    const value = JSON.stringify(v);
    await db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }
  return getSettings(db);
}
