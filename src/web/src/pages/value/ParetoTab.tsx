import { Alert, Card, Col, Flex, Row, Segmented, Statistic, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { AbcData, AbcResult } from '../../api/analytics';
import { Chart } from '../../components/Chart';
import { ErrorState, Loading } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useReport, useValue } from './context';
import { ReportTableView } from './ReportTableView';

export default function ParetoTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { snapshot } = useValue();
  const [measure, setMeasure] = useState<'revenue' | 'profit'>('revenue');
  const { data: report, error, reload } = useReport<AbcData | AbcResult>('abc');
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!report) return <Loading rows={10} />;
  // The report's data is the ABC result, or { abc, abcProfit } when it also ranks by profit.
  const raw = report.data;
  const byRevenue = 'abc' in raw ? raw.abc : raw;
  const byProfit = 'abc' in raw ? raw.abcProfit : null;
  const useProfit = measure === 'profit' && byProfit !== null;
  const r = useProfit ? byProfit! : byRevenue;
  const classTables = report.tables.filter((x) => x.columns[0]?.key === 'class');
  const table = classTables[useProfit ? 1 : 0] ?? report.tables[0]!;
  const a = r.classes.find((c) => c.class === 'A');
  const hasLoss = r.totals.negativeMinor < 0;
  const curve = r.curve.map((p) => [p.customerShare, p.shareOfPositive ?? 0]);
  const netCurve = r.curve.map((p) => [p.customerShare, p.shareOfNet ?? 0]);

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        {byProfit ? (
          <Segmented
            value={useProfit ? 'profit' : 'revenue'}
            onChange={(v) => setMeasure(v as 'revenue' | 'profit')}
            options={[
              { value: 'revenue', label: t('value.byRevenue') },
              { value: 'profit', label: t('value.byProfit') },
            ]}
          />
        ) : (
          <Typography.Text type="secondary">{t(`value.measure_${r.measure}`)}</Typography.Text>
        )}
      </Flex>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('value.aCustomers')} value={a ? f.percent(a.customerShare) : '—'} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('value.aValue')} value={a ? f.percent(a.shareOfPositive) : '—'} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('value.gini')} value={r.gini === null ? '—' : f.number(r.gini, 2)} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={useProfit ? t('value.totalProfit') : t('value.totalRevenue')} value={f.moneyCompact(r.totals.netMinor)} />
          </Card>
        </Col>
      </Row>
      {a && (
        <Alert
          type="info"
          showIcon
          title={t('value.paretoReading', { customers: f.percent(a.customerShare, 0), value: f.percent(a.shareOfPositive, 0), measure: useProfit ? t('value.profit') : t('value.revenue') })}
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" variant="outlined" title={t('value.paretoCurve')}>
            <Chart
              label={t('value.paretoCurve')}
              height={360}
              option={{
                tooltip: {
                  trigger: 'axis',
                  formatter: (ps: { value: number[]; seriesName: string }[]) =>
                    `${t('value.topCustomers', { share: f.percent(ps[0]!.value[0]) })}<br/>` +
                    ps.filter((p) => p.seriesName !== t('value.equality')).map((p) => `${p.seriesName}: <b>${f.percent(p.value[1])}</b>`).join('<br/>'),
                },
                legend: { top: 0 },
                grid: { left: 8, right: 24, top: 36, bottom: 28, containLabel: true },
                xAxis: { type: 'value', min: 0, max: 1, name: t('value.shareOfCustomers'), nameLocation: 'middle', nameGap: 28, axisLabel: { formatter: (v: number) => f.percent(v, 0) } },
                yAxis: { type: 'value', min: 0, max: (v: { max: number }) => Math.max(1, Math.ceil(v.max * 10) / 10), axisLabel: { formatter: (v: number) => f.percent(v, 0) } },
                series: [
                  {
                    type: 'line',
                    name: useProfit ? t('value.shareOfProfit') : t('value.shareOfRevenue'),
                    data: curve,
                    showSymbol: false,
                    smooth: false,
                    lineStyle: { width: 3 },
                    areaStyle: { opacity: 0.08 },
                    markLine: {
                      symbol: 'none',
                      label: { formatter: '{b}', position: 'insideEndTop' },
                      lineStyle: { type: 'dashed', color: '#fa8c16' },
                      data: [{ yAxis: r.cutoffs.A, name: `A ${f.percent(r.cutoffs.A, 0)}` }, ...(a ? [{ xAxis: a.customerShare, name: f.percent(a.customerShare, 0) }] : [])],
                    },
                  },
                  ...(hasLoss
                    ? [{ type: 'line', name: t('value.shareOfNet'), data: netCurve, showSymbol: false, lineStyle: { width: 2, type: 'dotted' } }]
                    : []),
                  { type: 'line', name: t('value.equality'), data: [[0, 0], [1, 1]], showSymbol: false, lineStyle: { color: '#bfbfbf', type: 'dashed', width: 1 }, tooltip: { show: false } },
                ],
              }}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" variant="outlined" title={table.title}>
            <ReportTableView
              table={table}
              size="small"
              firstCell={(text, i) => {
                const cls = r.classes[i]?.class;
                return cls ? <Link to={`/value/segments/abc/${cls}?snapshot=${snapshot.id}`}>{text}</Link> : text;
              }}
            />
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12, marginBottom: 0 }}>
              {t('value.abcHint')}
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>
    </Flex>
  );
}
