import {
  CalendarOutlined,
  GiftOutlined,
  MailOutlined,
  MessageOutlined,
  PhoneOutlined,
  PlusOutlined,
  RollbackOutlined,
  ShoppingOutlined,
  UserSwitchOutlined,
} from '@ant-design/icons';
import {
  App,
  Badge,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { Contact, Customer360, Order, OrderLine, Venue } from '../api/types';
import { Chart } from '../components/Chart';
import { KpiCard } from '../components/KpiCard';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useFormat, type Formatters } from '../lib/format';
import { codeLabel } from '../lib/labels';
import { useSession } from '../lib/session';
import { useApi } from '../lib/useApi';
import { CustomerAvatar, LEVEL_COLORS, memberLevel } from './CustomersPage';
import { CustomerExtras } from './customer-extras';

const CONTACT_ICONS: Record<string, ReactNode> = {
  sms: <MessageOutlined />,
  wechat: <MessageOutlined />,
  email: <MailOutlined />,
  call: <PhoneOutlined />,
  visit: <UserSwitchOutlined />,
  gift: <GiftOutlined />,
};

const TIMELINE_FIRST = 12;

function daysBetween(fromIso: string, to: Date): number {
  return Math.floor((to.getTime() - new Date(fromIso).getTime()) / 86_400_000);
}

function OrderLines({ lines, f }: { lines: OrderLine[]; f: Formatters }) {
  const { t } = useTranslation();
  return (
    <Table<OrderLine>
      size="small"
      rowKey="lineNo"
      pagination={false}
      dataSource={lines}
      columns={[
        { title: t('orders.sku'), dataIndex: 'sku', render: (v) => v ?? '—' },
        { title: t('orders.item'), dataIndex: 'description', render: (v) => v ?? '—' },
        { title: t('orders.quantity'), dataIndex: 'quantity', align: 'right', render: (v: number) => f.number(v, 3) },
        { title: t('orders.unitPrice'), dataIndex: 'unitPrice', align: 'right', render: (v: string | null) => v ?? '—' },
        { title: t('orders.discount'), dataIndex: 'discountMinor', align: 'right', render: (v: number) => (v ? f.money(v) : '—') },
        { title: t('orders.lineTotal'), dataIndex: 'lineTotalMinor', align: 'right', render: (v: number) => f.money(v) },
      ]}
    />
  );
}

