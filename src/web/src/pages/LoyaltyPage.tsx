import { CrownOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Result,
  Row,
  Segmented,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Liability, Member, Programme, Settlement } from '../api/loyalty';
import type { Venue } from '../api/types';
import { Chart } from '../components/Chart';
import { FeatureGate } from '../components/FeatureGate';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useFormat } from '../lib/format';
import { useSession } from '../lib/session';
import { useApi } from '../lib/useApi';
import { MemberView } from './loyalty/MemberView';

const AGES = ['0-30', '31-90', '91-180', '181-365', '366+'];

function CreateProgramme({ venues, onDone }: { venues: Venue[]; onDone(): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();
  const submit = async (v: { code: string; name: string; venueCodes?: string[]; earnPct: number; pointValue: number; expiryDays?: number }) => {
    setBusy(true);
    try {
      await api('/api/loyalty/programmes', {
        method: 'POST',
        body: {
          code: v.code,
          name: v.name,
          venueCodes: v.venueCodes ?? [],
          earnRateBp: Math.round(v.earnPct * 100),
          pointValueMinor: Math.max(1, Math.round(v.pointValue * 10 ** f.decimals)),
          pointsExpiryDays: v.expiryDays ?? null,
        },
      });
      setOpen(false);
      onDone();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
        {t('loyalty.create')}
      </Button>
      <Modal open={open} title={t('loyalty.create')} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={busy} okText={t('common.create')} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ earnPct: 5, pointValue: 0.01 }}>
          <Row gutter={12}>
            <Col span={10}>
              <Form.Item name="code" label={t('loyalty.code')} rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{1,40}$/ }]}>
                <Input placeholder="VIP" />
              </Form.Item>
            </Col>
            <Col span={14}>
              <Form.Item name="name" label={t('loyalty.name')} rules={[{ required: true }]}>
                <Input placeholder={t('loyalty.namePlaceholder')} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="venueCodes" label={t('loyalty.venues')} extra={t('loyalty.venuesHelp')}>
            <Select mode="multiple" options={venues.map((v) => ({ value: v.code, label: v.name }))} />
          </Form.Item>
          <Row gutter={12}>
            <Col span={8}>
              <Form.Item name="earnPct" label={t('loyalty.earnRate')}>
                <InputNumber min={0} max={100} step={0.5} suffix="%" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="pointValue" label={t('loyalty.pointValue', { currency: f.currency })}>
                <InputNumber min={0} step={0.01} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="expiryDays" label={t('loyalty.expiryDays')}>
                <InputNumber min={1} placeholder={t('loyalty.never')} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </Modal>
    </>
  );
}

function ProgrammeCard({ p, venues }: { p: Programme; venues: Venue[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const pct = (bp: number) => f.percent(bp / 10_000);
  return (
    <Card className="panel" variant="borderless" title={<Space><CrownOutlined style={{ color: '#faad14' }} />{p.name}</Space>} extra={<Tag color={p.status === 'active' ? 'green' : 'default'}>{t(`loyalty.status_${p.status}`)}</Tag>} style={{ height: '100%' }}>
      <Descriptions
        size="small"
        column={1}
        colon={false}
        styles={{ label: { width: 104, color: 'rgba(0,0,0,0.5)' } }}
        items={[
          { key: 'earn', label: t('loyalty.earnRate'), children: pct(p.earnRateBp) },
          { key: 'value', label: t('loyalty.pointWorth'), children: f.money(p.pointValueMinor) },
          { key: 'exp', label: t('loyalty.expiryDays'), children: p.pointsExpiryDays ? t('loyalty.daysN', { n: p.pointsExpiryDays }) : t('loyalty.never') },
          { key: 'ref', label: t('loyalty.referralPoints'), children: t('loyalty.referralLine', { referrer: f.integer(p.referrerPoints), referee: f.integer(p.refereePoints) }) },
          {
            key: 'topup',
            label: t('loyalty.topupBonus'),
            children: p.topupBonuses.length ? p.topupBonuses.map((b) => t('loyalty.topupLine', { paid: f.money(b.minPaidMinor), bonus: f.money(b.bonusMinor) })).join('；') : '—',
          },
          {
            key: 'venues',
            label: t('loyalty.venues'),
            children: p.venueIds.length ? p.venueIds.map((id) => venues.find((v) => v.id === id)?.name ?? `#${id}`).join('、') : t('loyalty.allVenues'),
          },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 8 }}>
        {t('loyalty.tiers')}
      </Typography.Title>
      {p.tiers.length ? (
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={[...p.tiers].sort((a, b) => b.rank - a.rank)}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('loyalty.tier'), dataIndex: 'name', render: (v: string, r) => <Space><Tag color="gold">{v}</Tag><Typography.Text type="secondary">{r.code}</Typography.Text></Space> },
            {
              title: t('loyalty.qualify'),
              key: 'q',
              render: (_, r) => (r.qualifyBy === 'spend' ? t('loyalty.qualifySpend', { amount: f.money(r.threshold), days: p.tierWindowDays }) : t('loyalty.qualifyPoints', { n: f.integer(r.threshold) })),
            },
            { title: t('loyalty.earnRate'), dataIndex: 'earnRateBp', align: 'right', render: (v: number) => pct(v) },
            { title: t('loyalty.discount'), dataIndex: 'discountBp', align: 'right', render: (v: number) => (v ? pct(v) : '—') },
          ]}
        />
      ) : (
        <Typography.Text type="secondary">{t('loyalty.noTiers')}</Typography.Text>
      )}
    </Card>
  );
}

