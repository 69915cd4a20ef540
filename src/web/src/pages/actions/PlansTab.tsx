import { App, Button, Card, Col, Flex, Form, InputNumber, Row, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { PlanHeader, PlanProposal, PlanSegment } from '../../api/actions';
import { api } from '../../api/client';
import { Chart } from '../../components/Chart';
import { EmptyState, ErrorState } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useSession } from '../../lib/session';
import { useApi } from '../../lib/useApi';
import { segmentLabel } from '../value/SegmentMembersPage';

const SCHEMES = ['rfm', 'eight-way', 'tier', 'abc', 'decile'] as const;

/** Scheme names as the plan API writes them (rfm-named) back to the segment scheme. */
function schemeOf(s: string): string {
  return s === 'rfm-named' ? 'rfm' : s;
}

export default function PlansTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { can } = useSession();
  const { message } = App.useApp();
  const [scheme, setScheme] = useState<(typeof SCHEMES)[number]>('rfm');
  const [budget, setBudget] = useState<number>(100_000);
  const [quarters, setQuarters] = useState<number>(1);
  const [proposal, setProposal] = useState<PlanProposal | null>(null);
  const [busy, setBusy] = useState(false);
  const plans = useApi<{ items: PlanHeader[] }>('/api/actions/plans');
  const scale = 10 ** f.decimals;

  const body = () => ({ scheme, budgetMinor: Math.round(budget * scale), periodQuarters: quarters });
  const propose = async () => {
    setBusy(true);
    try {
      setProposal(await api<PlanProposal>('/api/actions/plans/propose', { method: 'POST', body: body() }));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const save = async () => {
    try {
      await api('/api/actions/plans', { method: 'POST', body: { ...body(), name: `${t(`value.schemes.${scheme}`)} · ${f.money(Math.round(budget * scale))}` } });
      message.success(t('common.saved'));
      plans.reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  const segs = proposal?.segments ?? [];
  const name = (id: string) => segmentLabel(t, schemeOf(proposal?.scheme ?? scheme), id);
  return (
    <Flex vertical gap={16}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('actions.plansHint')}
      </Typography.Paragraph>
      <Form layout="inline" onFinish={propose} style={{ rowGap: 8 }}>
        <Form.Item label={t('value.scheme')}>
          <Select value={scheme} onChange={setScheme} style={{ width: 150 }} options={SCHEMES.map((s) => ({ value: s, label: t(`value.schemes.${s}`) }))} />
        </Form.Item>
        <Form.Item label={t('actions.budget', { currency: f.currency })}>
          <InputNumber min={0} step={10_000} value={budget} onChange={(v) => setBudget(Number(v ?? 0))} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item label={t('actions.quarters')}>
          <InputNumber min={1} max={40} value={quarters} onChange={(v) => setQuarters(Number(v ?? 1))} style={{ width: 90 }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="plan-propose">
            {t('actions.propose')}
          </Button>
        </Form.Item>
        {proposal && can('campaigns:write') && (
          <Form.Item>
            <Button onClick={save}>{t('actions.savePlan')}</Button>
          </Form.Item>
        )}
      </Form>
      {proposal && (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={10}>
            <Card size="small" variant="outlined" title={t('actions.sharesTitle')}>
              <Chart
                label={t('actions.sharesTitle')}
                height={Math.max(260, segs.length * 40 + 60)}
                option={{
                  tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => f.percent(Number(v)) },
                  legend: { top: 0 },
                  grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
                  xAxis: { type: 'value', axisLabel: { formatter: (v: number) => f.percent(v, 0) } },
                  yAxis: { type: 'category', inverse: true, data: segs.map((s) => name(s.id)) },
                  series: [
                    { type: 'bar', name: t('value.customerShare'), data: segs.map((s) => s.customerShare), barMaxWidth: 8, itemStyle: { color: '#d6e4ff' } },
                    { type: 'bar', name: t('value.salesShare'), data: segs.map((s) => s.salesShare), barMaxWidth: 8, itemStyle: { color: '#13c2c2' } },
                    { type: 'bar', name: t('actions.budgetShare'), data: segs.map((s) => s.budgetShare), barMaxWidth: 8, itemStyle: { color: '#2f54eb' } },
                  ],
                }}
              />
            </Card>
          </Col>
          <Col xs={24} xl={14}>
            <Card size="small" variant="outlined" title={t('actions.proposalTitle', { date: f.day(proposal.snapshot.asOf) })}>
              <Table<PlanSegment>
                size="small"
                rowKey="id"
                dataSource={segs}
                pagination={false}
                scroll={{ x: 'max-content' }}
                columns={[
                  {
                    title: t('actions.segment'),
                    dataIndex: 'id',
                    render: (id: string) => <Link to={`/value/segments/${schemeOf(proposal.scheme)}/${id}?snapshot=${proposal.snapshot.id}`}>{name(id)}</Link>,
                  },
                  { title: t('value.customers'), dataIndex: 'customers', align: 'right', render: (v: number) => f.integer(v) },
                  { title: t('value.salesShare'), dataIndex: 'salesShare', align: 'right', render: (v: number) => f.percent(v) },
                  { title: t('actions.budget', { currency: f.currency }), dataIndex: 'budget', align: 'right', render: (v: number) => f.money(v) },
                  { title: t('actions.perCustomer'), dataIndex: 'spendPerCustomer', align: 'right', render: (v: number | null) => (v === null ? '—' : f.money(Math.round(v))) },
                  {
                    title: t('actions.spendIndex'),
                    dataIndex: 'spendIndex',
                    align: 'right',
                    render: (v: number | null) => (v === null ? '—' : <Tag color={v >= 1.5 ? 'blue' : v <= 0.5 ? 'default' : 'cyan'}>{f.number(v, 2)}×</Tag>),
                  },
                ]}
              />
            </Card>
          </Col>
        </Row>
      )}
      <Card size="small" variant="outlined" title={t('actions.savedPlans')}>
        {plans.error ? (
          <ErrorState error={plans.error} onRetry={plans.reload} />
        ) : (
          <Table<PlanHeader>
            size="small"
            rowKey="id"
            loading={plans.loading}
            dataSource={plans.data?.items ?? []}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: <EmptyState title={t('actions.noPlans')} /> }}
            columns={[
              { title: t('actions.planName'), dataIndex: 'name' },
              { title: t('voice.status'), dataIndex: 'status', render: (s: string) => <Tag>{t(`actions.status_${s}`, { defaultValue: s })}</Tag> },
              { title: t('actions.budget', { currency: f.currency }), dataIndex: 'budgetMinor', align: 'right', render: (v: number) => f.money(v) },
              { title: t('value.customers'), key: 'c', align: 'right', render: (_, p) => f.integer(p.totals.customers) },
              { title: t('actions.logged'), key: 'l', align: 'right', render: (_, p) => `${f.integer(p.logged.contacts)} · ${f.money(p.logged.costMinor)}` },
              { title: t('users.createdAt'), dataIndex: 'createdAt', render: (v: string) => f.date(v) },
            ]}
          />
        )}
      </Card>
    </Flex>
  );
}
