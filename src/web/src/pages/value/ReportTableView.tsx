import { Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ColumnKind, ReportTable } from '../../api/types';
import { useFormat, type Formatters } from '../../lib/format';

type Cell = string | number | null;

export function formatCell(f: Formatters, kind: ColumnKind, v: Cell, daysUnit: string): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  switch (kind) {
    case 'money':
      return f.money(Math.round(v));
    case 'share':
      return f.percent(v, 1);
    case 'count':
      return f.integer(v);
    case 'days':
      return `${f.number(v, 0)} ${daysUnit}`;
    case 'number':
      return f.number(v, 2);
    default:
      return String(v);
  }
}

/**
 * A report table as the server builds it (columns with a kind, raw values): money in the
 * business currency, shares as percentages with a bar, counts with separators.
 */
export function ReportTableView({
  table,
  firstCell,
  hide = [],
  size = 'middle',
  testId,
}: {
  table: ReportTable;
  /** Renders the first column (e.g. a link to the segment's members). */
  firstCell?: (text: Cell, rowIndex: number) => ReactNode;
  hide?: string[];
  size?: 'small' | 'middle';
  testId?: string;
}) {
  const f = useFormat();
  const { t } = useTranslation();
  const daysUnit = t('value.days');
  const cols = table.columns.map((c, i) => ({ ...c, i })).filter((c) => !hide.includes(c.key));
  const columns: TableColumnsType<{ key: number; row: Cell[] }> = cols.map((c, n) => ({
    key: c.key,
    title: c.label,
    align: c.kind === 'text' ? 'left' : 'right',
    fixed: n === 0 ? 'left' : undefined,
    width: c.key === 'action' ? 300 : undefined,
    render: (_: unknown, r) => {
      const v = r.row[c.i] ?? null;
      if (n === 0 && firstCell) return firstCell(v, r.key);
      if (c.kind === 'share' && typeof v === 'number') {
        return (
          <div className="share-cell">
            <span className="num">{formatCell(f, c.kind, v, daysUnit)}</span>
            <div className="share-bar" aria-hidden>
              <span style={{ width: `${Math.max(0, Math.min(1, v)) * 100}%` }} />
            </div>
          </div>
        );
      }
      if (c.key === 'action') return <Typography.Text type="secondary" style={{ fontSize: 12 }}>{v ?? '—'}</Typography.Text>;
      return <span className={c.kind === 'text' ? undefined : 'num'}>{formatCell(f, c.kind, v, daysUnit)}</span>;
    },
  }));
  return (
    <Table
      data-testid={testId}
      size={size}
      columns={columns}
      dataSource={table.rows.map((row, key) => ({ key, row }))}
      pagination={false}
      scroll={{ x: 'max-content' }}
    />
  );
}
