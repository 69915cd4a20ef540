import {
  CloudUploadOutlined,
  DollarOutlined,
  FireOutlined,
  RetweetOutlined,
  ShoppingCartOutlined,
  SmileOutlined,
  TeamOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { Button, Card, Col, Flex, Progress, Row, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Overview } from '../api/types';
import { Chart } from '../components/Chart';
import { KpiCard } from '../components/KpiCard';
import { PageHeader } from '../components/PageHeader';
import { ErrorState, Loading } from '../components/states';
import { useFormat } from '../lib/format';
import { useSession } from '../lib/session';
import { useApi } from '../lib/useApi';
import { OverviewExtras } from './overview-extras';

function GettingStarted() {
  const { t } = useTranslation();
  const { can } = useSession();
  return (
    <Card className="panel" variant="borderless" data-testid="getting-started">
      <Flex vertical align="center" gap={12} style={{ padding: '32px 12px', textAlign: 'center' }}>
        <CloudUploadOutlined style={{ fontSize: 44, color: '#2f54eb' }} />
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('overview.emptyTitle')}
        </Typography.Title>
        <Typography.Text type="secondary" style={{ maxWidth: 560 }}>
          {t('overview.emptyHint')}
        </Typography.Text>
        {can('imports:run') && (
          <Link to="/import">
            <Button type="primary" icon={<CloudUploadOutlined />}>
              {t('overview.importNow')}
            </Button>
          </Link>
        )}
        <Typography.Text code copyable>
          npx patron demo --customers 2000
        </Typography.Text>
      </Flex>
    </Card>
  );
}

export default function OverviewPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { settings } = useSession();
  const { data, error, loading, reload } = useApi<Overview>('/api/overview');

  if (error) return <ErrorState error={error} onRetry={reload} />;
  const o = data;
  const rate = o?.repeatPurchaseRate ?? null;
  const activeShare = o && o.customers > 0 ? o.activeCustomers / o.customers : null;

  return (
    <>
      <PageHeader
        title={t('overview.title')}
        subtitle={o ? t('overview.asOf', { date: f.day(o.asOf), name: settings?.name ?? '' }) : t('overview.subtitle')}
      />
      {loading && !o ? (
        <Loading rows={8} />
      ) : o && o.customers === 0 && o.orders === 0 ? (
        <GettingStarted />
      ) : o ? (
        <Flex vertical gap={16}>
          <Row gutter={[16, 16]}>
            <Col xs={12} sm={12} xl={6}>
              <KpiCard
                testId="kpi-customers"
                title={t('overview.customers')}
                value={f.integer(o.customers)}
                icon={<TeamOutlined />}
                help={t('overview.customersHelp')}
                footer={t('overview.buyersLine', { buyers: f.integer(o.buyers) })}
              />
            </Col>
            <Col xs={12} sm={12} xl={6}>
              <KpiCard
                title={t('overview.activeCustomers')}
                value={f.integer(o.activeCustomers)}
                icon={<FireOutlined />}
                color="#fa8c16"
                help={t('overview.activeHelp', { days: o.activeWindowDays })}
                footer={t('overview.activeLine', { share: f.percent(activeShare), days: o.activeWindowDays })}
              />
            </Col>
            <Col xs={12} sm={12} xl={6}>
              <KpiCard
                title={t('overview.revenue')}
                value={<span title={f.money(o.revenueMinor)}>{f.moneyCompact(o.revenueMinor)}</span>}
                icon={<DollarOutlined />}
                color="#389e0d"
                help={t('overview.revenueHelp')}
                footer={t('overview.ordersLine', { orders: f.integer(o.orders), anonymous: f.integer(o.anonymousOrders) })}
              />
            </Col>
            <Col xs={12} sm={12} xl={6}>
              <KpiCard
                title={t('overview.repeatRate')}
                value={f.percent(rate)}
                icon={<RetweetOutlined />}
                color="#722ed1"
                help={t('overview.repeatHelp')}
                footer={
                  <Progress
                    percent={rate === null ? 0 : Math.round(rate * 1000) / 10}
                    showInfo={false}
                    size="small"
                    strokeColor="#722ed1"
                    aria-label={t('overview.repeatRate')}
                  />
                }
              />
            </Col>
          </Row>
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={14}>
              <Card className="panel" variant="borderless" title={t('overview.funnelTitle')} style={{ height: '100%' }}>
                <Chart
                  label={t('overview.funnelTitle')}
                  height={260}
                  option={{
                    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
                    tooltip: {
                      trigger: 'axis',
                      axisPointer: { type: 'shadow' },
                      valueFormatter: (v: unknown) => f.integer(Number(v)),
                    },
                    xAxis: { type: 'value', splitNumber: 4, axisLabel: { formatter: (v: number) => f.compact(v), hideOverlap: true }, splitLine: { lineStyle: { color: '#f0f0f0' } } },
                    yAxis: {
                      type: 'category',
                      inverse: true,
                      axisTick: { show: false },
                      data: [t('overview.customers'), t('overview.buyers'), t('overview.repeatBuyers'), t('overview.activeCustomers')],
                    },
                    series: [
                      {
                        type: 'bar',
                        name: t('overview.customers'),
                        barMaxWidth: 28,
                        data: [o.customers, o.buyers, o.repeatBuyers, o.activeCustomers].map((v, i) => ({
                          value: v,
                          itemStyle: { color: ['#2f54eb', '#597ef7', '#722ed1', '#fa8c16'][i], borderRadius: [0, 6, 6, 0] },
                        })),
                        label: {
                          show: true,
                          position: 'right',
                          formatter: (p: { value: number }) =>
                            `${f.integer(p.value)}  ${o.customers > 0 ? f.percent(p.value / o.customers, 0) : ''}`,
                        },
                      },
                    ],
                  }}
                />
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card className="panel" variant="borderless" title={t('overview.healthTitle')} style={{ height: '100%' }}>
                <Flex vertical gap={14}>
                  <HealthRow
                    icon={<ShoppingCartOutlined style={{ color: '#2f54eb' }} />}
                    label={t('overview.aov')}
                    value={o.orders > 0 ? f.money(Math.round(o.revenueMinor / o.orders)) : '—'}
                  />
                  <HealthRow
                    icon={<RetweetOutlined style={{ color: '#722ed1' }} />}
                    label={t('overview.ordersPerBuyer')}
                    value={o.buyers > 0 ? f.number(o.orders / o.buyers, 2) : '—'}
                  />
                  <HealthRow
                    icon={<WarningOutlined style={{ color: '#f5222d' }} />}
                    label={t('overview.churnRisk')}
                    value={<OverviewExtras.ChurnRisk />}
                  />
                  <HealthRow
                    icon={<SmileOutlined style={{ color: '#13c2c2' }} />}
                    label={t('overview.nps')}
                    value={<OverviewExtras.Nps />}
                  />
                </Flex>
              </Card>
            </Col>
          </Row>
          <OverviewExtras.Trends />
        </Flex>
      ) : null}
    </>
  );
}

function HealthRow({ icon, label, value }: { icon: ReactNode; label: string; value: ReactNode }) {
  return (
    <Flex justify="space-between" align="center" gap={12} style={{ borderBottom: '1px solid #f5f5f5', paddingBottom: 12 }}>
      <Flex gap={10} align="center">
        <span style={{ fontSize: 18 }} aria-hidden>
          {icon}
        </span>
        <Typography.Text>{label}</Typography.Text>
      </Flex>
      <Typography.Text strong className="num" style={{ fontSize: 16 }}>
        {value}
      </Typography.Text>
    </Flex>
  );
}
