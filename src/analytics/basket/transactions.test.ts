import { describe, expect, it } from 'vitest';
import { BasketError } from './errors.js';
import { encodeBaskets, minCountFor, parseBasketText, transactionsFromCsr, transactionsFromIds } from './transactions.js';

function basket(db: ReturnType<typeof encodeBaskets>, t: number): number[] {
  return Array.from(db.items.subarray(db.offsets[t]!, db.offsets[t + 1]!));
}

describe('parseBasketText', () => {
  it('keeps items byte-exact, trims only a trailing CR, drops the remainder after a final newline', () => {
    expect(parseBasketText('a,b \r\ncream cheese ,c\n')).toEqual([
      ['a', 'b '],
      ['cream cheese ', 'c'],
    ]);
  });
  it('treats a blank line as an empty basket and drops empty fields', () => {
    expect(parseBasketText('a,,b\n\nc')).toEqual([['a', 'b'], [], ['c']]);
  });
  it('supports other separators', () => {
    expect(parseBasketText('a;b\n', ';')).toEqual([['a', 'b']]);
  });
});

describe('encodeBaskets', () => {
  it('assigns ids by first appearance, sorts each basket and counts a repeated item once', () => {
    const db = encodeBaskets([
      ['x', 'y', 'x'],
      ['z', 'y'],
      [],
    ]);
    expect(db.labels).toEqual(['x', 'y', 'z']);
    expect(db.nTransactions).toBe(3);
    expect(basket(db, 0)).toEqual([0, 1]);
    expect(basket(db, 1)).toEqual([1, 2]);
    expect(basket(db, 2)).toEqual([]);
    expect(db.items.length).toBe(4);
  });
});

describe('transactionsFromIds / transactionsFromCsr', () => {
  it('sorts and de-duplicates long baskets too', () => {
    const long = Array.from({ length: 40 }, (_, i) => (i * 7) % 20);
    const db = transactionsFromIds([long, [3, 1]]);
    expect(basket(db, 0)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(basket(db, 1)).toEqual([1, 3]);
    expect(db.labels[19]).toBe('19');
  });
  it('rejects bad ids and offsets', () => {
    expect(() => transactionsFromIds([[-1]])).toThrow(BasketError);
    expect(() => transactionsFromIds([[1.5]])).toThrow(BasketError);
    expect(() => transactionsFromIds([[5]], 3)).toThrow(BasketError);
    expect(() => transactionsFromCsr([0, 2], [1])).toThrow(BasketError);
    expect(() => transactionsFromCsr([0, 2, 1, 3], [1, 2, 3])).toThrow(BasketError);
  });
  it('does not modify its inputs', () => {
    const items = [2, 1, 2];
    transactionsFromCsr([0, 3], items);
    expect(items).toEqual([2, 1, 2]);
  });
});

describe('minCountFor', () => {
  it('is the smallest count whose support reaches the threshold', () => {
    // arules on Groceries: support 0.001 of 9,835 baskets keeps counts >= 10 (its rules' minimum count is 10)
    expect(minCountFor(0.001, 9835)).toBe(10);
    expect(minCountFor(0.003, 9835)).toBe(30);
    // 0.003 * 10000 is 30.000000000000004 in floating point; the threshold must stay 30
    expect(minCountFor(0.003, 10000)).toBe(30);
    expect(minCountFor(0, 100)).toBe(1);
    expect(minCountFor(1, 100)).toBe(100);
    expect(() => minCountFor(1.5, 100)).toThrow(BasketError);
  });
});
