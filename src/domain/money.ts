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

/**
 * Number-only fast path for plain decimal text ("12", "-2.55"; at most 15 digits on each side):
 * its mantissa and scale as exact safe integers, or null when the text needs the general parser.
 * Imports parse two or three amounts per line; BigInt arithmetic there cost more than the CSV
 * parsing itself. Results are the same as the BigInt path (tested against it).
 */
export interface SmallDecimal {
  m: number;
  s: number;
}

export function parseSmallDecimal(text: string): SmallDecimal | null {
  if (!PLAIN.test(text)) return null;
  const dot = text.indexOf('.');
  const digits = text.length - (dot < 0 ? 0 : 1) - (text.charCodeAt(0) === 45 ? 1 : 0);
  if (digits > 15) return null;
  // `+ 0` turns "-0" into 0, as BigInt does.
  if (dot < 0) return { m: +text + 0, s: 0 };
  return { m: +(text.slice(0, dot) + text.slice(dot + 1)) + 0, s: text.length - dot - 1 };
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** a x b rounded to minor units (half away from zero) with numbers only; null when an intermediate could leave the safe range. */
export function multiplyRoundSmall(a: SmallDecimal, b: SmallDecimal, decimals: number): number | null {
  const m = a.m * b.m;
  // Below 2^52 the product is exact, and so is q * div below (q * div <= |m| + div < 2^53).
  if (!(Math.abs(m) < 2 ** 52)) return null;
  const scale = a.s + b.s;
  if (scale <= decimals) {
    const up = POW10[decimals - scale];
    if (up === undefined) return null;
    const r = m * up;
    return Number.isSafeInteger(r) ? r + 0 : null;
  }
  const div = POW10[scale - decimals];
  if (div === undefined) return null;
  const abs = Math.abs(m);
  let q = Math.floor(abs / div);
  let rem = abs - q * div;
  // The float division can land one off next to an integer: correct it exactly.
  if (rem < 0) {
    q -= 1;
    rem += div;
  } else if (rem >= div) {
    q += 1;
    rem -= div;
  }
  if (rem * 2 >= div) q += 1;
  return m < 0 && q !== 0 ? -q : q;
}

/** Canonical text ("2.5", "3", "-0.25") of a plain decimal; equal to decimalToString(parseDecimal(text)). */
export function canonicalSmallText(text: string): string {
  // Already canonical: no leading zero before other digits, no trailing fractional zero, not "-0".
  const c0 = text.charCodeAt(0) === 45 ? 1 : 0;
  const lead = text.charCodeAt(c0) === 48 && text.length > c0 + 1 && text.charCodeAt(c0 + 1) !== 46;
  const last = text.charCodeAt(text.length - 1);
  const dot = text.indexOf('.');
  if (!lead && (dot < 0 || (last !== 48 && last !== 46)) && !(c0 === 1 && /^-0(\.0*)?$/.test(text))) return text;
  return decimalToString(parseDecimal(text)!);
}
