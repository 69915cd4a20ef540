import { Card, Col, Flex, Row, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { TiersData } from '../../api/analytics';
import { Chart } from '../../components/Chart';
import { ErrorState, Loading } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useReport, useValue } from './context';
import { ReportTableView } from './ReportTableView';
import { TIER_COLORS } from './segment-colors';

export default function TiersTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { snapshot } = useValue();
  const { data: report, error, reload } = useReport<TiersData>('tiers');
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!report) return <Loading rows={10} />;
  const d = report.data;
  const names = report.tables[0]!.rows.map((r) => String(r[0]));
  const tx = d.transactionCustomers;
  const actionCol = report.tables[0]!.columns.findIndex((c) => c.key === 'action');
  return (
    <Flex vertical gap={16}>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card size="small" variant="outlined" title={t('value.pyramid')}>
            <div className="card-hint">{t('value.pyramidHint')}</div>
            <Chart
              label={t('value.pyramid')}
              height={300}
              option={{
                tooltip: {
                  trigger: 'axis',
                  axisPointer: { type: 'shadow' },
                  valueFormatter: (v: unknown) => f.percent(Math.abs(Number(v))),
                },
                legend: { top: 0, data: [t('value.customerShare'), t('value.profitShare')] },
                grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
                xAxis: {
                  type: 'value',
                  min: -1,
                  max: 1,
                  axisLabel: { formatter: (v: number) => f.percent(Math.abs(v), 0) },
                },
                yAxis: { type: 'category', inverse: true, data: names, axisTick: { show: false }, axisLine: { show: false } },
                series: [
                  {
                    type: 'bar',
                    name: t('value.customerShare'),
                    stack: 'x',
                    data: d.tiers.map((x) => ({ value: -x.customerShare, itemStyle: { color: `${TIER_COLORS[x.tier]}88`, borderRadius: [4, 0, 0, 4] } })),
                    label: { show: true, position: 'left', fontSize: 11, formatter: (p: { value: number }) => f.percent(-p.value, 0) },
                    barMaxWidth: 34,
                  },
                  {
                    type: 'bar',
                    name: t('value.profitShare'),
                    stack: 'x',
                    data: d.tiers.map((x) => ({ value: x.valueShareOfNet ?? 0, itemStyle: { color: TIER_COLORS[x.tier], borderRadius: [0, 4, 4, 0] } })),
                    label: { show: true, position: 'right', fontSize: 11, formatter: (p: { value: number }) => f.percent(p.value, 0) },
                    barMaxWidth: 34,
                  },
                ],
              }}
            />
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card size="small" variant="outlined" title={report.tables[0]!.title}>
            <ReportTableView
              table={report.tables[0]!}
              size="small"
              hide={['action', 'revenueShare']}
              firstCell={(text, i) => {
                const tier = d.tiers[i]?.tier;
                return tier ? (
                  <Flex align="center" gap={8}>
                    <span className="seg-dot" style={{ background: TIER_COLORS[tier] }} aria-hidden />
                    <Link to={`/value/segments/tier/${tier}?snapshot=${snapshot.id}`}>{text}</Link>
                  </Flex>
                ) : (
                  text
                );
              }}
            />
            <Flex vertical gap={6} style={{ marginTop: 12 }}>
              {d.tiers.map((x, i) => (
                <Typography.Text key={x.tier} type="secondary" style={{ fontSize: 12 }}>
                  <span className="seg-dot" style={{ background: TIER_COLORS[x.tier], marginInlineEnd: 6 }} aria-hidden />
                  <b>{names[i]}</b>：{String(report.tables[0]!.rows[i]?.[actionCol] ?? '')}
                </Typography.Text>
              ))}
            </Flex>
          </Card>
        </Col>
      </Row>
      <Card size="small" variant="outlined" title={report.tables[1]?.title ?? t('value.transactionCustomers')}>
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6}>
            <Statistic title={t('value.customers')} value={f.integer(tx.customers)} />
          </Col>
          <Col xs={12} md={6}>
            <Statistic title={t('value.customerShare')} value={f.percent(tx.customerShare)} />
          </Col>
          <Col xs={12} md={6}>
            <Statistic title={t('value.revenue')} value={f.moneyCompact(tx.revenueMinor)} />
          </Col>
          <Col xs={12} md={6}>
            <Statistic title={t('value.margin')} value={f.moneyCompact(tx.marginMinor)} />
          </Col>
        </Row>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12, marginBottom: 0 }}>
          {t('value.transactionHint')}
        </Typography.Paragraph>
      </Card>
    </Flex>
  );
}
