import { DownloadOutlined, ManOutlined, SearchOutlined, WomanOutlined } from '@ant-design/icons';
import { App, Avatar, Button, Card, Flex, Input, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import type { Customer, CustomerPage } from '../api/types';
import { CursorPager } from '../components/CursorPager';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState } from '../components/states';
import { downloadText, toCsv } from '../lib/csv';
import { useFormat } from '../lib/format';
import { codeLabel } from '../lib/labels';
import { useSession } from '../lib/session';
import { useApi } from '../lib/useApi';

const EXPORT_MAX = 5000;

export function memberLevel(c: Customer): string | null {
  const v = c.attributes?.member_level;
  return typeof v === 'string' && v ? v : null;
}

export const LEVEL_COLORS: Record<string, string> = { platinum: 'purple', gold: 'gold', silver: 'cyan', member: 'default' };

export function CustomerAvatar({ c, size = 32 }: { c: Pick<Customer, 'name' | 'gender' | 'externalId'>; size?: number }) {
  const initial = (c.name ?? c.externalId).trim().slice(0, 1).toUpperCase();
  const bg = c.gender === 'female' || c.gender === 'F' ? '#eb2f96' : c.gender === 'male' || c.gender === 'M' ? '#2f54eb' : '#8c8c8c';
  return (
    <Avatar size={size} style={{ background: bg, flex: 'none' }} aria-hidden>
      {initial}
    </Avatar>
  );
}

