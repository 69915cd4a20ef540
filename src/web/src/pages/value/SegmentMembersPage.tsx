import { DownloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import type { SegmentMember, SegmentMembersPage as Page } from '../../api/analytics';
import { api } from '../../api/client';
import { CursorPager } from '../../components/CursorPager';
import { FeatureGate } from '../../components/FeatureGate';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/states';
import { downloadText, toCsv } from '../../lib/csv';
import { useFormat } from '../../lib/format';
import { useApi } from '../../lib/useApi';
import { TIER_COLORS } from './segment-colors';

const EXPORT_MAX = 10_000;

export function segmentLabel(t: (k: string, o?: Record<string, unknown>) => string, scheme: string, segment: string): string {
  if (scheme === 'decile') return t('value.decileN', { n: segment });
  if (scheme === 'cell') return t('value.cellN', { cell: segment });
  return t(`segments.${scheme}.${segment}`, { defaultValue: segment });
}

function Members() {
  const { t } = useTranslation();
  const f = useFormat();
  const { message } = App.useApp();
  const { scheme = 'rfm', segment = '' } = useParams();
  const [params] = useSearchParams();
  const snapshot = params.get('snapshot') ?? undefined;
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [pageSize, setPageSize] = useState(50);
  const [exporting, setExporting] = useState(false);
  const path = `/api/analytics/segments/${encodeURIComponent(scheme)}/${encodeURIComponent(segment)}/members`;
  const { data, error, loading, reload } = useApi<Page>(path, { snapshot, limit: pageSize, cursor: cursors[cursors.length - 1] });
  const name = segmentLabel(t, scheme, segment);

  const exportCsv = async () => {
    setExporting(true);
    try {
      const rows: SegmentMember[] = [];
      let next: string | undefined;
      do {
        const r = await api<Page>(path, { query: { snapshot, limit: 500, cursor: next } });
        rows.push(...r.items);
        next = r.nextCursor ?? undefined;
      } while (next && rows.length < EXPORT_MAX);
      downloadText(
        `segment-${scheme}-${segment}.csv`,
        toCsv(
          ['external_id', 'name', 'phone', 'email', 'consent_sms', 'consent_email', 'recency_days', 'orders', 'purchase_days', 'revenue', 'profit', 'rfm_cell', 'rfm_segment', 'eight_way', 'tier', 'abc', 'decile'],
          rows.map((m) => [
            m.externalId, m.name, m.phone, m.email, m.consentSms, m.consentEmail, m.metrics.recencyDays, m.metrics.orders, m.metrics.purchaseDays,
            f.major(m.metrics.revenueMinor), f.major(m.metrics.profitMinor), m.metrics.rfm.cell, m.metrics.rfm.segment, m.metrics.rfm.eightWay,
            m.metrics.tier, m.metrics.abcClass, m.metrics.monetaryDecile,
          ]),
        ),
      );
      message.success(next ? t('customers.exportCapped', { n: f.integer(rows.length) }) : t('customers.exported', { n: f.integer(rows.length) }));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setExporting(false);
    }
  };

  const columns: TableColumnsType<SegmentMember> = [
    {
      title: t('customers.name'),
      key: 'name',
      fixed: 'left',
      render: (_, m) => (
        <div>
          <Link to={`/customers/${m.customerId}`} className="table-link" data-testid="member-link">
            {m.name || t('customers.unnamed')}
          </Link>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {m.externalId}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    { title: t('customers.phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—', responsive: ['md'] },
    { title: t('value.recencyDays'), key: 'r', align: 'right', render: (_, m) => f.integer(m.metrics.recencyDays) },
    { title: t('value.purchaseDays'), key: 'f', align: 'right', render: (_, m) => f.integer(m.metrics.purchaseDays) },
    { title: t('value.revenue'), key: 'm', align: 'right', render: (_, m) => <span className="num">{f.money(m.metrics.revenueMinor)}</span> },
    { title: t('value.profit'), key: 'p', align: 'right', responsive: ['lg'], render: (_, m) => <span className="num">{f.money(m.metrics.profitMinor)}</span> },
    { title: 'RFM', key: 'cell', align: 'center', render: (_, m) => <Tag bordered={false}>{m.metrics.rfm.cell}</Tag> },
    {
      title: t('value.tier'),
      key: 'tier',
      responsive: ['md'],
      render: (_, m) => <Tag color={TIER_COLORS[m.metrics.tier]}>{segmentLabel(t, 'tier', m.metrics.tier)}</Tag>,
    },
    { title: 'ABC', key: 'abc', align: 'center', responsive: ['lg'], render: (_, m) => m.metrics.abcClass },
    { title: t('value.decile'), key: 'decile', align: 'center', responsive: ['lg'], render: (_, m) => m.metrics.monetaryDecile },
  ];

  return (
    <>
      <PageHeader
        crumbs={[{ title: t('nav.value'), to: `/value/segments${snapshot ? `?snapshot=${snapshot}` : ''}` }, { title: name }]}
        title={<span data-testid="segment-title">{name}</span>}
        subtitle={data ? t('value.membersSubtitle', { scheme: t(`value.schemes.${scheme}`, { defaultValue: scheme }), date: f.day(data.snapshot.asOf) }) : undefined}
        extra={
          <Button icon={<DownloadOutlined />} onClick={exportCsv} loading={exporting} disabled={!data?.items.length}>
            {t('customers.export')}
          </Button>
        }
      />
      <Card className="panel" variant="borderless">
        {error ? (
          <ErrorState error={error} onRetry={reload} />
        ) : (
          <>
            <Table<SegmentMember>
              rowKey="customerId"
              size="middle"
              loading={loading}
              columns={columns}
              dataSource={data?.items ?? []}
              pagination={false}
              scroll={{ x: 'max-content' }}
              locale={{ emptyText: <EmptyState title={t('value.noMembers')} /> }}
            />
            <Flex vertical>
              <CursorPager
                page={cursors.length - 1}
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
            </Flex>
          </>
        )}
      </Card>
    </>
  );
}

export default function SegmentMembersPage() {
  const { t } = useTranslation();
  return (
    <FeatureGate prefix="/api/analytics" feature={t('nav.value')}>
      <Members />
    </FeatureGate>
  );
}