function LiabilityCard({ code }: { code: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { data, error, reload } = useApi<Liability>(`/api/loyalty/programmes/${encodeURIComponent(code)}/liability`);
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return <Loading rows={6} />;
  const byAge = AGES.map((a) => data.rows.filter((r) => r.age === a));
  const sum = (rows: Liability['rows'], k: 'pointsValueMinor' | 'svPaidMinor' | 'svBonusMinor') => rows.reduce((s, r) => s + r[k], 0);
  return (
    <Card className="panel" variant="borderless" title={t('loyalty.liability')} extra={<Typography.Text type="secondary">{t('loyalty.asOf', { date: f.day(data.asOf) })}</Typography.Text>} style={{ height: '100%' }}>
      <Row gutter={[12, 12]}>
        <Col xs={12} md={6}>
          <Statistic title={t('loyalty.totalLiability')} value={f.moneyCompact(data.totals.totalMinor)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('loyalty.points')} value={f.compact(data.totals.points)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('loyalty.svPaid')} value={f.moneyCompact(data.totals.svPaidMinor)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('loyalty.svBonus')} value={f.moneyCompact(data.totals.svBonusMinor)} />
        </Col>
      </Row>
      <Chart
        label={t('loyalty.liabilityByAge')}
        height={240}
        option={{
          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => f.money(Math.round(Number(v) * 10 ** f.decimals)) },
          legend: { bottom: 0 },
          grid: { left: 8, right: 8, top: 24, bottom: 32, containLabel: true },
          xAxis: { type: 'category', data: AGES.map((a) => t('loyalty.ageDays', { range: a })) },
          yAxis: { type: 'value', axisLabel: { formatter: (v: number) => f.compact(v) } },
          series: [
            { type: 'bar', stack: 'l', name: t('loyalty.pointsValue'), data: byAge.map((r) => f.major(sum(r, 'pointsValueMinor'))), barMaxWidth: 36, itemStyle: { color: '#faad14' } },
            { type: 'bar', stack: 'l', name: t('loyalty.svPaid'), data: byAge.map((r) => f.major(sum(r, 'svPaidMinor'))), barMaxWidth: 36, itemStyle: { color: '#2f54eb' } },
            { type: 'bar', stack: 'l', name: t('loyalty.svBonus'), data: byAge.map((r) => f.major(sum(r, 'svBonusMinor'))), barMaxWidth: 36, itemStyle: { color: '#85a5ff' } },
          ],
        }}
      />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
        {t('loyalty.liabilityHint')}
      </Typography.Paragraph>
    </Card>
  );
}

