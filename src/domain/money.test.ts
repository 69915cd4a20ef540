import { describe, expect, it } from 'vitest';
import { decimalToString, formatMinor, multiply, parseDecimal, parseMinor, roundToMinor } from './money.js';

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
});
