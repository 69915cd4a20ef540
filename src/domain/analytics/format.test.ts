import { describe, expect, it } from 'vitest';
import type { ReportTable } from '../../analytics/metrics.js';
import { displayWidth, formatCell, renderTable, tableToCsv } from './format.js';

const table: ReportTable = {
  title: '客户群',
  columns: [
    { key: 'segment', label: '客户群', kind: 'text' },
    { key: 'customers', label: 'Customers', kind: 'count' },
    { key: 'revenue', label: 'Revenue', kind: 'money' },
    { key: 'share', label: 'Share', kind: 'share' },
  ],
  rows: [
    ['冠军客户', 1234567, -123456, 0.1234],
    ['Lost, "old"', 0, 5, null],
  ],
};

describe('report formatting', () => {
  it('formats cells by kind: money in currency units, shares in %, null as empty', () => {
    expect(formatCell(-123456, 'money', 2)).toBe('-1,234.56');
    expect(formatCell(5, 'money', 2)).toBe('0.05');
    expect(formatCell(1234567, 'money', 0)).toBe('1,234,567');
    expect(formatCell(0.1234, 'share', 2)).toBe('12.3%');
    expect(formatCell(null, 'share', 2)).toBe('');
    expect(formatCell(2.5, 'days', 2)).toBe('2.50');
  });

  it('aligns columns by display width (CJK characters are two columns wide)', () => {
    expect(displayWidth('冠军客户')).toBe(8);
    expect(displayWidth('Lost')).toBe(4);
    const lines = renderTable(table, 2).trimEnd().split('\n');
    expect(lines[0]).toBe('客户群');
    // Every body line has the numbers right-aligned under the header.
    const headerEnd = displayWidth(lines[1]!);
    expect(displayWidth(lines[3]!.trimEnd())).toBe(headerEnd);
  });

  it('writes RFC 4180 CSV with plain decimals', () => {
    expect(tableToCsv(table, 2)).toBe('客户群,Customers,Revenue,Share\n冠军客户,1234567,-1234.56,0.1234\n"Lost, ""old""",0,0.05,\n');
  });
});
