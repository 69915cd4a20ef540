/**
 * Exact decimal handling for money. Amounts are parsed from text into a scaled integer
 * (mantissa x 10^-scale) and rounded to the currency's minor unit; no float ever holds money.
 * Rounding is half away from zero (commercial rounding), applied once per line.
 */
export interface Decimal {
  /** Signed integer mantissa. */
  mantissa: bigint;
  /** Digits after the decimal point. */
  scale: number;
}

export interface DecimalFormat {
  /** '.' (default) or ','. */
  decimalSeparator?: '.' | ',';
}

const CLEAN_DOT = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Parses decimal text such as "1,234.50", "-3", "2,55" (with decimalSeparator ','), "¥12.00". Returns null if it is not a number. */
const PLAIN = /^-?\d{1,15}(\.\d{1,15})?$/;

export function parseDecimal(text: string, fmt: DecimalFormat = {}): Decimal | null {
  // Fast path for the common plain form ("12", "-2.55"): imports call this per row.
  if (fmt.decimalSeparator !== ',' && PLAIN.test(text)) {
    const dot = text.indexOf('.');
    if (dot < 0) return { mantissa: BigInt(text), scale: 0 };
    return { mantissa: BigInt(text.slice(0, dot) + text.slice(dot + 1)), scale: text.length - dot - 1 };
  }
  let s = text.trim();
  if (s === '') return null;
  // Currency symbols and spaces used as grouping are tolerated; letters are not.
  s = s.replace(/^[¥￥$€£]|[¥￥$€£]$/g, '').replace(/[\s\u00a0']/g, '');
  if (s.startsWith('(') && s.endsWith(')')) s = '-' + s.slice(1, -1); // accounting negative
  if (fmt.decimalSeparator === ',') s = s.replace(/\./g, '').replace(',', '.');
  else s = s.replace(/,/g, '');
  if (!CLEAN_DOT.test(s)) return null;
  const neg = s.startsWith('-');
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  const dot = s.indexOf('.');
  const intPart = dot < 0 ? s : s.slice(0, dot);
  const frac = dot < 0 ? '' : s.slice(dot + 1);
  const digits = (intPart + frac).replace(/^0+(?=\d)/, '') || '0';
  const m = BigInt(digits);
  return { mantissa: neg ? -m : m, scale: frac.length };
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Rounds mantissa x 10^-scale to an integer count of 10^-decimals units, half away from zero. */
export function roundToMinor(d: Decimal, decimals: number): number {
  let r: bigint;
  if (d.scale <= decimals) {
    r = d.mantissa * pow10(decimals - d.scale);
  } else {
    const div = pow10(d.scale - decimals);
    const abs = d.mantissa < 0n ? -d.mantissa : d.mantissa;
    let q = abs / div;
    if ((abs % div) * 2n >= div) q += 1n;
    r = d.mantissa < 0n ? -q : q;
  }
  const n = Number(r);
  if (!Number.isSafeInteger(n)) throw new RangeError('amount too large');
  return n;
}

export function multiply(a: Decimal, b: Decimal): Decimal {
  return { mantissa: a.mantissa * b.mantissa, scale: a.scale + b.scale };
}

/** Parses text straight to minor units; null if not a number. */
export function parseMinor(text: string, decimals: number, fmt: DecimalFormat = {}): number | null {
  const d = parseDecimal(text, fmt);
  return d === null ? null : roundToMinor(d, decimals);
}

/** Canonical decimal text of a Decimal ("2.55", "-0.5", "3"). */
export function decimalToString(d: Decimal): string {
  const neg = d.mantissa < 0n;
  let digits = (neg ? -d.mantissa : d.mantissa).toString();
  if (d.scale > 0) {
    digits = digits.padStart(d.scale + 1, '0');
    digits = `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}`.replace(/\.?0+$/, '');
  }
  return (neg && digits !== '0' ? '-' : '') + digits;
}

/** Minor units to decimal text for display and CSV ("1234.50"). */
export function formatMinor(minor: number, decimals: number): string {
  const neg = minor < 0;
  const s = Math.abs(minor).toString().padStart(decimals + 1, '0');
  const out = decimals > 0 ? `${s.slice(0, -decimals)}.${s.slice(-decimals)}` : s;
  return neg ? `-${out}` : out;
}
