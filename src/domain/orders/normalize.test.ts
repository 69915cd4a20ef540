import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../storage/settings.repo.js';
import { ApiOrderSchema, normalizeApiOrder } from './normalize.js';

const settings = { ...DEFAULT_SETTINGS, timeZone: 'Asia/Shanghai' };

describe('normalizeApiOrder', () => {
  it('converts local time, exact money and discounts', () => {
    const raw = ApiOrderSchema.parse({
      externalId: 'POS-1',
      customer: { externalId: 'M1', name: '王芳' },
      orderedAt: '2024-03-01T23:30:00',
      discount: '1.00',
      lines: [
        { sku: 'A', quantity: 3, unitPrice: '0.10' },
        { sku: 'B', quantity: '2', unitPrice: '5.55', discount: '0.10' },
      ],
    });
    const o = normalizeApiOrder(raw, settings);
    expect(o.orderedAt).toBe('2024-03-01T15:30:00.000Z');
    expect(o.localDate).toBe('2024-03-01');
    expect(o.lines.map((l) => l.lineTotalMinor)).toEqual([30, 1100]);
    expect(o.discountMinor).toBe(100);
    expect(o.kind).toBe('sale');
  });

  it('treats a negative total as a return and rejects float money', () => {
    const o = normalizeApiOrder(ApiOrderSchema.parse({ externalId: 'R1', orderedAt: '2024-03-02T10:00:00+08:00', lines: [{ quantity: -1, unitPrice: '5.00' }] }), settings);
    expect(o.kind).toBe('return');
    expect(o.customer).toBeNull();
    expect(ApiOrderSchema.safeParse({ externalId: 'X', orderedAt: '2024-01-01', lines: [{ quantity: 1, amount: 1.1 }] }).success).toBe(false);
  });

  it('names the field that is wrong', () => {
    expect(() => normalizeApiOrder(ApiOrderSchema.parse({ externalId: 'X', orderedAt: 'soon', lines: [{ amount: '1' }] }), settings)).toThrow(/orderedAt/);
    expect(() => normalizeApiOrder(ApiOrderSchema.parse({ externalId: 'X', orderedAt: '2024-01-01', lines: [{ sku: 'A' }] }), settings)).toThrow(/lines\[0\]/);
  });
});