function SettlementCard({ code }: { code: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('month'), dayjs()]);
  const { data, error, loading, reload } = useApi<Settlement>(`/api/loyalty/programmes/${encodeURIComponent(code)}/settlement`, {
    from: range[0].format('YYYY-MM-DD'),
    to: range[1].format('YYYY-MM-DD'),
  });
  return (
    <Card
      className="panel"
      variant="borderless"
      title={t('loyalty.settlement')}
      extra={
        <DatePicker.RangePicker
          value={range}
          allowClear={false}
          onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])}
          aria-label={t('loyalty.period')}
        />
      }
    >
      {error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : (
        <Table
          size="small"
          loading={loading}
          rowKey={(r) => `${r.venueA.id}-${r.venueB.id}`}
          dataSource={data?.pairs ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <EmptyState title={t('loyalty.noSettlement')} /> }}
          columns={[
            { title: t('loyalty.venuePair'), key: 'pair', render: (_, r) => `${r.venueA.code} ⇄ ${r.venueB.code}` },
            { title: t('loyalty.transactions'), dataIndex: 'transactions', align: 'right', render: (v: number) => f.integer(v) },
            { title: t('loyalty.aOwesB'), key: 'ab', align: 'right', render: (_, r) => f.money(r.aOwesBPointsMinor + r.aOwesBStoredValueMinor) },
            { title: t('loyalty.bOwesA'), key: 'ba', align: 'right', render: (_, r) => f.money(r.bOwesAPointsMinor + r.bOwesAStoredValueMinor) },
            {
              title: t('loyalty.net'),
              dataIndex: 'netAToBMinor',
              align: 'right',
              render: (v: number, r) => (
                <Typography.Text strong>{v === 0 ? '—' : v > 0 ? t('loyalty.pays', { a: r.venueA.code, b: r.venueB.code, amount: f.money(v) }) : t('loyalty.pays', { a: r.venueB.code, b: r.venueA.code, amount: f.money(-v) })}</Typography.Text>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}

function MemberLookup({ venues }: { venues: Venue[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [by, setBy] = useState<'phone' | 'card' | 'code'>('phone');
  const [members, setMembers] = useState<Member[] | null>(null);
  const [busy, setBusy] = useState(false);
  const search = async (q: string) => {
    if (!q.trim()) return;
    setBusy(true);
    try {
      const r = await api<{ members: Member[] }>('/api/loyalty/lookup', { query: { [by]: q.trim() } });
      setMembers(r.members);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card className="panel" variant="borderless" title={t('loyalty.lookup')}>
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Segmented
          value={by}
          onChange={(v) => setBy(v as 'phone' | 'card' | 'code')}
          options={[
            { value: 'phone', label: t('customers.phone') },
            { value: 'card', label: t('loyalty.cardNumber') },
            { value: 'code', label: t('loyalty.referralCode') },
          ]}
        />
        <Input.Search
          data-testid="loyalty-lookup"
          allowClear
          enterButton={<><SearchOutlined /> {t('common.search')}</>}
          loading={busy}
          onSearch={search}
          aria-label={t('loyalty.lookup')}
          placeholder={t(`loyalty.lookup_${by}`)}
          style={{ maxWidth: 420 }}
        />
      </Flex>
      {members === null ? (
        <Typography.Text type="secondary">{t('loyalty.lookupHint')}</Typography.Text>
      ) : members.length === 0 ? (
        <EmptyState title={t('loyalty.noMember')} />
      ) : (
        <Flex vertical gap={24}>
          {members.map((m) => (
            <MemberView key={m.id} member={m} venues={venues} />
          ))}
        </Flex>
      )}
    </Card>
  );
}

function Loyalty() {
  const { t } = useTranslation();
  const { can } = useSession();
  const programmes = useApi<Programme[]>('/api/loyalty/programmes');
  const venues = useApi<Venue[]>('/api/venues');
  const [code, setCode] = useState<string | undefined>(undefined);
  if (!can('loyalty:operate')) return <Result status="403" title={t('common.forbidden')} subTitle={t('loyalty.needsPermission')} />;
  if (programmes.error) return <ErrorState error={programmes.error} onRetry={programmes.reload} />;
  if (!programmes.data) return <Loading rows={10} />;
  const list = programmes.data;
  const v = venues.data ?? [];
  if (!list.length) {
    return (
      <Card className="panel" variant="borderless">
        <Result
          icon={<CrownOutlined style={{ color: '#faad14' }} />}
          title={t('loyalty.noProgramme')}
          subTitle={t('loyalty.noProgrammeHint')}
          extra={can('settings:admin') ? <CreateProgramme venues={v} onDone={programmes.reload} /> : <Typography.Text type="secondary">{t('value.askAdmin')}</Typography.Text>}
        />
      </Card>
    );
  }
  const p = list.find((x) => x.code === code) ?? list[0]!;
  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        {list.length > 1 ? (
          <Select value={p.code} onChange={setCode} style={{ minWidth: 220 }} aria-label={t('loyalty.programme')} options={list.map((x) => ({ value: x.code, label: x.name }))} />
        ) : (
          <span />
        )}
        {can('settings:admin') && <CreateProgramme venues={v} onDone={programmes.reload} />}
      </Flex>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <ProgrammeCard p={p} venues={v} />
        </Col>
        <Col xs={24} xl={12}>
          <LiabilityCard code={p.code} />
        </Col>
      </Row>
      <MemberLookup venues={v} />
      <SettlementCard code={p.code} />
    </Flex>
  );
}

export default function LoyaltyPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('nav.loyalty')} subtitle={t('loyalty.subtitle')} />
      <FeatureGate prefix="/api/loyalty" feature={t('nav.loyalty')}>
        <Loyalty />
      </FeatureGate>
    </>
  );
}
