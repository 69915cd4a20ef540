import { describe, expect, it } from 'vitest';
import { createRng } from '../analytics/random.js';
import {
  canonicalSmallText, decimalToString, formatMinor, multiply, multiplyRoundSmall, parseDecimal, parseMinor, parseSmallDecimal, roundToMinor,
} from './money.js';

describe('money', () => {
  it('parses decimal text exactly', () => {
    expect(parseMinor('2.55', 2)).toBe(255);
    expect(parseMinor('1,234.50', 2)).toBe(123450);
    expect(parseMinor('1.234,50', 2, { decimalSeparator: ',' })).toBe(123450);
    expect(parseMinor('-3', 2)).toBe(-300);
    expect(parseMinor('¥12.00', 2)).toBe(1200);
    expect(parseMinor('(5.10)', 2)).toBe(-510);
    expect(parseMinor('.5', 2)).toBe(50);
    expect(parseMinor('0', 0)).toBe(0);
  });

  it('rejects what is not a number', () => {
    for (const bad of ['', 'abc', '1.2.3', '12a', '--1', 'NaN', '1e5']) expect(parseDecimal(bad)).toBeNull();
  });

  it('rounds half away from zero once, at the minor unit', () => {
    expect(roundToMinor(parseDecimal('0.125')!, 2)).toBe(13);
    expect(roundToMinor(parseDecimal('-0.125')!, 2)).toBe(-13);
    expect(roundToMinor(parseDecimal('0.1249')!, 2)).toBe(12);
    // 0.1 + 0.2 in floats is 0.30000000000000004; here a line of 3 x 0.1 is exactly 30 cents.
    expect(roundToMinor(multiply(parseDecimal('0.1')!, parseDecimal('3')!), 2)).toBe(30);
    // UCI-style: 6 x 2.55 = 15.30; 12 x 0.165 = 1.98
    expect(roundToMinor(multiply(parseDecimal('2.55')!, parseDecimal('6')!), 2)).toBe(1530);
    expect(roundToMinor(multiply(parseDecimal('0.165')!, parseDecimal('12')!), 2)).toBe(198);
  });

  it('formats and canonicalises', () => {
    expect(formatMinor(123450, 2)).toBe('1234.50');
    expect(formatMinor(-5, 2)).toBe('-0.05');
    expect(formatMinor(7, 0)).toBe('7');
    expect(decimalToString(parseDecimal('2.550')!)).toBe('2.55');
    expect(decimalToString(parseDecimal('-0.50')!)).toBe('-0.5');
    expect(decimalToString(parseDecimal('003')!)).toBe('3');
  });

  it('the number-only fast path agrees with the exact BigInt path', () => {
    const rng = createRng(11);
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rng() * 10)).join('');
    const randomText = () => {
      const sign = rng() < 0.2 ? '-' : '';
      const int = rng() < 0.1 ? '0' : rng() < 0.1 ? '00' + digits(2) : digits(1 + Math.floor(rng() * 9));
      const frac = rng() < 0.3 ? '' : '.' + digits(Math.floor(rng() * 7));
      return sign + int + frac;
    };
    const edges = ['0', '-0', '-0.0', '0.005', '-0.005', '0.015', '2.55', '0.165', '999999999999999', '99999999.9999999', '4503599627370495',
      '1.', '00.50', '-12.30', '0.1249', '0.125', '-0.125', '12345678901234.5'];
    const texts = [...edges, ...Array.from({ length: 4000 }, randomText)];
    let fast = 0;
    for (let k = 0; k < texts.length; k++) {
      const a = texts[k]!;
      const b = texts[(k * 7919 + 13) % texts.length]!;
      const exactA = parseDecimal(a);
      const smallA = parseSmallDecimal(a);
      if (smallA === null) continue;
      expect(exactA, a).not.toBeNull();
      expect(canonicalSmallText(a), a).toBe(decimalToString(exactA!));
      expect(Object.is(smallA.m, -0), a).toBe(false);
      const smallB = parseSmallDecimal(b);
      if (smallB === null) continue;
      for (const dec of [0, 2, 3]) {
        const got = multiplyRoundSmall(smallA, smallB, dec);
        if (got === null) continue;
        fast++;
        let want: number | string;
        try {
          want = roundToMinor(multiply(exactA!, parseDecimal(b)!), dec);
        } catch {
          want = 'out of range';
        }
        expect(got, `${a} x ${b} at ${dec}`).toBe(want);
        expect(Object.is(got, -0), `${a} x ${b}`).toBe(false);
      }
    }
    // The comparison must have exercised the fast path, not skipped it.
    expect(fast).toBeGreaterThan(5000);
    expect(parseSmallDecimal('1,234.50')).toBeNull();
    expect(parseSmallDecimal('1234567890123456')).toBeNull();
    expect(multiplyRoundSmall(parseSmallDecimal('999999999999999')!, parseSmallDecimal('999999999999999')!, 2)).toBeNull();
  });
});
