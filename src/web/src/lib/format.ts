import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from './session';

/** Intl locale for a UI language. */
export function intlLocale(lang: string): string {
  return lang === 'en' ? 'en-US' : 'zh-CN';
}

export interface Formatters {
  locale: string;
  currency: string;
  decimals: number;
  timeZone: string;
  /**
   * Integer minor units of the business currency, e.g. 123456 -> ¥1,234.56. The narrow symbol
   * (¥ rather than CN¥): a business works in one currency, so the short sign is unambiguous.
   */
  money(minor: number | null | undefined): string;
  /** Short money for headline cards: ¥12.3万 / $123.4K. */
  moneyCompact(minor: number | null | undefined): string;
  /** Minor units to major units as a number (for charts). */
  major(minor: number): number;
  integer(n: number | null | undefined): string;
  compact(n: number | null | undefined): string;
  number(n: number | null | undefined, digits?: number): string;
  /** A fraction as a percentage: 0.254 -> 25.4%. */
  percent(x: number | null | undefined, digits?: number): string;
  /** An instant (ISO UTC) as a date in the business time zone. */
  date(iso: string | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  /** A business-local calendar day YYYY-MM-DD (no time zone shift). */
  day(ymd: string | null | undefined): string;
  /** YYYY-MM month label. */
  month(ym: string | null | undefined): string;
}

const DASH = '—';

export function makeFormatters(lang: string, currency: string, decimals: number, timeZone: string): Formatters {
  const locale = intlLocale(lang);
  const scale = 10 ** decimals;
  let moneyFmt: Intl.NumberFormat;
  let moneyCompactFmt: Intl.NumberFormat;
  try {
    moneyFmt = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol', minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    moneyCompactFmt = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol', notation: 'compact', maximumFractionDigits: 1 });
  } catch {
    // An unknown currency code: plain numbers with the code after them.
    const plain = new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    moneyFmt = { format: (x: number) => `${plain.format(x)} ${currency}` } as Intl.NumberFormat;
    moneyCompactFmt = moneyFmt;
  }
  const intFmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const compactFmt = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  let tz = timeZone;
  try {
    new Intl.DateTimeFormat(locale, { timeZone: tz });
  } catch {
    tz = 'UTC';
  }
  const dateFmt = new Intl.DateTimeFormat(locale, { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  const dateTimeFmt = new Intl.DateTimeFormat(locale, {
    timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  });
  const dayFmt = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' });
  const monthFmt = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', year: 'numeric', month: 'short' });
  const numFmts = new Map<number, Intl.NumberFormat>();
  const pctFmts = new Map<number, Intl.NumberFormat>();
  const numFmt = (d: number) => {
    let f = numFmts.get(d);
    if (!f) numFmts.set(d, (f = new Intl.NumberFormat(locale, { maximumFractionDigits: d, minimumFractionDigits: 0 })));
    return f;
  };
  const pctFmt = (d: number) => {
    let f = pctFmts.get(d);
    if (!f) pctFmts.set(d, (f = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: d, minimumFractionDigits: d })));
    return f;
  };
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  return {
    locale,
    currency,
    decimals,
    timeZone: tz,
    money: (m) => (ok(m) ? moneyFmt.format(m / scale) : DASH),
    moneyCompact: (m) => (ok(m) ? moneyCompactFmt.format(m / scale) : DASH),
    major: (m) => m / scale,
    integer: (n) => (ok(n) ? intFmt.format(n) : DASH),
    compact: (n) => (ok(n) ? compactFmt.format(n) : DASH),
    number: (n, d = 2) => (ok(n) ? numFmt(d).format(n) : DASH),
    percent: (x, d = 1) => (ok(x) ? pctFmt(d).format(x) : DASH),
    date: (iso) => (iso ? safe(() => dateFmt.format(new Date(iso))) : DASH),
    dateTime: (iso) => (iso ? safe(() => dateTimeFmt.format(new Date(iso))) : DASH),
    day: (ymd) => (ymd ? safe(() => dayFmt.format(new Date(`${ymd.slice(0, 10)}T00:00:00Z`))) : DASH),
    month: (ym) => (ym ? safe(() => monthFmt.format(new Date(`${ym.slice(0, 7)}-01T00:00:00Z`))) : DASH),
  };
}

function safe(f: () => string): string {
  try {
    return f();
  } catch {
    return DASH;
  }
}

/** Formatters for the current language and the business's currency and time zone. */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  const { settings } = useSession();
  const currency = settings?.currency ?? 'CNY';
  const decimals = settings?.currencyDecimals ?? 2;
  const tz = settings?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return useMemo(() => makeFormatters(i18n.language, currency, decimals, tz), [i18n.language, currency, decimals, tz]);
}