export default function CustomersPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [input, setInput] = useState(q);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [pageSize, setPageSize] = useState(50);
  const [exporting, setExporting] = useState(false);
  const page = cursors.length - 1;
  const cursor = cursors[page];

  // A new query starts from the first page.
  const [lastQ, setLastQ] = useState(q);
  if (lastQ !== q) {
    setLastQ(q);
    setInput(q);
    setCursors([undefined]);
  }

  const { data, error, loading, reload } = useApi<CustomerPage>('/api/customers', { q: q || undefined, limit: pageSize, cursor });

  const search = (value: string) => {
    const v = value.trim();
    setParams(v ? { q: v } : {});
    setCursors([undefined]);
  };

  const exportCsv = async () => {
    setExporting(true);
    try {
      const rows: Customer[] = [];
      let next: string | undefined;
      do {
        const r = await api<CustomerPage>('/api/customers', { query: { q: q || undefined, limit: 500, cursor: next } });
        rows.push(...r.items);
        next = r.nextCursor ?? undefined;
      } while (next && rows.length < EXPORT_MAX);
      const csv = toCsv(
        ['id', 'external_id', 'name', 'gender', 'birthday', 'phone', 'email', 'city', 'country', 'tags', 'member_level', 'acquisition_channel', 'created_at'],
        rows.map((c) => [c.id, c.externalId, c.name, c.gender, c.birthday, c.phone, c.email, c.city, c.country, c.tags.join(';'), memberLevel(c), c.acquisitionChannel, c.createdAt]),
      );
      downloadText(`customers${q ? '-' + q : ''}.csv`, csv);
      message.success(next ? t('customers.exportCapped', { n: f.integer(rows.length) }) : t('customers.exported', { n: f.integer(rows.length) }));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setExporting(false);
    }
  };

  const columns = useMemo<TableColumnsType<Customer>>(
    () => [
      {
        title: t('customers.name'),
        key: 'name',
        fixed: 'left',
        width: 220,
        render: (_, c) => (
          <Flex gap={10} align="center">
            <CustomerAvatar c={c} />
            <div style={{ minWidth: 0 }}>
              <Link to={`/customers/${c.id}`} className="table-link" data-testid="customer-link">
                {c.name || t('customers.unnamed')}
              </Link>
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {c.externalId}
                </Typography.Text>
              </div>
            </div>
          </Flex>
        ),
      },
      {
        title: t('customers.gender'),
        dataIndex: 'gender',
        width: 64,
        align: 'center',
        responsive: ['lg'],
        render: (g: string | null) =>
          g === 'female' || g === 'F' ? (
            <Tooltip title={t('gender.female')}><WomanOutlined style={{ color: '#eb2f96' }} aria-label={t('gender.female')} /></Tooltip>
          ) : g === 'male' || g === 'M' ? (
            <Tooltip title={t('gender.male')}><ManOutlined style={{ color: '#2f54eb' }} aria-label={t('gender.male')} /></Tooltip>
          ) : (
            '—'
          ),
      },
      { title: t('customers.phone'), dataIndex: 'phone', width: 140, render: (v) => v ?? '—', responsive: ['sm'] },
      { title: t('customers.email'), dataIndex: 'email', ellipsis: true, width: 220, render: (v) => v ?? '—', responsive: ['lg'] },
      { title: t('customers.city'), dataIndex: 'city', width: 100, render: (v) => v ?? '—', responsive: ['md'] },
      {
        title: t('customers.level'),
        key: 'level',
        width: 110,
        render: (_, c) => {
          const l = memberLevel(c);
          return l ? <Tag color={LEVEL_COLORS[l] ?? 'default'}>{t(`levels.${l}`, { defaultValue: l })}</Tag> : '—';
        },
      },
      {
        title: t('customers.tags'),
        dataIndex: 'tags',
        responsive: ['xl'],
        render: (tags: string[]) =>
          tags.length ? (
            <Space size={[0, 4]} wrap>
              {tags.slice(0, 3).map((x) => (
                <Tag key={x} bordered={false}>
                  {x}
                </Tag>
              ))}
              {tags.length > 3 && <Tag bordered={false}>+{tags.length - 3}</Tag>}
            </Space>
          ) : (
            '—'
          ),
      },
      {
        title: t('customers.channel'),
        dataIndex: 'acquisitionChannel',
        width: 110,
        responsive: ['xl'],
        render: (v: string | null) => codeLabel(t, 'acquisition', v),
      },
      { title: t('customers.createdAt'), dataIndex: 'createdAt', width: 120, render: (v: string) => f.date(v), responsive: ['lg'] },
    ],
    [t, f],
  );

  return (
    <>
      <PageHeader
        title={t('customers.title')}
        subtitle={t('customers.subtitle')}
        extra={
          <Button icon={<DownloadOutlined />} onClick={exportCsv} loading={exporting} disabled={!data?.items.length}>
            {t('customers.export')}
          </Button>
        }
      />
      <Card className="panel" variant="borderless">
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Input.Search
            value={input}
            onChange={(e) => setInput(e.target.value)}
            onSearch={search}
            placeholder={t('customers.searchPlaceholder')}
            aria-label={t('customers.search')}
            allowClear
            enterButton={<><SearchOutlined /> {t('common.search')}</>}
            style={{ maxWidth: 520 }}
            data-testid="customer-search"
          />
        </Flex>
        {q && (
          <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
            {t('customers.searchHelp')}
          </Typography.Paragraph>
        )}
        {error ? (
          <ErrorState error={error} onRetry={reload} />
        ) : (
          <>
            <Table<Customer>
              rowKey="id"
              size="middle"
              loading={loading}
              columns={columns}
              dataSource={data?.items ?? []}
              pagination={false}
              scroll={{ x: 'max-content' }}
              onRow={(c) => ({ onDoubleClick: () => navigate(`/customers/${c.id}`) })}
              locale={{
                emptyText: (
                  <EmptyState
                    title={q ? t('customers.noMatch', { q }) : t('customers.none')}
                    action={
                      !q && can('imports:run') ? (
                        <Link to="/import">
                          <Button type="primary">{t('overview.importNow')}</Button>
                        </Link>
                      ) : undefined
                    }
                  />
                ),
              }}
            />
            <CursorPager
              page={page}
              shown={data?.items.length ?? 0}
              hasNext={!!data?.nextCursor}
              onPrev={() => setCursors((c) => c.slice(0, -1))}
              onNext={() => data?.nextCursor && setCursors((c) => [...c, data.nextCursor!])}
              pageSize={pageSize}
              onPageSize={(n) => {
                setPageSize(n);
                setCursors([undefined]);
              }}
            />
          </>
        )}
      </Card>
    </>
  );
}