function ContactForm({ customerId, venues, onDone }: { customerId: number; venues: Venue[]; onDone(): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();
  const scale = 10 ** f.decimals;
  const submit = async (v: { channel: string; direction: 'inbound' | 'outbound'; purpose?: string; cost?: number; note?: string; venueId?: number }) => {
    setBusy(true);
    try {
      await api(`/api/customers/${customerId}/contacts`, {
        method: 'POST',
        body: {
          channel: v.channel,
          direction: v.direction,
          purpose: v.purpose || undefined,
          costMinor: Math.round((v.cost ?? 0) * scale),
          note: v.note || undefined,
          venueId: v.venueId ?? null,
        },
      });
      message.success(t('c360.contactSaved'));
      setOpen(false);
      form.resetFields();
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
        {t('c360.recordContact')}
      </Button>
      <Modal
        open={open}
        title={t('c360.recordContact')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        okText={t('common.save')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ channel: 'call', direction: 'outbound', cost: 0 }}>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="channel" label={t('c360.channel')} rules={[{ required: true }]}>
                <Select
                  options={['visit', 'call', 'sms', 'email', 'wechat', 'mail', 'gift'].map((c) => ({ value: c, label: codeLabel(t, 'contactChannel', c) }))}
                />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="direction" label={t('c360.direction')}>
                <Radio.Group
                  optionType="button"
                  options={[
                    { value: 'outbound', label: t('c360.outbound') },
                    { value: 'inbound', label: t('c360.inbound') },
                  ]}
                />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="purpose" label={t('c360.purpose')}>
            <Input maxLength={200} placeholder={t('c360.purposePlaceholder')} />
          </Form.Item>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="cost" label={t('c360.cost', { currency: f.currency })}>
                <InputNumber min={0} step={1} precision={f.decimals} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="venueId" label={t('c360.venue')}>
                <Select allowClear options={venues.map((v) => ({ value: v.id, label: v.name }))} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="note" label={t('c360.note')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

type TimelineEvent = { at: string; kind: 'order'; order: Order } | { at: string; kind: 'contact'; contact: Contact };

export default function CustomerPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { can } = useSession();
  const { id } = useParams();
  const [allEvents, setAllEvents] = useState(false);
  const { data, error, loading, reload } = useApi<Customer360>(`/api/customers/${encodeURIComponent(id ?? '')}/360`);
  const venues = useApi<Venue[]>(can('venues:read') ? '/api/venues' : null);
  const venueName = useMemo(() => {
    const m = new Map((venues.data ?? []).map((v) => [v.id, v.name] as const));
    return (vid: number | null) => (vid === null ? '—' : m.get(vid) ?? `#${vid}`);
  }, [venues.data]);

  const events = useMemo<TimelineEvent[]>(() => {
    if (!data) return [];
    const e: TimelineEvent[] = [
      ...data.recentOrders.map((o) => ({ at: o.orderedAt, kind: 'order' as const, order: o })),
      ...data.recentContacts.map((c) => ({ at: c.occurredAt, kind: 'contact' as const, contact: c })),
    ];
    return e.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }, [data]);

  const extraTabs = CustomerExtras.useTabs(Number(id));

  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (loading && !data) return <Loading rows={12} />;
  if (!data) return null;

  const c = data.customer;
  const s = data.stats;
  const level = memberLevel(c);
  const sinceLast = s.lastOrderAt ? daysBetween(s.lastOrderAt, new Date()) : null;
  const name = c.name || t('customers.unnamed');

  const orderColumns: TableColumnsType<Order> = [
    { title: t('orders.date'), dataIndex: 'orderedAt', width: 150, render: (v: string) => f.dateTime(v) },
    { title: t('orders.number'), dataIndex: 'externalId', render: (v: string) => <Typography.Text copyable={{ text: v }}>{v}</Typography.Text> },
    {
      title: t('orders.status'),
      key: 'status',
      render: (_, o) =>
        o.kind === 'return' ? (
          <Tag color="orange">{t('orders.return')}</Tag>
        ) : o.status === 'completed' ? (
          <Tag color="green">{t('orders.completed')}</Tag>
        ) : o.status === 'cancelled' ? (
          <Tag>{t('orders.cancelled')}</Tag>
        ) : (
          <Tag color="orange">{t('orders.returned')}</Tag>
        ),
    },
    { title: t('orders.venue'), dataIndex: 'venueId', responsive: ['md'], render: (v: number | null) => venueName(v) },
    { title: t('orders.channel'), dataIndex: 'channel', responsive: ['lg'], render: (v: string | null) => codeLabel(t, 'orderChannel', v) },
    { title: t('orders.payment'), dataIndex: 'paymentMethod', responsive: ['lg'], render: (v: string | null) => codeLabel(t, 'payment', v) },
    { title: t('orders.items'), dataIndex: 'itemCount', align: 'right', responsive: ['sm'], render: (v: number) => f.number(v, 2) },
    { title: t('orders.total'), dataIndex: 'totalMinor', align: 'right', render: (v: number) => <span className="num">{f.money(v)}</span> },
  ];

  const contactColumns: TableColumnsType<Contact> = [
    { title: t('orders.date'), dataIndex: 'occurredAt', width: 150, render: (v: string) => f.dateTime(v) },
    { title: t('c360.channel'), dataIndex: 'channel', render: (v: string) => <Space>{CONTACT_ICONS[v]}{codeLabel(t, 'contactChannel', v)}</Space> },
    { title: t('c360.direction'), dataIndex: 'direction', render: (v: string) => (v === 'inbound' ? t('c360.inbound') : t('c360.outbound')) },
    { title: t('c360.purpose'), dataIndex: 'purpose', render: (v: string | null) => codeLabel(t, 'purpose', v) },
    { title: t('c360.cost', { currency: f.currency }), dataIndex: 'costMinor', align: 'right', render: (v: number) => f.money(v) },
    { title: t('c360.note'), dataIndex: 'note', responsive: ['lg'], ellipsis: true, render: (v: string | null) => v ?? '—' },
  ];

  const chronological = [...data.recentOrders].filter((o) => o.status !== 'cancelled').reverse();

  return (
    <>
      <PageHeader
        crumbs={[{ title: t('nav.customers'), to: '/customers' }, { title: name }]}
        title={
          <Flex align="center" gap={12} wrap>
            <CustomerAvatar c={c} size={40} />
            <span data-testid="customer-name">{name}</span>
            {level && <Tag color={LEVEL_COLORS[level] ?? 'default'}>{t(`levels.${level}`, { defaultValue: level })}</Tag>}
          </Flex>
        }
        subtitle={t('c360.subtitle', { id: c.externalId, since: f.date(c.createdAt) })}
        extra={can('contacts:write') && <ContactForm customerId={c.id} venues={venues.data ?? []} onDone={reload} />}
      />
      <Row gutter={[16, 16]}>
        <Col xs={12} sm={12} xl={6}>
          <KpiCard title={t('c360.revenue')} value={f.money(s.revenueMinor)} icon={<ShoppingOutlined />} color="#389e0d"
            footer={t('c360.returnsLine', { n: f.integer(s.returns), amount: f.money(s.returnsMinor) })} />
        </Col>
        <Col xs={12} sm={12} xl={6}>
          <KpiCard title={t('c360.orders')} value={f.integer(s.orders)} icon={<CalendarOutlined />}
            footer={t('c360.purchaseDaysLine', { n: f.integer(s.purchaseDays) })} />
        </Col>
        <Col xs={12} sm={12} xl={6}>
          <KpiCard title={t('c360.aov')} value={f.money(s.averageOrderValueMinor)} icon={<ShoppingOutlined />} color="#722ed1"
            footer={t('c360.firstOrderLine', { date: f.date(s.firstOrderAt) })} />
        </Col>
        <Col xs={12} sm={12} xl={6}>
          <KpiCard
            title={t('c360.lastOrder')}
            value={sinceLast === null ? '—' : t('c360.daysAgo', { count: sinceLast })}
            icon={<RollbackOutlined />}
            color={sinceLast !== null && sinceLast > 180 ? '#f5222d' : '#fa8c16'}
            footer={f.date(s.lastOrderAt)}
          />
        </Col>
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={8}>
          <Flex vertical gap={16}>
            <Card className="panel" variant="borderless" title={t('c360.profile')}>
              <Descriptions
                column={1}
                size="small"
                colon={false}
                styles={{ label: { width: 96, color: 'rgba(0,0,0,0.5)' } }}
                items={[
                  { key: 'phone', label: t('customers.phone'), children: c.phone ? <Typography.Text copyable>{c.phone}</Typography.Text> : '—' },
                  { key: 'email', label: t('customers.email'), children: c.email ? <Typography.Text copyable>{c.email}</Typography.Text> : '—' },
                  { key: 'gender', label: t('customers.gender'), children: c.gender ? t(`gender.${c.gender}`, { defaultValue: c.gender }) : '—' },
                  { key: 'birthday', label: t('c360.birthday'), children: f.day(c.birthday) },
                  { key: 'city', label: t('customers.city'), children: [c.city, c.country].filter(Boolean).join(' · ') || '—' },
                  { key: 'venue', label: t('c360.homeVenue'), children: venueName(c.homeVenueId) },
                  { key: 'channel', label: t('customers.channel'), children: codeLabel(t, 'acquisition', c.acquisitionChannel) },
                  { key: 'acq', label: t('c360.acquisitionCost'), children: f.money(c.acquisitionCostMinor) },
                  {
                    key: 'consent',
                    label: t('c360.consent'),
                    children: (
                      <Space size={12} wrap>
                        <Badge status={c.consentSms ? 'success' : 'default'} text={t('c360.sms')} />
                        <Badge status={c.consentEmail ? 'success' : 'default'} text={t('c360.emailConsent')} />
                      </Space>
                    ),
                  },
                  {
                    key: 'tags',
                    label: t('customers.tags'),
                    children: c.tags.length ? (
                      <Space size={[0, 4]} wrap>
                        {c.tags.map((x) => (
                          <Tag key={x} color="blue" bordered={false}>
                            {x}
                          </Tag>
                        ))}
                      </Space>
                    ) : (
                      '—'
                    ),
                  },
                  {
                    key: 'referrer',
                    label: t('c360.referredBy'),
                    children: data.referrer ? <Link to={`/customers/${data.referrer.id}`}>{data.referrer.name ?? data.referrer.externalId}</Link> : '—',
                  },
                  { key: 'cts', label: t('c360.contactCost'), children: t('c360.contactCostLine', { n: f.integer(s.contacts), amount: f.money(s.contactCostMinor) }) },
                ]}
              />
            </Card>
            <CustomerExtras.Value customerId={c.id} />
            <CustomerExtras.Prediction customerId={c.id} />
            <CustomerExtras.Suggest customerId={c.id} />
            <CustomerExtras.Loyalty
              customerId={c.id}
              fallback={
                <Card className="panel" variant="borderless" title={t('c360.referrals', { n: f.integer(data.referrals.total) })}>
                  {data.referrals.items.length ? (
                    <Flex vertical gap={8}>
                      {data.referrals.items.map((r) => (
                        <Flex key={r.id} justify="space-between" gap={8}>
                          <Link to={`/customers/${r.id}`}>{r.name ?? r.externalId}</Link>
                          <Typography.Text type="secondary">{r.externalId}</Typography.Text>
                        </Flex>
                      ))}
                    </Flex>
                  ) : (
                    <Typography.Text type="secondary">{t('c360.noReferrals')}</Typography.Text>
                  )}
                </Card>
              }
            />
          </Flex>
        </Col>
        <Col xs={24} lg={16}>
          <Flex vertical gap={16}>
            {chronological.length > 1 && (
              <Card className="panel" variant="borderless" title={t('c360.spendChart', { n: chronological.length })}>
                <Chart
                  label={t('c360.spendChart', { n: chronological.length })}
                  height={200}
                  option={{
                    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
                    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => f.money(Math.round(Number(v) * 10 ** f.decimals)) },
                    xAxis: { type: 'category', data: chronological.map((o) => f.day(o.localDate)), axisLabel: { hideOverlap: true } },
                    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => f.compact(v) }, splitLine: { lineStyle: { color: '#f0f0f0' } } },
                    series: [
                      {
                        type: 'bar',
                        name: t('orders.total'),
                        barMaxWidth: 22,
                        data: chronological.map((o) => ({
                          value: f.major(o.totalMinor),
                          itemStyle: { color: o.kind === 'return' ? '#fa8c16' : '#2f54eb', borderRadius: [4, 4, 0, 0] },
                        })),
                      },
                    ],
                  }}
                />
              </Card>
            )}
            <Card className="panel" variant="borderless" styles={{ body: { paddingTop: 4 } }}>
              <Tabs
                items={[
                  {
                    key: 'timeline',
                    label: t('c360.timeline'),
                    children: events.length ? (
                      <>
                      <Timeline
                        style={{ marginTop: 12 }}
                        items={(allEvents ? events : events.slice(0, TIMELINE_FIRST)).map((e) =>
                          e.kind === 'order'
                            ? {
                                key: `o${e.order.id}`,
                                color: e.order.kind === 'return' ? 'orange' : e.order.status === 'cancelled' ? 'gray' : 'blue',
                                icon: <ShoppingOutlined />,
                                content: (
                                  <Flex justify="space-between" gap={12} wrap>
                                    <div>
                                      <Typography.Text strong>
                                        {e.order.kind === 'return' ? t('c360.eventReturn') : e.order.status === 'cancelled' ? t('c360.eventCancelled') : t('c360.eventOrder')}
                                      </Typography.Text>
                                      <Typography.Text type="secondary"> · {venueName(e.order.venueId)} · {codeLabel(t, 'orderChannel', e.order.channel)}</Typography.Text>
                                      <div>
                                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                                          {f.dateTime(e.order.orderedAt)} ·{' '}
                                          {e.order.lines.slice(0, 3).map((l) => l.description ?? l.sku).filter(Boolean).join('、')}
                                          {e.order.lines.length > 3 ? ' …' : ''}
                                        </Typography.Text>
                                      </div>
                                    </div>
                                    <span className="timeline-amount">{f.money(e.order.totalMinor)}</span>
                                  </Flex>
                                ),
                              }
                            : {
                                key: `c${e.contact.id}`,
                                color: e.contact.purpose === 'complaint' ? 'red' : 'green',
                                icon: CONTACT_ICONS[e.contact.channel] ?? <MessageOutlined />,
                                content: (
                                  <div>
                                    <Typography.Text strong>{codeLabel(t, 'purpose', e.contact.purpose ?? e.contact.channel)}</Typography.Text>
                                    <Typography.Text type="secondary">
                                      {' '}
                                      · {codeLabel(t, 'contactChannel', e.contact.channel)} · {e.contact.direction === 'inbound' ? t('c360.inbound') : t('c360.outbound')}
                                    </Typography.Text>
                                    <div>
                                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                                        {f.dateTime(e.contact.occurredAt)}
                                        {e.contact.note ? ` · ${e.contact.note}` : ''}
                                      </Typography.Text>
                                    </div>
                                  </div>
                                ),
                              },
                        )}
                      />
                      {events.length > TIMELINE_FIRST && !allEvents && (
                        <Button type="link" onClick={() => setAllEvents(true)} style={{ paddingInline: 0 }}>
                          {t('c360.showAll', { n: events.length })}
                        </Button>
                      )}
                      </>
                    ) : (
                      <EmptyState title={t('c360.noActivity')} />
                    ),
                  },
                  {
                    key: 'orders',
                    label: t('c360.ordersTab', { n: f.integer(s.orders + s.returns) }),
                    children: (
                      <>
                        <Table<Order>
                          rowKey="id"
                          size="small"
                          columns={orderColumns}
                          dataSource={data.recentOrders}
                          pagination={false}
                          scroll={{ x: 'max-content' }}
                          expandable={{ expandedRowRender: (o) => <OrderLines lines={o.lines} f={f} />, rowExpandable: (o) => o.lines.length > 0 }}
                          locale={{ emptyText: <EmptyState title={t('c360.noOrders')} /> }}
                        />
                        {s.orders + s.returns > data.recentOrders.length && (
                          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
                            {t('c360.recentOnly', { n: data.recentOrders.length })}
                          </Typography.Paragraph>
                        )}
                      </>
                    ),
                  },
                  {
                    key: 'contacts',
                    label: t('c360.contactsTab', { n: f.integer(s.contacts) }),
                    children: (
                      <Table<Contact>
                        rowKey="id"
                        size="small"
                        columns={contactColumns}
                        dataSource={data.recentContacts}
                        pagination={false}
                        scroll={{ x: 'max-content' }}
                        locale={{ emptyText: <EmptyState title={t('c360.noContacts')} /> }}
                      />
                    ),
                  },
                  ...extraTabs,
                ]}
              />
            </Card>
          </Flex>
        </Col>
      </Row>
    </>
  );
}
