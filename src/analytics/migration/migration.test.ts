import { describe, expect, it } from 'vitest';
import { MIGRATION_GONE, MIGRATION_NEW, migrationTable, segmentMigration, type SegmentAssignment } from './index.js';

const s = (customerId: string, segment: string, revenueMinor?: number): SegmentAssignment =>
  revenueMinor === undefined ? { customerId, segment } : { customerId, segment, revenueMinor };

const BEFORE = [s('a', 'gold', 100), s('b', 'gold', 200), s('c', 'iron', 30), s('d', 'lead', 5)];
const AFTER = [s('a', 'gold', 110), s('b', 'platinum', 500), s('c', 'gold', 90), s('e', 'iron', 40)];

describe('segmentMigration', () => {
  it('from -> to counts and revenue with new and gone', () => {
    const m = segmentMigration(BEFORE, AFTER, { order: ['platinum', 'gold', 'iron', 'lead'] });
    expect(m.segments).toEqual(['platinum', 'gold', 'iron', 'lead']);
    expect(m.from).toEqual(['platinum', 'gold', 'iron', 'lead', MIGRATION_NEW]);
    expect(m.to).toEqual(['platinum', 'gold', 'iron', 'lead', MIGRATION_GONE]);
    expect(m.counts).toEqual([
      [0, 0, 0, 0, 0],
      [1, 1, 0, 0, 0], // gold -> platinum (b), gold -> gold (a)
      [0, 1, 0, 0, 0], // iron -> gold (c)
      [0, 0, 0, 0, 1], // lead -> gone (d)
      [0, 0, 1, 0, 0], // new -> iron (e)
    ]);
    expect(m.revenueBeforeMinor[1]).toEqual([200, 100, 0, 0, 0]);
    expect(m.revenueAfterMinor[1]).toEqual([500, 110, 0, 0, 0]);
    expect(m.revenueBeforeMinor[3]![4]).toBe(5);
    expect(m.revenueAfterMinor[3]![4]).toBe(0);
    expect(m.revenueAfterMinor[4]![2]).toBe(40);
    expect(m.totals).toEqual({ before: 4, after: 4, stayed: 1, moved: 2, new: 1, gone: 1, revenueBeforeMinor: 335, revenueAfterMinor: 740 });
  });

  it('cells list non-empty cells with row shares', () => {
    const m = segmentMigration(BEFORE, AFTER, { order: ['platinum', 'gold', 'iron', 'lead'] });
    expect(m.cells.map((c) => `${c.from}>${c.to}:${c.customers}:${c.rowShare}`)).toEqual([
      'gold>platinum:1:0.5',
      'gold>gold:1:0.5',
      'iron>gold:1:1',
      `lead>${MIGRATION_GONE}:1:1`,
      `${MIGRATION_NEW}>iron:1:1`,
    ]);
  });

  it('without an order, segments are sorted; unlisted segments follow the listed ones', () => {
    expect(segmentMigration(BEFORE, AFTER).segments).toEqual(['gold', 'iron', 'lead', 'platinum']);
    expect(segmentMigration(BEFORE, AFTER, { order: ['lead', 'unused', 'lead'] }).segments).toEqual(['lead', 'gold', 'iron', 'platinum']);
  });

  it('an RFM segment called "new" does not collide with the entering marker', () => {
    const m = segmentMigration([s('a', 'new')], [s('a', 'loyal'), s('b', 'new')]);
    expect(m.from).toEqual(['loyal', 'new', MIGRATION_NEW]);
    expect(m.counts[1]![0]).toBe(1); // new -> loyal
    expect(m.counts[2]![1]).toBe(1); // (new) -> new
  });

  it('revenue is optional (0); empty snapshots work', () => {
    const m = segmentMigration([s('a', 'x')], []);
    expect(m.counts).toEqual([
      [0, 1],
      [0, 0],
    ]);
    expect(m.totals.gone).toBe(1);
    expect(segmentMigration([], []).counts).toEqual([[0]]);
  });

  it('rejects duplicates, reserved names and non-integer revenue', () => {
    expect(() => segmentMigration([s('a', 'x'), s('a', 'y')], [])).toThrow(expect.objectContaining({ code: 'DUPLICATE_CUSTOMER' }));
    expect(() => segmentMigration([s('a', MIGRATION_GONE)], [])).toThrow(/reserved/);
    expect(() => segmentMigration([s('a', 'x', 1.5)], [])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('migrationTable', () => {
  it('renders counts with translated markers and row totals', () => {
    const m = segmentMigration(BEFORE, AFTER, { order: ['platinum', 'gold', 'iron', 'lead'] });
    const t = migrationTable(m, 'customers', 'zh-CN', (x) => ({ platinum: '白金客户', gold: '黄金客户', iron: '黑铁客户', lead: '铅客户' })[x] ?? x);
    expect(t.columns.map((c) => c.label)).toEqual(['从 \\ 到', '白金客户', '黄金客户', '黑铁客户', '铅客户', '（流失）', '合计']);
    expect(t.rows[1]).toEqual(['黄金客户', 1, 1, 0, 0, 0, 2]);
    expect(t.rows[4]![0]).toBe('（新增）');
    const rev = migrationTable(m, 'revenueAfter');
    expect(rev.rows[1]).toEqual(['gold', 500, 110, 0, 0, 0, 610]);
    expect(rev.columns[1]!.kind).toBe('money');
  });
});
