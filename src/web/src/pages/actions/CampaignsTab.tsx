import { Card, Col, Empty, Flex, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Campaign, CampaignResult } from '../../api/actions';
import { EmptyState, ErrorState, Loading } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useApi } from '../../lib/useApi';
import { segmentLabel } from '../value/SegmentMembersPage';

function Results({ id }: { id: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { data, error, reload } = useApi<CampaignResult>(`/api/actions/campaigns/${id}/results`);
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return <Loading rows={4} />;
  const g = data.groups;
  const ci = (c: { lower: number; upper: number } | null, fmt: (x: number) => string) => (c ? `${fmt(c.lower)} – ${fmt(c.upper)}` : '');
  return (
    <Flex vertical gap={12}>
      <Typography.Text type="secondary">
        {t('actions.window', { from: f.day(data.window.from), to: f.day(data.window.to) })}
        {!data.window.complete && ` · ${t('actions.windowOpen')}`}
      </Typography.Text>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Statistic title={t('actions.treatmentRate')} value={f.percent(g.treatment.responseRate)} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {f.integer(g.treatment.responders)} / {f.integer(g.treatment.customers)}
          </Typography.Text>
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('actions.controlRate')} value={f.percent(g.control.responseRate)} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {f.integer(g.control.responders)} / {f.integer(g.control.customers)}
          </Typography.Text>
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('actions.uplift')} value={f.percent(data.response.difference)} styles={{ content: { color: data.response.difference > 0 ? '#389e0d' : undefined } }} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            95% CI {ci(data.response.ci, (x) => f.percent(x))}
          </Typography.Text>
        </Col>
        <Col xs={12} md={6}>
          <Statistic title="ROI" value={data.roi.roi === null ? '—' : f.percent(data.roi.roi, 0)} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('actions.incremental', { revenue: f.money(data.roi.incrementalRevenue), cost: f.money(data.cost.totalMinor) })}
          </Typography.Text>
        </Col>
      </Row>
    </Flex>
  );
}

export default function CampaignsTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const list = useApi<{ items: Campaign[] }>('/api/actions/campaigns');
  const [open, setOpen] = useState<number | null>(null);
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  if (!list.data) return <Loading rows={6} />;
  if (!list.data.items.length) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('actions.noCampaigns')} />;
  }
  const chosen = list.data.items.find((c) => c.id === open);
  return (
    <Flex vertical gap={16}>
      <Table<Campaign>
        size="middle"
        rowKey="id"
        dataSource={list.data.items}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <EmptyState title={t('actions.noCampaigns')} /> }}
        onRow={(c) => ({ onClick: () => setOpen(c.id) })}
        columns={[
          { title: t('actions.campaign'), dataIndex: 'name', render: (v: string, c) => <Typography.Link onClick={() => setOpen(c.id)}>{v}</Typography.Link> },
          { title: t('actions.segment'), key: 's', render: (_, c) => segmentLabel(t, c.scheme === 'rfm-named' ? 'rfm' : c.scheme, c.segment) },
          { title: t('c360.channel'), dataIndex: 'channel', render: (v: string) => t(`codes.contactChannel.${v}`, { defaultValue: v }) },
          { title: t('actions.treatment'), key: 'tr', align: 'right', render: (_, c) => f.integer(c.audience.treatment) },
          { title: t('actions.control'), key: 'co', align: 'right', render: (_, c) => f.integer(c.audience.control) },
          { title: t('actions.noConsent'), key: 'nc', align: 'right', responsive: ['lg'], render: (_, c) => f.integer(c.audience.excludedNoConsent) },
          { title: t('voice.status'), dataIndex: 'status', render: (s: string, c) => <Tag color={s === 'sent' ? 'green' : 'default'}>{s === 'sent' ? t('actions.sentOn', { date: f.date(c.sentAt) }) : t('actions.status_draft')}</Tag> },
        ]}
      />
      {chosen && (
        <Card size="small" variant="outlined" title={t('actions.resultsOf', { name: chosen.name })}>
          {chosen.status === 'sent' ? <Results id={chosen.id} /> : <Typography.Text type="secondary">{t('actions.notSent')}</Typography.Text>}
        </Card>
      )}
    </Flex>
  );
}
